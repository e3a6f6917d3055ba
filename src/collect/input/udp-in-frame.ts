// The UDP datagram inside a captured frame: link layer (Ethernet with any
// number of 802.1Q/802.1ad tags, Linux cooked v1 and v2, raw IP, BSD
// loopback), then IPv4 or IPv6 (extension headers walked), then UDP. IP
// fragments go through the reassembly and come out whole.
import { formatIpv4, formatIpv6 } from "../../ipfix/address-text.js";
import type { IpReassembly } from "./ip-reassembly.js";

export interface UdpInFrame {
  source: string;
  sourcePort: number;
  destinationPort: number;
  payload: Uint8Array;
}

/** Why a frame holds no UDP datagram (counted by the pcap input). */
export type FrameSkip = "link_type" | "not_ip" | "not_udp" | "truncated" | "fragment";

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const VLAN_TAGS: ReadonlySet<number> = new Set([0x8100, 0x88a8, 0x9100]);
const IPPROTO_UDP = 17;
const IPV6_EXTENSIONS: ReadonlySet<number> = new Set([0, 43, 60, 135, 139, 140]);
const IPV6_FRAGMENT = 44;

/** Where the IP packet starts and its ethertype, for each link type. */
function ipStart(linkType: number, f: Uint8Array): { at: number; etype: number } | FrameSkip {
  const u16 = (at: number) => (f[at]! << 8) | f[at + 1]!;
  switch (linkType) {
    case 1: { // Ethernet
      let at = 12;
      if (f.length < at + 2) return "truncated";
      let etype = u16(at);
      while (VLAN_TAGS.has(etype)) {
        at += 4;
        if (f.length < at + 2) return "truncated";
        etype = u16(at);
      }
      return { at: at + 2, etype };
    }
    case 113: // Linux cooked v1: protocol at 14, header 16
      return f.length < 16 ? "truncated" : { at: 16, etype: u16(14) };
    case 276: // Linux cooked v2: protocol at 0, header 20
      return f.length < 20 ? "truncated" : { at: 20, etype: u16(0) };
    case 0: { // BSD loopback: address family in host byte order
      if (f.length < 4) return "truncated";
      const family = f[0] === 0 ? f[3]! : f[0]!;
      return { at: 4, etype: family === 2 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6 };
    }
    case 12:
    case 101:
    case 228:
    case 229: {
      if (f.length < 1) return "truncated";
      return { at: 0, etype: f[0]! >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4 };
    }
    default:
      return "link_type";
  }
}

function udp(source: string, l4: Uint8Array): UdpInFrame | FrameSkip {
  if (l4.length < 8) return "truncated";
  const length = (l4[4]! << 8) | l4[5]!;
  if (length < 8 || length > l4.length) return "truncated";
  return { source, sourcePort: (l4[0]! << 8) | l4[1]!, destinationPort: (l4[2]! << 8) | l4[3]!, payload: l4.subarray(8, length) };
}

export function udpInFrame(linkType: number, frame: Uint8Array, reassembly: IpReassembly): UdpInFrame | FrameSkip {
  const start = ipStart(linkType, frame);
  if (typeof start === "string") return start;
  const ip = frame.subarray(start.at);
  if (start.etype === ETHERTYPE_IPV4) {
    if (ip.length < 20 || ip[0]! >> 4 !== 4) return ip.length < 20 ? "truncated" : "not_ip";
    const ihl = (ip[0]! & 0x0f) * 4;
    const total = (ip[2]! << 8) | ip[3]!;
    if (ihl < 20 || total < ihl || total > ip.length) return "truncated";
    if (ip[9] !== IPPROTO_UDP) return "not_udp";
    const source = formatIpv4(ip, 12);
    const flags = (ip[6]! << 8) | ip[7]!;
    const more = (flags & 0x2000) !== 0;
    const offset = (flags & 0x1fff) * 8;
    const payload = ip.subarray(ihl, total);
    if (!more && offset === 0) return udp(source, payload);
    const key = `4 ${source} ${formatIpv4(ip, 16)} ${(ip[4]! << 8) | ip[5]!}`;
    const whole = reassembly.add(key, offset, more, payload);
    return whole ? udp(source, whole) : "fragment";
  }
  if (start.etype === ETHERTYPE_IPV6) {
    if (ip.length < 40) return "truncated";
    if (ip[0]! >> 4 !== 6) return "not_ip";
    const end = 40 + ((ip[4]! << 8) | ip[5]!);
    if (end > ip.length) return "truncated";
    let next = ip[6]!;
    let at = 40;
    let fragment: { offset: number; more: boolean; id: number } | undefined;
    while (IPV6_EXTENSIONS.has(next) || next === IPV6_FRAGMENT) {
      if (at + 8 > end) return "truncated";
      if (next === IPV6_FRAGMENT) {
        const word = (ip[at + 2]! << 8) | ip[at + 3]!;
        fragment = { offset: word & 0xfff8, more: (word & 1) !== 0, id: ((ip[at + 4]! << 24) | (ip[at + 5]! << 16) | (ip[at + 6]! << 8) | ip[at + 7]!) >>> 0 };
        next = ip[at]!;
        at += 8;
      } else {
        const length = (ip[at + 1]! + 1) * 8;
        next = ip[at]!;
        at += length;
      }
    }
    if (at > end) return "truncated";
    if (next !== IPPROTO_UDP) return "not_udp";
    const source = formatIpv6(ip, 8);
    const payload = ip.subarray(at, end);
    if (!fragment || (fragment.offset === 0 && !fragment.more)) return udp(source, payload);
    const whole = reassembly.add(`6 ${source} ${formatIpv6(ip, 24)} ${fragment.id}`, fragment.offset, fragment.more, payload);
    return whole ? udp(source, whole) : "fragment";
  }
  return "not_ip";
}
