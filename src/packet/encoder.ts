// Frames built from a description, the dissector's mirror: for tests, fuzz
// seeds and a traffic generator. Lengths and the IPv4 header checksum are
// computed; transport checksums are left 0 (nothing here reads them). Values
// come from our own code, so one that does not fit its field is a RangeError.
import { isIPv4, isIPv6 } from "node:net";
import { parseAddress } from "../net/address.js";
import {
  ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_MPLS, IPPROTO_AH, IPPROTO_FRAGMENT, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP,
  LINKTYPE_ETHERNET, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_RAW,
} from "./wire.js";

export interface Ipv4Spec {
  version: 4;
  src: string;
  dst: string;
  tos?: number;
  ttl?: number;
  id?: number;
  dontFragment?: boolean;
  moreFragments?: boolean;
  /** In octets, a multiple of 8. */
  fragmentOffset?: number;
  /** Option octets, a multiple of 4, at most 40. */
  options?: Uint8Array;
  /** Default: the transport's. */
  protocol?: number;
}

/** An IPv6 extension header; `length` in octets (8-octet multiples; AH: 4-octet multiples from 12). */
export type Ipv6ExtensionSpec =
  | { type: 0 | 43 | 60; length?: number }
  | { type: 51; length?: number }
  | { type: 44; offset: number; more: boolean; id: number };

export interface Ipv6Spec {
  version: 6;
  src: string;
  dst: string;
  trafficClass?: number;
  flowLabel?: number;
  hopLimit?: number;
  extensions?: Ipv6ExtensionSpec[];
  protocol?: number;
}

export type TransportSpec =
  | { protocol: "tcp"; srcPort: number; dstPort: number; /** 12 bits, as tcp.flags */ flags?: number; /** Octets of options, a multiple of 4. */ options?: number }
  | { protocol: "udp"; srcPort: number; dstPort: number }
  | { protocol: "sctp"; srcPort: number; dstPort: number }
  | { protocol: "icmp"; type: number; code: number }
  | { protocol: "icmpv6"; type: number; code: number };

export interface FrameSpec {
  /** LINKTYPE_ETHERNET (default), or LINKTYPE_RAW/IPV4/IPV6 for a bare IP packet. */
  linkType?: number;
  dstMac?: string;
  srcMac?: string;
  /** Tags, outer first, each TPID << 16 | TCI. */
  vlans?: number[];
  /** Label stack entries as written (set the bottom-of-stack bit on the last yourself). */
  mpls?: number[];
  /** The ethertype after the tags when there is no IP header (default 0x0806, ARP). */
  etherType?: number;
  ip?: Ipv4Spec | Ipv6Spec;
  transport?: TransportSpec;
  /** Payload octets after the headers (filled with 0x61), or the octets themselves. */
  payload?: number | Uint8Array;
}

const PROTOCOLS = { tcp: IPPROTO_TCP, udp: IPPROTO_UDP, sctp: IPPROTO_SCTP, icmp: IPPROTO_ICMP, icmpv6: IPPROTO_ICMPV6 } as const;

function uint(name: string, value: number, bits: number): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) throw new RangeError(`frame ${name} ${value} does not fit ${bits} bits`);
  return value;
}

function ipv4Bytes(name: string, text: string): number[] {
  if (!isIPv4(text)) throw new RangeError(`frame ${name} ${JSON.stringify(text)} is not an IPv4 address`);
  return text.split(".").map(Number);
}

function ipv6Bytes(name: string, text: string): number[] {
  if (!isIPv6(text)) throw new RangeError(`frame ${name} ${JSON.stringify(text)} is not an IPv6 address`);
  return [...parseAddress(text)];
}

/** "02:00:00:00:00:01" to 6 octets (the IPFIX codec's parseMac is the same; it stays there so this folder needs no codec). */
function macBytes(name: string, text: string): number[] {
  const parts = text.split(":");
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) throw new RangeError(`frame ${name} ${JSON.stringify(text)} is not a MAC address`);
  return parts.map((p) => parseInt(p, 16));
}

const be16 = (v: number): number[] => [(v >>> 8) & 0xff, v & 0xff];
const be32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

function transportBytes(t: TransportSpec): number[] {
  switch (t.protocol) {
    case "icmp":
    case "icmpv6":
      return [uint("icmp type", t.type, 8), uint("icmp code", t.code, 8), 0, 0, 0, 0, 0, 0];
    case "udp":
      return [...ports(t.srcPort, t.dstPort), 0, 0, 0, 0]; // length patched in encodeFrame
    case "sctp":
      return [...ports(t.srcPort, t.dstPort), 0, 0, 0, 0, 0, 0, 0, 0];
    case "tcp": {
      const options = t.options ?? 0;
      if (options % 4 !== 0 || options > 40) throw new RangeError(`frame TCP options of ${options} octets: a multiple of 4, at most 40`);
      const flags = uint("tcp flags", t.flags ?? 0, 12);
      // Sequence 1, acknowledgement 0, window 0xffff; NOP options.
      return [...ports(t.srcPort, t.dstPort), 0, 0, 0, 1, 0, 0, 0, 0, (((20 + options) / 4) << 4) | (flags >> 8), flags & 0xff, 0xff, 0xff, 0, 0, 0, 0, ...new Array<number>(options).fill(1)];
    }
  }
}

const ports = (src: number, dst: number): number[] => [...be16(uint("srcPort", src, 16)), ...be16(uint("dstPort", dst, 16))];

function extensionBytes(e: Ipv6ExtensionSpec, next: number): number[] {
  if (e.type === IPPROTO_FRAGMENT) {
    if (e.offset % 8 !== 0) throw new RangeError(`frame fragment offset ${e.offset} is not a multiple of 8`);
    return [next, 0, ...be16(uint("fragment offset", e.offset, 16) | (e.more ? 1 : 0)), ...be32(uint("fragment id", e.id, 32))];
  }
  if (e.type === IPPROTO_AH) {
    const length = e.length ?? 12;
    if (length % 4 !== 0 || length < 8 || length > 1028) throw new RangeError(`frame AH of ${length} octets`);
    return [next, length / 4 - 2, ...new Array<number>(length - 2).fill(0)];
  }
  const length = e.length ?? 8;
  if (length % 8 !== 0 || length < 8 || length > 2048) throw new RangeError(`frame extension header of ${length} octets`);
  // Pad options (PadN) so the header is well-formed for hop-by-hop and destination options.
  return [next, length / 8 - 1, 1, length - 4, ...new Array<number>(length - 4).fill(0)];
}

export function encodeFrame(spec: FrameSpec): Uint8Array {
  const linkType = spec.linkType ?? LINKTYPE_ETHERNET;
  if (![LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6].includes(linkType)) throw new RangeError(`frame link type ${linkType}: Ethernet or raw IP only`);
  const l4 = spec.transport ? transportBytes(spec.transport) : [];
  const payload = typeof spec.payload === "number" ? new Array<number>(spec.payload).fill(0x61) : [...(spec.payload ?? [])];
  if (spec.transport?.protocol === "udp") l4.splice(4, 2, ...be16(uint("udp length", l4.length + payload.length, 16)));
  const ip = spec.ip;
  let l3: number[] = [];
  if (ip?.version === 4) {
    const options = [...(ip.options ?? [])];
    if (options.length % 4 !== 0 || options.length > 40) throw new RangeError(`frame IPv4 options of ${options.length} octets: a multiple of 4, at most 40`);
    const fragmentOffset = ip.fragmentOffset ?? 0;
    if (fragmentOffset % 8 !== 0) throw new RangeError(`frame fragment offset ${fragmentOffset} is not a multiple of 8`);
    const headerLength = 20 + options.length;
    const flags = (ip.dontFragment ? 0x4000 : 0) | (ip.moreFragments ? 0x2000 : 0) | uint("fragment offset / 8", fragmentOffset / 8, 13);
    const protocol = ip.protocol ?? (spec.transport ? PROTOCOLS[spec.transport.protocol] : 59);
    l3 = [
      0x40 | (headerLength / 4), uint("tos", ip.tos ?? 0, 8), ...be16(uint("IPv4 total length", headerLength + l4.length + payload.length, 16)),
      ...be16(uint("id", ip.id ?? 0, 16)), ...be16(flags), uint("ttl", ip.ttl ?? 64, 8), uint("protocol", protocol, 8), 0, 0,
      ...ipv4Bytes("src", ip.src), ...ipv4Bytes("dst", ip.dst), ...options,
    ];
    let sum = 0;
    for (let i = 0; i < headerLength; i += 2) sum += (l3[i]! << 8) | l3[i + 1]!;
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    l3.splice(10, 2, ...be16(~sum & 0xffff));
  } else if (ip?.version === 6) {
    const exts = ip.extensions ?? [];
    const last = ip.protocol ?? (spec.transport ? PROTOCOLS[spec.transport.protocol] : 59);
    const chain: number[] = [];
    exts.forEach((e, i) => chain.push(...extensionBytes(e, i + 1 < exts.length ? exts[i + 1]!.type : last)));
    const tc = uint("traffic class", ip.trafficClass ?? 0, 8);
    const flow = uint("flow label", ip.flowLabel ?? 0, 20);
    l3 = [
      0x60 | (tc >> 4), ((tc & 0x0f) << 4) | (flow >> 16), ...be16(flow & 0xffff), ...be16(uint("IPv6 payload length", chain.length + l4.length + payload.length, 16)),
      uint("next header", exts.length > 0 ? exts[0]!.type : last, 8), uint("hop limit", ip.hopLimit ?? 64, 8), ...ipv6Bytes("src", ip.src), ...ipv6Bytes("dst", ip.dst), ...chain,
    ];
  }
  const link: number[] = [];
  if (linkType === LINKTYPE_ETHERNET) {
    const mpls = spec.mpls ?? [];
    const etherType = mpls.length > 0 ? ETHERTYPE_MPLS : ip?.version === 4 ? ETHERTYPE_IPV4 : ip?.version === 6 ? ETHERTYPE_IPV6 : (spec.etherType ?? 0x0806);
    link.push(...macBytes("dstMac", spec.dstMac ?? "02:00:00:00:00:02"), ...macBytes("srcMac", spec.srcMac ?? "02:00:00:00:00:01"));
    const tags = spec.vlans ?? [];
    // Each tag's TPID goes where the ethertype would; its TCI follows.
    tags.forEach((tag) => link.push(...be16(uint("vlan tag", tag, 32) >>> 16), ...be16(tag & 0xffff)));
    link.push(...be16(uint("ethertype", etherType, 16)));
    for (const entry of mpls) link.push(...be32(uint("mpls entry", entry, 32)));
  } else if (spec.vlans?.length || spec.mpls?.length) {
    throw new RangeError("frame tags or labels need an Ethernet link");
  }
  return Uint8Array.from([...link, ...l3, ...l4, ...payload]);
}
