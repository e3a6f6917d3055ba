// Frame dissection, pure and allocation-free when given a result to reuse:
// the link header (Ethernet, Linux cooked v1/v2, or none), 802.1Q/802.1ad
// tags, an MPLS label stack, IPv4 (options, fragments) or IPv6 (hop-by-hop,
// routing, fragment, AH and destination options headers, as the BPF datapath
// walks them), then the TCP, UDP or SCTP ports and TCP flags, or the ICMP and
// ICMPv6 type and code. It reads only inside the frame and never throws; a
// frame cut short (an sFlow header, a snap length) keeps every field read
// before the cut.
import { emptyLayers, type DissectStop, type FrameLayers } from "./layers.js";
import {
  ETHERNET_HEADER_LENGTH, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_MPLS, ETHERTYPE_MPLS_MULTICAST, ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD, ETHERTYPE_VLAN,
  ICMP_HEADER_LENGTH, IPPROTO_AH, IPPROTO_DSTOPTS, IPPROTO_FRAGMENT, IPPROTO_HOPOPTS, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_ROUTING, IPPROTO_SCTP,
  IPPROTO_TCP, IPPROTO_UDP, IPV4_MIN_HEADER_LENGTH, IPV6_FRAGMENT_HEADER_LENGTH, IPV6_HEADER_LENGTH, LINKTYPE_ETHERNET, LINKTYPE_IPV4, LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_NULL, LINKTYPE_RAW, LINKTYPE_RAW_OLD, NULL_HEADER_LENGTH, MAX_IPV6_EXTENSION_HEADERS, MAX_MPLS_LABELS, MAX_VLAN_TAGS, MPLS_ENTRY_LENGTH, SLL2_HEADER_LENGTH,
  SLL_HEADER_LENGTH, TCP_MIN_HEADER_LENGTH, UDP_HEADER_LENGTH, VLAN_TAG_LENGTH,
} from "./wire.js";

/** SCTP's common header: ports, verification tag, checksum. */
const SCTP_COMMON_HEADER_LENGTH = 12;

const u16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

function end(out: FrameLayers, stop: DissectStop, at: number): FrameLayers {
  out.stop = stop;
  out.stopOffset = at;
  return out;
}

function reset(out: FrameLayers): void {
  out.stop = "complete";
  out.stopOffset = 0;
  out.ethernetOffset = -1;
  out.vlans.length = 0;
  out.etherType = -1;
  out.mpls.length = 0;
  out.ipVersion = 0;
  out.ipOffset = -1;
  out.srcAddrOffset = -1;
  out.dstAddrOffset = -1;
  out.ipHeaderLength = 0;
  out.ipTotalLength = 0;
  out.tos = 0;
  out.ttl = 0;
  out.flowLabel = 0;
  out.fragmentId = 0;
  out.fragmentOffset = 0;
  out.moreFragments = false;
  out.dontFragment = false;
  out.extensionHeaders.length = 0;
  out.protocol = -1;
  out.l4Offset = -1;
  out.srcPort = 0;
  out.dstPort = 0;
  out.tcpFlags = 0;
  out.icmpType = -1;
  out.icmpCode = -1;
}

/**
 * Dissects `frame` as a frame of `linkType` (LINKTYPE_* in wire.ts) into
 * `out` (reset first; a new result when omitted) and returns it.
 */
export function dissectFrame(frame: Uint8Array, linkType: number, out: FrameLayers = emptyLayers()): FrameLayers {
  reset(out);
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      if (frame.length < ETHERNET_HEADER_LENGTH) return end(out, "truncated", 0);
      out.ethernetOffset = 0;
      return afterEthertype(frame, ETHERNET_HEADER_LENGTH, u16(frame, 12), out);
    case LINKTYPE_LINUX_SLL:
      // Packet type, ARPHRD type, address length, 8 address octets, then the protocol.
      if (frame.length < SLL_HEADER_LENGTH) return end(out, "truncated", 0);
      return afterEthertype(frame, SLL_HEADER_LENGTH, u16(frame, 14), out);
    case LINKTYPE_LINUX_SLL2:
      // The protocol comes first in v2.
      if (frame.length < SLL2_HEADER_LENGTH) return end(out, "truncated", 0);
      return afterEthertype(frame, SLL2_HEADER_LENGTH, u16(frame, 0), out);
    case LINKTYPE_NULL:
      // The family's value says which (2: IPv4; 24, 28, 30: the BSDs' IPv6); the version nibble says the same.
      if (frame.length < NULL_HEADER_LENGTH) return end(out, "truncated", 0);
      return byVersionNibble(frame, NULL_HEADER_LENGTH, out);
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_OLD:
      return byVersionNibble(frame, 0, out);
    case LINKTYPE_IPV4:
      return ipv4(frame, 0, out);
    case LINKTYPE_IPV6:
      return ipv6(frame, 0, out);
    default:
      return end(out, "unknown_link", 0);
  }
}

/** VLAN tags, then MPLS or IP by ethertype. */
function afterEthertype(frame: Uint8Array, at: number, type: number, out: FrameLayers): FrameLayers {
  while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD) {
    if (out.vlans.length === MAX_VLAN_TAGS) return end(out, "too_many_headers", at);
    if (at + VLAN_TAG_LENGTH > frame.length) return end(out, "truncated", at);
    out.vlans.push(((type << 16) | u16(frame, at)) >>> 0);
    type = u16(frame, at + 2);
    at += VLAN_TAG_LENGTH;
  }
  out.etherType = type;
  if (type === ETHERTYPE_IPV4) return ipv4(frame, at, out);
  if (type === ETHERTYPE_IPV6) return ipv6(frame, at, out);
  if (type === ETHERTYPE_MPLS || type === ETHERTYPE_MPLS_MULTICAST) return mpls(frame, at, out);
  return end(out, "unknown_ethertype", at);
}

function mpls(frame: Uint8Array, at: number, out: FrameLayers): FrameLayers {
  for (;;) {
    if (out.mpls.length === MAX_MPLS_LABELS) return end(out, "too_many_headers", at);
    if (at + MPLS_ENTRY_LENGTH > frame.length) return end(out, "truncated", at);
    const entry = u32(frame, at);
    out.mpls.push(entry);
    at += MPLS_ENTRY_LENGTH;
    if (entry & 0x100) break; // bottom of stack
  }
  // MPLS names no payload type: IP is told by its version nibble (what
  // routers and tshark do); anything else (a pseudowire) is left alone.
  return byVersionNibble(frame, at, out);
}

function byVersionNibble(frame: Uint8Array, at: number, out: FrameLayers): FrameLayers {
  if (at >= frame.length) return end(out, "truncated", at);
  const version = frame[at]! >> 4;
  if (version === 4) return ipv4(frame, at, out);
  if (version === 6) return ipv6(frame, at, out);
  return end(out, out.mpls.length > 0 ? "unknown_ethertype" : "bad_header", at);
}

function ipv4(frame: Uint8Array, at: number, out: FrameLayers): FrameLayers {
  if (at + IPV4_MIN_HEADER_LENGTH > frame.length) return end(out, "truncated", at);
  const b0 = frame[at]!;
  const ihl = (b0 & 0x0f) * 4;
  if (b0 >> 4 !== 4 || ihl < IPV4_MIN_HEADER_LENGTH) return end(out, "bad_header", at);
  const flags = u16(frame, at + 6);
  out.ipVersion = 4;
  out.ipOffset = at;
  out.ipHeaderLength = ihl;
  out.tos = frame[at + 1]!;
  out.ipTotalLength = u16(frame, at + 2);
  out.fragmentId = u16(frame, at + 4);
  out.dontFragment = (flags & 0x4000) !== 0;
  out.moreFragments = (flags & 0x2000) !== 0;
  out.fragmentOffset = (flags & 0x1fff) * 8;
  out.ttl = frame[at + 8]!;
  out.protocol = frame[at + 9]!;
  out.srcAddrOffset = at + 12;
  out.dstAddrOffset = at + 16;
  // Options cut short: the fixed part is known, the transport header is not reachable.
  if (at + ihl > frame.length) return end(out, "truncated", at);
  if (out.fragmentOffset !== 0) return end(out, "fragment", at + ihl);
  return transport(frame, at + ihl, out);
}

function ipv6(frame: Uint8Array, at: number, out: FrameLayers): FrameLayers {
  if (at + IPV6_HEADER_LENGTH > frame.length) return end(out, "truncated", at);
  const b0 = frame[at]!;
  if (b0 >> 4 !== 6) return end(out, "bad_header", at);
  const b1 = frame[at + 1]!;
  out.ipVersion = 6;
  out.ipOffset = at;
  out.tos = ((b0 & 0x0f) << 4) | (b1 >> 4);
  out.flowLabel = ((b1 & 0x0f) << 16) | u16(frame, at + 2);
  out.ipTotalLength = u16(frame, at + 4) + IPV6_HEADER_LENGTH;
  out.ttl = frame[at + 7]!;
  out.srcAddrOffset = at + 8;
  out.dstAddrOffset = at + 24;
  let next = frame[at + 6]!;
  let p = at + IPV6_HEADER_LENGTH;
  out.ipHeaderLength = IPV6_HEADER_LENGTH;
  while (next === IPPROTO_HOPOPTS || next === IPPROTO_ROUTING || next === IPPROTO_FRAGMENT || next === IPPROTO_AH || next === IPPROTO_DSTOPTS) {
    if (out.extensionHeaders.length === MAX_IPV6_EXTENSION_HEADERS) return end(out, "too_many_headers", p);
    if (p + 2 > frame.length) return end(out, "truncated", p);
    // Lengths: fragment fixed; AH in 4-octet units minus 2 (RFC 4302); the others in 8-octet units minus 1 (RFC 8200).
    const length = next === IPPROTO_FRAGMENT ? IPV6_FRAGMENT_HEADER_LENGTH : next === IPPROTO_AH ? (frame[p + 1]! + 2) * 4 : (frame[p + 1]! + 1) * 8;
    if (p + length > frame.length) return end(out, "truncated", p);
    const kind = next;
    out.extensionHeaders.push(kind);
    next = frame[p]!;
    if (kind === IPPROTO_FRAGMENT) {
      const offsetAndFlags = u16(frame, p + 2);
      out.fragmentOffset = offsetAndFlags & 0xfff8;
      out.moreFragments = (offsetAndFlags & 1) !== 0;
      out.fragmentId = u32(frame, p + 4);
    }
    p += length;
    out.ipHeaderLength = p - at;
    if (kind === IPPROTO_FRAGMENT && out.fragmentOffset !== 0) {
      // A later fragment: what follows is the middle of the payload, not headers.
      out.protocol = next;
      return end(out, "fragment", p);
    }
  }
  out.protocol = next;
  return transport(frame, p, out);
}

function transport(frame: Uint8Array, at: number, out: FrameLayers): FrameLayers {
  const proto = out.protocol;
  const left = frame.length - at;
  if (proto === IPPROTO_TCP || proto === IPPROTO_UDP || proto === IPPROTO_SCTP) {
    out.l4Offset = at;
    if (left < 4) return end(out, "truncated", at);
    out.srcPort = u16(frame, at);
    out.dstPort = u16(frame, at + 2);
    if (proto === IPPROTO_UDP) return left < UDP_HEADER_LENGTH ? end(out, "truncated", at) : end(out, "complete", at + UDP_HEADER_LENGTH);
    if (proto === IPPROTO_SCTP) return left < SCTP_COMMON_HEADER_LENGTH ? end(out, "truncated", at) : end(out, "complete", at + SCTP_COMMON_HEADER_LENGTH);
    if (left < 14) return end(out, "truncated", at);
    out.tcpFlags = ((frame[at + 12]! & 0x0f) << 8) | frame[at + 13]!;
    const dataOffset = (frame[at + 12]! >> 4) * 4;
    if (left < TCP_MIN_HEADER_LENGTH || left < dataOffset) return end(out, "truncated", at);
    if (dataOffset < TCP_MIN_HEADER_LENGTH) return end(out, "bad_header", at);
    return end(out, "complete", at + dataOffset);
  }
  if (proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6) {
    out.l4Offset = at;
    if (left < 2) return end(out, "truncated", at);
    out.icmpType = frame[at]!;
    out.icmpCode = frame[at + 1]!;
    return left < ICMP_HEADER_LENGTH ? end(out, "truncated", at) : end(out, "complete", at + ICMP_HEADER_LENGTH);
  }
  return end(out, "complete", at);
}
