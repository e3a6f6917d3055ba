// Builders for hand-made BMP and BGP bytes, so each test spells out the
// message it feeds the decoder field by field.
import { formatAddress, isV4Mapped, parseAddress } from "../../src/net/address.js";
import type { Route } from "../../src/bmp/prefix.js";

export type Bytes = Uint8Array | number[];

export function cat(...parts: Bytes[]): Uint8Array {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const u8 = (n: number): number[] => [n & 0xff];
export const u16 = (n: number): number[] => [(n >>> 8) & 0xff, n & 0xff];
export const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
export const u64 = (n: bigint): number[] => [...u32(Number(n >> 32n)), ...u32(Number(n & 0xffffffffn))];

/** 4 octets for IPv4 text, 16 for IPv6. */
export function ip(text: string): Uint8Array {
  const a = parseAddress(text);
  return isV4Mapped(a) ? a.slice(12) : a;
}

export function ipText(a: Uint8Array): string {
  if (a.length === 4) return `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
  return formatAddress(a);
}

/** "10.0.0.0/8", with "#id" when the route has a path ID. */
export function routeText(r: Route): string {
  return `${ipText(r.prefix)}/${r.length}${r.pathId === undefined ? "" : `#${r.pathId}`}`;
}

// BMP.

export function bmp(type: number, ...body: Bytes[]): Uint8Array {
  const b = cat(...body);
  return cat([3], u32(6 + b.length), [type], b);
}

export interface PeerSpec {
  type?: number;
  flags?: number;
  distinguisher?: bigint;
  /** IPv4 goes in the last 4 of 16 octets. */
  address?: string;
  asn?: number;
  bgpId?: string;
  seconds?: number;
  micros?: number;
}

export function perPeer(p: PeerSpec = {}): Uint8Array {
  const addr = ip(p.address ?? "192.0.2.2");
  const a16 = new Uint8Array(16);
  a16.set(addr, 16 - addr.length);
  return cat([p.type ?? 0, p.flags ?? 0], u64(p.distinguisher ?? 0n), a16, u32(p.asn ?? 65002), ip(p.bgpId ?? "10.0.0.2"), u32(p.seconds ?? 1_700_000_000), u32(p.micros ?? 0));
}

export function tlv(type: number, value: Bytes | string): Uint8Array {
  const v = typeof value === "string" ? new TextEncoder().encode(value) : Uint8Array.from(value);
  return cat(u16(type), u16(v.length), v);
}

export const routeMonitoring = (peer: Uint8Array, bgpUpdate: Uint8Array) => bmp(0, peer, bgpUpdate);
export const routeMirroring = (peer: Uint8Array, ...tlvs: Uint8Array[]) => bmp(6, peer, ...tlvs);
export const initiation = (...tlvs: Bytes[]) => bmp(4, ...tlvs);
export const termination = (...tlvs: Bytes[]) => bmp(5, ...tlvs);

export function peerUp(peer: Uint8Array, o: { local?: string; localPort?: number; remotePort?: number; sent: Uint8Array; received: Uint8Array; info?: Uint8Array[] }): Uint8Array {
  const local = ip(o.local ?? "192.0.2.1");
  const l16 = new Uint8Array(16);
  l16.set(local, 16 - local.length);
  return bmp(3, peer, l16, u16(o.localPort ?? 179), u16(o.remotePort ?? 40000), o.sent, o.received, ...(o.info ?? []));
}

export const peerDown = (peer: Uint8Array, reason: number, ...data: Bytes[]) => bmp(2, peer, [reason], ...data);

/** A stat TLV: [type, value octets]. */
export function stats(peer: Uint8Array, entries: [number, Bytes][], count = entries.length): Uint8Array {
  return bmp(1, peer, u32(count), ...entries.map(([t, v]) => tlv(t, v)));
}

// BGP.

export function bgp(type: number, ...body: Bytes[]): Uint8Array {
  const b = cat(...body);
  return cat(new Array(16).fill(0xff), u16(19 + b.length), [type], b);
}

export const cap = {
  raw: (code: number, value: Bytes) => cat([code, value.length], value),
  multiprotocol: (afi: number, safi: number) => cap.raw(1, [...u16(afi), 0, safi]),
  fourOctetAs: (asn: number) => cap.raw(65, u32(asn)),
  /** [afi, safi, 1 receive | 2 send | 3 both]. */
  addPath: (...entries: [number, number, number][]) => cap.raw(69, entries.flatMap(([a, s, d]) => [...u16(a), s, d])),
};

export function open(o: { asn?: number; holdTime?: number; bgpId?: string; capabilities?: Uint8Array[] } = {}): Uint8Array {
  const caps = cat(...(o.capabilities ?? []));
  const params = caps.length > 0 ? cat([2, caps.length], caps) : new Uint8Array(0);
  return bgp(1, [4], u16(o.asn ?? 65002), u16(o.holdTime ?? 90), ip(o.bgpId ?? "10.0.0.2"), [params.length], params);
}

export function notification(code: number, subcode: number, data: Bytes = []): Uint8Array {
  return bgp(3, [code, subcode], data);
}

/** NLRI octets for "10.0.0.0/8" (with a path ID before it when given). */
export function prefix(text: string, pathId?: number): Uint8Array {
  const [addr, len] = text.split("/");
  const length = Number(len);
  const a = ip(addr);
  return cat(pathId === undefined ? [] : u32(pathId), [length], a.subarray(0, (length + 7) >> 3));
}

export const prefixes = (...texts: string[]) => cat(...texts.map((t) => prefix(t)));

/** A path attribute; extended length when the value needs it or when asked. */
export function attr(flags: number, type: number, value: Bytes, extended = value.length > 255): Uint8Array {
  return extended ? cat([flags | 0x10, type], u16(value.length), value) : cat([flags & ~0x10, type, value.length], value);
}

const WK = 0x40; // well-known: transitive
const OT = 0xc0; // optional transitive
const ON = 0x80; // optional non-transitive

export type Segment = [number, number[]];
export const SET = 1;
export const SEQ = 2;
export const CONFED_SEQ = 3;
export const CONFED_SET = 4;

function segments(width: 2 | 4, segs: Segment[]): number[] {
  return segs.flatMap(([t, asns]) => [t, asns.length, ...asns.flatMap((a) => (width === 4 ? u32(a) : u16(a)))]);
}

export const a = {
  origin: (v = 0) => attr(WK, 1, [v]),
  asPath4: (...segs: Segment[]) => attr(WK, 2, segments(4, segs)),
  asPath2: (...segs: Segment[]) => attr(WK, 2, segments(2, segs)),
  /** An AS_SEQUENCE of 4-octet AS numbers. */
  path: (...asns: number[]) => attr(WK, 2, asns.length ? segments(4, [[SEQ, asns]]) : []),
  nextHop: (addr = "192.0.2.2") => attr(WK, 3, ip(addr)),
  med: (v: number) => attr(ON, 4, u32(v)),
  localPref: (v: number) => attr(WK, 5, u32(v)),
  atomicAggregate: () => attr(WK, 6, []),
  aggregator2: (asn: number, addr: string) => attr(OT, 7, [...u16(asn), ...ip(addr)]),
  aggregator4: (asn: number, addr: string) => attr(OT, 7, [...u32(asn), ...ip(addr)]),
  communities: (...c: [number, number][]) => attr(OT, 8, c.flatMap(([h, l]) => [...u16(h), ...u16(l)])),
  largeCommunities: (...c: [number, number, number][]) => attr(OT, 32, c.flatMap(([x, y, z]) => [...u32(x), ...u32(y), ...u32(z)])),
  as4Path: (...segs: Segment[]) => attr(OT, 17, segments(4, segs)),
  as4Aggregator: (asn: number, addr: string) => attr(OT, 18, [...u32(asn), ...ip(addr)]),
  mpReach: (afi: number, safi: number, nextHop: Bytes, nlri: Bytes) => attr(ON, 14, [...u16(afi), safi, nextHop.length, ...nextHop, 0, ...nlri]),
  mpUnreach: (afi: number, safi: number, withdrawn: Bytes) => attr(ON, 15, [...u16(afi), safi, ...withdrawn]),
};

/** The usual mandatory attributes of an eBGP route: ORIGIN IGP, AS_PATH 65002, NEXT_HOP. */
export const basics = () => [a.origin(0), a.path(65002), a.nextHop("192.0.2.2")];

export function update(o: { withdrawn?: Bytes; attributes?: Uint8Array[]; nlri?: Bytes } = {}): Uint8Array {
  const w = Uint8Array.from(o.withdrawn ?? []);
  const attrs = cat(...(o.attributes ?? []));
  return bgp(2, u16(w.length), w, u16(attrs.length), attrs, o.nlri ?? []);
}
