// sFlow v5 datagrams through decodeSflow, as a collector gets them, sampled
// headers through the packet dissector with them. Seeds: pmacct's sfprobe
// export (captured) and the codec tests' hand-laid datagrams (every sample
// and record format), plus built ones with MPLS, IPv6 extension headers,
// fragments and stacked tags in their headers.
// Contract: never throws; a datagram header comes back exactly when there
// are its octets, version 5 and a known agent address type; no more samples
// or records than announced, the caps, or the octets allow; each error has a
// documented code at an offset inside the input; every value fits its field;
// opaque data and headers are views inside the input, their dissection's
// offsets inside the header; and a datagram decoded without error decodes
// the same once encoded again.
import { isDeepStrictEqual } from "node:util";
import { encodeFrame } from "../../../src/packet/index.js";
import { decodeSflow, encodeSflow, MAX_RECORDS, MAX_SAMPLES, type SflowErrorCode, type SflowSample } from "../../../src/sflow/index.js";
import { capture } from "../captures.js";
import type { LengthField, Seed } from "../mutator.js";
import { count, violation, type FuzzTarget } from "../target.js";
import { COUNTERS_DATAGRAM, EXPANDED_DATAGRAM, FLOW_DATAGRAM } from "../../sflow/datagrams.js";

const CODES: ReadonlySet<SflowErrorCode> = new Set([
  "short_datagram", "bad_version", "bad_address_type", "too_many_samples", "truncated_sample", "short_sample", "too_many_records", "truncated_record", "bad_record", "trailing_octets",
]);
const ADDRESS_LENGTHS = [0, 4, 16];
/** Octets before the record count, by sample format. */
const FIXED: Record<number, number> = { 1: 28, 2: 8, 3: 40, 4: 12 };

/** The count and length words of a well-formed datagram, for the mutator to rewrite. */
function lengthFields(d: Uint8Array): LengthField[] {
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const out: LengthField[] = [];
  const word = (offset: number) => out.push({ offset, width: 4 });
  let at = 8 + (ADDRESS_LENGTHS[v.getUint32(4)] ?? 0) + 12;
  word(at);
  const samples = v.getUint32(at);
  at += 4;
  for (let i = 0; i < samples && at + 8 <= d.length; i++) {
    const tag = v.getUint32(at);
    const length = v.getUint32(at + 4);
    word(at + 4);
    const fixed = tag >>> 12 === 0 ? FIXED[tag & 0xfff] : undefined;
    if (fixed !== undefined) {
      let r = at + 8 + fixed;
      word(r);
      const records = v.getUint32(r);
      r += 4;
      for (let j = 0; j < records && r + 8 <= at + 8 + length; j++) {
        word(r + 4);
        if (v.getUint32(r) === 1 && (tag & 0xfff) % 2 === 1) word(r + 8 + 12); // a sampled header's header length
        r += 8 + v.getUint32(r + 4);
      }
    }
    at += 8 + length;
  }
  return out;
}

/** The captured datagrams, each after its 32-bit length. */
function captured(): Seed[] {
  const file = "pmacct-sflow.bin";
  const bytes = capture(file);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const seeds: Seed[] = [];
  for (let at = 0, i = 0; at + 4 <= bytes.length; i++) {
    const d = bytes.subarray(at + 4, at + 4 + v.getUint32(at));
    seeds.push({ name: `${file} #${i}`, bytes: d, lengthFields: lengthFields(d) });
    at += 4 + d.length;
  }
  return seeds;
}

function built(): Seed[] {
  const frames = [
    encodeFrame({ mpls: [0x00064000, 0x000c81ff], ip: { version: 6, src: "2001:db8::1", dst: "2001:db8::2", extensions: [{ type: 43 }, { type: 60, length: 16 }, { type: 51 }] }, transport: { protocol: "tcp", srcPort: 1, dstPort: 2, flags: 0x1ff } }),
    encodeFrame({ vlans: [0x88a80001, 0x81000002, 0x81000003, 0x91000004], ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2", fragmentOffset: 8, moreFragments: true, options: new Uint8Array(8).fill(1) }, transport: { protocol: "udp", srcPort: 3, dstPort: 4 } }),
    encodeFrame({ ip: { version: 6, src: "::1", dst: "::2", extensions: [{ type: 44, offset: 64, more: false, id: 1 }] }, transport: { protocol: "sctp", srcPort: 5, dstPort: 6 } }),
    encodeFrame({ ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, transport: { protocol: "icmp", type: 11, code: 0 }, payload: 28 }),
  ];
  const records = frames.map((header, i) => ({ type: "sampled_header" as const, headerProtocol: [1, 1, 1, 11][i]!, frameLength: 1500, stripped: 4, header: i === 3 ? header.subarray(14) : header }));
  const sample: SflowSample = {
    kind: "flow_sample", expanded: false, sequence: 1, sourceIdType: 0, sourceIdIndex: 1, samplingRate: 100, samplePool: 1000, drops: 0,
    inputFormat: 0, input: 1, outputFormat: 0, output: 2, records: [],
  };
  const headers = encodeSflow({ agentAddress: "fe80::1", subAgentId: 1, sequence: 2 ** 32 - 1, uptime: 2 ** 32 - 1, samples: [{ ...sample, records }] });
  return [
    ...[FLOW_DATAGRAM, EXPANDED_DATAGRAM, COUNTERS_DATAGRAM, headers].map((bytes, i) => ({ name: `built ${["flow", "expanded", "counters", "headers"][i]}`, bytes, lengthFields: lengthFields(bytes) })),
  ];
}

const fits = (v: unknown, bits: number): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** bits;
const U64 = 2n ** 64n;

/** Every number fits 32 bits and every bigint 64, strings are strings, views lie inside the input. */
function checkValues(o: object, input: Uint8Array, what: string): void {
  for (const [k, v] of Object.entries(o)) {
    if (k === "layers" || k === "kind" || k === "type" || k === "expanded") continue;
    if (typeof v === "number") {
      if (!fits(v, 32)) violation(`${what} ${k} ${v} does not fit 32 bits`);
    } else if (typeof v === "bigint") {
      if (v < 0n || v >= U64) violation(`${what} ${k} ${v} does not fit 64 bits`);
    } else if (v instanceof Uint8Array) {
      if (v.buffer !== input.buffer || v.byteOffset < input.byteOffset || v.byteOffset + v.length > input.byteOffset + input.length) violation(`${what} ${k} is not a view inside the input`);
    } else if (Array.isArray(v)) {
      for (const x of v) if (typeof x === "object") checkValues(x as object, input, `${what} ${k}`);
      else if (!fits(x, 32)) violation(`${what} ${k} holds ${String(x)}`);
    } else if (typeof v !== "string") {
      violation(`${what} ${k} is ${typeof v}`);
    }
  }
}

export function sflowTarget(): FuzzTarget {
  const reached = new Map<string, number>();
  return {
    name: "sflow",
    contract: "decodeSflow never throws; documented error codes at offsets inside the input; samples and records bounded by their counts, the caps and the octets; values fit their fields; views inside the input; error-free datagrams re-encode to the same decode",
    seeds: [...captured(), ...built()],
    mutator: { maxLength: 2048 },
    epoch: 1,
    reached,
    reset() {},
    run(input) {
      const { datagram, samples, errors } = decodeSflow(input);
      for (const e of errors) {
        if (!CODES.has(e.code)) violation(`undocumented error code ${e.code}`);
        if (!(e.offset >= 0 && e.offset <= input.length)) violation(`${e.code} at offset ${e.offset} of ${input.length} octets`);
        count(reached, e.code);
      }
      const v = new DataView(input.buffer, input.byteOffset, input.byteLength);
      const type = input.length >= 8 ? v.getUint32(4) : -1;
      const headerLength = 24 + (ADDRESS_LENGTHS[type] ?? 0);
      const decodable = input.length >= 24 && v.getUint32(0) === 5 && type >= 0 && type <= 2 && input.length >= headerLength;
      if (decodable !== (datagram !== undefined)) violation(`a datagram ${datagram ? "from" : "missing for"} ${input.length} octets, version ${input.length >= 4 ? v.getUint32(0) : "-"}, address type ${type}`);
      if (!datagram) {
        if (samples.length > 0) violation("samples without a datagram header");
        return;
      }
      if (samples.length > Math.min(datagram.sampleCount, MAX_SAMPLES, Math.floor((input.length - headerLength) / 8))) {
        violation(`${samples.length} samples from count ${datagram.sampleCount} in ${input.length} octets`);
      }
      checkValues(datagram, input, "header");
      for (const s of samples) {
        count(reached, s.kind);
        checkValues(s, input, s.kind);
        if (s.kind === "unknown") continue;
        if (!s.expanded && !(fits(s.sourceIdType, 8) && fits(s.sourceIdIndex, 24))) violation(`compact source id ${s.sourceIdType}:${s.sourceIdIndex}`);
        if (s.kind === "flow_sample" && !s.expanded && !(fits(s.inputFormat, 2) && fits(s.input, 30) && fits(s.outputFormat, 2) && fits(s.output, 30))) violation("compact interface out of its bits");
        if (s.records.length > MAX_RECORDS) violation(`${s.records.length} records in a sample`);
        for (const r of s.records) {
          count(reached, r.type);
          if (r.type !== "sampled_header") continue;
          const l = r.layers;
          count(reached, `dissect:${l.stop}`);
          const n = r.header.length;
          if (!(l.stopOffset >= 0 && l.stopOffset <= n && l.l4Offset <= n && l.ipOffset <= n)) violation(`dissection offsets past a ${n}-octet header`);
          if (l.ipVersion !== 0 && l.dstAddrOffset + (l.ipVersion === 4 ? 4 : 16) > n) violation(`addresses past a ${n}-octet header`);
        }
      }
      if (errors.length === 0) {
        const again = decodeSflow(encodeSflow({ ...datagram, samples }));
        if (again.errors.length > 0 || !isDeepStrictEqual(again.datagram, datagram) || !isDeepStrictEqual(again.samples, samples)) violation("decoding the datagram encoded again gives another result");
        count(reached, "re-encoded");
      }
    },
  };
}
