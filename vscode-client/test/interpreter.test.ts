import assert from "node:assert/strict";
import { test } from "node:test";

import { canImportSchemalens, resolveInterpreter } from "../src/interpreter";

const none = async (): Promise<string | undefined> => undefined;

test("an explicit setting wins over everything", async () => {
  const choice = await resolveInterpreter({ setting: " /opt/py/bin/python ", pythonExtension: async () => "/venv/bin/python", env: { SCHEMALENS_PYTHON: "/x" } });
  assert.deepEqual(choice, { command: "/opt/py/bin/python", source: "setting schemalens.python" });
});

test("the Python extension's interpreter comes next", async () => {
  const choice = await resolveInterpreter({ setting: "", pythonExtension: async () => "/venv/bin/python", env: {} });
  assert.deepEqual(choice, { command: "/venv/bin/python", source: "Python extension" });
});

test("a failing Python extension API falls through instead of breaking activation", async () => {
  const choice = await resolveInterpreter({ setting: undefined, pythonExtension: () => Promise.reject(new Error("boom")), env: {} });
  assert.equal(choice.command, "python3");
});

test("SCHEMALENS_PYTHON, then python3", async () => {
  assert.deepEqual(await resolveInterpreter({ setting: undefined, pythonExtension: none, env: { SCHEMALENS_PYTHON: "/ci/python" } }), {
    command: "/ci/python",
    source: "SCHEMALENS_PYTHON",
  });
  assert.deepEqual(await resolveInterpreter({ setting: undefined, pythonExtension: none, env: {} }), { command: "python3", source: "default python3" });
});

test("a missing interpreter is reported, not thrown", async () => {
  const check = await canImportSchemalens("/nonexistent/python");
  assert.equal(check.ok, false);
  assert.match(check.detail, /nonexistent/);
});
