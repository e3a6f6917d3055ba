// NetFlow v5 datagrams through decodeNetflowV5, as a collector gets them.
// Seeds: softflowd's export (captured) and built datagrams of 1 and 30
// records with sampling set.
// Contract: never throws; a datagram comes back exactly when there are 24
// octets and version 5; no more records than the header announces or the
// octets hold; each error has a documented code at an offset inside the
// input; every value fits its field.
import { decodeNetflowV5, encodeNetflowV5, type NetflowV5ErrorCode, type NetflowV5Record } from "../../../src/netflow-v5/index.js";
import { HEADER_LENGTH, RECORD_LENGTH } from "../../../src/netflow-v5/wire.js";
import { capture } from "../captures.js";
import type { LengthField, Seed } from "../mutator.js";
import { count, violation, type FuzzTarget } from "../target.js";

const CODES: ReadonlySet<NetflowV5ErrorCode> = new Set(["short_datagram", "bad_version", "bad_count", "truncated_record", "trailing_octets"]);
const COUNT_FIELD: LengthField[] = [{ offset: 2, width: 2 }];
const FIELD_BITS: [keyof NetflowV5Record, number][] = [
  ["input", 16], ["output", 16], ["packets", 32], ["octets", 32], ["first", 32], ["last", 32], ["srcPort", 16], ["dstPort", 16],
  ["tcpFlags", 8], ["protocol", 8], ["tos", 8], ["srcAs", 16], ["dstAs", 16], ["srcMask", 8], ["dstMask", 8],
];
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The captured datagrams, split by their headers' counts. */
function captured(): Seed[] {
  const file = "softflowd-v5.bin";
  const bytes = capture(file);
  const seeds: Seed[] = [];
  for (let at = 0, i = 0; at + HEADER_LENGTH <= bytes.length; i++) {
    const n = HEADER_LENGTH + RECORD_LENGTH * ((bytes[at + 2]! << 8) | bytes[at + 3]!);
    seeds.push({ name: `${file} #${i}`, bytes: bytes.subarray(at, at + n), lengthFields: COUNT_FIELD });
    at += n;
  }
  return seeds;
}

function built(): Seed[] {
  const record = (i: number): NetflowV5Record => ({
    srcAddr: `192.0.2.${i}`, dstAddr: "198.51.100.1", nextHop: "203.0.113.254", input: i, output: 65_535 - i, packets: i * 3, octets: i * 4500,
    first: 2 ** 32 - 1000 + i, last: i * 10, srcPort: 1024 + i, dstPort: 443, tcpFlags: 0x1b, protocol: 6, tos: i, srcAs: 64_512, dstAs: 65_535, srcMask: 24, dstMask: 32,
  });
  const header = { sysUptime: 5000, unixSecs: 1_700_000_000, unixNsecs: 999_999_999, flowSequence: 2 ** 32 - 1, engineType: 0, engineId: 1, samplingMode: 2, samplingInterval: 16_383 };
  return [1, 30].map((n) => ({ name: `built ${n} records`, bytes: encodeNetflowV5(header, Array.from({ length: n }, (_, i) => record(i))), lengthFields: COUNT_FIELD }));
}

export function netflowV5Target(): FuzzTarget {
  const reached = new Map<string, number>();
  return {
    name: "netflow-v5",
    contract: "decodeNetflowV5 never throws; documented error codes at offsets inside the input; records bounded by the count and the octets; values fit their fields",
    seeds: [...captured(), ...built()],
    mutator: { maxLength: 2048 },
    epoch: 1,
    reached,
    reset() {},
    run(input) {
      const { datagram, errors } = decodeNetflowV5(input);
      for (const e of errors) {
        if (!CODES.has(e.code)) violation(`undocumented error code ${e.code}`);
        if (!(e.offset >= 0 && e.offset <= input.length)) violation(`${e.code} at offset ${e.offset} of ${input.length} octets`);
        count(reached, e.code);
      }
      const decodable = input.length >= HEADER_LENGTH && input[0] === 0 && input[1] === 5;
      if (decodable !== (datagram !== undefined)) violation(`a datagram ${datagram ? "from" : "missing for"} ${input.length} octets starting ${input[0]} ${input[1]}`);
      if (!datagram) return;
      const room = Math.floor((input.length - HEADER_LENGTH) / RECORD_LENGTH);
      if (datagram.records.length > Math.min(datagram.header.count, room)) violation(`${datagram.records.length} records from count ${datagram.header.count} in ${input.length} octets`);
      for (const r of datagram.records) {
        for (const [name, bits] of FIELD_BITS) {
          const v = r[name] as number;
          if (!Number.isInteger(v) || v < 0 || v >= 2 ** bits) violation(`${name} ${v} does not fit ${bits} bits`);
        }
        for (const a of [r.srcAddr, r.dstAddr, r.nextHop]) {
          const m = IPV4.exec(a);
          if (!m || m.slice(1).some((p) => Number(p) > 255)) violation(`address ${a}`);
        }
        count(reached, "records");
      }
    },
  };
}
