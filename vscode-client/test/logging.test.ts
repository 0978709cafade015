import assert from "node:assert/strict";
import { test } from "node:test";

import { classify, LineBuffer } from "../src/logging";

test("a normal stop's exit code 0 is information, not an error", () => {
  assert.deepEqual(classify("[Error - 10:00:00 AM] Server process exited with code 0."), { level: "info", text: "Server process exited with code 0." });
  assert.equal(classify("[Error - 10:00:00 AM] Server process exited with code 1.").level, "error");
});

test("the language client's own levels are kept", () => {
  assert.equal(classify("[Warn  - 10:00:00] something").level, "warn");
  assert.equal(classify("[Info  - 10:00:00] started").level, "info");
});

test("the server's log lines keep their level, and a traceback continues the line before it", () => {
  const error = classify("2026-12-02 05:00:00,123 schemalens.lsp.checks ERROR the check failed");
  assert.equal(error.level, "error");
  assert.equal(classify("Traceback (most recent call last):", error.level).level, "error");
  assert.equal(classify("2026-12-02 05:00:00,123 pygls.server WARNING slow").level, "warn");
});

test("stderr chunks come out as whole lines", () => {
  const buffer = new LineBuffer();
  assert.deepEqual(buffer.push("first li"), []);
  assert.deepEqual(buffer.push("ne\nsecond\nthi"), ["first line", "second"]);
  assert.deepEqual(buffer.push("rd\n"), ["third"]);
});
