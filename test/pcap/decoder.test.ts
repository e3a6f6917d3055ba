// Capture files: hand-laid pcapng blocks (both byte orders, timestamp
// resolutions, every packet block kind, blocks to skip), classic pcap in
// both byte orders and resolutions through the writer, the file fed in
// pieces split anywhere, and each kind of damage reported with its offset,
// everything before it kept.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { CaptureDecoder, decodeCapture, encodePcap, type CapturePacket } from "../../src/pcap/index.js";

/** pcapng block builder: type, body, lengths before and after, in one byte order. */
function block(type: number, body: number[], le = true): number[] {
  const padded = [...body, ...new Array<number>((4 - (body.length % 4)) % 4).fill(0)];
  const len = 12 + padded.length;
  return [...u32(type, le), ...u32(len, le), ...padded, ...u32(len, le)];
}
function u32(x: number, le = true): number[] {
  const b = [x >>> 24, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff];
  return le ? b.reverse() : b;
}
function u16(x: number, le = true): number[] {
  const b = [x >>> 8, x & 0xff];
  return le ? b.reverse() : b;
}
const shb = (le = true) => block(0x0a0d0d0a, [...u32(0x1a2b3c4d, le), ...u16(1, le), ...u16(0, le), ...new Array<number>(8).fill(0xff)], le);
/** IDB with an if_tsresol option when `resol` is given. */
const idb = (linkType: number, resol?: number, le = true) =>
  block(1, [...u16(linkType, le), 0, 0, ...u32(0, le), ...(resol === undefined ? [] : [...u16(9, le), ...u16(1, le), resol, 0, 0, 0, ...u16(0, le), ...u16(0, le)])], le);
const epb = (iface: number, high: number, low: number, data: number[], original = data.length, le = true) =>
  block(6, [...u32(iface, le), ...u32(high, le), ...u32(low, le), ...u32(data.length, le), ...u32(original, le), ...data], le);
const bytes = (...parts: number[][]) => Uint8Array.from(parts.flat());
const plain = (p: CapturePacket) => ({ ...p, data: [...p.data] });

describe("capture decoder", () => {
  test("pcapng: interfaces with their link types and resolutions; enhanced, simple and obsolete packet blocks; other blocks skipped", () => {
    const file = bytes(
      shb(),
      idb(1), // Ethernet, default microseconds
      idb(113, 9), // Linux cooked, nanoseconds
      idb(101, 0x80 | 10), // raw IP, 2^-10 s
      epb(0, 0x00060a24, 0x181e4000, [1, 2, 3], 60), // 1,700,000,000,000,000 us
      block(4, [1, 2, 3, 4]), // Name Resolution Block: skipped
      epb(1, 0x17979cfe, 0x3d85cd15, [9]), // 1,700,000,000,123,456,789 ns
      epb(2, 0, 1024 * 5 + 512, [7, 7]), // 5.5 s in 1/1024 s
      block(3, [...u32(5), 0xaa, 0xbb, 0xcc, 0xdd, 0xee]), // Simple Packet Block: interface 0, no time
      block(2, [...u16(1), ...u16(0), ...u32(0), ...u32(2_000_000_000), ...u32(1), ...u32(1), 0x42]), // Obsolete Packet Block, 2 s
    );
    const r = decodeCapture(file);
    assert.equal(r.error, undefined);
    assert.equal(r.format, "pcapng");
    assert.deepEqual(r.packets.map(plain), [
      { linkType: 1, tsSec: 1_700_000_000, tsNsec: 0, originalLength: 60, data: [1, 2, 3] },
      { linkType: 113, tsSec: 1_700_000_000, tsNsec: 123_456_789, originalLength: 1, data: [9] },
      { linkType: 101, tsSec: 5, tsNsec: 500_000_000, originalLength: 2, data: [7, 7] },
      { linkType: 1, tsSec: 0, tsNsec: 0, originalLength: 5, data: [0xaa, 0xbb, 0xcc, 0xdd, 0xee] },
      { linkType: 113, tsSec: 2, tsNsec: 0, originalLength: 1, data: [0x42] },
    ]);
  });

  test("pcapng: a big-endian section, then a little-endian one with interfaces of its own", () => {
    const r = decodeCapture(bytes(shb(false), idb(1, 6, false), epb(0, 0, 3_000_001, [1], 1, false), shb(), idb(276), epb(0, 0, 2_000_000, [2])));
    assert.equal(r.error, undefined);
    assert.deepEqual(r.packets.map((p) => [p.linkType, p.tsSec, p.tsNsec, [...p.data]]), [[1, 3, 1000, [1]], [276, 2, 0, [2]]]);
  });

  test("pcap in both byte orders and both resolutions, through the writer", () => {
    const packets = [
      { tsSec: 1_700_000_000, tsNsec: 123_456_789, originalLength: 1514, data: Uint8Array.from([1, 2, 3, 4]) },
      { tsSec: 1_700_000_001, tsNsec: 999_999_999, originalLength: 1, data: Uint8Array.from([5]) },
    ];
    for (const littleEndian of [true, false]) {
      for (const nanos of [true, false]) {
        const r = decodeCapture(encodePcap(packets, { linkType: 113, nanos, littleEndian }));
        assert.equal(r.error, undefined);
        assert.equal(r.format, "pcap");
        const expected = packets.map((p) => ({ linkType: 113, ...p, tsNsec: nanos ? p.tsNsec : Math.floor(p.tsNsec / 1000) * 1000, data: [...p.data] }));
        assert.deepEqual(r.packets.map(plain), expected, `littleEndian ${littleEndian}, nanos ${nanos}`);
      }
    }
  });

  test("a pcap fraction of a second or more carries into the seconds", () => {
    const file = encodePcap([{ tsSec: 10, tsNsec: 0, originalLength: 1, data: Uint8Array.from([1]) }], { linkType: 1 });
    new DataView(file.buffer).setUint32(24 + 4, 2_500_000, true); // 2.5 s of microseconds
    assert.deepEqual(decodeCapture(file).packets.map((p) => [p.tsSec, p.tsNsec]), [[12, 500_000_000]]);
  });

  test("fed in two pieces split at every offset, the packets are the same as from the whole file", () => {
    const files = [
      bytes(shb(), idb(1), epb(0, 0, 1, [1, 2, 3]), block(4, [0, 0, 0, 0]), epb(0, 0, 2, [4, 5, 6, 7, 8])),
      encodePcap([{ tsSec: 1, tsNsec: 0, originalLength: 3, data: Uint8Array.from([1, 2, 3]) }, { tsSec: 2, tsNsec: 0, originalLength: 1, data: Uint8Array.from([9]) }], { linkType: 1 }),
    ];
    for (const file of files) {
      const whole = decodeCapture(file).packets.map(plain);
      for (let cut = 0; cut <= file.length; cut++) {
        const d = new CaptureDecoder();
        const out: CapturePacket[] = [];
        const used = d.decode(file.subarray(0, cut), out);
        const rest = file.subarray(used);
        const usedRest = d.decode(rest, out);
        assert.equal(used + usedRest, file.length, `cut at ${cut}`);
        assert.equal(d.end(rest.length - usedRest), undefined);
        assert.deepEqual(out.map(plain), whole, `cut at ${cut}`);
      }
    }
  });

  test("damage ends the decoding at its offset; the packets before it are kept", () => {
    const good = bytes(shb(), idb(1), epb(0, 0, 1, [1]));
    const cases: [string, Uint8Array, string, number][] = [
      ["not a capture", bytes([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]), "bad_magic", 0],
      ["a block length not a multiple of 4", bytes([...good], [...u32(6), ...u32(13), 0, 0, 0, 0, 0]), "bad_block_length", good.length],
      ["a trailing length that differs", bytes([...good], [...u32(6), ...u32(12), ...u32(16)]), "bad_block_length", good.length],
      ["a packet of an undeclared interface", bytes([...good], epb(3, 0, 1, [1])), "unknown_interface", good.length],
      ["a captured length past its block", bytes([...good], block(6, [...u32(0), ...u32(0), ...u32(0), ...u32(100), ...u32(100), 1, 2, 3, 4])), "bad_packet_length", good.length],
      ["a section of version 2", bytes([...good], block(0x0a0d0d0a, [...u32(0x1a2b3c4d), ...u16(2), ...u16(0), ...new Array<number>(8).fill(0)])), "bad_version", good.length],
      ["a pcap record of 1 GiB", bytes([...encodePcap([], { linkType: 1 })], [...u32(0), ...u32(0), ...u32(2 ** 30), ...u32(2 ** 30)]), "bad_packet_length", 24],
    ];
    for (const [what, file, code, offset] of cases) {
      const r = decodeCapture(file);
      assert.equal(r.error?.code, code, what);
      assert.equal(r.error?.offset, offset, what);
      assert.equal(r.packets.length, file === cases[0]![1] || code === "bad_packet_length" && offset === 24 ? 0 : 1, what);
    }
  });

  test("a file cut short: the whole packets before the cut, and short_header naming where it ends", () => {
    const file = bytes(shb(), idb(1), epb(0, 0, 1, [1, 2]), epb(0, 0, 2, [3, 4]));
    const r = decodeCapture(file.subarray(0, file.length - 5));
    assert.equal(r.packets.length, 1);
    assert.equal(r.error?.code, "short_header");
    assert.match(r.error!.message, /ends 31 octets into a pcapng block/);
    assert.equal(decodeCapture(new Uint8Array(0)).error?.code, "short_header");
    assert.match(decodeCapture(encodePcap([], { linkType: 1 }).subarray(0, 10)).error!.message, /ends inside its header/);
  });
});
