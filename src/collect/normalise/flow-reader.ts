// IPFIX and NetFlow v9 data records read straight from the datagram's bytes
// into flow records: the collector's hot path. Decoding every field into a
// value first (a string per address, a bigint per 64-bit counter, an array
// per record) and then copying the values into a record cost more than
// everything else the collector does. A template is compiled once into a
// function of its own (by shape: the same code serves every template with
// the same fields), one statement per field a record field takes, the
// others stepped over.
//
// Only templates whose fields all have the types this reader expects are
// compiled (an --ie-mapping may retype an element, a bad length makes it
// octets); any other template returns undefined and goes the general way
// (information-elements.ts), which the direct way must match exactly: a test
// holds the two equal for every element either knows.
import { VARIABLE_LENGTH, type AbstractType, type DecodedTemplate } from "../../ipfix/index.js";
import { formatIpv4, formatIpv6, formatMac } from "../../ipfix/address-text.js";
import { ntpToMicros, ntpToNanos } from "../../ipfix/ntp-time.js";
import { RecordReader } from "../../ipfix/record-reader.js";
import type { FieldValue } from "../../ipfix/index.js";
import type { FlowRecord } from "../../flow-record/index.js";
import type { RecordTimes } from "./information-elements.js";

// What a field is read as.
const enum As {
  Uint, // unsigned, 1-8 octets
  Ipv4,
  Ipv6,
  Mac,
  Seconds,
  Millis,
  Micros,
  Nanos,
}

// Where it goes.
const enum To {
  Skip, Bytes, Packets, Proto, Tos, TcpFlags, Sport, Dport, SrcMask, DstMask, InIf, OutIf, SrcAsn, DstAsn,
  FlowLabel, IcmpTypeCode, TtlIfUnset, FragmentId, SrcVlan, DstVlan, SrcVlanIfUnset, FragmentOffset, Reason,
  IcmpType, IcmpCode, Ttl, Etype,
  Src, Dst, NextHop, BgpNextHop, SrcMac, DstMac, SrcMacIfUnset, DstMacIfUnset,
  StartMs, EndMs, StartSysUp, EndSysUp, StartDelta, EndDelta, SystemInit,
  SamplingInterval, SamplingPacketInterval, SamplingPacketSpace,
}

const U = "unsigned";
/** IANA element ID → (what its value must be, where it goes); the same mapping as information-elements.ts's setters. */
const ELEMENTS: Readonly<Record<number, readonly [string, To]>> = {
  1: [U, To.Bytes], 2: [U, To.Packets], 4: [U, To.Proto], 5: [U, To.Tos], 6: [U, To.TcpFlags], 7: [U, To.Sport],
  8: ["ipv4Address", To.Src], 9: [U, To.SrcMask], 10: [U, To.InIf], 11: [U, To.Dport], 12: ["ipv4Address", To.Dst],
  13: [U, To.DstMask], 14: [U, To.OutIf], 15: ["ipv4Address", To.NextHop], 16: [U, To.SrcAsn], 17: [U, To.DstAsn],
  18: ["ipv4Address", To.BgpNextHop], 21: [U, To.EndSysUp], 22: [U, To.StartSysUp],
  27: ["ipv6Address", To.Src], 28: ["ipv6Address", To.Dst], 29: [U, To.SrcMask], 30: [U, To.DstMask], 31: [U, To.FlowLabel],
  32: [U, To.IcmpTypeCode], 34: [U, To.SamplingInterval], 50: [U, To.SamplingInterval],
  52: [U, To.TtlIfUnset], 53: [U, To.TtlIfUnset], 54: [U, To.FragmentId],
  56: ["macAddress", To.SrcMac], 57: ["macAddress", To.DstMacIfUnset], 58: [U, To.SrcVlan], 59: [U, To.DstVlan],
  62: ["ipv6Address", To.NextHop], 63: ["ipv6Address", To.BgpNextHop], 80: ["macAddress", To.DstMac], 81: ["macAddress", To.SrcMacIfUnset],
  88: [U, To.FragmentOffset], 136: [U, To.Reason], 139: [U, To.IcmpTypeCode],
  150: ["dateTimeSeconds", To.StartMs], 151: ["dateTimeSeconds", To.EndMs], 152: ["dateTimeMilliseconds", To.StartMs], 153: ["dateTimeMilliseconds", To.EndMs],
  154: ["dateTimeMicroseconds", To.StartMs], 155: ["dateTimeMicroseconds", To.EndMs], 156: ["dateTimeNanoseconds", To.StartMs], 157: ["dateTimeNanoseconds", To.EndMs],
  158: [U, To.StartDelta], 159: [U, To.EndDelta], 160: ["dateTimeMilliseconds", To.SystemInit],
  176: [U, To.IcmpType], 177: [U, To.IcmpCode], 178: [U, To.IcmpType], 179: [U, To.IcmpCode], 192: [U, To.Ttl], 243: [U, To.SrcVlanIfUnset], 256: [U, To.Etype],
  305: [U, To.SamplingPacketInterval], 306: [U, To.SamplingPacketSpace],
};
/** The total counters, taken only when a template has no delta counter. */
const TOTALS: Readonly<Record<number, readonly [string, To]>> = { 85: [U, To.Bytes], 86: [U, To.Packets] };

// Elements whose presence needs the general way (samplingProbability is a float).
const GENERAL_ONLY = new Set([311]);

function readAs(type: AbstractType, expected: string): As | undefined {
  if (expected === U) return type === "unsigned8" || type === "unsigned16" || type === "unsigned32" || type === "unsigned64" ? As.Uint : undefined;
  if (type !== expected) return undefined;
  switch (type) {
    case "ipv4Address": return As.Ipv4;
    case "ipv6Address": return As.Ipv6;
    case "macAddress": return As.Mac;
    case "dateTimeSeconds": return As.Seconds;
    case "dateTimeMilliseconds": return As.Millis;
    case "dateTimeMicroseconds": return As.Micros;
    case "dateTimeNanoseconds": return As.Nanos;
    default: return undefined;
  }
}

/** Scratch per record: the times and sampling elements that need the message's or exporter's context. */
export interface DirectFacts extends RecordTimes {
  samplingInterval?: number;
  samplingPacketInterval?: number;
  samplingPacketSpace?: number;
}

export interface FlowReader {
  /** Reads the record at `p` (its bounds already checked by the codec) into `f` and `t`. */
  read(bytes: Uint8Array, p: number, f: FlowRecord, t: DirectFacts): void;
}

const TWO32 = 4294967296;

function uintAt(b: Uint8Array, p: number, w: number): number {
  if (w === 4) return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  if (w === 2) return (b[p]! << 8) | b[p + 1]!;
  if (w === 1) return b[p]!;
  if (w <= 4) return b[p]! * 65536 + ((b[p + 1]! << 8) | b[p + 2]!); // 3 octets
  // 5-8 octets: one rounding of the exact value, as Number() of the bigint does.
  let hi = 0;
  for (let k = 0; k < w - 4; k++) hi = hi * 256 + b[p + k]!;
  return hi * TWO32 + u32(b, p + w - 4);
}
const u32 = (b: Uint8Array, p: number) => ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;

function mapped4(b: Uint8Array, p: number): Uint8Array {
  const a = new Uint8Array(16);
  a[10] = 0xff;
  a[11] = 0xff;
  a[12] = b[p]!;
  a[13] = b[p + 1]!;
  a[14] = b[p + 2]!;
  a[15] = b[p + 3]!;
  return a;
}

// Record fields a Uint field may go to, by name: the same in the flow record and the scratch facts.
const UINT_TARGETS: Partial<Record<To, string>> = {
  [To.Bytes]: "f.bytes", [To.Packets]: "f.packets", [To.Proto]: "f.proto", [To.Tos]: "f.tos", [To.TcpFlags]: "f.tcpFlags",
  [To.Sport]: "f.sport", [To.Dport]: "f.dport", [To.SrcMask]: "f.srcMask", [To.DstMask]: "f.dstMask", [To.InIf]: "f.inIf",
  [To.OutIf]: "f.outIf", [To.SrcAsn]: "f.srcAsn", [To.DstAsn]: "f.dstAsn", [To.FlowLabel]: "f.flowLabel", [To.FragmentId]: "f.fragmentId",
  [To.SrcVlan]: "f.srcVlan", [To.DstVlan]: "f.dstVlan", [To.FragmentOffset]: "f.fragmentOffset", [To.Reason]: "f.reason",
  [To.IcmpType]: "f.icmpType", [To.IcmpCode]: "f.icmpCode", [To.Ttl]: "f.ttl", [To.Etype]: "f.etype",
  [To.StartSysUp]: "t.startSysUpMs", [To.EndSysUp]: "t.endSysUpMs", [To.StartDelta]: "t.startDeltaUs", [To.EndDelta]: "t.endDeltaUs",
  [To.SamplingInterval]: "t.samplingInterval", [To.SamplingPacketInterval]: "t.samplingPacketInterval", [To.SamplingPacketSpace]: "t.samplingPacketSpace",
};

/** An unsigned integer of `w` octets at `at` (code), inline for the common widths. */
function uintCode(at: string, w: number): string {
  if (w === 1) return `b[${at}]`;
  if (w === 2) return `((b[${at}] << 8) | b[${at} + 1])`;
  if (w === 4) return `(((b[${at}] << 24) | (b[${at} + 1] << 16) | (b[${at} + 2] << 8) | b[${at} + 3]) >>> 0)`;
  return `uintAt(b, ${at}, ${w})`;
}

/** The statement that puts one field's value, `w` octets at `at`, where it goes. */
function statement(as: As, to: To, at: string, w: number): string {
  switch (as) {
    case As.Uint: {
      const v = uintCode(at, w);
      if (to === To.IcmpTypeCode) return `n = ${v}; f.icmpType = n >> 8; f.icmpCode = n & 0xff;`;
      if (to === To.TtlIfUnset) return `f.ttl ??= ${v};`;
      if (to === To.SrcVlanIfUnset) return `f.srcVlan ??= ${v};`;
      const target = UINT_TARGETS[to];
      if (!target) throw new Error(`flow reader: no target for ${to}`);
      return `${target} = ${v};`;
    }
    case As.Ipv4:
    case As.Ipv6: {
      const v4 = as === As.Ipv4;
      if (to === To.Src || to === To.Dst) {
        const a = v4 ? `mapped4(b, ${at})` : `b.slice(${at}, ${at} + 16)`;
        return `f.${to === To.Src ? "src" : "dst"} = ${a}; f.family = ${v4 ? 4 : 6}; f.etype ??= ${v4 ? 0x0800 : 0x86dd};`;
      }
      return `f.${to === To.NextHop ? "nextHop" : "bgpNextHop"} = ${v4 ? "formatIpv4" : "formatIpv6"}(b, ${at});`;
    }
    case As.Mac: {
      const [field, op] = to === To.SrcMac ? ["srcMac", "="] : to === To.DstMac ? ["dstMac", "="] : to === To.SrcMacIfUnset ? ["srcMac", "??="] : ["dstMac", "??="];
      return `f.${field} ${op} formatMac(b, ${at});`;
    }
    default: {
      const target = to === To.StartMs ? "f.startMs" : to === To.EndMs ? "f.endMs" : "t.systemInitMs";
      return `${target} = timeMs(${as}, b, ${at});`;
    }
  }
}

/**
 * The reader as one function generated from the template's operations:
 * fixed offsets as constants, fields nothing takes only stepped over,
 * every store a plain property write. Only numbers from the tables above
 * and the template's lengths go into the code.
 */
function generate(as: Uint8Array, to: Uint8Array, widths: Uint16Array): FlowReader["read"] {
  const lines = ["let q = p; let w = 0; let n = 0;"];
  let k = 0; // octets from q to the next field
  for (let i = 0; i < to.length; i++) {
    const width = widths[i]!;
    if (width === VARIABLE_LENGTH) {
      // Only fields nothing takes can be variable-length (a typed element of variable length decodes as octets).
      lines.push(`q += ${k}; w = b[q++]; if (w === 255) { w = (b[q] << 8) | b[q + 1]; q += 2; } q += w;`);
      k = 0;
      continue;
    }
    if (to[i] !== To.Skip) lines.push(statement(as[i] as As, to[i] as To, `q + ${k}`, width));
    k += width;
  }
  lines.push("void w; void n;");
  const make = new Function("uintAt", "mapped4", "formatIpv4", "formatIpv6", "formatMac", "timeMs", `return function readRecord(b, p, f, t) {\n${lines.join("\n")}\n};`);
  return (make as (...fns: unknown[]) => FlowReader["read"])(uintAt, mapped4, formatIpv4, formatIpv6, formatMac, timeMs);
}

// Generated readers by template shape: exporters send the same few templates again and again (and
// per session), and an exporter flooding new ones reuses a bounded cache.
const MAX_SHAPES = 1024;
const byShape = new Map<string, FlowReader["read"]>();

function readerFor(as: Uint8Array, to: Uint8Array, widths: Uint16Array): FlowReader {
  const key = `${as.join(",")}|${to.join(",")}|${widths.join(",")}`;
  let read = byShape.get(key);
  if (read) {
    byShape.delete(key);
  } else {
    read = generate(as, to, widths);
    if (byShape.size >= MAX_SHAPES) byShape.delete(byShape.keys().next().value as string);
  }
  byShape.set(key, read);
  return { read };
}

/** A dateTime field as Unix ms, as the general way computes it from the decoded value. */
function timeMs(as: number, b: Uint8Array, p: number): number {
  if (as === As.Seconds) return u32(b, p) * 1000;
  if (as === As.Millis) return u32(b, p) * TWO32 + u32(b, p + 4);
  if (as === As.Micros) return ntpToMicros(u32(b, p), u32(b, p + 4)) / 1000;
  const ns = ntpToNanos(u32(b, p), u32(b, p + 4));
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

const compiled = new WeakMap<DecodedTemplate, FlowReader | null>();

/**
 * The direct reader of a data template's records, or undefined when one of
 * its fields needs the general way. `firstElement`: fields before it are
 * left out (a v9 options template's scope fields carry scope types, not
 * element IDs; data templates pass 0).
 */
export function flowReaderFor(t: DecodedTemplate, firstElement = 0): FlowReader | undefined {
  let r = compiled.get(t);
  if (r === undefined) {
    r = compileReader(t, firstElement) ?? null;
    compiled.set(t, r);
  }
  return r ?? undefined;
}

function compileReader(t: DecodedTemplate, firstElement: number): FlowReader | undefined {
  const n = t.fields.length;
  const as = new Uint8Array(n);
  const to = new Uint8Array(n);
  const widths = new Uint16Array(n);
  const hasDelta = t.fields.some((x) => x.enterprise === 0 && (x.id === 1 || x.id === 2));
  for (let i = 0; i < n; i++) {
    const x = t.fields[i]!;
    widths[i] = x.length;
    if (i < firstElement || x.enterprise !== 0) continue;
    if (GENERAL_ONLY.has(x.id)) return undefined;
    const e = ELEMENTS[x.id] ?? (hasDelta ? undefined : TOTALS[x.id]);
    if (!e) continue;
    const read = readAs(x.type, e[0]);
    if (read === undefined) return undefined;
    as[i] = read;
    to[i] = e[1];
  }
  return readerFor(as, to, widths);
}

/** The 1-in-N rate a record's own sampling elements give, as samplingRateOf reads them (samplingProbability takes the general way). */
export function directSamplingRate(t: DirectFacts): number | undefined {
  const pi = t.samplingPacketInterval;
  const ps = t.samplingPacketSpace;
  if (pi !== undefined && ps !== undefined && pi > 0) return (pi + ps) / pi;
  const iv = t.samplingInterval;
  if (iv !== undefined && iv > 0) return iv;
  return undefined;
}

const readers = new WeakMap<DecodedTemplate, RecordReader>();

/** Values of records the codec only bounded (`recordOffsets`), for a template the direct reader does not take. */
export function valuesOf(t: DecodedTemplate, bytes: Uint8Array, offsets: readonly number[]): FieldValue[][] {
  let reader = readers.get(t);
  if (!reader) readers.set(t, (reader = new RecordReader(t)));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: FieldValue[][] = [];
  for (let r = 0; r + 1 < offsets.length; r++) {
    const values: FieldValue[] = new Array<FieldValue>(t.fields.length);
    reader.read(view, bytes, offsets[r]!, offsets[r + 1]!, values);
    out.push(values);
  }
  return out;
}

/** A data set's records as the normalisers take them: read straight from the bytes at `offsets` (`direct`), or as decoded `values`. */
export interface SetRecords {
  count: number;
  direct: FlowReader | undefined;
  offsets: readonly number[] | undefined;
  values: readonly FieldValue[][];
}

export function setRecords(set: { template: DecodedTemplate; records: FieldValue[][]; recordOffsets?: number[] }, bytes: Uint8Array): SetRecords {
  const offsets = set.recordOffsets;
  const direct = offsets ? flowReaderFor(set.template) : undefined;
  // Records the codec left undecoded but the direct reader cannot take: decoded here, the general way.
  const values = offsets && !direct ? valuesOf(set.template, bytes, offsets) : set.records;
  return { count: direct && offsets ? offsets.length - 1 : values.length, direct, offsets, values };
}
