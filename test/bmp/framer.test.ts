// Stream framing: whole messages out of TCP chunks, fatal errors for a bad
// version or length, memory bounded by one message.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { BmpFramer, DEFAULT_MAX_MESSAGE_LENGTH, MIN_MESSAGE_LENGTH_LIMIT } from "../../src/bmp/framer.js";
import { bmp, cat, initiation, perPeer, routeMirroring, tlv, u32 } from "./builders.js";

const M1 = initiation(tlv(2, "bgpA"), tlv(1, "FRRouting"));
const M2 = routeMirroring(perPeer());
const M3 = bmp(5); // a 6-octet message: header only
const STREAM = cat(M1, M2, M3);

function pushAll(framer: BmpFramer, chunks: Uint8Array[]) {
  const messages: Uint8Array[] = [];
  for (const c of chunks) {
    const out = framer.push(c);
    messages.push(...out.messages);
    if (out.error) return { messages, error: out.error };
  }
  return { messages, error: undefined };
}

describe("BmpFramer", () => {
  test("a stream in one chunk gives each message, common header included", () => {
    const out = new BmpFramer().push(STREAM);
    assert.equal(out.error, undefined);
    assert.deepEqual(out.messages, [M1, M2, M3]);
  });

  test("a message inside one chunk is returned as a view of it, not a copy", () => {
    const out = new BmpFramer().push(STREAM);
    assert.ok(out.messages.every((m) => m.buffer === STREAM.buffer));
  });

  test("a stream one octet at a time gives the same messages", () => {
    const framer = new BmpFramer();
    const { messages, error } = pushAll(framer, [...STREAM].map((b) => Uint8Array.of(b)));
    assert.equal(error, undefined);
    assert.deepEqual(messages, [M1, M2, M3]);
    assert.equal(framer.bufferedBytes, 0);
    assert.equal(framer.end(), undefined);
  });

  test("empty chunks change nothing", () => {
    const framer = new BmpFramer();
    const { messages } = pushAll(framer, [new Uint8Array(0), STREAM.subarray(0, 3), new Uint8Array(0), STREAM.subarray(3)]);
    assert.deepEqual(messages, [M1, M2, M3]);
  });

  test("a message assembled from chunks does not change when the caller reuses its chunk buffer", () => {
    const framer = new BmpFramer();
    const buf = new Uint8Array(10);
    const messages: Uint8Array[] = [];
    for (let p = 0; p < M1.length; p += 10) {
      const n = Math.min(10, M1.length - p);
      buf.set(M1.subarray(p, p + n));
      messages.push(...framer.push(buf.subarray(0, n)).messages);
      buf.fill(0xee);
    }
    assert.deepEqual(messages, [M1]);
  });

  test("a version other than 3 is fatal as soon as its octet arrives", () => {
    const framer = new BmpFramer();
    const out = framer.push(Uint8Array.of(1));
    assert.equal(out.error?.code, "bad_version");
    assert.equal(out.error?.streamOffset, 0);
  });

  test("messages before a bad one are returned with the error, which names the bad one's offset", () => {
    const bad = cat([2], u32(6), [4]);
    const out = new BmpFramer().push(cat(M1, M2, bad));
    assert.deepEqual(out.messages, [M1, M2]);
    assert.equal(out.error?.code, "bad_version");
    assert.equal(out.error?.streamOffset, M1.length + M2.length);
  });

  test("a length below the 6-octet header is fatal", () => {
    for (const length of [0, 5]) {
      const out = new BmpFramer().push(cat([3], u32(length), [4]));
      assert.equal(out.error?.code, "bad_length");
    }
  });

  test("a length above the cap is fatal before anything is buffered", () => {
    const framer = new BmpFramer();
    const out = framer.push(cat([3], u32(0xffffffff), [0], new Uint8Array(100)));
    assert.equal(out.error?.code, "bad_length");
    assert.equal(framer.bufferedBytes, 0);
    const justOver = new BmpFramer().push(cat([3], u32(DEFAULT_MAX_MESSAGE_LENGTH + 1), [0]));
    assert.equal(justOver.error?.code, "bad_length");
  });

  test("a message exactly at the cap is accepted", () => {
    const framer = new BmpFramer({ maxMessageLength: MIN_MESSAGE_LENGTH_LIMIT });
    const big = bmp(4, tlv(0, new Uint8Array(65535)), new Uint8Array(MIN_MESSAGE_LENGTH_LIMIT - 6 - 65539));
    assert.equal(big.length, MIN_MESSAGE_LENGTH_LIMIT);
    const { messages, error } = pushAll(framer, [big.subarray(0, 1000), big.subarray(1000)]);
    assert.equal(error, undefined);
    assert.deepEqual(messages, [big]);
  });

  test("the error is sticky: later chunks give nothing", () => {
    const framer = new BmpFramer();
    framer.push(Uint8Array.of(9));
    const out = framer.push(M1);
    assert.deepEqual(out.messages, []);
    assert.equal(out.error?.code, "bad_version");
    assert.equal(framer.failed?.code, "bad_version");
  });

  test("a header split across chunks is checked once complete", () => {
    const framer = new BmpFramer();
    assert.equal(framer.push(Uint8Array.of(3, 0xff)).error, undefined);
    assert.equal(framer.push(Uint8Array.of(0xff, 0xff)).error, undefined);
    assert.equal(framer.push(Uint8Array.of(0xff, 4)).error?.code, "bad_length");
  });

  test("memory held never exceeds the message being assembled", () => {
    const framer = new BmpFramer();
    let most = 0;
    for (let p = 0; p < STREAM.length; p += 7) {
      framer.push(STREAM.subarray(p, p + 7));
      most = Math.max(most, framer.bufferedBytes);
    }
    assert.ok(most < Math.max(M1.length, M2.length), `held ${most}`);
  });

  test("end() inside a message is truncated_stream; at a boundary it is fine", () => {
    const framer = new BmpFramer();
    framer.push(STREAM.subarray(0, M1.length + 10));
    assert.equal(framer.end()?.code, "truncated_stream");
    const clean = new BmpFramer();
    clean.push(STREAM);
    assert.equal(clean.end(), undefined);
  });

  test("a cap outside 65,583 octets to 16 MiB is refused", () => {
    assert.throws(() => new BmpFramer({ maxMessageLength: 4096 }), RangeError);
    assert.throws(() => new BmpFramer({ maxMessageLength: 17 << 20 }), RangeError);
  });
});
