// The VS Code side of schemalens: start the Python server, forward commands, show status.
// All schema logic lives in the server; this file only wires VS Code to it.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  MessageType,
  ServerOptions,
  ShowMessageNotification,
  ShowMessageParams,
  ShowMessageRequest,
  ShowMessageRequestParams,
} from "vscode-languageclient/node";

import { canImportSchemalens, InterpreterChoice, resolveInterpreter } from "./interpreter";
import { bundledWheel, installArgs, serverLaunch } from "./launch";
import { classify, Level, LineBuffer } from "./logging";
import { questionDialog, shapeMessage } from "./messages";
import { StatusResult, statusReport } from "./reports";
import { maskSecrets, needsRestart, serverSettings } from "./settings";
import { externalStudioUrl, forwardedHost } from "./studio";
import { baselineHint, ServerStatus, statusView } from "./status";

const SERVER_COMMANDS = ["push", "generate", "generateAlembic", "migrate", "previewSql"] as const;
const REPORT_COMMANDS = ["status", "check"] as const;
const SHOW_DETAILS = "Show details";
const BASELINE_ACTION = "Baseline…";

let client: LanguageClient | undefined;
let lastStatus: ServerStatus | undefined;
let output: vscode.LogOutputChannel;
let statusItem: vscode.StatusBarItem;
let databaseLogged = false;

function log(message: string, level: Level = "info"): void {
  output[level](maskSecrets(message));
}

// The channel vscode-languageclient writes to: its "[Error - time]" lines and the server's stderr,
// each filed at its own level in our log channel (see logging.ts), passwords masked.
class LeveledChannel implements vscode.OutputChannel {
  private readonly lines = new LineBuffer();
  private last: Level = "info";

  constructor(private readonly target: vscode.LogOutputChannel) {}

  get name(): string {
    return this.target.name;
  }

  private write(line: string): void {
    if (!line.trim()) return;
    const { level, text } = classify(line, this.last);
    this.last = level;
    log(text, level);
  }

  append(value: string): void {
    for (const line of this.lines.push(value)) this.write(line);
  }

  appendLine(value: string): void {
    this.write(value);
  }

  replace(value: string): void {
    this.target.replace(value);
  }

  clear(): void {
    this.target.clear();
  }

  show(columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    this.target.show(typeof columnOrPreserveFocus === "boolean" ? columnOrPreserveFocus : preserveFocus);
  }

  hide(): void {
    this.target.hide();
  }

  dispose(): void {
    // the log channel itself is disposed with the extension
  }
}

function messageFunction(type: MessageType): typeof vscode.window.showInformationMessage {
  if (type === MessageType.Error) return vscode.window.showErrorMessage;
  if (type === MessageType.Warning) return vscode.window.showWarningMessage;
  return vscode.window.showInformationMessage;
}

// The server's `window/showMessage`: a short toast, the whole text in the log, the fix as an action.
async function tell(params: ShowMessageParams): Promise<void> {
  const shaped = shapeMessage(maskSecrets(params.message));
  const level: Level = params.type === MessageType.Error ? "error" : params.type === MessageType.Warning ? "warn" : "info";
  log(params.message, level);
  const actions = [...(shaped.remedy === "baseline" ? [BASELINE_ACTION] : []), ...(shaped.detail ? [SHOW_DETAILS] : [])];
  const picked = await messageFunction(params.type)(shaped.summary, ...actions);
  if (picked === BASELINE_ACTION) await baseline();
  if (picked === SHOW_DETAILS) output.show(true);
}

// The server's `window/showMessageRequest` (the data-loss question): a modal dialog with the list.
async function ask(params: ShowMessageRequestParams): Promise<{ title: string } | null> {
  const dialog = questionDialog(maskSecrets(params.message));
  const items = (params.actions ?? []).map((a) => ({ title: a.title, isCloseAffordance: a.title === "Cancel" }));
  const show = messageFunction(params.type) as (message: string, ...rest: unknown[]) => Thenable<{ title: string } | undefined>;
  const picked = dialog.modal ? await show(dialog.message, { modal: true, detail: dialog.detail }, ...items) : await show(dialog.message, ...items);
  return picked ? { title: picked.title } : null;
}

async function baseline(): Promise<void> {
  const answer = await vscode.window.showWarningMessage(
    "Record the pending migrations as applied, without running them?",
    {
      modal: true,
      detail:
        "Do this when the database already has what they create (it was changed by push or by hand). schemalens first compares the database with the migrations' end state and records nothing if they differ.",
    },
    "Baseline",
  );
  if (answer === "Baseline") await runServerCommand("migrate", { baseline: true });
}

async function report(name: (typeof REPORT_COMMANDS)[number]): Promise<void> {
  const result = (await runServerCommand(name)) as StatusResult | undefined;
  if (!result?.ok) return; // the server has already said why
  const view = statusReport(result);
  for (const line of view.lines) log(`${name}: ${line}`);
  const show = view.warning ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  if ((await show(view.summary, SHOW_DETAILS)) === SHOW_DETAILS) output.show(true);
}

async function openStudio(): Promise<void> {
  const result = (await runServerCommand("studio")) as { ok?: boolean; url?: string } | undefined;
  if (!result?.ok || !result.url) return;
  // Through a port proxy (code-server, remote windows) the page arrives under the editor's host:
  // name that host to the studio, which refuses any other (DNS rebinding).
  const base = await vscode.env.asExternalUri(vscode.Uri.parse(new URL(result.url).origin, true));
  const external = externalStudioUrl(result.url, base.toString(true));
  const host = forwardedHost(result.url, external);
  if (host) {
    const again = (await runServerCommand("studio", { forwardedHost: host })) as { ok?: boolean } | undefined;
    if (!again?.ok) return;
    log(`studio forwarded as ${host}`);
  }
  await vscode.env.openExternal(vscode.Uri.parse(external, true));
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
  log(`schemalens is not importable in ${python.command} (${python.source}): ${check.detail}`, "warn");
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
          log(stdout + stderr, error ? "error" : "info");
          if (error) void vscode.window.showErrorMessage(`Installing schemalens failed: ${maskSecrets(stderr || error.message)}`);
          else void vscode.window.showInformationMessage(`schemalens installed into ${python.command}; starting the server.`);
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
  const settings = serverSettings((key) => vscode.workspace.getConfiguration("schemalens").get(key));
  const given = Object.entries(settings).map(([key, value]) => `schemalens.${key} = ${JSON.stringify(value)}`);
  log(`settings: ${given.length ? given.join(", ") : "none set in VS Code (the project's configuration decides)"}`);
  databaseLogged = false;
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
    initializationOptions: settings,
    outputChannel: new LeveledChannel(output),
    traceOutputChannel: output,
  };
  client = new LanguageClient("schemalens", "schemalens", serverOptions, clientOptions);
  client.onNotification("schemalens/status", (status: ServerStatus) => {
    const hint = baselineHint(lastStatus, status);
    lastStatus = status;
    renderStatus();
    if (!databaseLogged) {
      databaseLogged = true;
      void logDatabase();
    }
    if (hint) {
      void vscode.window.showWarningMessage(hint, BASELINE_ACTION).then((picked) => (picked ? baseline() : undefined));
    }
  });
  client.onNotification(ShowMessageNotification.type, (params) => void tell(params));
  client.onRequest(ShowMessageRequest.type, (params) => ask(params));
  await client.start();
}

// Which database the server picked (settings, DATABASE_URL, .env, pyproject...), masked by the server.
async function logDatabase(): Promise<void> {
  const result = (await runServerCommand("status").catch(() => undefined)) as StatusResult | undefined;
  if (result?.ok) log(`database: ${result.database} (${result.state})`);
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
  for (const name of REPORT_COMMANDS) {
    context.subscriptions.push(vscode.commands.registerCommand(`schemalens.client.${name}`, () => report(name)));
  }
  context.subscriptions.push(
    vscode.commands.registerCommand("schemalens.client.studio", openStudio),
    vscode.commands.registerCommand("schemalens.client.baseline", baseline),
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
