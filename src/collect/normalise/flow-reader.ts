// IPFIX and NetFlow v9 data records read straight from the datagram's bytes
// into flow records: the collector's hot path. Decoding every field into a
// value first (a string per address, a bigint per 64-bit counter, an array
// per record) and then copying the values into a record cost more than
// everything else the collector does. A template is compiled once into one
// operation per field; fields no record field takes are stepped over.
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
import type { EndReason, FlowRecord } from "../../flow-record/index.js";
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

class CompiledReader implements FlowReader {
  constructor(private readonly as: Uint8Array, private readonly to: Uint8Array, private readonly widths: Uint16Array) {}

  read(b: Uint8Array, p: number, f: FlowRecord, t: DirectFacts): void {
    const { as, to, widths } = this;
    for (let i = 0; i < to.length; i++) {
      let w = widths[i]!;
      if (w === VARIABLE_LENGTH) {
        w = b[p++]!;
        if (w === 255) {
          w = (b[p]! << 8) | b[p + 1]!;
          p += 2;
        }
      }
      const dest = to[i]!;
      if (dest !== To.Skip) this.put(dest, as[i]!, b, p, w, f, t);
      p += w;
    }
  }

  private put(dest: number, as: number, b: Uint8Array, p: number, w: number, f: FlowRecord, t: DirectFacts): void {
    switch (as) {
      case As.Uint: {
        const n = uintAt(b, p, w);
        switch (dest) {
          case To.Bytes: f.bytes = n; break;
          case To.Packets: f.packets = n; break;
          case To.Proto: f.proto = n; break;
          case To.Tos: f.tos = n; break;
          case To.TcpFlags: f.tcpFlags = n; break;
          case To.Sport: f.sport = n; break;
          case To.Dport: f.dport = n; break;
          case To.SrcMask: f.srcMask = n; break;
          case To.DstMask: f.dstMask = n; break;
          case To.InIf: f.inIf = n; break;
          case To.OutIf: f.outIf = n; break;
          case To.SrcAsn: f.srcAsn = n; break;
          case To.DstAsn: f.dstAsn = n; break;
          case To.FlowLabel: f.flowLabel = n; break;
          case To.IcmpTypeCode: f.icmpType = n >> 8; f.icmpCode = n & 0xff; break;
          case To.TtlIfUnset: f.ttl ??= n; break;
          case To.FragmentId: f.fragmentId = n; break;
          case To.SrcVlan: f.srcVlan = n; break;
          case To.DstVlan: f.dstVlan = n; break;
          case To.SrcVlanIfUnset: f.srcVlan ??= n; break;
          case To.FragmentOffset: f.fragmentOffset = n; break;
          case To.Reason: f.reason = n as EndReason; break;
          case To.IcmpType: f.icmpType = n; break;
          case To.IcmpCode: f.icmpCode = n; break;
          case To.Ttl: f.ttl = n; break;
          case To.Etype: f.etype = n; break;
          case To.StartSysUp: t.startSysUpMs = n; break;
          case To.EndSysUp: t.endSysUpMs = n; break;
          case To.StartDelta: t.startDeltaUs = n; break;
          case To.EndDelta: t.endDeltaUs = n; break;
          case To.SamplingInterval: t.samplingInterval = n; break;
          case To.SamplingPacketInterval: t.samplingPacketInterval = n; break;
          case To.SamplingPacketSpace: t.samplingPacketSpace = n; break;
        }
        return;
      }
      case As.Ipv4:
      case As.Ipv6: {
        const v4 = as === As.Ipv4;
        if (dest === To.Src || dest === To.Dst) {
          const a = v4 ? mapped4(b, p) : b.slice(p, p + 16);
          if (dest === To.Src) f.src = a;
          else f.dst = a;
          f.family = v4 ? 4 : 6;
          f.etype ??= v4 ? 0x0800 : 0x86dd;
        } else {
          const text = v4 ? formatIpv4(b, p) : formatIpv6(b, p);
          if (dest === To.NextHop) f.nextHop = text;
          else f.bgpNextHop = text;
        }
        return;
      }
      case As.Mac:
        if (dest === To.SrcMac) f.srcMac = formatMac(b, p);
        else if (dest === To.DstMac) f.dstMac = formatMac(b, p);
        else if (dest === To.SrcMacIfUnset) f.srcMac ??= formatMac(b, p);
        else f.dstMac ??= formatMac(b, p);
        return;
      default: {
        const ms = timeMs(as, b, p);
        if (dest === To.StartMs) f.startMs = ms;
        else if (dest === To.EndMs) f.endMs = ms;
        else t.systemInitMs = ms;
      }
    }
  }
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
  return new CompiledReader(as, to, widths);
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
