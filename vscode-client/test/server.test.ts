// Drives the real Python server over stdio through the extension's own launch path.
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";

import { resolveInterpreter } from "../src/interpreter";
import { serverLaunch } from "../src/launch";

interface Diagnostic {
  message: string;
  severity?: number;
  source?: string;
  range: { start: { line: number; character: number } };
}

let child: ChildProcess | undefined;
let connection: MessageConnection | undefined;

after(() => {
  connection?.dispose();
  child?.kill();
});

test("the real server publishes diagnostics for a schema file", { timeout: 90000 }, async () => {
  const python = await resolveInterpreter({ setting: undefined, pythonExtension: async () => undefined, env: process.env });
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "schemalens-client-"));
  const schemaPath = path.join(project, "schema.sql");
  const text = "CREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  email TEXT NOT NULL\n);\nCREATE TABLE broken (id INTEGER,, x);\n";
  fs.writeFileSync(schemaPath, text);
  fs.writeFileSync(path.join(project, "schemalens.toml"), 'schema = "schema.sql"\n');

  const launch = serverLaunch(python.command, project, process.env);
  child = spawn(launch.command, launch.args, { cwd: launch.options.cwd, env: launch.options.env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const uri = pathToFileURL(schemaPath).toString();
  const published = new Promise<Diagnostic[]>((resolve) => {
    connection!.onNotification("textDocument/publishDiagnostics", (params: { uri: string; diagnostics: Diagnostic[] }) => {
      if (params.uri === uri && params.diagnostics.length) resolve(params.diagnostics);
    });
  });
  connection.onRequest("workspace/configuration", (params: { items: unknown[] }) => params.items.map(() => ({})));
  connection.onRequest("client/registerCapability", () => null);
  connection.onRequest("window/workDoneProgress/create", () => null);
  connection.onNotification(() => undefined);
  connection.listen();

  const init = (await Promise.race([connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: pathToFileURL(project).toString(),
    capabilities: { textDocument: { publishDiagnostics: {} }, workspace: { configuration: true } },
    initializationOptions: {},
    workspaceFolders: [{ uri: pathToFileURL(project).toString(), name: "project" }],
  }), new Promise((_, reject) => child!.on("exit", (code) => reject(new Error(`server exited with ${code}: ${stderr}`))))])) as {
    capabilities: Record<string, unknown>;
  };
  assert.ok(init.capabilities, `no capabilities; server stderr: ${stderr}`);
  await connection.sendNotification("initialized", {});
  await connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "sql", version: 1, text } });

  const exited = new Promise<never>((_, reject) =>
    child!.on("exit", (code) => reject(new Error(`server exited with ${code}: ${stderr}`))),
  );
  const diagnostics = await Promise.race([published, exited]);
  assert.ok(diagnostics.every((d) => d.source === "schemalens"));
  const syntax = diagnostics.find((d) => d.range.start.line === 4);
  assert.ok(syntax, `no diagnostic on the broken statement: ${JSON.stringify(diagnostics)}`);
  await connection.sendRequest("shutdown");
  await connection.sendNotification("exit");
});
