// Which flow record field each information element fills, for IPFIX and
// NetFlow v9 alike (v9's field types 1-127 are the same elements). A
// template is compiled once into a list of setters; records then run them
// in field order. Only delta counters map to bytes and packets, the total
// counters only when a template has no delta (RFC 7012 keeps them apart).
import type { FieldValue } from "../../ipfix/index.js";
import type { DecodedTemplate } from "../../ipfix/index.js";
import type { FlowRecord } from "../../flow-record/index.js";
import { parseAddress } from "../../net/address.js";

/** Time fields that need the message's context (export time, exporter boot time). */
export interface RecordTimes {
  startSysUpMs?: number;
  endSysUpMs?: number;
  startDeltaUs?: number;
  endDeltaUs?: number;
  systemInitMs?: number;
}

export type Setter = (f: FlowRecord, v: FieldValue, t: RecordTimes) => void;

const num = (v: FieldValue): number => (typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : 0);
const text = (v: FieldValue): string | undefined => (typeof v === "string" ? v : undefined);
/** Dotted-quad text (as the codec decodes ipv4Address) into the 16-byte mapped form, without the general parser's checks. */
function mappedIpv4(text: string): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  let octet = 12;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      out[octet++] = n;
      n = 0;
    } else n = n * 10 + (c - 48);
  }
  out[octet] = n;
  return out;
}

function address(f: FlowRecord, v: FieldValue, family: number, side: "src" | "dst"): void {
  if (typeof v !== "string") return;
  f[side] = family === 4 ? mappedIpv4(v) : parseAddress(v);
  f.family = family;
  f.etype ??= family === 4 ? 0x0800 : 0x86dd;
}
function nsToMs(v: FieldValue): number {
  if (typeof v !== "bigint") return num(v);
  return Number(v / 1_000_000n) + Number(v % 1_000_000n) / 1e6;
}

const SETTERS: Readonly<Record<number, Setter>> = {
  1: (f, v) => (f.bytes = num(v)),
  2: (f, v) => (f.packets = num(v)),
  4: (f, v) => (f.proto = num(v)),
  5: (f, v) => (f.tos = num(v)),
  6: (f, v) => (f.tcpFlags = num(v)),
  7: (f, v) => (f.sport = num(v)),
  8: (f, v) => address(f, v, 4, "src"),
  9: (f, v) => (f.srcMask = num(v)),
  10: (f, v) => (f.inIf = num(v)),
  11: (f, v) => (f.dport = num(v)),
  12: (f, v) => address(f, v, 4, "dst"),
  13: (f, v) => (f.dstMask = num(v)),
  14: (f, v) => (f.outIf = num(v)),
  15: (f, v) => (f.nextHop = text(v)),
  16: (f, v) => (f.srcAsn = num(v)),
  17: (f, v) => (f.dstAsn = num(v)),
  18: (f, v) => (f.bgpNextHop = text(v)),
  21: (_f, v, t) => (t.endSysUpMs = num(v)),
  22: (_f, v, t) => (t.startSysUpMs = num(v)),
  27: (f, v) => address(f, v, 6, "src"),
  28: (f, v) => address(f, v, 6, "dst"),
  29: (f, v) => (f.srcMask = num(v)),
  30: (f, v) => (f.dstMask = num(v)),
  31: (f, v) => (f.flowLabel = num(v)),
  32: (f, v) => {
    f.icmpType = num(v) >> 8;
    f.icmpCode = num(v) & 0xff;
  },
  52: (f, v) => (f.ttl ??= num(v)),
  53: (f, v) => (f.ttl ??= num(v)),
  54: (f, v) => (f.fragmentId = num(v)),
  56: (f, v) => (f.srcMac = text(v)),
  57: (f, v) => (f.dstMac ??= text(v)),
  58: (f, v) => (f.srcVlan = num(v)),
  59: (f, v) => (f.dstVlan = num(v)),
  62: (f, v) => (f.nextHop = text(v)),
  63: (f, v) => (f.bgpNextHop = text(v)),
  80: (f, v) => (f.dstMac = text(v)),
  81: (f, v) => (f.srcMac ??= text(v)),
  88: (f, v) => (f.fragmentOffset = num(v)),
  136: (f, v) => (f.reason = num(v)),
  139: (f, v) => {
    f.icmpType = num(v) >> 8;
    f.icmpCode = num(v) & 0xff;
  },
  150: (f, v) => (f.startMs = num(v) * 1000),
  151: (f, v) => (f.endMs = num(v) * 1000),
  152: (f, v) => (f.startMs = num(v)),
  153: (f, v) => (f.endMs = num(v)),
  154: (f, v) => (f.startMs = num(v) / 1000),
  155: (f, v) => (f.endMs = num(v) / 1000),
  156: (f, v) => (f.startMs = nsToMs(v)),
  157: (f, v) => (f.endMs = nsToMs(v)),
  158: (_f, v, t) => (t.startDeltaUs = num(v)),
  159: (_f, v, t) => (t.endDeltaUs = num(v)),
  160: (_f, v, t) => (t.systemInitMs = num(v)),
  176: (f, v) => (f.icmpType = num(v)),
  177: (f, v) => (f.icmpCode = num(v)),
  178: (f, v) => (f.icmpType = num(v)),
  179: (f, v) => (f.icmpCode = num(v)),
  192: (f, v) => (f.ttl = num(v)),
  243: (f, v) => (f.srcVlan ??= num(v)),
  256: (f, v) => (f.etype = num(v)),
};

const TOTALS: Readonly<Record<number, Setter>> = {
  85: (f, v) => (f.bytes = num(v)),
  86: (f, v) => (f.packets = num(v)),
};

export interface CompiledTemplate {
  /** Setter per field, or undefined for a field no record field takes. */
  setters: (Setter | undefined)[];
}

const compiled = new WeakMap<DecodedTemplate, CompiledTemplate>();

export function compileTemplate(t: DecodedTemplate): CompiledTemplate {
  let c = compiled.get(t);
  if (c) return c;
  const iana = (id: number, e: number) => e === 0 ? id : -1;
  const hasDelta = t.fields.some((x) => x.enterprise === 0 && (x.id === 1 || x.id === 2));
  c = { setters: t.fields.map((x) => SETTERS[iana(x.id, x.enterprise)] ?? (hasDelta ? undefined : TOTALS[iana(x.id, x.enterprise)])) };
  compiled.set(t, c);
  return c;
}
