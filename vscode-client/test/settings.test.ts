import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

import { bundledWheel, installArgs, serverLaunch } from "../src/launch";
import { maskSecrets, needsRestart, serverSettings } from "../src/settings";

test("only non-empty settings reach the server", () => {
  const values: Record<string, unknown> = { databaseUrl: " postgresql://u@h/db ", schema: ["db/schema.sql", ""], migrations: "", dialect: "", python: "/x" };
  assert.deepEqual(serverSettings((k) => values[k]), { databaseUrl: "postgresql://u@h/db", schema: ["db/schema.sql"] });
  assert.deepEqual(serverSettings(() => undefined), {});
});

test("interpreter and trace changes restart the server; the rest does not", () => {
  assert.equal(needsRestart((s) => s === "schemalens.python"), true);
  assert.equal(needsRestart((s) => s === "schemalens.databaseUrl"), false);
});

// The server's masking tests read the same table (tests/unit/test_connect.py).
const MASKING_CASES = join(__dirname, "..", "..", "..", "tests", "data", "masking_cases.json");

test("passwords are masked as the server masks them", () => {
  const { cases } = JSON.parse(readFileSync(MASKING_CASES, "utf8")) as {
    cases: { text: string; masked: string; secret: string | null }[];
  };
  assert.ok(cases.length > 10);
  for (const { text, masked, secret } of cases) {
    assert.equal(maskSecrets(text), masked, text);
    if (secret !== null) assert.ok(!maskSecrets(text).includes(secret), text);
  }
});

test("passwords are masked in log lines", () => {
  assert.equal(maskSecrets("connect postgresql://bob:hunter2@db:5432/app failed"), "connect postgresql://bob:***@db:5432/app failed");
  assert.equal(maskSecrets("postgres://h/db?user=a&password=pw"), "postgres://h/db?user=a&password=***");
  assert.equal(maskSecrets("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
});

test("the server is started as a module of the chosen interpreter", () => {
  const launch = serverLaunch("/venv/bin/python", "/proj", { PATH: "/bin" });
  assert.equal(launch.command, "/venv/bin/python");
  assert.deepEqual(launch.args, ["-m", "schemalens", "lsp"]);
  assert.equal(launch.options.cwd, "/proj");
  assert.equal(launch.options.env.PYTHONUNBUFFERED, "1");
  assert.equal(launch.options.env.PATH, "/bin");
});

test("the newest bundled wheel is installed", () => {
  assert.equal(bundledWheel("/ext", ["readme.txt", "schemalens-0.1.0-py3-none-any.whl", "schemalens-0.2.0-py3-none-any.whl"]), "/ext/bundled/schemalens-0.2.0-py3-none-any.whl");
  assert.equal(bundledWheel("/ext", []), undefined);
  assert.deepEqual(installArgs("/w.whl"), ["-m", "pip", "install", "--upgrade", "/w.whl"]);
});

test("masking is linear in the text: a long word of '://' and no '@' is left as it is", { timeout: 60_000 }, () => {
  const word = "x://".repeat(200_000); // the old rule: minutes (quadratic); this one: milliseconds
  assert.equal(maskSecrets(`error near ${word} here`), `error near ${word} here`);
  assert.equal(maskSecrets(`${word}u:pw@h`).endsWith("***@h"), true);
});
