// An sFlow v5 datagram as values: what the decoder returns and the encoder
// takes. Names follow the spec's structures; addresses are text (dotted IPv4,
// RFC 5952 IPv6, "" for the spec's "unknown" address type); 64-bit counters
// are bigint (an octet counter of a 100 Gbit/s port passes 2^53 in 8 days).
import type { FrameLayers } from "../packet/layers.js";

export interface SflowHeader {
  version: 5;
  /** The agent's address as it sent it (IPv4, IPv6, or "" for type unknown): the sFlow source, whatever the UDP source. */
  agentAddress: string;
  subAgentId: number;
  /** Datagrams this sub-agent sent before this one (wraps at 2^32). */
  sequence: number;
  /** Milliseconds since the agent booted. */
  uptime: number;
  /** Samples the header announces (the datagram may hold fewer: see the errors). */
  sampleCount: number;
}

/** A sample or record in a format this codec does not read (another enterprise's, a newer one): kept as its opaque data. */
export interface SflowOpaque {
  type: "unknown";
  enterprise: number;
  format: number;
  /** A view into the datagram (not a copy). */
  data: Uint8Array;
}

export interface SflowSampledHeader {
  type: "sampled_header";
  /** The spec's header_protocol: 1 Ethernet, 11 IPv4, 12 IPv6 are dissected; others (MPLS 13, PPP 7, ...) are not. */
  headerProtocol: number;
  /** The frame's length on the wire (before any sampling cut). */
  frameLength: number;
  /** Octets removed from the frame before the header was taken (an FCS, say). */
  stripped: number;
  /** The first octets of the frame: a view into the datagram (not a copy). */
  header: Uint8Array;
  /** The header dissected; its offsets count from header[0]. */
  layers: FrameLayers;
}

export interface SflowSampledEthernet {
  type: "sampled_ethernet";
  /** The MAC packet's length, FCS included. */
  length: number;
  srcMac: string;
  dstMac: string;
  etherType: number;
}

interface SampledIp {
  /** The IP packet's length. */
  length: number;
  protocol: number;
  srcAddr: string;
  dstAddr: string;
  srcPort: number;
  dstPort: number;
  tcpFlags: number;
}

export interface SflowSampledIpv4 extends SampledIp {
  type: "sampled_ipv4";
  tos: number;
}

export interface SflowSampledIpv6 extends SampledIp {
  type: "sampled_ipv6";
  priority: number;
}

export interface SflowExtendedSwitch {
  type: "extended_switch";
  srcVlan: number;
  srcPriority: number;
  dstVlan: number;
  dstPriority: number;
}

export interface SflowExtendedRouter {
  type: "extended_router";
  nextHop: string;
  srcMaskLength: number;
  dstMaskLength: number;
}

/** One segment of a BGP AS path: type 1 AS_SET, 2 AS_SEQUENCE. */
export interface SflowAsPathSegment {
  type: number;
  asns: number[];
}

export interface SflowExtendedGateway {
  type: "extended_gateway";
  /** The border router's address. */
  nextHop: string;
  /** The router's own AS, the source's, and the source's peer AS. */
  as: number;
  srcAs: number;
  srcPeerAs: number;
  /** The AS path to the destination. */
  asPath: SflowAsPathSegment[];
  /** Standard communities, as 32-bit numbers (ASN << 16 | value). */
  communities: number[];
  localPref: number;
}

export interface SflowExtendedUser {
  type: "extended_user";
  /** IANA character set MIBenum of each string (106: UTF-8); the strings are decoded as UTF-8 whatever it says. */
  srcCharset: number;
  srcUser: string;
  dstCharset: number;
  dstUser: string;
}

export interface SflowExtendedUrl {
  type: "extended_url";
  /** 1: the URL is the source's, 2: the destination's. */
  direction: number;
  url: string;
  host: string;
}

export type SflowFlowRecord =
  | SflowSampledHeader
  | SflowSampledEthernet
  | SflowSampledIpv4
  | SflowSampledIpv6
  | SflowExtendedSwitch
  | SflowExtendedRouter
  | SflowExtendedGateway
  | SflowExtendedUser
  | SflowExtendedUrl
  | SflowOpaque;

export interface SflowGenericInterface {
  type: "generic_interface";
  ifIndex: number;
  ifType: number;
  ifSpeed: bigint;
  /** 0 unknown, 1 full-duplex, 2 half-duplex, 3 in, 4 out. */
  ifDirection: number;
  /** Bit 0: admin up; bit 1: operationally up. */
  ifStatus: number;
  ifInOctets: bigint;
  ifInUcastPkts: number;
  ifInMulticastPkts: number;
  ifInBroadcastPkts: number;
  ifInDiscards: number;
  ifInErrors: number;
  ifInUnknownProtos: number;
  ifOutOctets: bigint;
  ifOutUcastPkts: number;
  ifOutMulticastPkts: number;
  ifOutBroadcastPkts: number;
  ifOutDiscards: number;
  ifOutErrors: number;
  ifPromiscuousMode: number;
}

/** The dot3Stats counters of RFC 2358, in the spec's order. */
export interface SflowEthernetCounters {
  type: "ethernet_interface";
  alignmentErrors: number;
  fcsErrors: number;
  singleCollisionFrames: number;
  multipleCollisionFrames: number;
  sqeTestErrors: number;
  deferredTransmissions: number;
  lateCollisions: number;
  excessiveCollisions: number;
  internalMacTransmitErrors: number;
  carrierSenseErrors: number;
  frameTooLongs: number;
  internalMacReceiveErrors: number;
  symbolErrors: number;
}

export interface SflowVlanCounters {
  type: "vlan";
  vlanId: number;
  octets: bigint;
  ucastPkts: number;
  multicastPkts: number;
  broadcastPkts: number;
  discards: number;
}

export interface SflowProcessorCounters {
  type: "processor";
  /** CPU load over 5 s, 1 min, 5 min, in hundredths of a percent. */
  cpu5s: number;
  cpu1m: number;
  cpu5m: number;
  /** Octets. */
  totalMemory: bigint;
  freeMemory: bigint;
}

export type SflowCounterRecord = SflowGenericInterface | SflowEthernetCounters | SflowVlanCounters | SflowProcessorCounters | SflowOpaque;

/**
 * A flow sample (format 1) or an expanded one (format 3): the same fields,
 * the expanded form with 32-bit source ids and interface numbers (for
 * ifIndex values past 2^24).
 */
export interface SflowFlowSample {
  kind: "flow_sample";
  expanded: boolean;
  /** Samples this source made before this one. */
  sequence: number;
  /** 0 ifIndex, 1 smonVlanDataSource, 2 entPhysicalEntry (8 bits compact, 32 expanded). */
  sourceIdType: number;
  /** 24 bits compact, 32 expanded. */
  sourceIdIndex: number;
  /** 1 in N packets sampled. */
  samplingRate: number;
  /** Packets the source saw (sampled or not). */
  samplePool: number;
  /** Samples lost for lack of resources. */
  drops: number;
  /**
   * Interfaces as format and value: format 0 an ifIndex (0: unknown), 1 the
   * packet was dropped (value: the reason), 2 several interfaces (value: how
   * many, 0x3fffffff unknown). Compact: 2 and 30 bits; expanded: 32 each.
   */
  inputFormat: number;
  input: number;
  outputFormat: number;
  output: number;
  records: SflowFlowRecord[];
}

export interface SflowCountersSample {
  kind: "counters_sample";
  expanded: boolean;
  sequence: number;
  sourceIdType: number;
  sourceIdIndex: number;
  records: SflowCounterRecord[];
}

export interface SflowOpaqueSample {
  kind: "unknown";
  enterprise: number;
  format: number;
  data: Uint8Array;
}

export type SflowSample = SflowFlowSample | SflowCountersSample | SflowOpaqueSample;
