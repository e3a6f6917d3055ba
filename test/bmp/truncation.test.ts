// Truncated input: every prefix of every valid message decodes without a
// throw and with at least one problem, and a stream cut anywhere inside a
// message is reported when it ends.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { BmpFramer } from "../../src/bmp/framer.js";
import { decodeBmpMessage } from "../../src/bmp/message-decoder.js";
import { CORPUS } from "./corpus.js";
import { session } from "./decode.js";

function optionsFor(entry: (typeof CORPUS)[number]) {
  const s = session({ fourOctetAsn: !entry.twoOctet, addPathReceived: entry.addPath ? [[1, 1], [2, 1]] : [] });
  return { sessionFor: () => s };
}

describe("truncated messages", () => {
  test("the corpus itself decodes without problems", () => {
    for (const entry of CORPUS) {
      const d = decodeBmpMessage(entry.bytes, optionsFor(entry));
      assert.deepEqual(d.problems, [], entry.name);
      assert.ok(d.message, entry.name);
    }
  });

  test("every prefix of every message is decoded without a throw and reports a problem", () => {
    for (const entry of CORPUS) {
      for (let n = 0; n < entry.bytes.length; n++) {
        const d = decodeBmpMessage(entry.bytes.subarray(0, n), optionsFor(entry));
        assert.ok(d.problems.length > 0, `${entry.name} cut to ${n} octets reported nothing`);
        assert.ok(!d.problems.some((p) => p.code === "internal_error"), `${entry.name} cut to ${n}: ${JSON.stringify(d.problems)}`);
      }
    }
  });

  test("every prefix with its header length rewritten to match is decoded without a throw", () => {
    // Now the common header agrees, so only the inner lengths can tell the message is short.
    for (const entry of CORPUS) {
      for (let n = 6; n < entry.bytes.length; n++) {
        const cut = entry.bytes.slice(0, n);
        new DataView(cut.buffer).setUint32(1, n);
        const d = decodeBmpMessage(cut, optionsFor(entry));
        assert.ok(!d.problems.some((p) => p.code === "internal_error" || p.code === "length_mismatch"), `${entry.name} cut to ${n}`);
      }
    }
  });

  test("a stream that ends inside any message is reported by end()", () => {
    for (const entry of CORPUS) {
      for (let n = 1; n < entry.bytes.length; n++) {
        const framer = new BmpFramer();
        const out = framer.push(entry.bytes.subarray(0, n));
        assert.deepEqual(out.messages, []);
        assert.equal(framer.end()?.code, "truncated_stream", `${entry.name} cut to ${n}`);
      }
    }
  });
});
