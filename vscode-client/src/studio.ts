// Opening the studio through the editor's port forwarding (code-server's /proxy/<port>/, Remote SSH,
// Codespaces). The studio refuses a Host it does not know (DNS rebinding), so the client names the one
// forwarded host the page will arrive under.

// The host (with port) the forwarded URL arrives under, or undefined when the studio is reached directly.
export function forwardedHost(local: string, external: string): string | undefined {
  const before = new URL(local);
  const after = new URL(external);
  return after.host === before.host ? undefined : after.host;
}

// The URL to open: the forwarded base the editor gave for the studio's address, with the studio's
// own path and query (its launch token) on it. asExternalUri keeps only the base in some editors
// (code-server answers `/proxy/<port>/` without the query), and a studio URL without its token is refused.
export function externalStudioUrl(local: string, externalBase: string): string {
  const studio = new URL(local);
  const url = new URL(externalBase);
  url.pathname = url.pathname.replace(/\/?$/, "/") + studio.pathname.replace(/^\//, "");
  for (const [key, value] of studio.searchParams) url.searchParams.set(key, value);
  return url.toString();
}
