// IP fragment reassembly (the capture input's IpReassembly) driven by
// sequences of crafted fragments: each input is a run of records, [flags
// and key: 1 octet, bit 7 the more-fragments flag, the low 3 bits one of 8
// datagrams][offset: 2][length: 2][payload], the last one's payload cut at
// the input's end. The reassembly outlives a case for an epoch, with small
// caps (so evictions, full and overlap drops all happen). Seeds: UDP
// datagrams around real IPFIX messages cut as IP cuts them (8-octet
// multiples at MTUs 68, 576 and 1500) in order, in reverse, interleaved,
// with a fragment twice, a hole, an overlap, a second last fragment.
// Contract: never throws; after every fragment the datagrams and octets held
// stay under their caps (and none are held in no octets); a whole datagram
// comes back only when complete: as long as its last fragment says, every
// octet the one most recently given for its place, no longer than 65,535.
import { FRAGMENT_OVERHEAD, IpReassembly } from "../../../src/collect/input/ip-reassembly.js";
import { encodeMessage, field, type Template } from "../../../src/ipfix/index.js";
import type { LengthField, Seed } from "../mutator.js";
import { count, violation, type FuzzTarget } from "../target.js";

const KEYS = ["4 192.0.2.1 198.51.100.2 1", "4 192.0.2.1 198.51.100.2 2", "4 192.0.2.9 198.51.100.2 1", "6 2001:db8::1 2001:db8::2 7", "6 2001:db8::1 2001:db8::2 8", "4 10.0.0.1 10.0.0.2 65535", "6 fe80::1 ff02::1 0", "4 0.0.0.0 0.0.0.0 0"];
const RECORD_HEADER = 5;
const MAX_DATAGRAMS = 4;
const MAX_OCTETS = 8 << 10;
const MAX_FRAGMENTS = 32;

interface Fragment {
  key: number;
  offset: number;
  more: boolean;
  bytes: Uint8Array;
}

function encode(fragments: readonly Fragment[]): Seed["bytes"] {
  const out: number[] = [];
  for (const f of fragments) out.push((f.more ? 0x80 : 0) | f.key, f.offset >> 8, f.offset & 0xff, f.bytes.length >> 8, f.bytes.length & 0xff, ...f.bytes);
  return Uint8Array.from(out);
}

/** Each record's offset and length fields. */
function lengthFields(fragments: readonly Fragment[]): LengthField[] {
  const out: LengthField[] = [];
  let at = 0;
  for (const f of fragments) {
    out.push({ offset: at + 1, width: 2 }, { offset: at + 3, width: 2 });
    at += RECORD_HEADER + f.bytes.length;
  }
  return out;
}

/** A UDP datagram (header and payload) cut into fragments as IP cuts it for `mtu` (IPv4: 20-octet header, 8-octet multiples). */
function cut(key: number, datagram: Uint8Array, mtu: number): Fragment[] {
  const step = Math.max(8, Math.floor((mtu - 20) / 8) * 8);
  const out: Fragment[] = [];
  for (let at = 0; at < datagram.length; at += step) out.push({ key, offset: at, more: at + step < datagram.length, bytes: datagram.subarray(at, at + step) });
  return out;
}

function built(): Seed[] {
  const t: Template = { id: 256, fields: [field("sourceIPv4Address"), field("destinationIPv4Address"), field("octetDeltaCount"), field("flowStartMilliseconds")] };
  const message = (n: number) => encodeMessage({ observationDomainId: n, sets: [{ kind: "templates", templates: [t] }, { kind: "data", template: t, records: Array.from({ length: n }, (_, i) => [`10.0.${n}.${i}`, "192.0.2.1", BigInt(i), 1_700_000_000_000 + i]) }] });
  const udp = (payload: Uint8Array) => {
    const d = new Uint8Array(8 + payload.length);
    d.set([0x12, 0x83, 0x08, 0x07, (d.length >> 8) & 0xff, d.length & 0xff, 0, 0]);
    d.set(payload, 8);
    return d;
  };
  const small = udp(message(4));
  const large = udp(message(40));
  const at576 = cut(1, large, 576);
  const at68 = cut(2, small, 68);
  const sequences: [string, Fragment[]][] = [
    ["in order at MTU 576", at576],
    ["reversed at MTU 68", [...at68].reverse()],
    ["whole in one at MTU 1500", cut(0, large, 1500)],
    ["interleaved", at576.flatMap((f, i) => [f, ...(at68[i] ? [at68[i]] : [])]).concat(at68.slice(at576.length))],
    ["a fragment twice", [at576[0]!, at576[0]!, ...at576.slice(1)]],
    ["a hole", at576.filter((_, i) => i !== 1)],
    ["an overlap", [at576[0]!, { ...at576[1]!, offset: at576[1]!.offset - 8 }, ...at576.slice(1)]],
    ["two last fragments", [...at68, { ...at68[at68.length - 1]!, offset: 0 }]],
    ["IPv6 keys", cut(3, small, 576).concat(cut(4, small, 68))],
  ];
  return sequences.map(([name, fragments]) => ({ name, bytes: encode(fragments), lengthFields: lengthFields(fragments) }));
}

export function ipReassemblyTarget(): FuzzTarget {
  const reached = new Map<string, number>();
  let r = new IpReassembly(MAX_DATAGRAMS, MAX_OCTETS, MAX_FRAGMENTS);
  // Per datagram, every fragment given since it last came back whole (or was dropped as bad): newest last.
  let given = new Map<number, Fragment[]>();
  return {
    name: "ip-reassembly",
    contract: "IpReassembly never throws; datagrams and octets held stay under the caps; a datagram comes back only complete, its octets the fragments' most recent ones",
    seeds: built(),
    mutator: { maxLength: 4096 },
    epoch: 256,
    reached,
    reset() {
      r = new IpReassembly(MAX_DATAGRAMS, MAX_OCTETS, MAX_FRAGMENTS);
      given = new Map();
    },
    run(input) {
      for (let at = 0; at + RECORD_HEADER <= input.length; ) {
        const key = input[at]! & 7;
        const more = (input[at]! & 0x80) !== 0;
        const offset = (input[at + 1]! << 8) | input[at + 2]!;
        const length = (input[at + 3]! << 8) | input[at + 4]!;
        const bytes = input.subarray(at + RECORD_HEADER, Math.min(input.length, at + RECORD_HEADER + length));
        at += RECORD_HEADER + bytes.length;
        const before = { ...r.stats };
        const out = r.add(KEYS[key]!, offset, more, bytes);
        if (r.pending > MAX_DATAGRAMS || r.heldOctets > MAX_OCTETS || r.heldOctets < 0) violation(`${r.pending} datagrams held in ${r.heldOctets} octets`);
        if ((r.pending === 0) !== (r.heldOctets === 0) || r.heldOctets < r.pending * FRAGMENT_OVERHEAD) violation(`${r.pending} datagrams held in ${r.heldOctets} octets`);
        if (r.stats.evicted > before.evicted) count(reached, "evicted");
        if (r.stats.bad > before.bad) {
          count(reached, "bad");
          given.delete(key);
          if (out) violation("a datagram back from a bad fragment");
          continue;
        }
        const log = given.get(key) ?? [];
        log.push({ key, offset, more, bytes: bytes.slice() }); // the input's buffer is the next case's
        given.set(key, log);
        if (!out) {
          if (r.stats.reassembled > before.reassembled) violation("counted as reassembled, nothing came back");
          continue;
        }
        if (r.stats.reassembled !== before.reassembled + 1) violation("a datagram back, not counted");
        let last: Fragment | undefined;
        for (const f of log) if (!f.more) last = f;
        if (!last || out.length !== last.offset + last.bytes.length) violation(`${out.length} octets back, the last fragment ends at ${last ? last.offset + last.bytes.length : "-"}`);
        if (out.length > 65_535) violation(`${out.length} octets back`);
        // Every octet is the one the most recent fragment covering it gave.
        const from = new Int32Array(out.length).fill(-1);
        log.forEach((f, i) => {
          for (let k = f.offset; k < f.offset + f.bytes.length && k < out.length; k++) from[k] = i;
        });
        for (let k = 0; k < out.length; k++) {
          const i = from[k]!;
          if (i < 0) violation(`octet ${k} of ${out.length} came from no fragment`);
          const f = log[i]!;
          if (out[k] !== f.bytes[k - f.offset]) violation(`octet ${k} is ${out[k]}, its most recent fragment gave ${f.bytes[k - f.offset]}`);
        }
        given.delete(key);
        count(reached, "reassembled");
      }
    },
  };
}
