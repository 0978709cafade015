import assert from "node:assert/strict";
import { test } from "node:test";

import { statusView } from "../src/status";

const base = { uri: "file:///p/schema.sql", changes: 0, pending: 0 };

test("in sync", () => {
  const view = statusView({ ...base, state: "in-sync" });
  assert.match(view.text, /in sync/);
  assert.equal(view.warning, false);
});

test("drift counts changes and offers push, preview and generate", () => {
  const view = statusView({ ...base, state: "drift", changes: 3 });
  assert.match(view.text, /3 changes/);
  assert.equal(statusView({ ...base, state: "drift", changes: 1 }).text.includes("1 change"), true);
  assert.deepEqual(view.actions.map((a) => a.command), ["schemalens.client.previewSql", "schemalens.client.push", "schemalens.client.generate"]);
  assert.equal(view.warning, true);
});

test("pending migrations offer to run them", () => {
  const view = statusView({ ...base, state: "pending", pending: 2 });
  assert.match(view.text, /2 pending migrations/);
  assert.equal(view.actions[0].command, "schemalens.client.migrate");
});

test("unreachable shows the server's message (already masked by the server)", () => {
  const view = statusView({ ...base, state: "unreachable", message: "cannot connect to postgresql://u:***@h/db" });
  assert.match(view.text, /unreachable/);
  assert.equal(view.tooltip, "cannot connect to postgresql://u:***@h/db");
});

test("before the first status and on errors, logs are one click away", () => {
  assert.ok(statusView(undefined).actions.some((a) => a.command === "schemalens.client.showLogs"));
  assert.ok(statusView({ ...base, state: "error" }).actions.some((a) => a.command === "schemalens.client.showLogs"));
});
