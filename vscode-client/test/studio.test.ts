import assert from "node:assert/strict";
import { test } from "node:test";

import { externalStudioUrl, forwardedHost } from "../src/studio";

test("a studio reached directly needs no forwarded host", () => {
  assert.equal(forwardedHost("http://127.0.0.1:4983/?token=t", "http://127.0.0.1:4983/?token=t"), undefined);
});

test("through code-server's port proxy the page arrives under code-server's host", () => {
  assert.equal(forwardedHost("http://127.0.0.1:4983/?token=t", "http://127.0.0.1:8080/proxy/4983/?token=t"), "127.0.0.1:8080");
  assert.equal(forwardedHost("http://127.0.0.1:4983/?token=t", "https://4983-box.example.dev/?token=t"), "4983-box.example.dev");
});

test("the studio's token rides on the forwarded base the editor gives", () => {
  assert.equal(externalStudioUrl("http://127.0.0.1:4983/?token=a-b_c", "http://127.0.0.1:8080/proxy/4983/"), "http://127.0.0.1:8080/proxy/4983/?token=a-b_c");
  assert.equal(externalStudioUrl("http://127.0.0.1:4983/?token=t", "http://127.0.0.1:4983/"), "http://127.0.0.1:4983/?token=t");
  assert.equal(externalStudioUrl("http://127.0.0.1:4983/?token=t", "https://4983-box.example.dev?tkn=x"), "https://4983-box.example.dev/?tkn=x&token=t");
});
