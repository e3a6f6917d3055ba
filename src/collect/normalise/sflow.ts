// sFlow v5 flow samples as flow records: one record per sample (a sampled
// packet: packets 1, bytes its frame length, or the sampled IPv4/IPv6
// record's length), fields from the dissected header (src/packet) or the
// sampled Ethernet/IP records, interfaces when the sample names one,
// VLANs from the extended switch record (else the header's outer tag),
// next hop and masks from the extended router, origin ASes and BGP next hop
// from the extended gateway (the destination AS is the path's last).
// Counter samples are not flows: the raw format has them.
import type { FlowRecord } from "../../flow-record/index.js";
import { formatIpv4, formatIpv6, formatMac } from "../../ipfix/address-text.js";
import { parseAddress } from "../../net/address.js";
import type { SflowDecoded, SflowFlowSample } from "../../sflow/index.js";
import type { Datagram } from "../datagram.js";

function fromHeader(f: FlowRecord, s: Extract<SflowFlowSample["records"][number], { type: "sampled_header" }>): void {
  const L = s.layers;
  const h = s.header;
  f.bytes = s.frameLength;
  if (L.ethernetOffset >= 0 && h.length >= L.ethernetOffset + 12) {
    f.dstMac = formatMac(h, L.ethernetOffset);
    f.srcMac = formatMac(h, L.ethernetOffset + 6);
  }
  if (L.etherType >= 0) f.etype = L.etherType;
  if (L.vlans.length > 0) f.srcVlan ??= L.vlans[0]! & 0xfff;
  if (L.ipVersion !== 0 && L.srcAddrOffset >= 0) {
    const v4 = L.ipVersion === 4;
    const width = v4 ? 4 : 16;
    if (h.length >= L.dstAddrOffset + width) {
      f.family = L.ipVersion;
      f.src = parseAddress(v4 ? formatIpv4(h, L.srcAddrOffset) : formatIpv6(h, L.srcAddrOffset));
      f.dst = parseAddress(v4 ? formatIpv4(h, L.dstAddrOffset) : formatIpv6(h, L.dstAddrOffset));
    }
    f.tos = L.tos;
    f.ttl = L.ttl;
    if (!v4) f.flowLabel = L.flowLabel;
    if (L.fragmentId !== 0 || L.fragmentOffset !== 0) {
      f.fragmentId = L.fragmentId;
      f.fragmentOffset = L.fragmentOffset;
    }
  }
  if (L.protocol >= 0) f.proto = L.protocol;
  if (L.l4Offset >= 0 && (L.protocol === 6 || L.protocol === 17 || L.protocol === 132)) {
    f.sport = L.srcPort;
    f.dport = L.dstPort;
  }
  if (L.protocol === 6 && L.l4Offset >= 0) f.tcpFlags = L.tcpFlags;
  if (L.icmpType >= 0) {
    f.icmpType = L.icmpType;
    f.icmpCode = L.icmpCode;
  }
}

function flowRecord(s: SflowFlowSample, m: SflowDecoded, d: Datagram): FlowRecord {
  const h = m.datagram!;
  const f: FlowRecord = {
    flowType: "SFLOW_V5", receivedMs: d.receivedMs, receivedNs: d.receivedNs, sequence: h.sequence, samplingRate: s.samplingRate,
    samplerAddress: h.agentAddress, bytes: 0, packets: 1,
  };
  if (s.inputFormat === 0) f.inIf = s.input;
  if (s.outputFormat === 0) f.outIf = s.output;
  for (const r of s.records) {
    switch (r.type) {
      case "extended_switch":
        f.srcVlan = r.srcVlan;
        f.dstVlan = r.dstVlan;
        break;
      default:
        break;
    }
  }
  for (const r of s.records) {
    switch (r.type) {
      case "sampled_header":
        fromHeader(f, r);
        break;
      case "sampled_ethernet":
        f.bytes ||= r.length;
        f.srcMac ??= r.srcMac;
        f.dstMac ??= r.dstMac;
        f.etype ??= r.etherType;
        break;
      case "sampled_ipv4":
      case "sampled_ipv6":
        if (!f.src) {
          f.family = r.type === "sampled_ipv4" ? 4 : 6;
          f.src = parseAddress(r.srcAddr);
          f.dst = parseAddress(r.dstAddr);
          f.proto = r.protocol;
          f.sport = r.srcPort;
          f.dport = r.dstPort;
          f.tcpFlags = r.tcpFlags;
          f.etype ??= f.family === 4 ? 0x0800 : 0x86dd;
        }
        f.bytes ||= r.length;
        if (r.type === "sampled_ipv4") f.tos ??= r.tos;
        break;
      case "extended_router":
        f.nextHop = r.nextHop;
        f.srcMask = r.srcMaskLength;
        f.dstMask = r.dstMaskLength;
        break;
      case "extended_gateway": {
        f.bgpNextHop = r.nextHop;
        f.srcAsn = r.srcAs;
        const last = r.asPath[r.asPath.length - 1];
        f.dstAsn = last && last.asns.length > 0 ? last.asns[last.asns.length - 1]! : r.as;
        break;
      }
      default:
        break;
    }
  }
  return f;
}

export function normaliseSflow(m: SflowDecoded, d: Datagram, out: FlowRecord[]): void {
  if (!m.datagram) return;
  for (const s of m.samples) if (s.kind === "flow_sample") out.push(flowRecord(s, m, d));
}
