// Frame dissection, protocol-neutral and pure: what sFlow's sampled headers
// and capture files both need (Ethernet, VLAN/QinQ, MPLS, IPv4, IPv6 and its
// extension headers, TCP/UDP/SCTP/ICMP), with a frame builder beside it.
export { dissectFrame } from "./dissect.js";
export { encodeFrame, type FrameSpec, type Ipv4Spec, type Ipv6Spec, type Ipv6ExtensionSpec, type TransportSpec } from "./encoder.js";
export {
  emptyLayers, mplsBottomOfStack, mplsLabel, mplsTrafficClass, mplsTtl, vlanId, vlanPriority, vlanTpid, type DissectStop, type FrameLayers,
} from "./layers.js";
export {
  ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_MPLS, ETHERTYPE_QINQ, ETHERTYPE_VLAN, LINKTYPE_ETHERNET, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2, LINKTYPE_RAW, MAX_IPV6_EXTENSION_HEADERS, MAX_MPLS_LABELS, MAX_VLAN_TAGS,
} from "./wire.js";
