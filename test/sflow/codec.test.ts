// sFlow v5: the decoder on hand-laid datagrams (every sample and record
// format read, at its offsets), the encoder writing the same bytes back, the
// sampled headers dissected (802.1Q, QinQ, IPv6 extension headers) and cut at
// every octet, and each way a datagram can be wrong: reported with its
// offset, decoding going on with the next sample or record the lengths allow.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { dissectFrame, emptyLayers, encodeFrame, LINKTYPE_ETHERNET, vlanId } from "../../src/packet/index.js";
import {
  decodeSflow, encodeSflow, MAX_RECORDS, MAX_SAMPLES, type SflowDatagramInput, type SflowFlowRecordInput, type SflowFlowSample, type SflowSampledHeader, type SflowSampleInput,
} from "../../src/sflow/index.js";
import { hex } from "../ipfix/hex.js";
import {
  cat, COUNTERS_DATAGRAM, COUNTERS_SAMPLES, EXPANDED_DATAGRAM, FLOW_DATAGRAM, FLOW_HEADER, FLOW_RECORDS, FLOW_SAMPLE_FIELDS, FRAME_QINQ_IPV6, FRAME_TCP,
  GENERIC_INTERFACE,
} from "./datagrams.js";

const codes = (r: { errors: { code: string; offset: number }[] }) => r.errors.map((e) => [e.code, e.offset]);
const SAMPLED_TCP = { type: "sampled_header", headerProtocol: 1, frameLength: 74, stripped: 4, header: FRAME_TCP } as const;
const FLOW_SPEC: SflowDatagramInput = {
  agentAddress: "192.0.2.1", subAgentId: 3, sequence: 42, uptime: 3_600_000,
  samples: [{ ...FLOW_SAMPLE_FIELDS, records: [SAMPLED_TCP, ...FLOW_RECORDS] }],
};
/** A datagram of `samples` from agent 10.0.0.1. */
const datagram = (samples: SflowSampleInput[]) => encodeSflow({ agentAddress: "10.0.0.1", subAgentId: 0, sequence: 1, uptime: 0, samples });
const flowSample = (records: SflowFlowRecordInput[]): SflowSampleInput => ({ ...FLOW_SAMPLE_FIELDS, records });
const SWITCH = FLOW_RECORDS[3]!;

describe("sFlow v5 codec", () => {
  test("a flow sample with every flow record format: header, sample fields, records, the unknown one kept opaque", () => {
    const r = decodeSflow(FLOW_DATAGRAM);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.datagram, FLOW_HEADER);
    assert.equal(r.samples.length, 1);
    const { records, ...fields } = r.samples[0] as SflowFlowSample;
    assert.deepEqual(fields, FLOW_SAMPLE_FIELDS);
    const [header, ...rest] = records;
    const { layers, ...raw } = header as SflowSampledHeader;
    assert.deepEqual(raw, SAMPLED_TCP);
    assert.deepEqual(layers, dissectFrame(FRAME_TCP, LINKTYPE_ETHERNET));
    assert.deepEqual(rest, FLOW_RECORDS);
  });

  test("the sampled header is dissected: 802.1Q tag, IPv4 addresses, TCP ports and flags", () => {
    const h = (decodeSflow(FLOW_DATAGRAM).samples[0] as SflowFlowSample).records[0] as SflowSampledHeader;
    const l = h.layers;
    assert.deepEqual([l.stop, l.vlans.map(vlanId), l.etherType, l.ipVersion, l.protocol, l.srcPort, l.dstPort, l.tcpFlags], ["complete", [100], 0x0800, 4, 6, 40000, 443, 0x012]);
    assert.deepEqual([...h.header.subarray(l.srcAddrOffset, l.srcAddrOffset + 4)], [192, 0, 2, 1]);
    // The header is a view into the datagram, not a copy.
    assert.equal(h.header.buffer, FLOW_DATAGRAM.buffer);
  });

  test("an IPv6 agent, an expanded flow sample with 32-bit interface numbers and a QinQ/IPv6 header, an expanded counters sample", () => {
    const r = decodeSflow(EXPANDED_DATAGRAM);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.datagram, { version: 5, agentAddress: "2001:db8::1", subAgentId: 0, sequence: 1, uptime: 0, sampleCount: 2 });
    const [flow, counters] = r.samples;
    const { records, ...fields } = flow as SflowFlowSample;
    assert.deepEqual(fields, {
      kind: "flow_sample", expanded: true, sequence: 1, sourceIdType: 0, sourceIdIndex: 16_777_216, samplingRate: 1, samplePool: 1, drops: 0,
      inputFormat: 0, input: 16_777_217, outputFormat: 1, output: 5,
    });
    const h = records[0] as SflowSampledHeader;
    assert.deepEqual([h.headerProtocol, h.frameLength, h.stripped, [...h.header]], [1, 90, 4, [...FRAME_QINQ_IPV6]]);
    const l = h.layers;
    assert.deepEqual(
      [l.stop, l.vlans.map(vlanId), l.ipVersion, l.tos, l.flowLabel, l.extensionHeaders, l.moreFragments, l.fragmentId, l.protocol, l.icmpType],
      ["complete", [100, 200], 6, 0xb8, 0x12345, [0, 44], true, 0xdeadbeef, 58, 128],
    );
    assert.deepEqual(counters, { kind: "counters_sample", expanded: true, sequence: 9, sourceIdType: 0, sourceIdIndex: 16_777_216, records: [GENERIC_INTERFACE] });
  });

  test("an agent of unknown address type, a compact counters sample with ethernet, VLAN and processor counters, a sample format not read", () => {
    const r = decodeSflow(COUNTERS_DATAGRAM);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.datagram, { version: 5, agentAddress: "", subAgentId: 1, sequence: 2, uptime: 3, sampleCount: 2 });
    assert.deepEqual(r.samples, COUNTERS_SAMPLES);
  });

  test("encodes the same bytes back", () => {
    assert.deepEqual(encodeSflow(FLOW_SPEC), FLOW_DATAGRAM);
    const expanded = decodeSflow(EXPANDED_DATAGRAM);
    assert.deepEqual(encodeSflow({ ...expanded.datagram!, samples: expanded.samples }), EXPANDED_DATAGRAM);
    assert.deepEqual(encodeSflow({ agentAddress: "", subAgentId: 1, sequence: 2, uptime: 3, samples: COUNTERS_SAMPLES }), COUNTERS_DATAGRAM);
  });

  test("Ethernet, IPv4 and IPv6 header protocols are dissected; another (MPLS, 13) is kept undissected", () => {
    const ip = FRAME_TCP.subarray(18);
    const records = [
      { ...SAMPLED_TCP, headerProtocol: 11, header: ip },
      { ...SAMPLED_TCP, headerProtocol: 12, header: FRAME_QINQ_IPV6.subarray(22) },
      { ...SAMPLED_TCP, headerProtocol: 13, header: ip },
    ];
    const got = (decodeSflow(datagram([flowSample(records)])).samples[0] as SflowFlowSample).records.map((h) => (h as SflowSampledHeader).layers);
    assert.deepEqual(got.map((l) => [l.stop, l.ipVersion, l.ipOffset]), [["complete", 4, 0], ["complete", 6, 0], ["unknown_link", 0, -1]]);
  });

  test("a sampled header cut at every octet: the record decodes and its dissection stops in the header the cut falls in", () => {
    for (const frame of [FRAME_TCP, FRAME_QINQ_IPV6]) {
      const full = dissectFrame(frame, LINKTYPE_ETHERNET);
      for (let n = 0; n <= frame.length; n++) {
        const cut = frame.subarray(0, n);
        const r = decodeSflow(datagram([flowSample([{ ...SAMPLED_TCP, header: cut }, SWITCH])]));
        assert.deepEqual(r.errors, [], `header of ${n}`);
        const [h, sw] = (r.samples[0] as SflowFlowSample).records;
        const layers = (h as SflowSampledHeader).layers;
        assert.deepEqual(layers, dissectFrame(cut, LINKTYPE_ETHERNET, emptyLayers()), `header of ${n}`);
        assert.equal(layers.stop, n === frame.length ? "complete" : "truncated", `header of ${n}`);
        assert.ok(layers.stopOffset <= n);
        if (n >= full.l4Offset + 4) assert.deepEqual([layers.srcPort, layers.dstPort], [full.srcPort, full.dstPort]);
        // The padding after a cut header is skipped: the next record is whole.
        assert.deepEqual(sw, SWITCH, `header of ${n}`);
      }
    }
  });

  test("an MPLS-labelled header inside a sample", () => {
    const frame = encodeFrame({ mpls: [0x00064000, 0x000c81ff], ip: { version: 4, src: "10.1.1.1", dst: "10.2.2.2" }, transport: { protocol: "udp", srcPort: 4789, dstPort: 4789 } });
    const h = (decodeSflow(datagram([flowSample([{ ...SAMPLED_TCP, header: frame }])])).samples[0] as SflowFlowSample).records[0] as SflowSampledHeader;
    assert.deepEqual([h.layers.mpls.map((e) => e >>> 12), h.layers.protocol, h.layers.dstPort], [[100, 200], 17, 4789]);
  });

  test("fewer octets than the header: short_datagram, nothing decoded", () => {
    for (const n of [0, 3, 23]) assert.deepEqual(decodeSflow(FLOW_DATAGRAM.subarray(0, n)), { samples: [], errors: [{ code: "short_datagram", offset: 0, message: `${n} octets, fewer than the 24 of an sFlow v5 header` }] });
    // An IPv4 agent's header is 28 octets, an IPv6 agent's 40.
    assert.deepEqual(codes(decodeSflow(FLOW_DATAGRAM.subarray(0, 27))), [["short_datagram", 0]]);
    assert.deepEqual(codes(decodeSflow(EXPANDED_DATAGRAM.subarray(0, 39))), [["short_datagram", 0]]);
    assert.deepEqual(codes(decodeSflow(EXPANDED_DATAGRAM.subarray(0, 40))), [["truncated_sample", 40]]);
  });

  test("another version: bad_version naming it, nothing decoded", () => {
    const v4 = FLOW_DATAGRAM.slice();
    v4[3] = 4;
    const r = decodeSflow(v4);
    assert.equal(r.datagram, undefined);
    assert.deepEqual(codes(r), [["bad_version", 0]]);
    assert.match(r.errors[0]!.message, /version 4, not 5/);
  });

  test("an agent address type other than 0, 1, 2: bad_address_type, nothing decoded", () => {
    const bad = FLOW_DATAGRAM.slice();
    bad[7] = 3;
    const r = decodeSflow(bad);
    assert.equal(r.datagram, undefined);
    assert.deepEqual(codes(r), [["bad_address_type", 4]]);
    assert.match(r.errors[0]!.message, /address type 3/);
  });

  test("a sample whose length runs past the datagram's end: truncated_sample at its tag, decoding stops", () => {
    const long = FLOW_DATAGRAM.slice();
    new DataView(long.buffer).setUint32(32, 484 + 4);
    const r = decodeSflow(long);
    assert.deepEqual(r.datagram, FLOW_HEADER);
    assert.deepEqual(r.samples, []);
    assert.deepEqual(codes(r), [["truncated_sample", 28]]);
    assert.match(r.errors[0]!.message, /sample 1 \(0:1\) states 488 octets; the datagram has 484 left/);
  });

  test("the datagram cut at every octet past its header: never more than what is whole, each cut reported", () => {
    for (let n = 28; n < FLOW_DATAGRAM.length; n++) {
      const r = decodeSflow(FLOW_DATAGRAM.subarray(0, n));
      assert.deepEqual(r.datagram, FLOW_HEADER);
      assert.deepEqual(r.samples, [], `cut at ${n}`);
      assert.deepEqual(codes(r), [["truncated_sample", 28]], `cut at ${n}`);
    }
  });

  test("fewer samples than announced, and octets after the announced ones", () => {
    const two = FLOW_DATAGRAM.slice();
    two[27] = 2;
    const r = decodeSflow(two);
    assert.equal(r.samples.length, 1);
    assert.deepEqual(codes(r), [["truncated_sample", FLOW_DATAGRAM.length]]);
    assert.match(r.errors[0]!.message, /ends before sample 2 of the 2/);
    const longer = cat(FLOW_DATAGRAM, "00000000 0000");
    const t = decodeSflow(longer);
    assert.equal(t.samples.length, 1);
    assert.deepEqual(codes(t), [["trailing_octets", FLOW_DATAGRAM.length]]);
  });

  test("a sample shorter than its fixed fields is skipped (short_sample); the next sample is decoded", () => {
    const bytes = cat(datagram([{ kind: "unknown", enterprise: 0, format: 1, data: new Uint8Array(28) }, flowSample([SWITCH])]));
    const r = decodeSflow(bytes);
    assert.deepEqual(codes(r), [["short_sample", 28]]);
    assert.match(r.errors[0]!.message, /flow_sample of 28 octets, fewer than its 32/);
    assert.deepEqual(r.samples, [{ ...FLOW_SAMPLE_FIELDS, records: [SWITCH] }]);
  });

  test("a bad record is skipped (bad_record) and the next one decoded; a record past its sample's end ends the sample's records", () => {
    const gateway = FLOW_RECORDS[5]!;
    const bytes = datagram([flowSample([gateway, SWITCH]), flowSample([SWITCH, SWITCH])]);
    const v = new DataView(bytes.buffer);
    // First sample: the gateway's segment count (after tag, length, next hop, 3 ASNs) says 1000.
    const gatewayAt = 28 + 8 + 32;
    v.setUint32(gatewayAt + 8 + 8 + 12, 1000);
    // Second sample: its second record's length says 20 (16 are left).
    const second = 28 + 8 + 32 + (8 + 68) + (8 + 16);
    const lastRecord = second + 8 + 32 + 24;
    v.setUint32(lastRecord + 4, 20);
    const r = decodeSflow(bytes);
    assert.deepEqual(codes(r), [["bad_record", gatewayAt + 28], ["truncated_record", lastRecord]]);
    assert.match(r.errors[0]!.message, /extended_gateway: 1000 AS path segments announced, 44 octets left/);
    assert.match(r.errors[1]!.message, /record 2 \(0:1001\) states 20 octets; the sample has 16 left/);
    assert.deepEqual(r.samples, [flowSample([SWITCH]), flowSample([SWITCH])]);
  });

  test("every fixed-size record one word short is a bad_record; a string length past its record too", () => {
    const formats: [number, number][] = [[1, 16], [2, 24], [3, 32], [4, 56], [1001, 16], [1003, 24], [1004, 8], [1005, 12]];
    for (const [format, length] of formats) {
      const r = decodeSflow(datagram([flowSample([{ type: "unknown", enterprise: 0, format, data: new Uint8Array(length - 4) }, SWITCH])]));
      assert.deepEqual(r.errors.map((e) => e.code), ["bad_record"], `format ${format}`);
      assert.deepEqual((r.samples[0] as SflowFlowSample).records, [SWITCH], `format ${format}`);
    }
    for (const [format, length] of [[1, 88], [2, 52], [5, 28], [1001, 28]]) {
      const r = decodeSflow(datagram([{ kind: "counters_sample", expanded: false, sequence: 0, sourceIdType: 0, sourceIdIndex: 0, records: [{ type: "unknown", enterprise: 0, format: format!, data: new Uint8Array(length! - 4) }] }]));
      assert.deepEqual(r.errors.map((e) => e.code), ["bad_record"], `counters format ${format}`);
    }
    const url = hex("00000002 00000100 2f");
    const r = decodeSflow(datagram([flowSample([{ type: "unknown", enterprise: 0, format: 1005, data: url }])]));
    assert.match(r.errors[0]!.message, /extended_url: url of 256 octets, 1 left in the record/);
  });

  test("a next hop of unknown address type: bad_address_type, the record skipped", () => {
    const r = decodeSflow(datagram([flowSample([{ type: "unknown", enterprise: 0, format: 1002, data: hex("00000009 00000000 00000000") }, SWITCH])]));
    assert.deepEqual(codes(r), [["bad_address_type", 28 + 8 + 32 + 8]]);
    assert.match(r.errors[0]!.message, /extended_router: address type 9/);
    assert.deepEqual(r.samples, [flowSample([SWITCH])]);
  });

  test("octets after a record's fields and after a sample's records are reported; the values before them kept", () => {
    const r = decodeSflow(datagram([flowSample([{ type: "unknown", enterprise: 0, format: 1001, data: hex("00000064 00000005 000000c8 00000001 ffffffff") }])]));
    assert.deepEqual(codes(r), [["trailing_octets", 28 + 8 + 32 + 8 + 16]]);
    assert.deepEqual(r.samples, [flowSample([SWITCH])]);
    const s = datagram([flowSample([SWITCH])]);
    const v = new DataView(s.buffer);
    v.setUint32(28 + 4, v.getUint32(28 + 4) + 4);
    const padded = cat(s, "00000000");
    assert.deepEqual(codes(decodeSflow(padded)), [["trailing_octets", padded.length - 4]]);
  });

  test(`more than ${MAX_SAMPLES} samples or ${MAX_RECORDS} records: the first ones decoded, the rest counted in the error`, () => {
    const empty: SflowSampleInput = { kind: "unknown", enterprise: 7, format: 1, data: new Uint8Array(0) };
    const r = decodeSflow(datagram(Array.from({ length: MAX_SAMPLES + 44 }, () => empty)));
    assert.equal(r.samples.length, MAX_SAMPLES);
    assert.deepEqual(codes(r), [["too_many_samples", 24]]);
    assert.match(r.errors[0]!.message, /announces 300 samples; the first 256 are decoded, 44 ignored/);
    const many = decodeSflow(datagram([flowSample(Array.from({ length: MAX_RECORDS + 1 }, () => SWITCH))]));
    assert.equal((many.samples[0] as SflowFlowSample).records.length, MAX_RECORDS);
    assert.deepEqual(codes(many), [["too_many_records", 28 + 8 + 28]]);
  });

  test("unknown enterprises and formats are kept as opaque data, lengths not a multiple of 4 padded like XDR's", () => {
    const odd = { kind: "unknown", enterprise: 0xfffff, format: 0xfff, data: hex("0102030405") } as const;
    const bytes = datagram([odd, flowSample([{ type: "unknown", enterprise: 9, format: 1, data: hex("aabbcc") }, SWITCH])]);
    const r = decodeSflow(bytes);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.samples, [odd, flowSample([{ type: "unknown", enterprise: 9, format: 1, data: hex("aabbcc") }, SWITCH])]);
  });

  test("the encoder refuses values that do not fit their fields", () => {
    const base = { agentAddress: "10.0.0.1", subAgentId: 0, sequence: 0, uptime: 0, samples: [] };
    assert.throws(() => encodeSflow({ ...base, agentAddress: "example.com" }), /agentAddress "example.com" is neither an IPv4 nor an IPv6 address/);
    assert.throws(() => encodeSflow({ ...base, sequence: 2 ** 32 }), /sequence 4294967296 does not fit 32 bits/);
    assert.throws(() => encodeSflow({ ...base, samples: [{ ...FLOW_SAMPLE_FIELDS, sourceIdIndex: 2 ** 24, records: [] }] }), /sourceIdIndex 16777216 does not fit 24 bits/);
    assert.throws(() => encodeSflow({ ...base, samples: [{ ...FLOW_SAMPLE_FIELDS, input: 2 ** 30, records: [] }] }), /input 1073741824 does not fit 30 bits/);
    assert.throws(() => encodeSflow({ ...base, samples: [{ kind: "counters_sample", expanded: false, sequence: 0, sourceIdType: 0, sourceIdIndex: 0, records: [{ ...GENERIC_INTERFACE, ifInOctets: 2n ** 64n } as typeof GENERIC_INTERFACE] }] }), /ifInOctets 18446744073709551616 does not fit 64 bits/);
    assert.throws(() => encodeSflow({ ...base, samples: [flowSample([{ ...FLOW_RECORDS[1], srcAddr: "::1" } as (typeof FLOW_RECORDS)[1]])] }), /srcAddr "::1" is not an IPv4 address/);
    assert.throws(() => encodeSflow({ ...base, samples: [flowSample([{ ...FLOW_RECORDS[0], srcMac: "00:11" } as (typeof FLOW_RECORDS)[0]])] }), /srcMac "00:11" is not a MAC address/);
  });
});
