// How the server process is started and what it is told at start. Shared by the extension
// and by the test that drives the real server over stdio, so both take the same path.
import * as path from "node:path";

export interface ServerLaunch {
  command: string;
  args: string[];
  options: { cwd?: string; env: NodeJS.ProcessEnv };
}

export function serverLaunch(python: string, cwd: string | undefined, env: NodeJS.ProcessEnv): ServerLaunch {
  return {
    command: python,
    args: ["-m", "schemalens", "lsp"],
    // Unbuffered, UTF-8 stdio: the protocol runs over it.
    options: { cwd, env: { ...env, PYTHONUNBUFFERED: "1", PYTHONIOENCODING: "utf-8" } },
  };
}

// The wheel built into the .vsix at packaging time, offered when schemalens is missing.
export function bundledWheel(extensionRoot: string, files: string[]): string | undefined {
  const wheel = files.filter((f) => /^schemalens-.*\.whl$/.test(f)).sort().pop();
  return wheel ? path.join(extensionRoot, "bundled", wheel) : undefined;
}

export function installArgs(wheel: string): string[] {
  return ["-m", "pip", "install", "--upgrade", wheel];
}
