// One flow event from ring bytes: what the BPF program wrote decodes and
// encodes back unchanged, and a buffer that ends early is a ShortEventError,
// not a DataView's bare RangeError (found by the fuzz bench: a batch whose
// length is not a multiple of 64).
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { decodeEvent, encodeEvent, ShortEventError } from "../../src/bpf/event.js";
import { EVENT_SIZE } from "../../src/bpf/layout.js";
import { capture } from "../fuzz/captures.js";

describe("flow events", () => {
  test("every event the program wrote (captured) decodes and encodes back to the same 64 bytes, at any offset", () => {
    const batch = capture("ring-events.bin");
    assert.ok(batch.length >= 10 * EVENT_SIZE);
    for (let at = 0; at < batch.length; at += EVENT_SIZE) {
      const e = decodeEvent(batch, at);
      assert.ok(e.family === 4 || e.family === 6, `event ${at / EVENT_SIZE}: family ${e.family}`);
      assert.deepEqual(encodeEvent(e), batch.subarray(at, at + EVENT_SIZE));
    }
  });

  test("fewer than 64 bytes left at the offset is a ShortEventError with the offset and what is left", () => {
    const cases: [Uint8Array, number, number][] = [
      [Uint8Array.of(0xff), 0, 1],
      [new Uint8Array(49), 0, 49],
      [new Uint8Array(76), 64, 12],
      [new Uint8Array(64), 64, 0],
      [new Uint8Array(128), 100, 28],
    ];
    for (const [buf, at, left] of cases) {
      assert.throws(
        () => decodeEvent(buf, at),
        (e: unknown) => e instanceof ShortEventError && e.code === "short_event" && e.offset === at && e.available === left && e.message === `flow event at offset ${at} needs 64 bytes, ${left} left`,
      );
    }
  });

  test("a view into a larger buffer decodes its own bytes, not its neighbours'", () => {
    const batch = capture("ring-events.bin");
    const big = new Uint8Array(EVENT_SIZE * 3);
    big.set(batch.subarray(0, EVENT_SIZE * 2), 5);
    const view = big.subarray(5 + EVENT_SIZE, 5 + 2 * EVENT_SIZE);
    assert.deepEqual(decodeEvent(view), decodeEvent(batch, EVENT_SIZE));
    assert.throws(() => decodeEvent(view, 1), ShortEventError);
  });
});
