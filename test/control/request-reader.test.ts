// How the control socket reads a request off a connection: bytes up to the
// first newline, decoded once as UTF-8, at most 64 KiB, one request per
// connection. The split-character case was found by the fuzz bench (the
// request read in chunks differed from the same bytes read at once).
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { MAX_REQUEST_BYTES } from "../../src/control/protocol.js";
import { RequestReader, type RequestEvent } from "../../src/control/request-reader.js";

/** The events of reading `chunks` then the end of the connection. */
function read(...chunks: (string | Uint8Array)[]): (RequestEvent | undefined)[] {
  const r = new RequestReader();
  return [...chunks.map((c) => r.push(typeof c === "string" ? Buffer.from(c) : c)), r.end()];
}

describe("control request reader", () => {
  test("a request split inside a UTF-8 character reads as the same text", () => {
    const line = Buffer.from('{"version":1,"command":"meter.attach","args":{"iface":"é"}}\n');
    const cut = line.indexOf(0xc3) + 1; // between the two octets of é
    assert.deepEqual(read(line.subarray(0, cut), line.subarray(cut)), [undefined, { kind: "request", line: line.toString().trimEnd() }, undefined]);
  });

  test("the fuzz case: a mutated request whose invalid UTF-8 is cut between chunks decodes as it does whole", () => {
    const bytes = Buffer.from((
        "7b2276657273696f6e223a312c22636f6d6d616e93d4415e20ca79cf7ab5ea0cca8064223a226d657465722e646574616368222c2261726773223a7b" +
        "226966616365223a22626c75653a7665746830222c226e65746e73223a22227d7d0a"
      ), "hex");
    const whole = read(bytes)[0];
    for (let cut = 0; cut <= bytes.length; cut++) assert.deepEqual(read(bytes.subarray(0, cut), bytes.subarray(cut)).find(Boolean), whole, `cut at ${cut}`);
  });

  test("the limit counts the octets before the newline: 64 KiB pass, one more is refused", () => {
    const at = (n: number) => read(Buffer.alloc(n, 0x41), "\n").find(Boolean);
    assert.deepEqual(at(MAX_REQUEST_BYTES), { kind: "request", line: "A".repeat(MAX_REQUEST_BYTES) });
    assert.deepEqual(at(MAX_REQUEST_BYTES + 1), { kind: "too_large" });
    // Two-octet characters: half as many characters fit.
    assert.deepEqual(read("é".repeat(MAX_REQUEST_BYTES / 2 + 1)).find(Boolean), { kind: "too_large" });
  });

  test("one request per connection: whatever follows the first line is ignored", () => {
    assert.deepEqual(read('{"a":1}\n{"b":2}\n', '{"c":3}\n'), [{ kind: "request", line: '{"a":1}' }, undefined, undefined]);
  });

  test("a connection that ends without a newline sends what it had; only whitespace is an empty request", () => {
    assert.deepEqual(read('{"version":1,', '"command":"status"}'), [undefined, undefined, { kind: "request", line: '{"version":1,"command":"status"}' }]);
    assert.deepEqual(read(" \t "), [undefined, { kind: "empty" }]);
    assert.deepEqual(read(), [{ kind: "empty" }]);
  });

  test("chunks are copied: reusing one after pushing it does not change the request", () => {
    const r = new RequestReader();
    const chunk = Buffer.from('{"version":1,');
    r.push(chunk);
    chunk.fill(0x20);
    assert.deepEqual(r.push(Buffer.from('"command":"status"}\n')), { kind: "request", line: '{"version":1,"command":"status"}' });
  });
});
