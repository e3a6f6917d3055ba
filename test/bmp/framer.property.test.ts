// Property: however TCP cuts a stream into chunks, the framer gives back the
// same messages, and never holds more than the message it is assembling.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { BmpFramer } from "../../src/bmp/framer.js";
import { cat } from "./builders.js";
import { CORPUS } from "./corpus.js";

test("any split of a stream yields the same messages", () => {
  const messages = fc.array(fc.integer({ min: 0, max: CORPUS.length - 1 }), { minLength: 1, maxLength: 12 }).map((ix) => ix.map((i) => CORPUS[i].bytes));
  const scenario = messages.chain((msgs) => {
    const total = msgs.reduce((s, m) => s + m.length, 0);
    return fc.tuple(fc.constant(msgs), fc.uniqueArray(fc.integer({ min: 0, max: total }), { maxLength: 40 }));
  });
  fc.assert(
    fc.property(scenario, ([msgs, cuts]) => {
      const stream = cat(...msgs);
      const points = [0, ...cuts.sort((x, y) => x - y), stream.length];
      const framer = new BmpFramer();
      const out: Uint8Array[] = [];
      const largest = Math.max(...msgs.map((m) => m.length));
      for (let i = 1; i < points.length; i++) {
        const r = framer.push(stream.subarray(points[i - 1], points[i]));
        assert.equal(r.error, undefined);
        out.push(...r.messages);
        assert.ok(framer.bufferedBytes < largest);
      }
      assert.deepEqual(out, msgs);
      assert.equal(framer.end(), undefined);
    }),
    { seed: 0x5eed, numRuns: 500 },
  );
});
