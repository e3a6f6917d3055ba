// What dissecting a frame finds: numbers and offsets into the frame, never
// copies or text, so a caller dissecting every packet of a capture reuses one
// result and allocates nothing (pass it back to dissectFrame). Offsets count
// from the frame's first octet; -1 means the header is absent.

/**
 * Why the dissection ended:
 * - complete: every header up to the transport one was read (or up to the IP
 *   header, when its protocol is none the dissector reads further);
 * - truncated: the frame ends inside a header (sFlow headers are cut at 128
 *   octets by design, so this is normal, not damage);
 * - fragment: an IPv4 or IPv6 fragment other than the first: no transport
 *   header follows;
 * - unknown_ethertype: an ethertype that is not IP, VLAN or MPLS (ARP, LLDP...),
 *   an 802.3 length field, or an MPLS payload that is not IP;
 * - unknown_link: a link type the dissector does not read;
 * - bad_header: a header no sender writes (an IPv4 IHL below 5, a version
 *   nibble that contradicts the ethertype);
 * - too_many_headers: more tags, labels or IPv6 extension headers than the
 *   caps in wire.ts.
 */
export type DissectStop = "complete" | "truncated" | "fragment" | "unknown_ethertype" | "unknown_link" | "bad_header" | "too_many_headers";

export interface FrameLayers {
  stop: DissectStop;
  /** Where the header that ended the dissection starts; when complete, where the payload after the last header read starts. */
  stopOffset: number;

  /** The Ethernet header (destination MAC here, source MAC 6 octets on); -1 for other links. */
  ethernetOffset: number;
  /** 802.1Q/802.1ad tags, outer first, each TPID << 16 | TCI (see vlanId, vlanPriority). */
  vlans: number[];
  /** The ethertype after the tags (the SLL protocol on Linux cooked links); -1 when the link has none. */
  etherType: number;
  /** MPLS label stack entries, top first, each the 32-bit entry (see mplsLabel). */
  mpls: number[];

  /** 4 or 6; 0 when no IP header was reached. */
  ipVersion: 0 | 4 | 6;
  ipOffset: number;
  /** The addresses, 4 or 16 octets by ipVersion. */
  srcAddrOffset: number;
  dstAddrOffset: number;
  /** IPv4: IHL x 4 (options are what exceeds 20); IPv6: 40 plus the extension headers read. */
  ipHeaderLength: number;
  /** IPv4 total length; IPv6 payload length plus 40: the packet's length as its header states it. */
  ipTotalLength: number;
  /** IPv4 TOS octet or IPv6 traffic class (DSCP and ECN). */
  tos: number;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl: number;
  /** IPv6 flow label (20 bits); 0 for IPv4. */
  flowLabel: number;
  /** IPv4 identification, or the IPv6 fragment header's; 0 when unfragmented IPv6. */
  fragmentId: number;
  /** Fragment offset in octets (the header's 8-octet units times 8). */
  fragmentOffset: number;
  moreFragments: boolean;
  /** IPv4 DF; false for IPv6 (which never fragments on the way). */
  dontFragment: boolean;
  /** IPv6 extension headers read, in order, by their protocol numbers (0, 43, 44, 51, 60). */
  extensionHeaders: number[];

  /** The upper-layer protocol (after any IPv6 extension headers); -1 before an IP header. */
  protocol: number;
  /** The transport header; -1 when not reached. */
  l4Offset: number;
  /** TCP, UDP and SCTP ports; 0 otherwise. */
  srcPort: number;
  dstPort: number;
  /** TCP's 12 flag bits (NS, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN and 3 reserved), as tshark's tcp.flags. */
  tcpFlags: number;
  /** ICMP and ICMPv6 type and code; -1 otherwise. */
  icmpType: number;
  icmpCode: number;
}

/** A result with nothing found, to fill; dissectFrame resets whatever it is given. */
export function emptyLayers(): FrameLayers {
  return {
    stop: "complete",
    stopOffset: 0,
    ethernetOffset: -1,
    vlans: [],
    etherType: -1,
    mpls: [],
    ipVersion: 0,
    ipOffset: -1,
    srcAddrOffset: -1,
    dstAddrOffset: -1,
    ipHeaderLength: 0,
    ipTotalLength: 0,
    tos: 0,
    ttl: 0,
    flowLabel: 0,
    fragmentId: 0,
    fragmentOffset: 0,
    moreFragments: false,
    dontFragment: false,
    extensionHeaders: [],
    protocol: -1,
    l4Offset: -1,
    srcPort: 0,
    dstPort: 0,
    tcpFlags: 0,
    icmpType: -1,
    icmpCode: -1,
  };
}

export const vlanId = (tag: number): number => tag & 0x0fff;
/** 802.1p priority (PCP). */
export const vlanPriority = (tag: number): number => (tag >>> 13) & 7;
export const vlanTpid = (tag: number): number => tag >>> 16;

export const mplsLabel = (entry: number): number => entry >>> 12;
/** Traffic class (the former EXP bits). */
export const mplsTrafficClass = (entry: number): number => (entry >>> 9) & 7;
export const mplsBottomOfStack = (entry: number): boolean => (entry & 0x100) !== 0;
export const mplsTtl = (entry: number): number => entry & 0xff;
