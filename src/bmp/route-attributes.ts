// The decoded attributes of announced routes, in the form a RIB keeps: flat
// lists capped so a hostile path cannot grow memory per route.
import type { AsPathSegment } from "./as-path.js";
import type { DecodeContext } from "./context.js";
import type { Aggregator, EffectivePath } from "./effective-as-path.js";
import type { CollectedAttributes } from "./path-attributes.js";
import { SegmentType } from "./wire.js";

/** The most AS numbers, communities and large communities kept per route. */
export const MAX_LIST_ENTRIES = 32;

export interface RouteAttributes {
  /** 0 IGP, 1 EGP, 2 INCOMPLETE. */
  origin?: number;
  /** Every AS number of the path in order (set and confederation members included), the first 32. */
  asPath: number[];
  /**
   * The last AS number of the whole path (also when asPath was cut). 0 when the
   * path ends in an AS_SET or AS_CONFED_SET (see originAsSet) or is empty (a
   * route from the monitored AS itself).
   */
  originAsn: number;
  /** The path ends in a set: the origin is ambiguous. */
  originAsSet: boolean;
  med?: number;
  localPref?: number;
  atomicAggregate: boolean;
  aggregator?: Aggregator;
  /** RFC 1997 communities as [high 16 bits, low 16 bits], the first 32. */
  communities: [number, number][];
  /** RFC 8092 large communities as [global admin, local data 1, local data 2], the first 32. */
  largeCommunities: [number, number, number][];
  /** asPath, communities or largeCommunities was cut to 32 entries. */
  truncated: boolean;
}

export function buildRouteAttributes(ctx: DecodeContext, attrs: CollectedAttributes, path: EffectivePath): RouteAttributes {
  const out: RouteAttributes = {
    asPath: [],
    originAsn: 0,
    originAsSet: false,
    atomicAggregate: attrs.atomicAggregate,
    communities: [],
    largeCommunities: [],
    truncated: false,
  };
  if (attrs.origin !== undefined) out.origin = attrs.origin;
  if (attrs.med !== undefined) out.med = attrs.med;
  if (attrs.localPref !== undefined) out.localPref = attrs.localPref;
  if (path.aggregator) out.aggregator = path.aggregator;
  flattenPath(path.segments, out);
  const { view } = ctx;
  if (attrs.communities) {
    const { start, end } = attrs.communities;
    for (let p = start; p < end; p += 4) {
      if (out.communities.length === MAX_LIST_ENTRIES) {
        out.truncated = true;
        break;
      }
      out.communities.push([view.getUint16(p), view.getUint16(p + 2)]);
    }
  }
  if (attrs.largeCommunities) {
    const { start, end } = attrs.largeCommunities;
    for (let p = start; p < end; p += 12) {
      if (out.largeCommunities.length === MAX_LIST_ENTRIES) {
        out.truncated = true;
        break;
      }
      out.largeCommunities.push([view.getUint32(p), view.getUint32(p + 4), view.getUint32(p + 8)]);
    }
  }
  return out;
}

function flattenPath(segments: AsPathSegment[], out: RouteAttributes): void {
  for (const s of segments) {
    for (const asn of s.asns) {
      if (out.asPath.length === MAX_LIST_ENTRIES) {
        out.truncated = true;
        break;
      }
      out.asPath.push(asn);
    }
  }
  const last = segments[segments.length - 1];
  if (!last) return;
  if (last.type === SegmentType.AsSet || last.type === SegmentType.AsConfedSet) out.originAsSet = true;
  else out.originAsn = last.asns[last.asns.length - 1];
}
