// NetFlow v5 records as flow records: sysUptime times to Unix time through
// the header's clock pair, sampling from the header, ICMP type and code from
// the destination port (icmp-in-port.ts).
import type { FlowRecord } from "../../flow-record/index.js";
import { parseAddress } from "../../net/address.js";
import { exportUnixMs, uptimeToUnixMs, type NetflowV5Datagram } from "../../netflow-v5/index.js";
import type { Datagram } from "../datagram.js";
import { icmpFromPort } from "./icmp-in-port.js";

export function normaliseNetflowV5(m: NetflowV5Datagram, d: Datagram, out: FlowRecord[]): void {
  const h = m.header;
  const exportMs = exportUnixMs(h.unixSecs, h.unixNsecs);
  for (const r of m.records) {
    const f: FlowRecord = {
      flowType: "NETFLOW_V5",
      receivedMs: d.receivedMs,
      receivedNs: d.receivedNs,
      sequence: h.flowSequence,
      samplingRate: h.samplingInterval,
      samplerAddress: d.exporter,
      startMs: uptimeToUnixMs(r.first, h.sysUptime, exportMs),
      endMs: uptimeToUnixMs(r.last, h.sysUptime, exportMs),
      bytes: r.octets,
      packets: r.packets,
      family: 4,
      src: parseAddress(r.srcAddr),
      dst: parseAddress(r.dstAddr),
      etype: 0x0800,
      proto: r.protocol,
      sport: r.srcPort,
      dport: r.dstPort,
      inIf: r.input,
      outIf: r.output,
      tos: r.tos,
      tcpFlags: r.tcpFlags,
      srcAsn: r.srcAs,
      dstAsn: r.dstAs,
      nextHop: r.nextHop,
      srcMask: r.srcMask,
      dstMask: r.dstMask,
    };
    icmpFromPort(f);
    out.push(f);
  }
}
