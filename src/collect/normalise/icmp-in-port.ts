// Exporters without ICMP type and code elements put them in the destination
// port (type << 8 | code): NetFlow v5 always, and softflowd's and pmacct's
// v9 and IPFIX templates. nfdump prints such a port as "type.code"; the
// common format fills icmp_type and icmp_code from it, and keeps dst_port as
// received.
import type { FlowRecord } from "../../flow-record/index.js";

/** ICMP (1) and ICMPv6 (58) records' type and code from their destination port, unless the exporter sent them. */
export function icmpFromPort(f: FlowRecord): void {
  if ((f.proto === 1 || f.proto === 58) && f.icmpType === undefined && f.dport !== undefined) {
    f.icmpType = f.dport >> 8;
    f.icmpCode = f.dport & 0xff;
  }
}
