// The numbers a frame's headers are read by: link types (tcpdump.org's
// LINKTYPE_* registry, as pcap files and the sFlow header protocols map onto
// them), ethertypes, IP protocol numbers and the fixed header lengths.

/** Link types the dissector reads (the values pcap files carry). */
/** BSD loopback: a 4-octet address family in the capturing host's byte order. */
export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
/** Raw IP as OpenBSD numbered it (DLT_RAW's old value). */
export const LINKTYPE_RAW_OLD = 12;
/** Raw IP: the version nibble says IPv4 or IPv6. */
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

export const NULL_HEADER_LENGTH = 4;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
/** 802.1ad service tag, the outer tag of QinQ. */
export const ETHERTYPE_QINQ = 0x88a8;
/** Pre-802.1ad double tagging some switches still send. */
export const ETHERTYPE_QINQ_OLD = 0x9100;
export const ETHERTYPE_MPLS = 0x8847;
export const ETHERTYPE_MPLS_MULTICAST = 0x8848;

export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_AH = 51;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_DSTOPTS = 60;
export const IPPROTO_SCTP = 132;

export const ETHERNET_HEADER_LENGTH = 14;
export const VLAN_TAG_LENGTH = 4;
export const MPLS_ENTRY_LENGTH = 4;
export const SLL_HEADER_LENGTH = 16;
export const SLL2_HEADER_LENGTH = 20;
export const IPV4_MIN_HEADER_LENGTH = 20;
export const IPV6_HEADER_LENGTH = 40;
export const IPV6_FRAGMENT_HEADER_LENGTH = 8;
export const TCP_MIN_HEADER_LENGTH = 20;
export const UDP_HEADER_LENGTH = 8;
/** Type, code, checksum, and the 4 octets every ICMP message has after them. */
export const ICMP_HEADER_LENGTH = 8;

/**
 * Stacks deeper than these are no frame any network sends (the BPF datapath
 * reads 2 tags); they end the dissection as too_many_headers, which also
 * keeps a hostile frame from growing the result's arrays.
 */
export const MAX_VLAN_TAGS = 4;
export const MAX_MPLS_LABELS = 16;
export const MAX_IPV6_EXTENSION_HEADERS = 8;
