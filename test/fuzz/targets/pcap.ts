// Capture files through CaptureDecoder, fed in two pieces split at a random
// offset as a file reader would. Seeds: tshark's pcapng of two interfaces
// (captured), its frames written again as classic pcap, and pcapng with every
// block kind and classic pcap in both byte orders, built by hand and by the
// writer.
// Contract: never throws; packets are views inside the input with lengths
// that fit; times are whole seconds and nanoseconds below 10^9; a failure has
// a documented code at an offset inside the input.
import { CaptureDecoder, decodeCapture, encodePcap, type CaptureErrorCode, type CapturePacket } from "../../../src/pcap/index.js";
import { capture } from "../captures.js";
import type { Seed } from "../mutator.js";
import { count, violation, type FuzzTarget } from "../target.js";

const CODES: ReadonlySet<CaptureErrorCode> = new Set(["bad_magic", "short_header", "bad_block_length", "bad_packet_length", "unknown_interface", "bad_version"]);

function le32(x: number): number[] {
  return [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, x >>> 24];
}
function block(type: number, body: number[]): number[] {
  const padded = [...body, ...new Array<number>((4 - (body.length % 4)) % 4).fill(0)];
  return [...le32(type), ...le32(12 + padded.length), ...padded, ...le32(12 + padded.length)];
}

function captured(): Seed[] {
  const file = "tshark-udp.pcapng";
  const bytes = capture(file);
  const { packets } = decodeCapture(bytes);
  const ethernet = packets.filter((p) => p.linkType === 1);
  return [
    { name: file, bytes, lengthFields: [{ offset: 4, width: 4, littleEndian: true }] },
    { name: `${file} lo frames as pcap`, bytes: encodePcap(ethernet, { linkType: 1, nanos: true }), lengthFields: [{ offset: 32, width: 4, littleEndian: true }] },
  ];
}

function built(): Seed[] {
  const shb = block(0x0a0d0d0a, [...le32(0x1a2b3c4d), 1, 0, 0, 0, ...new Array<number>(8).fill(0xff)]);
  const idb = (link: number, resol: number) => block(1, [link & 0xff, link >> 8, 0, 0, ...le32(0), 9, 0, 1, 0, resol, 0, 0, 0, 14, 0, 8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const epb = (iface: number, data: number[]) => block(6, [...le32(iface), ...le32(0x60a24), ...le32(0x181e4000), ...le32(data.length), ...le32(data.length + 4), ...data]);
  const pcapng = Uint8Array.from([...shb, ...idb(1, 6), ...idb(113, 9), ...epb(0, [1, 2, 3, 4, 5]), ...block(4, [0, 0, 0, 0]), ...epb(1, [6]), ...block(3, [...le32(3), 7, 8, 9]), ...block(2, [1, 0, 0, 0, ...le32(0), ...le32(5), ...le32(1), ...le32(1), 1])]);
  const packets = [1, 60, 1514].map((n, i) => ({ tsSec: 1_700_000_000 + i, tsNsec: 999_999_999 - i, originalLength: n, data: new Uint8Array(n).fill(i) }));
  return [
    { name: "pcapng built", bytes: pcapng, lengthFields: [{ offset: 4, width: 4, littleEndian: true }, { offset: shb.length + 4, width: 4, littleEndian: true }] },
    { name: "pcap us little-endian", bytes: encodePcap(packets, { linkType: 1 }), lengthFields: [{ offset: 32, width: 4, littleEndian: true }] },
    { name: "pcap ns big-endian", bytes: encodePcap(packets, { linkType: 276, nanos: true, littleEndian: false }), lengthFields: [{ offset: 32, width: 4 }] },
  ];
}

function check(p: CapturePacket, input: Uint8Array): void {
  if (p.data.buffer !== input.buffer || p.data.byteOffset < input.byteOffset || p.data.byteOffset + p.data.length > input.byteOffset + input.length) violation("a packet that is not a view inside the input");
  if (!Number.isInteger(p.tsSec) || !Number.isInteger(p.tsNsec) || p.tsNsec < 0 || p.tsNsec >= 1e9) violation(`time ${p.tsSec}.${p.tsNsec}`);
  if (!Number.isInteger(p.linkType) || p.linkType < 0) violation(`link type ${p.linkType}`);
}

export function pcapTarget(): FuzzTarget {
  const reached = new Map<string, number>();
  return {
    name: "pcap",
    contract: "CaptureDecoder never throws; packets are views inside the input with exact times; failures have documented codes at offsets inside the input",
    seeds: [...captured(), ...built()],
    mutator: { maxLength: 4096 },
    epoch: 1,
    reached,
    reset() {},
    run(input, rng) {
      const d = new CaptureDecoder();
      const out: CapturePacket[] = [];
      const cut = rng.int(input.length + 1);
      const used = d.decode(input.subarray(0, cut), out);
      if (used < 0 || used > cut) violation(`used ${used} of ${cut} octets`);
      const rest = input.subarray(used);
      const usedRest = d.decode(rest, out);
      const error = d.end(rest.length - usedRest);
      for (const p of out) check(p, input);
      if (error) {
        if (!CODES.has(error.code)) violation(`undocumented error code ${error.code}`);
        if (!(error.offset >= 0 && error.offset <= input.length)) violation(`${error.code} at offset ${error.offset} of ${input.length}`);
        count(reached, error.code);
      }
      if (out.length > 0) count(reached, "packets");
    },
  };
}
