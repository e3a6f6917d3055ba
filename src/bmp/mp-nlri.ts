// MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760 sections 3 and 4). Only IPv4 and
// IPv6 unicast prefixes are read; other families are recognised and skipped.
import { familyKey, readPrefixes, unicastFamily, type AddressFamily, type Route } from "./prefix.js";
import { Afi } from "./wire.js";

export interface MpReach {
  afi: number;
  safi: number;
  /** Absent for a family the decoder skips. */
  family?: AddressFamily;
  /** The next hop's first address: 4 octets, or 16 (IPv6, or IPv4 NLRI over an IPv6 next hop, RFC 8950). */
  nextHop?: Uint8Array;
  routes: Route[];
  /** Any NLRI octets at all, decoded or not (RFC 7606 section 5.2 asks). */
  hasNlri: boolean;
}

export interface MpUnreach {
  afi: number;
  safi: number;
  family?: AddressFamily;
  routes: Route[];
  hasNlri: boolean;
}

/** A reason when the attribute is malformed: RFC 7606 section 5.3 leaves session reset (or AFI/SAFI disable). */
export function decodeMpReach(bytes: Uint8Array, view: DataView, start: number, end: number, addPath: ReadonlySet<number>): MpReach | string {
  if (end - start < 5) return `${end - start} octets: MP_REACH_NLRI needs at least 5`;
  const afi = view.getUint16(start);
  const safi = bytes[start + 2];
  const nextHopLength = bytes[start + 3];
  const nlriStart = start + 4 + nextHopLength + 1; // the octet after the next hop is reserved
  if (nlriStart > end) return `a next hop of ${nextHopLength} octets runs past the attribute`;
  const family = unicastFamily(afi, safi);
  const hasNlri = nlriStart < end;
  if (!family) return { afi, safi, routes: [], hasNlri };
  const allowed = afi === Afi.Ipv4 ? [4, 16, 32] : [16, 32];
  if (!allowed.includes(nextHopLength)) return `a next hop of ${nextHopLength} octets for ${family} unicast`;
  const nextHop = bytes.slice(start + 4, start + 4 + Math.min(nextHopLength, 16));
  const routes: Route[] = [];
  const bad = readPrefixes(bytes, view, nlriStart, end, family, addPath.has(familyKey(afi, safi)), routes);
  if (bad) return `NLRI at offset ${bad.offset}: ${bad.reason}`;
  return { afi, safi, family, nextHop, routes, hasNlri };
}

export function decodeMpUnreach(bytes: Uint8Array, view: DataView, start: number, end: number, addPath: ReadonlySet<number>): MpUnreach | string {
  if (end - start < 3) return `${end - start} octets: MP_UNREACH_NLRI needs at least 3`;
  const afi = view.getUint16(start);
  const safi = bytes[start + 2];
  const family = unicastFamily(afi, safi);
  const hasNlri = start + 3 < end;
  if (!family) return { afi, safi, routes: [], hasNlri };
  const routes: Route[] = [];
  const bad = readPrefixes(bytes, view, start + 3, end, family, addPath.has(familyKey(afi, safi)), routes);
  if (bad) return `withdrawn routes at offset ${bad.offset}: ${bad.reason}`;
  return { afi, safi, family, routes, hasNlri };
}
