// The VS Code side of schemalens: start the Python server, forward commands, show status.
// All schema logic lives in the server; this file only wires VS Code to it.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { ExecuteCommandRequest, LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

import { canImportSchemalens, InterpreterChoice, resolveInterpreter } from "./interpreter";
import { bundledWheel, installArgs, serverLaunch } from "./launch";
import { maskSecrets, needsRestart, serverSettings } from "./settings";
import { ServerStatus, statusView } from "./status";

const SERVER_COMMANDS = ["push", "generate", "migrate", "previewSql", "status", "check"] as const;

let client: LanguageClient | undefined;
let lastStatus: ServerStatus | undefined;
let output: vscode.LogOutputChannel;
let statusItem: vscode.StatusBarItem;

function log(message: string): void {
  output.info(maskSecrets(message));
}

function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

async function pythonExtensionInterpreter(): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension("ms-python.python");
  if (!extension) return undefined;
  const api = await extension.activate();
  const resource = vscode.workspace.workspaceFolders?.[0]?.uri;
  const active = api?.environments?.getActiveEnvironmentPath?.(resource);
  if (!active?.path) return undefined;
  const resolved = await api.environments.resolveEnvironment?.(active).catch(() => undefined);
  return resolved?.executable?.uri?.fsPath ?? active.path;
}

async function chooseInterpreter(): Promise<InterpreterChoice> {
  return resolveInterpreter({
    setting: vscode.workspace.getConfiguration("schemalens").get<string>("python"),
    pythonExtension: pythonExtensionInterpreter,
    env: process.env,
  });
}

// Offer to install schemalens from the wheel inside the .vsix; true when it is importable now.
async function ensureInstalled(context: vscode.ExtensionContext, python: InterpreterChoice): Promise<boolean> {
  const check = await canImportSchemalens(python.command);
  if (check.ok) {
    log(`server interpreter ${python.command} (${python.source}), Python ${check.detail}`);
    return true;
  }
  log(`schemalens is not importable in ${python.command} (${python.source}): ${check.detail}`);
  const bundledDir = path.join(context.extensionPath, "bundled");
  const wheel = bundledWheel(context.extensionPath, fs.existsSync(bundledDir) ? fs.readdirSync(bundledDir) : []);
  const choice = await vscode.window.showErrorMessage(
    `schemalens is not installed in ${python.command} (${python.source}).`,
    ...(wheel ? ["Install"] : []),
    "Choose interpreter setting",
  );
  if (choice === "Choose interpreter setting") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "schemalens.python");
    return false;
  }
  if (choice !== "Install" || !wheel) return false;
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Installing schemalens into ${python.command}` },
    () =>
      new Promise<boolean>((resolve) => {
        execFile(python.command, installArgs(wheel), { timeout: 300000 }, (error, stdout, stderr) => {
          log(stdout + stderr);
          if (error) void vscode.window.showErrorMessage(`Installing schemalens failed: ${maskSecrets(stderr || error.message)}`);
          resolve(!error);
        });
      }),
  );
}

async function startServer(context: vscode.ExtensionContext): Promise<void> {
  const python = await chooseInterpreter();
  if (!(await ensureInstalled(context, python))) {
    lastStatus = undefined;
    statusItem.text = "$(warning) schemalens not installed";
    return;
  }
  const launch = serverLaunch(python.command, workspaceFolder(), process.env);
  const serverOptions: ServerOptions = { command: launch.command, args: launch.args, options: launch.options };
  const clientOptions: LanguageClientOptions = {
    // SQL schema files, and Python files: a project may name its SQLAlchemy models module
    // as the schema (the server leaves every other Python file alone).
    documentSelector: [
      { scheme: "file", language: "sql" },
      { scheme: "file", pattern: "**/*.sql" },
      { scheme: "file", language: "python" },
    ],
    synchronize: { configurationSection: "schemalens" },
    initializationOptions: serverSettings((key) => vscode.workspace.getConfiguration("schemalens").get(key)),
    outputChannel: output,
    traceOutputChannel: output,
  };
  client = new LanguageClient("schemalens", "schemalens", serverOptions, clientOptions);
  client.onNotification("schemalens/status", (status: ServerStatus) => {
    lastStatus = status;
    renderStatus();
  });
  await client.start();
}

async function stopServer(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) await running.stop().catch((error) => log(`stopping the server: ${error}`));
}

function renderStatus(): void {
  const view = statusView(lastStatus);
  statusItem.text = view.text;
  statusItem.tooltip = view.tooltip;
  statusItem.backgroundColor = view.warning ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
  statusItem.show();
}

function activeUri(): string | undefined {
  return vscode.window.activeTextEditor?.document.uri.toString() ?? lastStatus?.uri;
}

async function runServerCommand(name: string, extra: Record<string, unknown> = {}): Promise<unknown> {
  if (!client) {
    void vscode.window.showWarningMessage("The schemalens server is not running: see schemalens: Show logs.");
    return undefined;
  }
  return client.sendRequest(ExecuteCommandRequest.type, { command: `schemalens.${name}`, arguments: [{ uri: activeUri(), ...extra }] });
}

function hasProjectConfig(): boolean {
  const folder = workspaceFolder();
  if (!folder) return false;
  if (fs.existsSync(path.join(folder, "schemalens.toml"))) return true;
  const pyproject = path.join(folder, "pyproject.toml");
  return fs.existsSync(pyproject) && fs.readFileSync(pyproject, "utf8").includes("[tool.schemalens");
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("schemalens", { log: true });
  statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  statusItem.command = "schemalens.client.statusActions";
  context.subscriptions.push(output, statusItem);

  for (const name of SERVER_COMMANDS) {
    context.subscriptions.push(vscode.commands.registerCommand(`schemalens.client.${name}`, () => runServerCommand(name)));
  }
  context.subscriptions.push(
    vscode.commands.registerCommand("schemalens.client.studio", async () => {
      const result = (await runServerCommand("studio")) as { ok?: boolean; url?: string } | undefined;
      if (result?.ok && result.url) await vscode.env.openExternal(vscode.Uri.parse(result.url));
    }),
    vscode.commands.registerCommand("schemalens.client.restart", async () => {
      await stopServer();
      await startServer(context);
    }),
    vscode.commands.registerCommand("schemalens.client.showLogs", () => output.show()),
    vscode.commands.registerCommand("schemalens.client.statusActions", async () => {
      const actions = statusView(lastStatus).actions;
      const picked = await vscode.window.showQuickPick(actions.map((a) => a.label), { placeHolder: statusItem.tooltip?.toString() });
      const action = actions.find((a) => a.label === picked);
      if (action) await vscode.commands.executeCommand(action.command);
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (needsRestart((section) => event.affectsConfiguration(section))) {
        await stopServer();
        await startServer(context);
      }
    }),
  );

  const python = vscode.extensions.getExtension("ms-python.python");
  if (python) {
    const api = await python.activate();
    const subscription = api?.environments?.onDidChangeActiveEnvironmentPath?.(async () => {
      log("the Python extension's interpreter changed: restarting the server");
      await stopServer();
      await startServer(context);
    });
    if (subscription) context.subscriptions.push(subscription);
  }

  renderStatus();
  const sqlOpen = vscode.workspace.textDocuments.some((d) => d.languageId === "sql");
  if (hasProjectConfig() || sqlOpen) {
    await startServer(context);
    return;
  }
  // Activated by a pyproject.toml without [tool.schemalens]: wait for a SQL file.
  const waiting = vscode.workspace.onDidOpenTextDocument(async (document) => {
    if (document.languageId === "sql" && !client) {
      waiting.dispose();
      await startServer(context);
    }
  });
  context.subscriptions.push(waiting);
}

export async function deactivate(): Promise<void> {
  await stopServer();
}
