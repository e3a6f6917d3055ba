// Hand-laid sFlow v5 datagrams, field by field as the spec's XDR lays them
// out, and the values the decoder must give for them: shared by the codec
// tests and the fuzz target's seeds.
import { encodeFrame } from "../../src/packet/index.js";
import type { SflowCounterRecord, SflowFlowRecord, SflowHeader, SflowSample } from "../../src/sflow/index.js";
import { hex } from "../ipfix/hex.js";

export function cat(...parts: (string | Uint8Array)[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === "string" ? hex(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** 58 octets: Ethernet, 802.1Q (PCP 5, VID 100), IPv4, TCP SYN+ACK 40000 -> 443. */
export const FRAME_TCP = encodeFrame({
  dstMac: "00:11:22:33:44:55", srcMac: "66:77:88:99:aa:bb", vlans: [0x8100a064],
  ip: { version: 4, src: "192.0.2.1", dst: "198.51.100.7", tos: 0x10, id: 0x1234, dontFragment: true },
  transport: { protocol: "tcp", srcPort: 40000, dstPort: 443, flags: 0x012 },
});
/** 86 octets: QinQ (VIDs 100, 200), IPv6 with hop-by-hop and a first-fragment header, ICMPv6 echo request. */
export const FRAME_QINQ_IPV6 = encodeFrame({
  dstMac: "33:33:00:00:00:01", srcMac: "02:00:00:00:00:01", vlans: [0x88a80064, 0x810020c8],
  ip: { version: 6, src: "2001:db8::1", dst: "2001:db8::2", trafficClass: 0xb8, flowLabel: 0x12345, extensions: [{ type: 0 }, { type: 44, offset: 0, more: true, id: 0xdeadbeef }] },
  transport: { protocol: "icmpv6", type: 128, code: 0 },
});

/** IPv4 agent, one compact flow sample carrying every flow record format read, and one unknown record. */
export const FLOW_DATAGRAM = cat(
  `00000005                  # version 5
   00000001 c0000201         # agent: IPv4 192.0.2.1
   00000003                  # sub-agent 3
   0000002a                  # sequence 42
   0036ee80                  # uptime 3,600,000 ms
   00000001                  # 1 sample
   00000001 000001e4         # flow_sample (0:1), 484 octets
   00000007                  # sequence 7
   01000005                  # source id: type 1, index 5
   00000400 00100000 00000002  # sampling rate 1024, pool 1,048,576, drops 2
   00000003                  # input: ifIndex 3
   80000002                  # output: format 2 (several interfaces), 2
   0000000a                  # 10 records
   00000001 0000004c         # sampled_header, 76 octets
   00000001 0000004a 00000004 0000003a  # Ethernet, frame 74 octets, 4 stripped, 58 of header`,
  FRAME_TCP,
  `0000                      # XDR padding to 60
   00000002 00000018         # sampled_ethernet, 24 octets
   0000004a 001122334455 0000 66778899aabb 0000 00000800
   00000003 00000020         # sampled_ipv4, 32 octets
   0000002c 00000006 c0000201 c6336407 00009c40 000001bb 00000012 00000010
   00000004 00000038         # sampled_ipv6, 56 octets
   00000040 0000003a 20010db8000000000000000000000001 20010db8000000000000000000000002 00000000 00000000 00000000 00000003
   000003e9 00000010         # extended_switch
   00000064 00000005 000000c8 00000001
   000003ea 0000001c         # extended_router: IPv6 next hop, masks /48 and /64
   00000002 20010db80000000000000000000000fe 00000030 00000040
   000003eb 00000044         # extended_gateway
   00000001 cb007101         # next hop 203.0.113.1
   0000fde8 0000fde9 0000fdea  # AS 65000, source AS 65001, source peer AS 65002
   00000002                  # 2 segments
   00000002 00000002 0000fdea 0000fdeb  # AS_SEQUENCE 65002 65003
   00000001 00000001 0000fdec           # AS_SET {65004}
   00000002 fde80064 fde800c8           # communities 65000:100, 65000:200
   00000064                  # local preference 100
   000003ec 0000001c         # extended_user
   0000006a 00000005 616c696365 000000  # UTF-8 "alice"
   0000006a 00000003 626f62 00          # UTF-8 "bob"
   000003ed 00000024         # extended_url
   00000002 0000000b 2f696e6465782e68746d6c 00 0000000b 6578616d706c652e636f6d 00  # destination "/index.html", "example.com"
   0113d005 00000008 deadbeef cafef00d  # enterprise 4413 format 5: not read`,
);

export const FLOW_HEADER: SflowHeader = { version: 5, agentAddress: "192.0.2.1", subAgentId: 3, sequence: 42, uptime: 3_600_000, sampleCount: 1 };

/** The records of FLOW_DATAGRAM but the sampled header's dissection (compared apart). */
export const FLOW_RECORDS: SflowFlowRecord[] = [
  { type: "sampled_ethernet", length: 74, srcMac: "00:11:22:33:44:55", dstMac: "66:77:88:99:aa:bb", etherType: 0x0800 },
  { type: "sampled_ipv4", length: 44, protocol: 6, srcAddr: "192.0.2.1", dstAddr: "198.51.100.7", srcPort: 40000, dstPort: 443, tcpFlags: 0x12, tos: 0x10 },
  { type: "sampled_ipv6", length: 64, protocol: 58, srcAddr: "2001:db8::1", dstAddr: "2001:db8::2", srcPort: 0, dstPort: 0, tcpFlags: 0, priority: 3 },
  { type: "extended_switch", srcVlan: 100, srcPriority: 5, dstVlan: 200, dstPriority: 1 },
  { type: "extended_router", nextHop: "2001:db8::fe", srcMaskLength: 48, dstMaskLength: 64 },
  {
    type: "extended_gateway", nextHop: "203.0.113.1", as: 65000, srcAs: 65001, srcPeerAs: 65002,
    asPath: [{ type: 2, asns: [65002, 65003] }, { type: 1, asns: [65004] }], communities: [0xfde80064, 0xfde800c8], localPref: 100,
  },
  { type: "extended_user", srcCharset: 106, srcUser: "alice", dstCharset: 106, dstUser: "bob" },
  { type: "extended_url", direction: 2, url: "/index.html", host: "example.com" },
  { type: "unknown", enterprise: 4413, format: 5, data: hex("deadbeef cafef00d") },
];

export const FLOW_SAMPLE_FIELDS = {
  kind: "flow_sample", expanded: false, sequence: 7, sourceIdType: 1, sourceIdIndex: 5, samplingRate: 1024, samplePool: 1_048_576, drops: 2,
  inputFormat: 0, input: 3, outputFormat: 2, output: 2,
} as const;

const GENERIC_INTERFACE_HEX = `
   00000001 00000058         # generic_interface, 88 octets
   00000003 00000006         # ifIndex 3, ifType 6 (ethernetCsmacd)
   00000002540be400          # ifSpeed 10,000,000,000
   00000001 00000003         # full-duplex; admin and oper up
   0020000000000001          # ifInOctets 2^53 + 1 (past a double's integers)
   00000064 00000002 00000001 00000004 00000005 00000006  # in: unicast, multicast, broadcast, discards, errors, unknown protocols
   0000000000001000          # ifOutOctets 4096
   00000050 00000007 00000008 00000009 0000000a  # out: unicast, multicast, broadcast, discards, errors
   00000001                  # promiscuous`;

export const GENERIC_INTERFACE: SflowCounterRecord = {
  type: "generic_interface", ifIndex: 3, ifType: 6, ifSpeed: 10_000_000_000n, ifDirection: 1, ifStatus: 3, ifInOctets: 2n ** 53n + 1n,
  ifInUcastPkts: 100, ifInMulticastPkts: 2, ifInBroadcastPkts: 1, ifInDiscards: 4, ifInErrors: 5, ifInUnknownProtos: 6,
  ifOutOctets: 4096n, ifOutUcastPkts: 80, ifOutMulticastPkts: 7, ifOutBroadcastPkts: 8, ifOutDiscards: 9, ifOutErrors: 10, ifPromiscuousMode: 1,
};

/** IPv6 agent, an expanded flow sample (ifIndex past 24 bits) with a QinQ/IPv6 header, an expanded counters sample. */
export const EXPANDED_DATAGRAM = cat(
  `00000005
   00000002 20010db8000000000000000000000001  # agent: IPv6 2001:db8::1
   00000000 00000001 00000000 00000002        # sub-agent 0, sequence 1, uptime 0, 2 samples
   00000003 0000009c         # flow_sample_expanded (0:3), 156 octets
   00000001                  # sequence 1
   00000000 01000000         # source id: type 0, index 16,777,216
   00000001 00000001 00000000  # rate 1, pool 1, no drops
   00000000 01000001         # input: ifIndex 16,777,217
   00000001 00000005         # output: format 1 (dropped), reason 5
   00000001                  # 1 record
   00000001 00000068         # sampled_header, 104 octets
   00000001 0000005a 00000004 00000056  # Ethernet, frame 90, 4 stripped, 86 of header`,
  FRAME_QINQ_IPV6,
  `0000
   00000004 00000070         # counters_sample_expanded (0:4), 112 octets
   00000009 00000000 01000000  # sequence 9, source id type 0, index 16,777,216
   00000001`,
  GENERIC_INTERFACE_HEX,
);

/** Agent address type 0 (unknown), a compact counters sample with the other counter formats, then a sample format not read. */
export const COUNTERS_DATAGRAM = cat(
  `00000005 00000000         # agent address: unknown (no octets)
   00000001 00000002 00000003 00000002
   00000002 00000090         # counters_sample (0:2), 144 octets
   00000005 00000003         # sequence 5, source id: type 0, index 3
   00000003                  # 3 records
   00000002 00000034         # ethernet_interface, 52 octets: 13 dot3Stats counters
   00000001 00000002 00000003 00000004 00000005 00000006 00000007 00000008 00000009 0000000a 0000000b 0000000c 0000000d
   00000005 0000001c         # vlan: VID 100, 74,565 octets, unicast, multicast, broadcast, discards
   00000064 0000000000012345 00000010 00000020 00000030 00000040
   000003e9 0000001c         # processor: 10.00 %, 20.00 %, 30.00 %; 16 GiB total, 8 GiB free
   000003e8 000007d0 00000bb8 0000000400000000 0000000200000000
   00000005 00000004 01020304  # a discarded-packet sample (0:5): not read`,
);

export const COUNTERS_SAMPLES: SflowSample[] = [
  {
    kind: "counters_sample", expanded: false, sequence: 5, sourceIdType: 0, sourceIdIndex: 3, records: [
      {
        type: "ethernet_interface", alignmentErrors: 1, fcsErrors: 2, singleCollisionFrames: 3, multipleCollisionFrames: 4, sqeTestErrors: 5, deferredTransmissions: 6,
        lateCollisions: 7, excessiveCollisions: 8, internalMacTransmitErrors: 9, carrierSenseErrors: 10, frameTooLongs: 11, internalMacReceiveErrors: 12, symbolErrors: 13,
      },
      { type: "vlan", vlanId: 100, octets: 0x12345n, ucastPkts: 16, multicastPkts: 32, broadcastPkts: 48, discards: 64 },
      { type: "processor", cpu5s: 1000, cpu1m: 2000, cpu5m: 3000, totalMemory: 16n * 2n ** 30n, freeMemory: 8n * 2n ** 30n },
    ],
  },
  { kind: "unknown", enterprise: 0, format: 5, data: hex("01020304") },
];
