// The "common" format's columns: RustFlow's field names in its CSV column
// order, each with how it reads a flow record. A column whose field is unset
// is omitted from JSON and empty in CSV.
import type { FlowRecord } from "../../flow-record/index.js";
import { formatAddress } from "../../net/address.js";
import { nsText } from "./ns-text.js";

export type ColumnKind = "string" | "number";

export interface Column {
  name: string;
  kind: ColumnKind;
  /** The value as text (numbers in decimal), or undefined when unset. */
  text(f: FlowRecord): string | undefined;
}

const n = (v: number | undefined): string | undefined => (v === undefined ? undefined : String(v));
const addr = (a: Uint8Array | undefined): string | undefined => (a && a.length === 16 ? formatAddress(a) : undefined);

export const COMMON_COLUMNS: readonly Column[] = [
  { name: "flow_type", kind: "string", text: (f) => f.flowType },
  { name: "time_received_ns", kind: "number", text: (f) => (f.receivedMs === undefined ? undefined : nsText(f.receivedMs, f.receivedNs ?? 0)) },
  { name: "sequence_num", kind: "number", text: (f) => n(f.sequence) },
  { name: "sampling_rate", kind: "number", text: (f) => n(f.samplingRate) },
  { name: "sampler_address", kind: "string", text: (f) => f.samplerAddress },
  { name: "time_flow_start_ns", kind: "number", text: (f) => (f.startMs === undefined ? undefined : nsText(f.startMs)) },
  { name: "time_flow_end_ns", kind: "number", text: (f) => (f.endMs === undefined ? undefined : nsText(f.endMs)) },
  { name: "bytes", kind: "number", text: (f) => String(f.bytes) },
  { name: "packets", kind: "number", text: (f) => String(f.packets) },
  { name: "src_addr", kind: "string", text: (f) => addr(f.src) },
  { name: "dst_addr", kind: "string", text: (f) => addr(f.dst) },
  { name: "src_mac", kind: "string", text: (f) => f.srcMac },
  { name: "dst_mac", kind: "string", text: (f) => f.dstMac },
  { name: "etype", kind: "number", text: (f) => n(f.etype) },
  { name: "proto", kind: "number", text: (f) => n(f.proto) },
  { name: "src_port", kind: "number", text: (f) => n(f.sport) },
  { name: "dst_port", kind: "number", text: (f) => n(f.dport) },
  { name: "in_if", kind: "number", text: (f) => n(f.inIf) },
  { name: "out_if", kind: "number", text: (f) => n(f.outIf) },
  { name: "ip_tos", kind: "number", text: (f) => n(f.tos) },
  { name: "ip_ttl", kind: "number", text: (f) => n(f.ttl) },
  { name: "tcp_flags", kind: "number", text: (f) => n(f.tcpFlags) },
  { name: "icmp_type", kind: "number", text: (f) => n(f.icmpType) },
  { name: "icmp_code", kind: "number", text: (f) => n(f.icmpCode) },
  { name: "ipv6_flow_label", kind: "number", text: (f) => n(f.flowLabel) },
  { name: "fragment_id", kind: "number", text: (f) => n(f.fragmentId) },
  { name: "fragment_offset", kind: "number", text: (f) => n(f.fragmentOffset) },
  { name: "src_as", kind: "number", text: (f) => n(f.srcAsn) },
  { name: "dst_as", kind: "number", text: (f) => n(f.dstAsn) },
  { name: "next_hop", kind: "string", text: (f) => f.nextHop },
  { name: "src_net", kind: "number", text: (f) => n(f.srcMask) },
  { name: "dst_net", kind: "number", text: (f) => n(f.dstMask) },
  { name: "bgp_next_hop", kind: "string", text: (f) => f.bgpNextHop },
  { name: "src_vlan", kind: "number", text: (f) => n(f.srcVlan) },
  { name: "dst_vlan", kind: "number", text: (f) => n(f.dstVlan) },
  { name: "observation_domain_id", kind: "number", text: (f) => n(f.observationDomainId) },
  { name: "template_id", kind: "number", text: (f) => n(f.templateId) },
];
