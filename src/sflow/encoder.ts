// sFlow v5 datagram encoder, the decoder's mirror: for tests, fuzz seeds and
// a generator. It writes every sample and record the decoder reads (and
// unknown ones as their opaque data); counts and lengths follow from what is
// given. Values come from our own code, so one that does not fit its field
// is a RangeError, not a datagram quietly wrong.
import { isIPv4, isIPv6 } from "node:net";
import { parseIpv4, parseIpv6, parseMac } from "../ipfix/address-text.js";
import type {
  SflowCounterRecord, SflowCountersSample, SflowFlowRecord, SflowFlowSample, SflowHeader, SflowOpaque, SflowOpaqueSample, SflowSampledHeader,
} from "./datagram.js";
import {
  ADDRESS_IPV4, ADDRESS_IPV6, ADDRESS_UNKNOWN, COUNTERS_ETHERNET, COUNTERS_GENERIC_INTERFACE, COUNTERS_PROCESSOR, COUNTERS_VLAN, FLOW_EXTENDED_GATEWAY,
  FLOW_EXTENDED_ROUTER, FLOW_EXTENDED_SWITCH, FLOW_EXTENDED_URL, FLOW_EXTENDED_USER, FLOW_SAMPLED_ETHERNET, FLOW_SAMPLED_HEADER, FLOW_SAMPLED_IPV4,
  FLOW_SAMPLED_IPV6, SAMPLE_COUNTERS, SAMPLE_COUNTERS_EXPANDED, SAMPLE_FLOW, SAMPLE_FLOW_EXPANDED, VERSION,
} from "./wire.js";
import { XdrWriter } from "./xdr-writer.js";

/** The header as the encoder takes it: version and sample count follow from the samples. */
export type SflowHeaderInput = Omit<SflowHeader, "version" | "sampleCount">;
/** A sampled header without its dissection (the decoder's output is accepted as it is). */
export type SflowSampledHeaderInput = Omit<SflowSampledHeader, "layers">;
export type SflowFlowRecordInput = Exclude<SflowFlowRecord, SflowSampledHeader> | SflowSampledHeaderInput;
export type SflowFlowSampleInput = Omit<SflowFlowSample, "records"> & { records: SflowFlowRecordInput[] };
export type SflowSampleInput = SflowFlowSampleInput | SflowCountersSample | SflowOpaqueSample;
export interface SflowDatagramInput extends SflowHeaderInput {
  samples: SflowSampleInput[];
}

const utf8 = new TextEncoder();
const U64_MAX = 2n ** 64n - 1n;

function uint(name: string, value: number, bits: number): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) throw new RangeError(`sFlow ${name} ${value} does not fit ${bits} bits`);
  return value;
}

function u32(w: XdrWriter, name: string, value: number): void {
  w.u32(uint(name, value, 32));
}

function u64(w: XdrWriter, name: string, value: bigint): void {
  if (typeof value !== "bigint" || value < 0n || value > U64_MAX) throw new RangeError(`sFlow ${name} ${String(value)} does not fit 64 bits`);
  w.u64(value);
}

/** The address union: "" is type unknown; IPv4 and IPv6 text by their form. */
function address(w: XdrWriter, name: string, text: string): void {
  if (text === "") {
    w.u32(ADDRESS_UNKNOWN);
  } else if (isIPv4(text)) {
    w.u32(ADDRESS_IPV4);
    w.u32(parseIpv4(text)!);
  } else if (isIPv6(text)) {
    w.u32(ADDRESS_IPV6);
    w.fixed(parseIpv6(text)!);
  } else {
    throw new RangeError(`sFlow ${name} ${JSON.stringify(text)} is neither an IPv4 nor an IPv6 address`);
  }
}

function ipv4(w: XdrWriter, name: string, text: string): void {
  const n = parseIpv4(text);
  if (n === undefined) throw new RangeError(`sFlow ${name} ${JSON.stringify(text)} is not an IPv4 address`);
  w.u32(n);
}

function ipv6(w: XdrWriter, name: string, text: string): void {
  const b = isIPv6(text) ? parseIpv6(text) : undefined;
  if (!b) throw new RangeError(`sFlow ${name} ${JSON.stringify(text)} is not an IPv6 address`);
  w.fixed(b);
}

function mac(w: XdrWriter, name: string, text: string): void {
  const b = parseMac(text);
  if (!b) throw new RangeError(`sFlow ${name} ${JSON.stringify(text)} is not a MAC address`);
  w.fixed(b); // opaque[6]: 2 octets of padding
}

/** Tag, reserved length, body, length patched. */
function tagged(w: XdrWriter, enterprise: number, format: number, body: () => void): void {
  w.u32(((uint("enterprise", enterprise, 20) << 12) | uint("format", format, 12)) >>> 0);
  const at = w.reserve();
  body();
  w.patch(at);
}

/** An unknown format's data: XDR's opaque<>, so the length excludes the padding. */
function opaque(w: XdrWriter, r: SflowOpaque | SflowOpaqueSample): void {
  w.u32(((uint("enterprise", r.enterprise, 20) << 12) | uint("format", r.format, 12)) >>> 0);
  w.opaque(r.data);
}

function flowRecord(w: XdrWriter, r: SflowFlowRecordInput): void {
  switch (r.type) {
    case "unknown":
      return opaque(w, r);
    case "sampled_header":
      return tagged(w, 0, FLOW_SAMPLED_HEADER, () => {
        u32(w, "headerProtocol", r.headerProtocol);
        u32(w, "frameLength", r.frameLength);
        u32(w, "stripped", r.stripped);
        w.opaque(r.header);
      });
    case "sampled_ethernet":
      return tagged(w, 0, FLOW_SAMPLED_ETHERNET, () => {
        u32(w, "length", r.length);
        mac(w, "srcMac", r.srcMac);
        mac(w, "dstMac", r.dstMac);
        u32(w, "etherType", r.etherType);
      });
    case "sampled_ipv4":
    case "sampled_ipv6": {
      const v4 = r.type === "sampled_ipv4";
      return tagged(w, 0, v4 ? FLOW_SAMPLED_IPV4 : FLOW_SAMPLED_IPV6, () => {
        u32(w, "length", r.length);
        u32(w, "protocol", r.protocol);
        (v4 ? ipv4 : ipv6)(w, "srcAddr", r.srcAddr);
        (v4 ? ipv4 : ipv6)(w, "dstAddr", r.dstAddr);
        u32(w, "srcPort", r.srcPort);
        u32(w, "dstPort", r.dstPort);
        u32(w, "tcpFlags", r.tcpFlags);
        u32(w, v4 ? "tos" : "priority", r.type === "sampled_ipv4" ? r.tos : r.priority);
      });
    }
    case "extended_switch":
      return tagged(w, 0, FLOW_EXTENDED_SWITCH, () => {
        u32(w, "srcVlan", r.srcVlan);
        u32(w, "srcPriority", r.srcPriority);
        u32(w, "dstVlan", r.dstVlan);
        u32(w, "dstPriority", r.dstPriority);
      });
    case "extended_router":
      return tagged(w, 0, FLOW_EXTENDED_ROUTER, () => {
        address(w, "nextHop", r.nextHop);
        u32(w, "srcMaskLength", r.srcMaskLength);
        u32(w, "dstMaskLength", r.dstMaskLength);
      });
    case "extended_gateway":
      return tagged(w, 0, FLOW_EXTENDED_GATEWAY, () => {
        address(w, "nextHop", r.nextHop);
        u32(w, "as", r.as);
        u32(w, "srcAs", r.srcAs);
        u32(w, "srcPeerAs", r.srcPeerAs);
        w.u32(r.asPath.length);
        for (const s of r.asPath) {
          u32(w, "AS path segment type", s.type);
          w.u32(s.asns.length);
          for (const asn of s.asns) u32(w, "ASN", asn);
        }
        w.u32(r.communities.length);
        for (const c of r.communities) u32(w, "community", c);
        u32(w, "localPref", r.localPref);
      });
    case "extended_user":
      return tagged(w, 0, FLOW_EXTENDED_USER, () => {
        u32(w, "srcCharset", r.srcCharset);
        w.opaque(utf8.encode(r.srcUser));
        u32(w, "dstCharset", r.dstCharset);
        w.opaque(utf8.encode(r.dstUser));
      });
    case "extended_url":
      return tagged(w, 0, FLOW_EXTENDED_URL, () => {
        u32(w, "direction", r.direction);
        w.opaque(utf8.encode(r.url));
        w.opaque(utf8.encode(r.host));
      });
  }
}

function counterRecord(w: XdrWriter, r: SflowCounterRecord): void {
  switch (r.type) {
    case "unknown":
      return opaque(w, r);
    case "generic_interface":
      return tagged(w, 0, COUNTERS_GENERIC_INTERFACE, () => {
        u32(w, "ifIndex", r.ifIndex);
        u32(w, "ifType", r.ifType);
        u64(w, "ifSpeed", r.ifSpeed);
        u32(w, "ifDirection", r.ifDirection);
        u32(w, "ifStatus", r.ifStatus);
        u64(w, "ifInOctets", r.ifInOctets);
        u32(w, "ifInUcastPkts", r.ifInUcastPkts);
        u32(w, "ifInMulticastPkts", r.ifInMulticastPkts);
        u32(w, "ifInBroadcastPkts", r.ifInBroadcastPkts);
        u32(w, "ifInDiscards", r.ifInDiscards);
        u32(w, "ifInErrors", r.ifInErrors);
        u32(w, "ifInUnknownProtos", r.ifInUnknownProtos);
        u64(w, "ifOutOctets", r.ifOutOctets);
        u32(w, "ifOutUcastPkts", r.ifOutUcastPkts);
        u32(w, "ifOutMulticastPkts", r.ifOutMulticastPkts);
        u32(w, "ifOutBroadcastPkts", r.ifOutBroadcastPkts);
        u32(w, "ifOutDiscards", r.ifOutDiscards);
        u32(w, "ifOutErrors", r.ifOutErrors);
        u32(w, "ifPromiscuousMode", r.ifPromiscuousMode);
      });
    case "ethernet_interface":
      return tagged(w, 0, COUNTERS_ETHERNET, () => {
        for (const k of ETHERNET_FIELDS) u32(w, k, r[k]);
      });
    case "vlan":
      return tagged(w, 0, COUNTERS_VLAN, () => {
        u32(w, "vlanId", r.vlanId);
        u64(w, "octets", r.octets);
        u32(w, "ucastPkts", r.ucastPkts);
        u32(w, "multicastPkts", r.multicastPkts);
        u32(w, "broadcastPkts", r.broadcastPkts);
        u32(w, "discards", r.discards);
      });
    case "processor":
      return tagged(w, 0, COUNTERS_PROCESSOR, () => {
        u32(w, "cpu5s", r.cpu5s);
        u32(w, "cpu1m", r.cpu1m);
        u32(w, "cpu5m", r.cpu5m);
        u64(w, "totalMemory", r.totalMemory);
        u64(w, "freeMemory", r.freeMemory);
      });
  }
}

/** The dot3Stats counters in the spec's order. */
const ETHERNET_FIELDS = [
  "alignmentErrors", "fcsErrors", "singleCollisionFrames", "multipleCollisionFrames", "sqeTestErrors", "deferredTransmissions", "lateCollisions",
  "excessiveCollisions", "internalMacTransmitErrors", "carrierSenseErrors", "frameTooLongs", "internalMacReceiveErrors", "symbolErrors",
] as const;

/** Source id: 8 + 24 bits compact, two words expanded. */
function sourceId(w: XdrWriter, s: { expanded: boolean; sourceIdType: number; sourceIdIndex: number }): void {
  if (s.expanded) {
    u32(w, "sourceIdType", s.sourceIdType);
    u32(w, "sourceIdIndex", s.sourceIdIndex);
  } else {
    w.u32(((uint("sourceIdType", s.sourceIdType, 8) << 24) | uint("sourceIdIndex", s.sourceIdIndex, 24)) >>> 0);
  }
}

/** Interface: 2 + 30 bits compact, two words expanded. */
function iface(w: XdrWriter, name: string, expanded: boolean, format: number, value: number): void {
  if (expanded) {
    u32(w, `${name}Format`, format);
    u32(w, name, value);
  } else {
    w.u32(((uint(`${name}Format`, format, 2) << 30) | uint(name, value, 30)) >>> 0);
  }
}

function sample(w: XdrWriter, s: SflowSampleInput): void {
  if (s.kind === "unknown") return opaque(w, s);
  if (s.kind === "counters_sample") {
    return tagged(w, 0, s.expanded ? SAMPLE_COUNTERS_EXPANDED : SAMPLE_COUNTERS, () => {
      u32(w, "sequence", s.sequence);
      sourceId(w, s);
      w.u32(s.records.length);
      for (const r of s.records) counterRecord(w, r);
    });
  }
  return tagged(w, 0, s.expanded ? SAMPLE_FLOW_EXPANDED : SAMPLE_FLOW, () => {
    u32(w, "sequence", s.sequence);
    sourceId(w, s);
    u32(w, "samplingRate", s.samplingRate);
    u32(w, "samplePool", s.samplePool);
    u32(w, "drops", s.drops);
    iface(w, "input", s.expanded, s.inputFormat, s.input);
    iface(w, "output", s.expanded, s.outputFormat, s.output);
    w.u32(s.records.length);
    for (const r of s.records) flowRecord(w, r);
  });
}

export function encodeSflow(spec: SflowDatagramInput): Uint8Array {
  const w = new XdrWriter();
  w.u32(VERSION);
  address(w, "agentAddress", spec.agentAddress);
  u32(w, "subAgentId", spec.subAgentId);
  u32(w, "sequence", spec.sequence);
  u32(w, "uptime", spec.uptime);
  w.u32(spec.samples.length);
  for (const s of spec.samples) sample(w, s);
  return w.finish();
}
