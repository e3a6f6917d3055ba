// The "common" format's columns: RustFlow's field names in its CSV column
// order, each with how it reads a flow record. A column whose field is unset
// is omitted from JSON and empty in CSV.
import type { FlowRecord } from "../../flow-record/index.js";
import { formatAddress } from "../../net/address.js";
import { nsText } from "./ns-text.js";
import type { TextBuffer } from "./text-buffer.js";

/** "string" values are ASCII with nothing JSON or CSV must escape (names, addresses, MACs). */
export type ColumnKind = "string" | "number";

export interface Column {
  name: string;
  kind: ColumnKind;
  /** The value as text (numbers in decimal), or undefined when unset. */
  text(f: FlowRecord): string | undefined;
  /** Writes the value's text (unquoted) and returns true, or writes nothing and returns false when unset. */
  put(f: FlowRecord, w: TextBuffer): boolean;
}

/** A column of a numeric field. */
function num(name: string, get: (f: FlowRecord) => number | undefined): Column {
  return {
    name, kind: "number", text: (f) => n(get(f)),
    put(f, w) {
      const v = get(f);
      if (v === undefined) return false;
      w.number(v);
      return true;
    },
  };
}

/** A column of an ASCII text field. */
function str(name: string, get: (f: FlowRecord) => string | undefined): Column {
  return {
    name, kind: "string", text: get,
    put(f, w) {
      const v = get(f);
      if (v === undefined) return false;
      w.ascii(v);
      return true;
    },
  };
}

function time(name: string, ms: (f: FlowRecord) => number | undefined, ns: (f: FlowRecord) => number | undefined): Column {
  return {
    name, kind: "number",
    text: (f) => {
      const v = ms(f);
      return v === undefined ? undefined : nsText(v, ns(f));
    },
    put(f, w) {
      const v = ms(f);
      if (v === undefined) return false;
      w.ns(v, ns(f));
      return true;
    },
  };
}

function address(name: string, get: (f: FlowRecord) => Uint8Array | undefined): Column {
  return {
    name, kind: "string", text: (f) => addr(get(f)),
    put(f, w) {
      const a = get(f);
      if (!a || a.length !== 16) return false;
      w.address(a);
      return true;
    },
  };
}

const n = (v: number | undefined): string | undefined => (v === undefined ? undefined : String(v));
const addr = (a: Uint8Array | undefined): string | undefined => (a && a.length === 16 ? formatAddress(a) : undefined);

const none = () => undefined;

export const COMMON_COLUMNS: readonly Column[] = [
  str("flow_type", (f) => f.flowType),
  time("time_received_ns", (f) => f.receivedMs, (f) => f.receivedNs ?? 0),
  num("sequence_num", (f) => f.sequence),
  num("sampling_rate", (f) => f.samplingRate),
  str("sampler_address", (f) => f.samplerAddress),
  time("time_flow_start_ns", (f) => f.startMs, none),
  time("time_flow_end_ns", (f) => f.endMs, none),
  num("bytes", (f) => f.bytes),
  num("packets", (f) => f.packets),
  address("src_addr", (f) => f.src),
  address("dst_addr", (f) => f.dst),
  str("src_mac", (f) => f.srcMac),
  str("dst_mac", (f) => f.dstMac),
  num("etype", (f) => f.etype),
  num("proto", (f) => f.proto),
  num("src_port", (f) => f.sport),
  num("dst_port", (f) => f.dport),
  num("in_if", (f) => f.inIf),
  num("out_if", (f) => f.outIf),
  num("ip_tos", (f) => f.tos),
  num("ip_ttl", (f) => f.ttl),
  num("tcp_flags", (f) => f.tcpFlags),
  num("icmp_type", (f) => f.icmpType),
  num("icmp_code", (f) => f.icmpCode),
  num("ipv6_flow_label", (f) => f.flowLabel),
  num("fragment_id", (f) => f.fragmentId),
  num("fragment_offset", (f) => f.fragmentOffset),
  num("src_as", (f) => f.srcAsn),
  num("dst_as", (f) => f.dstAsn),
  str("next_hop", (f) => f.nextHop),
  num("src_net", (f) => f.srcMask),
  num("dst_net", (f) => f.dstMask),
  str("bgp_next_hop", (f) => f.bgpNextHop),
  num("src_vlan", (f) => f.srcVlan),
  num("dst_vlan", (f) => f.dstVlan),
  num("observation_domain_id", (f) => f.observationDomainId),
  num("template_id", (f) => f.templateId),
];
