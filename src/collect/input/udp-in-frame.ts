// The UDP datagram inside a captured frame. The frame is dissected by
// src/packet (link layer, VLAN tags, MPLS, IPv4 or IPv6 and its extension
// headers); this takes the UDP payload out of it, and hands IP fragments to
// the reassembly, which gives the datagram back once it is whole.
import { formatIpv4, formatIpv6 } from "../../ipfix/address-text.js";
import { dissectFrame, emptyLayers } from "../../packet/index.js";
import type { IpReassembly } from "./ip-reassembly.js";

export interface UdpInFrame {
  source: string;
  sourcePort: number;
  destinationPort: number;
  payload: Uint8Array;
}

/** Why a frame holds no UDP datagram (counted by the pcap input). */
export type FrameSkip = "link_type" | "not_ip" | "not_udp" | "truncated" | "fragment";

const IPPROTO_UDP = 17;
// One dissection result, reused for every frame.
const layers = emptyLayers();

function udp(source: string, l4: Uint8Array): UdpInFrame | FrameSkip {
  if (l4.length < 8) return "truncated";
  const length = (l4[4]! << 8) | l4[5]!;
  if (length < 8 || length > l4.length) return "truncated";
  return { source, sourcePort: (l4[0]! << 8) | l4[1]!, destinationPort: (l4[2]! << 8) | l4[3]!, payload: l4.subarray(8, length) };
}

export function udpInFrame(linkType: number, frame: Uint8Array, reassembly: IpReassembly): UdpInFrame | FrameSkip {
  const L = dissectFrame(frame, linkType, layers);
  if (L.stop === "unknown_link") return "link_type";
  if (L.ipVersion === 0) return L.stop === "truncated" ? "truncated" : "not_ip";
  if (L.protocol < 0) return "truncated";
  if (L.protocol !== IPPROTO_UDP) return "not_udp";
  const end = L.ipOffset + L.ipTotalLength;
  if (L.ipTotalLength < L.ipHeaderLength || end > frame.length) return "truncated";
  const v4 = L.ipVersion === 4;
  const source = v4 ? formatIpv4(frame, L.srcAddrOffset) : formatIpv6(frame, L.srcAddrOffset);
  const payload = frame.subarray(L.ipOffset + L.ipHeaderLength, end);
  if (!L.moreFragments && L.fragmentOffset === 0) return udp(source, payload);
  const destination = v4 ? formatIpv4(frame, L.dstAddrOffset) : formatIpv6(frame, L.dstAddrOffset);
  const whole = reassembly.add(`${L.ipVersion} ${source} ${destination} ${L.fragmentId}`, L.fragmentOffset, L.moreFragments, payload);
  return whole ? udp(source, whole) : "fragment";
}
