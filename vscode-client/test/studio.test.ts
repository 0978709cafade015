import assert from "node:assert/strict";
import { test } from "node:test";

import { forwardedHost } from "../src/studio";

test("a studio reached directly needs no forwarded host", () => {
  assert.equal(forwardedHost("http://127.0.0.1:4983/?token=t", "http://127.0.0.1:4983/?token=t"), undefined);
});

test("through code-server's port proxy the page arrives under code-server's host", () => {
  assert.equal(forwardedHost("http://127.0.0.1:4983/?token=t", "http://127.0.0.1:8080/proxy/4983/?token=t"), "127.0.0.1:8080");
  assert.equal(forwardedHost("http://127.0.0.1:4983/?token=t", "https://4983-box.example.dev/?token=t"), "4983-box.example.dev");
});
