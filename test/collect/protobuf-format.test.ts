// The common format as Protobuf: every column in the field of its number,
// unset fields absent, nanosecond times exact, framed with varint lengths,
// and readable by protobufjs from proto/rfm-common-flow.proto, the schema
// the repository ships (the encoder is written by hand, so this is the
// check that the two agree).
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import protobuf from "protobufjs";
import fc from "fast-check";
import { CommonProtobuf } from "../../src/collect/format/common-protobuf.js";
import { COMMON_COLUMNS } from "../../src/collect/format/common-columns.js";
import { nsText } from "../../src/collect/format/ns-text.js";
import { isV4Mapped, parseAddress } from "../../src/net/address.js";
import { PACKAGE_ROOT } from "../../src/paths.js";
import type { FlowRecord } from "../../src/flow-record/index.js";

const PROTO = join(PACKAGE_ROOT, "proto", "rfm-common-flow.proto");
const CommonFlow = protobuf.parse(readFileSync(PROTO, "utf8")).root.lookupType("rustflow.CommonFlow");

type Decoded = Record<string, unknown>;

/** Every message of a length-delimited stream, as plain objects (int64 as decimal text, bytes as arrays; unset fields absent). */
function decodeAll(bytes: Uint8Array): Decoded[] {
  const reader = protobuf.Reader.create(bytes);
  const out: Decoded[] = [];
  while (reader.pos < reader.len) out.push(CommonFlow.toObject(CommonFlow.decodeDelimited(reader), { longs: String, bytes: Array }));
  return out;
}

const EVERY: FlowRecord = {
  flowType: "IPFIX", receivedMs: 1_796_683_982_109, receivedNs: 847_873, sequence: 4_000_000_000, samplingRate: 100, samplerAddress: "192.0.2.9",
  startMs: 1_700_000_000_001.5, endMs: 1_700_000_000_002, bytes: 2 ** 40 + 5, packets: 3, family: 6,
  src: parseAddress("2001:db8::1"), dst: parseAddress("2001:db8::2"), srcMac: "00:1b:21:aa:bb:cc", dstMac: "52:54:00:12:34:56",
  etype: 0x86dd, proto: 17, sport: 53, dport: 4242, inIf: 7, outIf: 8, tos: 0xb8, ttl: 64, tcpFlags: 0x1ff, icmpType: 3, icmpCode: 1,
  flowLabel: 0xfffff, fragmentId: 0xffffffff, fragmentOffset: 1480, srcAsn: 64512, dstAsn: 4_200_000_000, nextHop: "2001:db8::fe", srcMask: 48, dstMask: 64,
  bgpNextHop: "198.51.100.1", srcVlan: 100, dstVlan: 4094, observationDomainId: 1, templateId: 256, enriched: { city: "Zürich", org: "", other: "not a column" },
};

describe("common format as Protobuf", () => {
  test("the schema: RustFlow's package and message, fields 1-37 in the common column order, enriched 38", () => {
    assert.equal(CommonFlow.fullName, ".rustflow.CommonFlow");
    const asWritten = protobuf.parse(readFileSync(PROTO, "utf8"), { keepCase: true }).root.lookupType("rustflow.CommonFlow");
    const byId = asWritten.fieldsArray.slice().sort((a, b) => a.id - b.id);
    assert.deepEqual(byId.map((f) => f.name), [...COMMON_COLUMNS.map((c) => c.name), "enriched"]);
    assert.deepEqual(byId.map((f) => f.id), Array.from({ length: 38 }, (_, i) => i + 1));
    const rustflowType = (name: string) =>
      name === "flow_type" ? "string" : name.startsWith("time_") ? "int64" : name === "bytes" || name === "packets" ? "uint64" : /_addr(ess)?$|_mac$|next_hop$/.test(name) ? "bytes" : "uint32";
    assert.deepEqual(byId.slice(0, 37).map((f) => `${f.name}:${f.type}`), COMMON_COLUMNS.map((c) => `${c.name}:${rustflowType(c.name)}`));
    const enriched = CommonFlow.fields["enriched"];
    assert.ok(enriched instanceof protobuf.MapField);
    assert.equal(enriched.keyType, "string");
    assert.equal(enriched.type, "string");
    assert.equal(new CommonProtobuf().extension, "pb");
  });

  test("every column in its field: addresses as 4 or 16 octets, MACs as 6, times as exact Unix nanoseconds, enrichment columns in the map", () => {
    const [m] = decodeAll(new CommonProtobuf(["city", "org", "missing"]).encode([EVERY]));
    assert.deepEqual(m, {
      flowType: "IPFIX", timeReceivedNs: "1796683982109847873", sequenceNum: 4_000_000_000, samplingRate: 100, samplerAddress: [192, 0, 2, 9],
      timeFlowStartNs: "1700000000001500000", timeFlowEndNs: "1700000000002000000", bytes: String(2 ** 40 + 5), packets: "3",
      srcAddr: [...parseAddress("2001:db8::1")], dstAddr: [...parseAddress("2001:db8::2")], srcMac: [0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc], dstMac: [0x52, 0x54, 0x00, 0x12, 0x34, 0x56],
      etype: 0x86dd, proto: 17, srcPort: 53, dstPort: 4242, inIf: 7, outIf: 8, ipTos: 0xb8, ipTtl: 64, tcpFlags: 0x1ff, icmpType: 3, icmpCode: 1,
      ipv6FlowLabel: 0xfffff, fragmentId: 0xffffffff, fragmentOffset: 1480, srcAs: 64512, dstAs: 4_200_000_000, nextHop: [...parseAddress("2001:db8::fe")],
      srcNet: 48, dstNet: 64, bgpNextHop: [198, 51, 100, 1], srcVlan: 100, dstVlan: 4094, observationDomainId: 1, templateId: 256,
      enriched: { city: "Zürich", org: "" },
    });
  });

  test("unset fields are absent; a 0 that was sent is present; IPv4 as 4 octets", () => {
    const [bare, zeros] = decodeAll(
      new CommonProtobuf().encode([
        { bytes: 0, packets: 0 },
        { flowType: "NETFLOW_V5", bytes: 10, packets: 1, src: parseAddress("10.0.0.1"), dst: parseAddress("::ffff:10.0.0.2"), sport: 0, srcAsn: 0, tcpFlags: 0, samplingRate: 0, receivedMs: 0, receivedNs: 0 },
      ]),
    );
    assert.deepEqual(bare, {});
    assert.deepEqual(zeros, {
      flowType: "NETFLOW_V5", timeReceivedNs: "0", samplingRate: 0, bytes: "10", packets: "1", srcAddr: [10, 0, 0, 1], dstAddr: [10, 0, 0, 2], srcPort: 0, tcpFlags: 0, srcAs: 0,
    });
  });

  test("times stay exact where a double of nanoseconds would not, before 1970 too", () => {
    const times = [
      { receivedMs: 1_796_683_982_109, receivedNs: 999_999 },
      { receivedMs: 4_102_444_800_000, receivedNs: 1 }, // 2100
      { receivedMs: -1, receivedNs: 0 },
      { receivedMs: -1_000_000_000_000, receivedNs: 123 },
      { startMs: 0.9999999, endMs: 1_700_000_000_000.75 },
    ];
    const got = decodeAll(new CommonProtobuf().encode(times.map((t) => ({ bytes: 1, packets: 1, ...t }))));
    assert.deepEqual(
      got.map((m) => [m.timeReceivedNs, m.timeFlowStartNs, m.timeFlowEndNs]),
      [
        ["1796683982109999999", undefined, undefined],
        ["4102444800000000001", undefined, undefined],
        ["-1000000", undefined, undefined],
        ["-999999999999999877", undefined, undefined],
        [undefined, "1000000", "1700000000000750000"],
      ],
    );
  });

  test("length prefixes of 1, 2 and 3 octets frame messages of any size", () => {
    const sizes = [0, 100, 20_000, 300_000];
    const records = sizes.map((n) => ({ bytes: 1, packets: 1, enriched: { note: "x".repeat(n) } }));
    const bytes = new CommonProtobuf(["note"]).encode(records);
    assert.deepEqual(decodeAll(bytes).map((m) => ((m.enriched as Record<string, string>).note ?? "").length), sizes);
  });

  test("any record decodes to its own values (property)", () => {
    const u32 = fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined });
    const u16 = fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined });
    const addr = fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: undefined });
    const ms = fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }), { nil: undefined });
    const record = fc.record({
      bytes: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), packets: fc.integer({ min: 0, max: 2 ** 40 }),
      receivedMs: ms, receivedNs: fc.integer({ min: 0, max: 999_999 }), startMs: ms, sequence: u32, inIf: u32, srcAsn: u32, sport: u16, templateId: u16,
      src: addr, nextHop: addr, samplerAddress: addr,
      city: fc.option(fc.string({ unit: "grapheme", maxLength: 40 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), (drawn) => {
        const records: FlowRecord[] = drawn.map((d) => ({
          bytes: d.bytes, packets: d.packets, receivedMs: d.receivedMs, receivedNs: d.receivedNs, startMs: d.startMs, sequence: d.sequence, inIf: d.inIf,
          srcAsn: d.srcAsn, sport: d.sport, templateId: d.templateId, src: d.src === undefined ? undefined : parseAddress(d.src), nextHop: d.nextHop,
          samplerAddress: d.samplerAddress, enriched: d.city === undefined ? {} : { city: d.city } as Record<string, string>,
        }));
        const got = decodeAll(new CommonProtobuf(["city"]).encode(records));
        assert.equal(got.length, records.length);
        got.forEach((m, i) => {
          const r = records[i]!;
          const octets = (text: string | undefined) => {
            if (text === undefined) return undefined;
            const a = parseAddress(text);
            return [...(isV4Mapped(a) ? a.subarray(12) : a)];
          };
          assert.equal(m.bytes, r.bytes === 0 ? undefined : String(r.bytes));
          assert.equal(m.packets, r.packets === 0 ? undefined : String(r.packets));
          assert.equal(m.timeReceivedNs, r.receivedMs === undefined ? undefined : nsText(r.receivedMs, r.receivedNs));
          assert.equal(m.timeFlowStartNs, r.startMs === undefined ? undefined : nsText(r.startMs));
          assert.equal(m.sequenceNum, r.sequence);
          assert.equal(m.inIf, r.inIf);
          assert.equal(m.srcAs, r.srcAsn);
          assert.equal(m.srcPort, r.sport);
          assert.equal(m.templateId, r.templateId);
          assert.deepEqual(m.nextHop, octets(r.nextHop));
          assert.deepEqual(m.samplerAddress, octets(r.samplerAddress));
          assert.deepEqual(m.srcAddr, r.src === undefined ? undefined : octets(drawn[i]!.src));
          assert.deepEqual(m.enriched, r.enriched!.city === undefined ? undefined : { city: r.enriched!.city });
        });
      }),
      { numRuns: 200 },
    );
  });
});
