import assert from "node:assert/strict";
import { test } from "node:test";

import { statusReport } from "../src/reports";

test("in sync: one reassuring line naming the (masked) database", () => {
  const view = statusReport({ ok: true, state: "in-sync", database: "postgresql://u:***@h/app", changes: [], pending: [], ahead: 0 });
  assert.equal(view.summary, "schemalens: postgresql://u:***@h/app matches the schema files; no pending migrations");
  assert.equal(view.warning, false);
});

test("drift and pending migrations are counted, and each is listed for the log", () => {
  const view = statusReport({
    ok: true,
    state: "pending",
    database: "sqlite:///app.db",
    changes: [{ id: "c1", description: "drop column users.nickname", dataLoss: "drops users.nickname", lock: null }],
    pending: ["0001_add_nickname"],
    ahead: 0,
  });
  assert.equal(view.summary, "schemalens: 1 change between the schema files and sqlite:///app.db; 1 pending migration");
  assert.equal(view.warning, true);
  assert.ok(view.lines.includes("change: drop column users.nickname (data loss: drops users.nickname)"));
  assert.ok(view.lines.includes("pending migration: 0001_add_nickname"));
});

test("an unreachable database says why", () => {
  const view = statusReport({ ok: true, state: "unreachable", database: "postgresql://h/db", message: "connection refused", changes: [], pending: [] });
  assert.match(view.summary, /connection refused/);
  assert.equal(view.warning, true);
});

test("a failed command or no answer is still a sentence", () => {
  assert.match(statusReport({ ok: false, message: "no check has finished yet" }).summary, /no check has finished yet/);
  assert.match(statusReport(undefined).summary, /no answer/);
});
