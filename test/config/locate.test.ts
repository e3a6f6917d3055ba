import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { locateKeys } from "../../src/config/locate.js";

const TEXT = `# [commented] = 1
[agent]
interfaces = [
  "eth0", # [not a header]
  'en.+',
]
bpf.sample_rate = 5
"quoted key" = 1
  [agent . prometheus ]   # spaces in headers are allowed
host = "a # b"
notes = """
fake = 1
[fake]
"""
inline = { a = 1, b.c = [2, 3], d = { e = 4 } }
[[agent.outputs]]
kind = "x"
[[agent.outputs]]
kind = "y"
[agent.outputs.tls]
ca = "ca.pem"
`;

describe("locateKeys: the line each key is written on", () => {
  const locator = locateKeys(TEXT);

  test("records table headers, including spaced ones", () => {
    assert.equal(locator.lineOf(["agent"]), 2);
    assert.equal(locator.lineOf(["agent", "prometheus"]), 9);
  });

  test("records plain keys under the current table", () => {
    assert.equal(locator.lineOf(["agent", "interfaces"]), 3);
    assert.equal(locator.lineOf(["agent", "prometheus", "host"]), 10);
  });

  test("records each element of a multi-line array on its own line", () => {
    assert.equal(locator.lineOf(["agent", "interfaces", 0]), 4);
    assert.equal(locator.lineOf(["agent", "interfaces", 1]), 5);
    assert.equal(locator.lineOf(["agent", "interfaces", 2]), undefined);
  });

  test("records dotted keys and the tables they create", () => {
    assert.equal(locator.lineOf(["agent", "bpf", "sample_rate"]), 7);
    assert.equal(locator.lineOf(["agent", "bpf"]), 7);
  });

  test("records quoted keys", () => {
    assert.equal(locator.lineOf(["agent", "quoted key"]), 8);
  });

  test("ignores headers and keys inside comments and multi-line strings", () => {
    assert.equal(locator.lineOf(["commented"]), undefined);
    assert.equal(locator.lineOf(["not a header"]), undefined);
    assert.equal(locator.lineOf(["fake"]), undefined);
    assert.equal(locator.lineOf(["agent", "prometheus", "fake"]), undefined);
    assert.equal(locator.lineOf(["agent", "prometheus", "notes"]), 11);
  });

  test("keeps counting lines after a multi-line string", () => {
    assert.equal(locator.lineOf(["agent", "prometheus", "inline"]), 15);
  });

  test("records keys inside inline tables, nested ones too", () => {
    assert.equal(locator.lineOf(["agent", "prometheus", "inline", "a"]), 15);
    assert.equal(locator.lineOf(["agent", "prometheus", "inline", "b", "c", 1]), 15);
    assert.equal(locator.lineOf(["agent", "prometheus", "inline", "d", "e"]), 15);
  });

  test("numbers the elements of arrays of tables", () => {
    assert.equal(locator.lineOf(["agent", "outputs"]), 16);
    assert.equal(locator.lineOf(["agent", "outputs", 0, "kind"]), 17);
    assert.equal(locator.lineOf(["agent", "outputs", 1, "kind"]), 19);
    assert.equal(locator.lineOf(["agent", "outputs", 1, "tls", "ca"]), 21);
  });

  test("records keys of inline tables inside arrays, numbered per element", () => {
    const inArray = locateKeys('[agent.ipfix]\ncollectors = [\n  { host = "a" },\n  { host = "b", bind = { port = 1 } },\n]\n');
    assert.equal(inArray.lineOf(["agent", "ipfix", "collectors", 0]), 3);
    assert.equal(inArray.lineOf(["agent", "ipfix", "collectors", 0, "host"]), 3);
    assert.equal(inArray.lineOf(["agent", "ipfix", "collectors", 1, "bind", "port"]), 4);
    assert.equal(inArray.lineOf(["agent", "ipfix", "collectors", 2]), undefined);
  });

  test("nearestLineOf falls back to the first line inside a key, then to the enclosing key", () => {
    const implicit = locateKeys("[a.b.c]\nx = 1\n[d]\n");
    assert.equal(implicit.lineOf(["a"]), undefined);
    assert.equal(implicit.nearestLineOf(["a"]), 1);
    assert.equal(implicit.nearestLineOf(["d", "missing"]), 3);
    assert.equal(implicit.nearestLineOf(["nowhere"]), undefined);
  });

  test("counts CRLF line endings as one line", () => {
    assert.equal(locateKeys("[a]\r\nx = 1\r\ny = 2\r\n").lineOf(["a", "y"]), 3);
  });

  test("finishes on any text, even text that is not TOML, with lines inside the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => {
        const lineCount = text.split("\n").length;
        const locator = locateKeys(text);
        const line = locator.nearestLineOf(["agent"]);
        return line === undefined || (line >= 1 && line <= lineCount);
      }),
      { numRuns: 500 },
    );
  });
});
