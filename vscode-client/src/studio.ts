// Opening the studio through the editor's port forwarding (code-server's /proxy/<port>/, Remote SSH,
// Codespaces). The studio refuses a Host it does not know (DNS rebinding), so the client names the one
// forwarded host the page will arrive under.

// The host (with port) the forwarded URL arrives under, or undefined when the studio is reached directly.
export function forwardedHost(local: string, external: string): string | undefined {
  const before = new URL(local);
  const after = new URL(external);
  return after.host === before.host ? undefined : after.host;
}
