import assert from "node:assert/strict";
import { test } from "node:test";

import { BASELINE_SUMMARY, questionDialog, shapeMessage } from "../src/messages";

// The server's texts (server/schemalens/lsp/commands.py, history/run.py), as it sends them.
const REFUSED =
  "schemalens: migrate refused: migrations/0000_init.sql creates table public.users, column users.email, column users.name, which already exist(s)\n" +
  "nothing was executed. The database was changed outside migrations (schemalens push, or by hand). If it already matches the migrations, " +
  "record them as applied without running them: `schemalens migrate --baseline` (all pending) or `schemalens resolve --applied 0000_init` (one); otherwise drop the objects first.";
const LOSS = "These changes lose data:\n- drop column users.nickname (3 rows hold data)\n- drop table logs (1 row holds data)\nPush them?";

test("a migrate refusal whose fix is a baseline is one short sentence with a Baseline action", () => {
  const shaped = shapeMessage(REFUSED);
  assert.equal(shaped.summary, BASELINE_SUMMARY);
  assert.ok(shaped.summary.length < 160);
  assert.equal(shaped.remedy, "baseline");
  assert.match(shaped.detail ?? "", /0000_init\.sql creates table public\.users/);
});

test("a short one-line message is shown as it is", () => {
  assert.deepEqual(shapeMessage("schemalens: pushed 1 change(s) to sqlite:///app.db (1 statement(s))"), {
    summary: "pushed 1 change(s) to sqlite:///app.db (1 statement(s))",
  });
});

test("a long or multi-line message shows its first line, shortened at a clause, with the rest as detail", () => {
  const long = `push refused: ${"table t has a column that cannot be changed in place, ".repeat(6)}\nsecond line`;
  const shaped = shapeMessage(long);
  assert.ok(shaped.summary.length <= 161, shaped.summary);
  assert.ok(shaped.summary.endsWith("…"));
  assert.equal(shaped.detail, long);
  assert.equal(shaped.remedy, undefined);
  const two = shapeMessage("migration failed\nat line 3");
  assert.deepEqual(two, { summary: "migration failed", detail: "migration failed\nat line 3" });
});

test("the data-loss question is a modal dialog: the list, one line per change with its rows, in detail", () => {
  const dialog = questionDialog(LOSS);
  assert.equal(dialog.modal, true);
  assert.equal(dialog.message, "These changes lose data. Push them?");
  assert.equal(dialog.detail, "- drop column users.nickname (3 rows hold data)\n- drop table logs (1 row holds data)");
});

test("a one-line question stays a toast", () => {
  assert.deepEqual(questionDialog("Push 2 changes?"), { message: "Push 2 changes?", modal: false });
});
