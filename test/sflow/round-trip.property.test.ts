// Property: any datagram of any samples and records the encoder takes comes
// back from the decoder as it went in, with no error; each sampled header
// with the dissection of its bytes.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { formatIpv4, formatIpv6, formatMac } from "../../src/ipfix/address-text.js";
import { dissectFrame, encodeFrame } from "../../src/packet/index.js";
import {
  decodeSflow, encodeSflow, headerLinkType, type SflowCounterRecord, type SflowFlowRecordInput, type SflowSample, type SflowSampleInput,
} from "../../src/sflow/index.js";

const u = (bits: number) => fc.integer({ min: 0, max: 2 ** bits - 1 });
const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
// The decoder writes addresses in one canonical form: generate them from octets, as it does.
const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIpv4(b, 0));
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIpv6(b, 0));
const address = fc.oneof(fc.constant(""), ipv4, ipv6);
const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => formatMac(b, 0));
const text = fc.string({ unit: "grapheme", maxLength: 20 });
const opaque = fc.record({ type: fc.constant("unknown" as const), enterprise: u(20).filter((e) => e !== 0), format: u(12), data: fc.uint8Array({ maxLength: 40 }) });

const frame = fc.oneof(
  fc.record({ src: ipv4, dst: ipv4, sport: u(16), dport: u(16), vlans: fc.array(u(12), { maxLength: 2 }) }).map((f) =>
    encodeFrame({ vlans: f.vlans.map((v) => 0x81000000 + v), ip: { version: 4, src: f.src, dst: f.dst }, transport: { protocol: "udp", srcPort: f.sport, dstPort: f.dport } }),
  ),
  fc.record({ src: ipv6, dst: ipv6, type: u(8) }).map((f) => encodeFrame({ ip: { version: 6, src: f.src, dst: f.dst, extensions: [{ type: 0 }] }, transport: { protocol: "icmpv6", type: f.type, code: 0 } })),
  fc.uint8Array({ maxLength: 130 }),
);

const flowRecord: fc.Arbitrary<SflowFlowRecordInput> = fc.oneof(
  fc.record({ type: fc.constant("sampled_header" as const), headerProtocol: fc.constantFrom(1, 11, 12, 13, 0xffffffff), frameLength: u(32), stripped: u(32), header: frame })
    .map((h) => ({ ...h, header: h.headerProtocol === 1 ? h.header : h.header.subarray(14) })),
  fc.record({ type: fc.constant("sampled_ethernet" as const), length: u(32), srcMac: mac, dstMac: mac, etherType: u(32) }),
  fc.record({ type: fc.constant("sampled_ipv4" as const), length: u(32), protocol: u(32), srcAddr: ipv4, dstAddr: ipv4, srcPort: u(32), dstPort: u(32), tcpFlags: u(32), tos: u(32) }),
  fc.record({ type: fc.constant("sampled_ipv6" as const), length: u(32), protocol: u(32), srcAddr: ipv6, dstAddr: ipv6, srcPort: u(32), dstPort: u(32), tcpFlags: u(32), priority: u(32) }),
  fc.record({ type: fc.constant("extended_switch" as const), srcVlan: u(32), srcPriority: u(32), dstVlan: u(32), dstPriority: u(32) }),
  fc.record({ type: fc.constant("extended_router" as const), nextHop: address, srcMaskLength: u(32), dstMaskLength: u(32) }),
  fc.record({
    type: fc.constant("extended_gateway" as const), nextHop: address, as: u(32), srcAs: u(32), srcPeerAs: u(32),
    asPath: fc.array(fc.record({ type: u(32), asns: fc.array(u(32), { maxLength: 5 }) }), { maxLength: 4 }), communities: fc.array(u(32), { maxLength: 5 }), localPref: u(32),
  }),
  fc.record({ type: fc.constant("extended_user" as const), srcCharset: u(32), srcUser: text, dstCharset: u(32), dstUser: text }),
  fc.record({ type: fc.constant("extended_url" as const), direction: u(32), url: text, host: text }),
  opaque,
);

const counterRecord: fc.Arbitrary<SflowCounterRecord> = fc.oneof(
  fc.record({
    type: fc.constant("generic_interface" as const), ifIndex: u(32), ifType: u(32), ifSpeed: u64, ifDirection: u(32), ifStatus: u(32), ifInOctets: u64,
    ifInUcastPkts: u(32), ifInMulticastPkts: u(32), ifInBroadcastPkts: u(32), ifInDiscards: u(32), ifInErrors: u(32), ifInUnknownProtos: u(32), ifOutOctets: u64,
    ifOutUcastPkts: u(32), ifOutMulticastPkts: u(32), ifOutBroadcastPkts: u(32), ifOutDiscards: u(32), ifOutErrors: u(32), ifPromiscuousMode: u(32),
  }),
  fc.record({
    type: fc.constant("ethernet_interface" as const), alignmentErrors: u(32), fcsErrors: u(32), singleCollisionFrames: u(32), multipleCollisionFrames: u(32),
    sqeTestErrors: u(32), deferredTransmissions: u(32), lateCollisions: u(32), excessiveCollisions: u(32), internalMacTransmitErrors: u(32),
    carrierSenseErrors: u(32), frameTooLongs: u(32), internalMacReceiveErrors: u(32), symbolErrors: u(32),
  }),
  fc.record({ type: fc.constant("vlan" as const), vlanId: u(32), octets: u64, ucastPkts: u(32), multicastPkts: u(32), broadcastPkts: u(32), discards: u(32) }),
  fc.record({ type: fc.constant("processor" as const), cpu5s: u(32), cpu1m: u(32), cpu5m: u(32), totalMemory: u64, freeMemory: u64 }),
  opaque,
);

// Compact samples' source ids and interfaces are narrower than the expanded ones'.
const flowSample = fc.boolean().chain((expanded) =>
  fc.record({
    kind: fc.constant("flow_sample" as const), expanded: fc.constant(expanded), sequence: u(32), sourceIdType: u(expanded ? 32 : 8), sourceIdIndex: u(expanded ? 32 : 24),
    samplingRate: u(32), samplePool: u(32), drops: u(32), inputFormat: u(expanded ? 32 : 2), input: u(expanded ? 32 : 30), outputFormat: u(expanded ? 32 : 2),
    output: u(expanded ? 32 : 30), records: fc.array(flowRecord, { maxLength: 6 }),
  }),
);
const countersSample = fc.boolean().chain((expanded) =>
  fc.record({
    kind: fc.constant("counters_sample" as const), expanded: fc.constant(expanded), sequence: u(32), sourceIdType: u(expanded ? 32 : 8), sourceIdIndex: u(expanded ? 32 : 24),
    records: fc.array(counterRecord, { maxLength: 6 }),
  }),
);
const sample: fc.Arbitrary<SflowSampleInput> = fc.oneof(flowSample, countersSample, opaque.map(({ enterprise, format, data }) => ({ kind: "unknown" as const, enterprise, format, data })));

/** What the decoder gives for an input: plain objects, each sampled header with its dissection. */
function expected(s: SflowSampleInput): SflowSample {
  // fast-check's records have no prototype; the decoder's are plain objects.
  const plain = structuredClone(s);
  if (plain.kind !== "flow_sample") return plain as SflowSample;
  return { ...plain, records: plain.records.map((r) => (r.type === "sampled_header" ? { ...r, layers: dissectFrame(r.header, headerLinkType(r.headerProtocol)) } : r)) };
}

test("encode then decode gives back every header, sample and record value", () => {
  fc.assert(
    fc.property(address, u(32), u(32), u(32), fc.array(sample, { maxLength: 6 }), (agentAddress, subAgentId, sequence, uptime, samples) => {
      const bytes = encodeSflow({ agentAddress, subAgentId, sequence, uptime, samples });
      const r = decodeSflow(bytes);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.datagram, { version: 5, agentAddress, subAgentId, sequence, uptime, sampleCount: samples.length });
      assert.deepEqual(r.samples, samples.map(expected));
    }),
    { numRuns: 1000 },
  );
});
