// Which Python runs the server. It must be the user's interpreter: the server imports
// the user's models and database drivers. No `vscode` import here, so it is testable in Node.
import { spawn } from "node:child_process";

export interface InterpreterChoice {
  command: string;
  // Where it came from, shown in the output channel and in errors.
  source: "setting schemalens.python" | "Python extension" | "SCHEMALENS_PYTHON" | "default python3";
}

export interface InterpreterInputs {
  setting: string | undefined;
  // The Python extension's active interpreter for the workspace, when that extension is installed.
  pythonExtension: () => Promise<string | undefined>;
  env: NodeJS.ProcessEnv;
}

// An explicit setting wins, then the Python extension, then SCHEMALENS_PYTHON (tests, CI), then python3.
export async function resolveInterpreter(inputs: InterpreterInputs): Promise<InterpreterChoice> {
  const setting = inputs.setting?.trim();
  if (setting) {
    return { command: setting, source: "setting schemalens.python" };
  }
  const fromExtension = await inputs.pythonExtension().catch(() => undefined);
  if (fromExtension) {
    return { command: fromExtension, source: "Python extension" };
  }
  const fromEnv = inputs.env.SCHEMALENS_PYTHON?.trim();
  if (fromEnv) {
    return { command: fromEnv, source: "SCHEMALENS_PYTHON" };
  }
  return { command: "python3", source: "default python3" };
}

export interface ImportCheck {
  ok: boolean;
  detail: string;
}

// Whether `python -c "import schemalens"` works in that interpreter.
export function canImportSchemalens(python: string, timeoutMs = 20000): Promise<ImportCheck> {
  return new Promise((resolve) => {
    let output = "";
    let child;
    try {
      child = spawn(python, ["-c", "import schemalens, sys; print(sys.version.split()[0])"], { timeout: timeoutMs });
    } catch (error) {
      resolve({ ok: false, detail: String(error) });
      return;
    }
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => resolve({ ok: false, detail: `${python}: ${error.message}` }));
    child.on("close", (code) => resolve({ ok: code === 0, detail: output.trim() }));
  });
}
