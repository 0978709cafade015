import assert from "node:assert/strict";
import { test } from "node:test";

import { baselineHint, statusView } from "../src/status";

const base = { uri: "file:///p/schema.sql", changes: 0, pending: 0 };

test("starting: before the server answers and after its starting status, never an error", () => {
  for (const view of [statusView(undefined), statusView({ ...base, state: "starting" })]) {
    assert.match(view.text, /starting/);
    assert.equal(view.warning, false);
    assert.deepEqual(view.actions.map((a) => a.command), ["schemalens.client.showLogs"]);
  }
});

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
  // The database lacks what they create (it differs from the files): running them is the way.
  const view = statusView({ ...base, state: "pending", pending: 2, changes: 1 });
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

test("pending migrations on a database that already matches the schema offer a baseline first", () => {
  const pushed = { ...base, state: "pending" as const, pending: 1, changes: 0 };
  const view = statusView(pushed);
  assert.equal(view.actions[0].command, "schemalens.client.baseline");
  assert.match(view.tooltip, /already matches the schema files/);
  assert.equal(statusView({ ...pushed, changes: 2 }).actions[0].command, "schemalens.client.migrate");
});

test("the baseline hint is said once, when the project comes to that state", () => {
  const pushed = { ...base, state: "pending" as const, pending: 1, changes: 0 };
  assert.match(baselineHint({ ...base, state: "in-sync" }, pushed) ?? "", /Baseline/);
  assert.equal(baselineHint(pushed, pushed), undefined);
  assert.match(baselineHint(pushed, { ...pushed, pending: 2 }) ?? "", /2 migrations/);
  assert.equal(baselineHint(undefined, { ...pushed, changes: 1 }), undefined);
});
