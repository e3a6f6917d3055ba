// One flow record for every pipeline: the agent's flow table emits it, the
// collector normalises NetFlow, IPFIX and sFlow into it, the generator
// writes it out. Only the counts are always there: an exporter may leave out
// any other field (an sFlow sample has no times, a layer-2 template no
// addresses), so everything else is optional, and AgentFlowRecord says what
// the agent always fills.
import type { EndReason } from "./end-reason.js";

export type FlowType = "NETFLOW_V5" | "NETFLOW_V9" | "IPFIX" | "SFLOW_V5";

export interface FlowRecord {
  /** Packets and bytes: the agent's are estimates (scaled by each event's sample rate); an exporter's, as received. */
  packets: number;
  bytes: number;
  /** 4 or 6, with src and dst. */
  family?: number;
  /** 16 bytes, IPv4 as ::ffff:a.b.c.d */
  src?: Uint8Array;
  dst?: Uint8Array;
  proto?: number;
  sport?: number;
  dport?: number;
  /** Unix time in ms (may have a fraction). */
  startMs?: number;
  endMs?: number;
  reason?: EndReason;

  // What only the agent knows.
  /** The agent's interface. */
  ifindex?: number;
  /** Namespace tag of the interface (0: the agent's own namespace); ifindexes repeat across namespaces. */
  netns?: number;
  /** 0 ingress, 1 egress */
  direction?: number;
  /** Estimated IP bytes (wire bytes less link headers). */
  ipBytes?: number;
  /** What was actually sampled: wire packets, wire bytes, IP bytes. */
  sampledPackets?: number;
  sampledBytes?: number;
  sampledIpBytes?: number;

  // What exporters send (the collector).
  flowType?: FlowType;
  /** When the datagram arrived: Unix ms and the nanoseconds within that ms. */
  receivedMs?: number;
  receivedNs?: number;
  sequence?: number;
  samplingRate?: number;
  /** The exporter (sFlow agent address, else the datagram's source), as text. */
  samplerAddress?: string;
  inIf?: number;
  outIf?: number;
  srcMac?: string;
  dstMac?: string;
  etype?: number;
  tos?: number;
  ttl?: number;
  tcpFlags?: number;
  icmpType?: number;
  icmpCode?: number;
  flowLabel?: number;
  fragmentId?: number;
  fragmentOffset?: number;
  nextHop?: string;
  bgpNextHop?: string;
  /** Prefix lengths of the source and destination networks. */
  srcMask?: number;
  dstMask?: number;
  srcVlan?: number;
  dstVlan?: number;
  observationDomainId?: number;
  templateId?: number;

  // Enrichment (absent: none configured or none known).
  srcAsn?: number;
  dstAsn?: number;
  srcCity?: string;
  dstCity?: string;
  /** The collector's enrichment columns, by name. */
  enriched?: Record<string, string>;
}

/** What the agent's flow table emits: the deltas of one flow since its previous record, with every agent field. */
export type AgentFlowRecord = FlowRecord &
  Required<Pick<FlowRecord, "family" | "src" | "dst" | "proto" | "sport" | "dport" | "startMs" | "endMs" | "reason" | "ifindex" | "netns" | "direction" | "ipBytes" | "sampledPackets" | "sampledBytes" | "sampledIpBytes">>;
