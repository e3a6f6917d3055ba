// Prefixes as the Withdrawn Routes and NLRI fields and the MP attributes carry
// them (RFC 4271 section 4.3, RFC 4760 section 5), with the 4-octet path
// identifier in front of each when ADD-PATH is in use (RFC 7911 section 3).
import { Afi, Safi } from "./wire.js";

export type AddressFamily = "ipv4" | "ipv6";

export interface Route {
  family: AddressFamily;
  /** The network address: 4 octets for IPv4, 16 for IPv6, bits past length zeroed. */
  prefix: Uint8Array;
  /** Prefix length in bits. */
  length: number;
  /** Present when the session negotiated ADD-PATH for the family. */
  pathId?: number;
}

export interface AnnouncedRoute extends Route {
  /** NEXT_HOP for the NLRI field, the MP_REACH_NLRI next hop (its first address) otherwise. */
  nextHop?: Uint8Array;
}

/** Key of an AFI/SAFI pair, for sets of families. */
export function familyKey(afi: number, safi: number): number {
  return afi * 256 + safi;
}

/** The unicast family the decoder understands for an AFI/SAFI, or undefined. */
export function unicastFamily(afi: number, safi: number): AddressFamily | undefined {
  if (safi !== Safi.Unicast) return undefined;
  if (afi === Afi.Ipv4) return "ipv4";
  if (afi === Afi.Ipv6) return "ipv6";
  return undefined;
}

export interface PrefixError {
  offset: number;
  reason: string;
}

/**
 * Appends the prefixes from start to end to out. Returns where and why the
 * field is malformed (a length past the family's width, a prefix or path ID
 * cut short), or undefined when all of it parsed.
 */
export function readPrefixes(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  family: AddressFamily,
  addPath: boolean,
  out: Route[],
): PrefixError | undefined {
  const width = family === "ipv4" ? 4 : 16;
  let p = start;
  while (p < end) {
    const at = p;
    let pathId: number | undefined;
    if (addPath) {
      if (end - p < 4) return { offset: at, reason: `${end - p} octets left: too few for a path identifier` };
      pathId = view.getUint32(p);
      p += 4;
    }
    if (p >= end) return { offset: at, reason: "a path identifier without its prefix" };
    const length = bytes[p++];
    if (length > width * 8) return { offset: at, reason: `prefix length ${length} is longer than an ${family} address` };
    const octets = (length + 7) >> 3;
    if (p + octets > end) return { offset: at, reason: `a /${length} prefix needs ${octets} octets, ${end - p} are left` };
    const prefix = new Uint8Array(width);
    prefix.set(bytes.subarray(p, p + octets));
    // Bits past the length are meaningless on the wire; zero them so equal prefixes compare equal.
    if (length % 8 !== 0) prefix[octets - 1] &= 0xff << (8 - (length % 8));
    p += octets;
    out.push(pathId === undefined ? { family, prefix, length } : { family, prefix, length, pathId });
  }
  return undefined;
}
