// Walks an UPDATE's path attributes (RFC 4271 section 4.3) and checks each one
// the decoder uses against RFC 7606: flags, length, value, repeats. What it
// finds is kept raw (ranges into the message) where the meaning depends on the
// AS number width, which is settled afterwards.
import { report, type DecodeContext } from "./context.js";
import { decodeMpReach, decodeMpUnreach, type MpReach, type MpUnreach } from "./mp-nlri.js";
import { strongerAction, type BmpProblemCode, type ProblemAction } from "./problem.js";
import { AttributeFlag, AttributeType } from "./wire.js";

/** Where an attribute's value lies in the message, and its header's offset (for problems). */
export interface Span {
  start: number;
  end: number;
  offset: number;
}

export interface CollectedAttributes {
  origin?: number;
  asPath?: Span;
  nextHop?: Uint8Array;
  med?: number;
  localPref?: number;
  atomicAggregate: boolean;
  /** Its length is checked once the AS number width is known (6 or 8). */
  aggregator?: Span;
  as4Path?: Span;
  as4Aggregator?: { asn: number; address: Uint8Array; offset: number };
  communities?: Span;
  largeCommunities?: Span;
  mpReach?: MpReach;
  mpUnreach?: MpUnreach;
  /** Type codes seen, well-formed or not (so a malformed ORIGIN is not also "missing"). */
  seen: Set<number>;
  /** Any attribute other than MP_UNREACH_NLRI (RFC 7606 section 5.2, End-of-RIB). */
  anyButMpUnreach: boolean;
}

/** The strongest RFC 7606 action any problem in this UPDATE called for so far. */
export interface UpdateVerdict {
  action: ProblemAction;
}

interface Rule {
  optional: boolean;
  transitive: boolean;
  /** What RFC 7606 (or the attribute's own RFC) does with a malformed one. */
  action: ProblemAction;
  code: BmpProblemCode;
  name: string;
}

const RULES = new Map<number, Rule>([
  [AttributeType.Origin, { optional: false, transitive: true, action: "treat_as_withdraw", code: "bad_origin", name: "ORIGIN" }],
  [AttributeType.AsPath, { optional: false, transitive: true, action: "treat_as_withdraw", code: "bad_as_path", name: "AS_PATH" }],
  [AttributeType.NextHop, { optional: false, transitive: true, action: "treat_as_withdraw", code: "bad_next_hop", name: "NEXT_HOP" }],
  [AttributeType.MultiExitDisc, { optional: true, transitive: false, action: "treat_as_withdraw", code: "bad_med", name: "MULTI_EXIT_DISC" }],
  [AttributeType.LocalPref, { optional: false, transitive: true, action: "treat_as_withdraw", code: "bad_local_pref", name: "LOCAL_PREF" }],
  [AttributeType.AtomicAggregate, { optional: false, transitive: true, action: "attribute_discard", code: "bad_atomic_aggregate", name: "ATOMIC_AGGREGATE" }],
  [AttributeType.Aggregator, { optional: true, transitive: true, action: "attribute_discard", code: "bad_aggregator", name: "AGGREGATOR" }],
  [AttributeType.Communities, { optional: true, transitive: true, action: "treat_as_withdraw", code: "bad_communities", name: "COMMUNITIES" }],
  [AttributeType.MpReachNlri, { optional: true, transitive: false, action: "session_reset", code: "bad_mp_reach", name: "MP_REACH_NLRI" }],
  [AttributeType.MpUnreachNlri, { optional: true, transitive: false, action: "session_reset", code: "bad_mp_unreach", name: "MP_UNREACH_NLRI" }],
  [AttributeType.As4Path, { optional: true, transitive: true, action: "attribute_discard", code: "bad_as4_path", name: "AS4_PATH" }],
  [AttributeType.As4Aggregator, { optional: true, transitive: true, action: "attribute_discard", code: "bad_as4_aggregator", name: "AS4_AGGREGATOR" }],
  [AttributeType.LargeCommunities, { optional: true, transitive: true, action: "treat_as_withdraw", code: "bad_large_communities", name: "LARGE_COMMUNITIES" }],
]);

export function attributeName(type: number): string {
  return RULES.get(type)?.name ?? `attribute ${type}`;
}

/** Reports a problem and raises the UPDATE's verdict to its action if stronger. */
export function flag(ctx: DecodeContext, verdict: UpdateVerdict, code: BmpProblemCode, action: ProblemAction, offset: number, message: string, attributeType?: number): void {
  report(ctx, code, action, offset, message, attributeType);
  verdict.action = strongerAction(verdict.action, action);
}

/** Reports a malformed attribute with the action its rule gives. */
function malformed(ctx: DecodeContext, verdict: UpdateVerdict, type: number, offset: number, message: string): void {
  const rule = RULES.get(type)!;
  flag(ctx, verdict, rule.code, rule.action, offset, `${rule.name}: ${message}`, type);
}

export function collectAttributes(ctx: DecodeContext, start: number, end: number, addPath: ReadonlySet<number>, verdict: UpdateVerdict): CollectedAttributes {
  const { bytes, view } = ctx;
  const out: CollectedAttributes = { atomicAggregate: false, seen: new Set(), anyButMpUnreach: false };
  let p = start;
  while (p < end) {
    // RFC 7606 section 4: the total length is trusted to find the NLRI; a broken attribute list is treat-as-withdraw.
    const left = end - p;
    const flags = bytes[p];
    const headerLength = flags & AttributeFlag.ExtendedLength ? 4 : 3;
    if (left < headerLength) {
      flag(ctx, verdict, "attribute_overrun", "treat_as_withdraw", p, `${left} octets left: too few for an attribute header`);
      break;
    }
    const type = bytes[p + 1];
    const length = headerLength === 4 ? view.getUint16(p + 2) : bytes[p + 2];
    const valueStart = p + headerLength;
    const valueEnd = valueStart + length;
    if (valueEnd > end) {
      flag(ctx, verdict, "attribute_overrun", "treat_as_withdraw", p, `${attributeName(type)} of ${length} octets runs ${valueEnd - end} past the path attributes`, type);
      break;
    }
    const offset = p;
    p = valueEnd;
    if (type !== AttributeType.MpUnreachNlri) out.anyButMpUnreach = true;
    if (out.seen.has(type)) {
      // RFC 7606 section 3(g).
      if (type === AttributeType.MpReachNlri || type === AttributeType.MpUnreachNlri) {
        flag(ctx, verdict, "duplicate_mp_attribute", "session_reset", offset, `${attributeName(type)} appears twice`, type);
      } else {
        flag(ctx, verdict, "duplicate_attribute", "attribute_discard", offset, `${attributeName(type)} appears again: the later copy is dropped`, type);
      }
      continue;
    }
    out.seen.add(type);
    const rule = RULES.get(type);
    if (!rule) continue; // not one the decoder uses
    const optional = (flags & AttributeFlag.Optional) !== 0;
    const transitive = (flags & AttributeFlag.Transitive) !== 0;
    if (optional !== rule.optional || transitive !== rule.transitive) {
      // RFC 7606 section 3(c): flags in conflict make the attribute malformed.
      flag(ctx, verdict, "bad_attribute_flags", rule.action, offset, `${rule.name} flags 0x${flags.toString(16)}: optional and transitive should be ${+rule.optional}${+rule.transitive}`, type);
      continue;
    }
    collectOne(ctx, verdict, out, type, { start: valueStart, end: valueEnd, offset }, addPath);
  }
  return out;
}

function collectOne(ctx: DecodeContext, verdict: UpdateVerdict, out: CollectedAttributes, type: number, span: Span, addPath: ReadonlySet<number>): void {
  const { bytes, view } = ctx;
  const { start, offset } = span;
  const length = span.end - span.start;
  switch (type) {
    case AttributeType.Origin:
      if (length !== 1) return malformed(ctx, verdict, type, offset, `length ${length}, not 1`);
      if (bytes[start] > 2) return malformed(ctx, verdict, type, offset, `value ${bytes[start]} is not IGP, EGP or INCOMPLETE`);
      out.origin = bytes[start];
      return;
    case AttributeType.AsPath:
      out.asPath = span;
      return;
    case AttributeType.NextHop:
      if (length !== 4) return malformed(ctx, verdict, type, offset, `length ${length}, not 4`);
      out.nextHop = bytes.slice(start, start + 4);
      return;
    case AttributeType.MultiExitDisc:
      if (length !== 4) return malformed(ctx, verdict, type, offset, `length ${length}, not 4`);
      out.med = view.getUint32(start);
      return;
    case AttributeType.LocalPref:
      if (length !== 4) return malformed(ctx, verdict, type, offset, `length ${length}, not 4`);
      out.localPref = view.getUint32(start);
      return;
    case AttributeType.AtomicAggregate:
      if (length !== 0) return malformed(ctx, verdict, type, offset, `length ${length}, not 0`);
      out.atomicAggregate = true;
      return;
    case AttributeType.Aggregator:
      out.aggregator = span;
      return;
    case AttributeType.Communities:
      if (length === 0 || length % 4 !== 0) return malformed(ctx, verdict, type, offset, `length ${length} is not a non-zero multiple of 4`);
      out.communities = span;
      return;
    case AttributeType.LargeCommunities:
      if (length === 0 || length % 12 !== 0) return malformed(ctx, verdict, type, offset, `length ${length} is not a non-zero multiple of 12`);
      out.largeCommunities = span;
      return;
    case AttributeType.As4Path:
      out.as4Path = span;
      return;
    case AttributeType.As4Aggregator:
      if (length !== 8) return malformed(ctx, verdict, type, offset, `length ${length}, not 8`);
      out.as4Aggregator = { asn: view.getUint32(start), address: bytes.slice(start + 4, start + 8), offset };
      return;
    case AttributeType.MpReachNlri: {
      const mp = decodeMpReach(bytes, view, start, span.end, addPath);
      if (typeof mp === "string") return malformed(ctx, verdict, type, offset, mp);
      out.mpReach = mp;
      return;
    }
    case AttributeType.MpUnreachNlri: {
      const mp = decodeMpUnreach(bytes, view, start, span.end, addPath);
      if (typeof mp === "string") return malformed(ctx, verdict, type, offset, mp);
      out.mpUnreach = mp;
      return;
    }
  }
}
