// The "common" format's columns: RustFlow's field names in its CSV column
// order, each with how it reads a flow record. A column whose field is unset
// is omitted from JSON and empty in CSV.
import type { FlowRecord } from "../../flow-record/index.js";
import { formatAddress } from "../../net/address.js";
import { nsText } from "./ns-text.js";

/** "string" values are ASCII with nothing JSON or CSV must escape (names, addresses, MACs). */
export type ColumnKind = "string" | "number";

/** How a column's field is written: a number in decimal, ASCII text, Unix ns from ms (and ns within), a 16-octet address. */
export type ColumnType = "number" | "text" | "time" | "address";

type Field = keyof FlowRecord;

export interface Column {
  name: string;
  kind: ColumnKind;
  type: ColumnType;
  /** The flow record field it reads. */
  field: Field;
  /** For a time: the field holding the nanoseconds within its milliseconds, if any. */
  nsField?: Field;
  /** The value as text (numbers in decimal), or undefined when unset. */
  text(f: FlowRecord): string | undefined;
}

/** A column of a numeric field. */
function num(name: string, field: Field): Column {
  return { name, kind: "number", type: "number", field, text: (f) => n(f[field] as number | undefined) };
}

/** A column of an ASCII text field. */
function str(name: string, field: Field): Column {
  return { name, kind: "string", type: "text", field, text: (f) => f[field] as string | undefined };
}

function time(name: string, field: Field, nsField?: Field): Column {
  return {
    name, kind: "number", type: "time", field, ...(nsField ? { nsField } : {}),
    text: (f) => {
      const v = f[field] as number | undefined;
      return v === undefined ? undefined : nsText(v, nsField ? ((f[nsField] as number | undefined) ?? 0) : undefined);
    },
  };
}

function address(name: string, field: Field): Column {
  return { name, kind: "string", type: "address", field, text: (f) => addr(f[field] as Uint8Array | undefined) };
}

const n = (v: number | undefined): string | undefined => (v === undefined ? undefined : String(v));
const addr = (a: Uint8Array | undefined): string | undefined => (a && a.length === 16 ? formatAddress(a) : undefined);

export const COMMON_COLUMNS: readonly Column[] = [
  str("flow_type", "flowType"),
  time("time_received_ns", "receivedMs", "receivedNs"),
  num("sequence_num", "sequence"),
  num("sampling_rate", "samplingRate"),
  str("sampler_address", "samplerAddress"),
  time("time_flow_start_ns", "startMs"),
  time("time_flow_end_ns", "endMs"),
  num("bytes", "bytes"),
  num("packets", "packets"),
  address("src_addr", "src"),
  address("dst_addr", "dst"),
  str("src_mac", "srcMac"),
  str("dst_mac", "dstMac"),
  num("etype", "etype"),
  num("proto", "proto"),
  num("src_port", "sport"),
  num("dst_port", "dport"),
  num("in_if", "inIf"),
  num("out_if", "outIf"),
  num("ip_tos", "tos"),
  num("ip_ttl", "ttl"),
  num("tcp_flags", "tcpFlags"),
  num("icmp_type", "icmpType"),
  num("icmp_code", "icmpCode"),
  num("ipv6_flow_label", "flowLabel"),
  num("fragment_id", "fragmentId"),
  num("fragment_offset", "fragmentOffset"),
  num("src_as", "srcAsn"),
  num("dst_as", "dstAsn"),
  str("next_hop", "nextHop"),
  num("src_net", "srcMask"),
  num("dst_net", "dstMask"),
  str("bgp_next_hop", "bgpNextHop"),
  num("src_vlan", "srcVlan"),
  num("dst_vlan", "dstVlan"),
  num("observation_domain_id", "observationDomainId"),
  num("template_id", "templateId"),
];
