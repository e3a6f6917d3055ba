// NetFlow v9: the decoder on hand-laid bytes (header, template, options
// template and data FlowSets field by field), the encoder writing the same
// bytes back, templates scoped by session and source ID, and each way a
// datagram can be wrong: reported with its offset, the rest still decoded.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { TemplateCache } from "../../src/ipfix/template-cache.js";
import type { DecodedTemplate } from "../../src/ipfix/decoded-template.js";
import type { Template } from "../../src/ipfix/template.js";
import {
  decodeNetflowV9,
  decodePendingFlowSet,
  encodeNetflowV9,
  netflowV9IanaLookup,
  switchedTimes,
  switchedToUnixMs,
  type NetflowV9DataFlowSet,
  type NetflowV9Decoded,
  type NetflowV9ErrorCode,
} from "../../src/netflow-v9/index.js";
import { hex } from "../ipfix/hex.js";

const SESSION = "udp:192.0.2.254:2055";

/** A datagram: the 20-octet header, then these FlowSets (hex). */
function datagram(sets: string, h: { version?: number; count: number; sourceId?: number }): Uint8Array {
  const header = `${(h.version ?? 9).toString(16).padStart(4, "0")} ${h.count.toString(16).padStart(4, "0")}
    0036ee80                 # sysUptime 3,600,000 ms (one hour)
    6553f100                 # unix_secs 1,700,000,000
    00000007                 # sequence number 7
    ${(h.sourceId ?? 1).toString(16).padStart(8, "0")}   # source ID`;
  return hex(`${header}\n${sets}`);
}

// Template 256 (FlowSet 0 at offset 20, 52 octets): 11 fields, records of 32 octets.
const TEMPLATE_FLOWSET = `
  0000 0034  0100 000b     # FlowSet 0, 52 octets; template 256, 11 fields
  0008 0004  000c 0004     # IPV4_SRC_ADDR, IPV4_DST_ADDR
  0007 0002  000b 0002     # L4_SRC_PORT, L4_DST_PORT
  0004 0001  0006 0001     # PROTOCOL, TCP_FLAGS
  0001 0004  0002 0004     # IN_BYTES, IN_PKTS: 4 octets of IPFIX's unsigned64
  0016 0004  0015 0004     # FIRST_SWITCHED, LAST_SWITCHED
  9c40 0002                # type 40000: vendor-defined, unknown
`;
// Its data (FlowSet 256 at offset 72, 68 octets): two records.
const DATA_FLOWSET = `
  0100 0044
  c0000201 c6336407 9c40 01bb 06 1b 00003a98 0000000a 0036e6b0 0036ea98 abcd
  0a0a0a0a 0a0a0a0b 0035 0035 11 00 00000054 00000001 0036ee80 0036ee80 0000
`;
const RECORDS = [
  ["192.0.2.1", "198.51.100.7", 40_000, 443, 6, 0x1b, 15_000n, 10n, 3_598_000, 3_599_000, Uint8Array.of(0xab, 0xcd)],
  ["10.10.10.10", "10.10.10.11", 53, 53, 17, 0, 84n, 1n, 3_600_000, 3_600_000, Uint8Array.of(0, 0)],
];
const HEADER = { version: 9, count: 3, sysUptime: 3_600_000, unixSecs: 1_700_000_000, sequenceNumber: 7, sourceId: 1 };
const FLOWS: Template = {
  id: 256,
  fields: [8, 12, 7, 11, 4, 6, 1, 2, 22, 21].map((id, i) => ({ id, length: [4, 4, 2, 2, 1, 1, 4, 4, 4, 4][i] })).concat([{ id: 40_000, length: 2 }]),
};

// Options template 257 (FlowSet 1, 30 octets and 2 of padding): scopes interface and system, then three options; records of 21 octets.
const OPTIONS_FLOWSETS = `
  0001 0020  0101 0008 000c    # FlowSet 1, 32 octets; template 257, scope length 8, option length 12
  0002 0004  0001 0004         # scope: interface (4), system (4)
  0022 0004  0023 0001  0052 0008   # SAMPLING_INTERVAL, SAMPLING_ALGORITHM, IF_NAME (8)
  0000                         # padding to 4
  0101 001c                    # FlowSet 257, 28 octets
  00000003 c0000201 00000064 02 6574683000000000   # ifIndex 3, system 192.0.2.1, 1 in 100, random, "eth0"
  000000                       # padding to 4
`;
const OPTIONS: Template = {
  id: 257,
  scopeFieldCount: 2,
  fields: [
    { id: 2, length: 4 },
    { id: 1, length: 4 },
    { id: 34, length: 4 },
    { id: 35, length: 1 },
    { id: 82, length: 8 },
  ],
};

function decode(bytes: Uint8Array, cache = new TemplateCache(), session = SESSION): NetflowV9Decoded {
  return decodeNetflowV9(bytes, { session, cache });
}

function codes(d: { errors: { code: NetflowV9ErrorCode; offset: number }[] }): [NetflowV9ErrorCode, number][] {
  return d.errors.map((e) => [e.code, e.offset]);
}

function dataSets(d: NetflowV9Decoded): NetflowV9DataFlowSet[] {
  return d.sets.flatMap((s) => (s.kind === "data" ? [s] : []));
}

/** Each field as [type, length, decoded as, name]. */
function shape(t: DecodedTemplate): [number, number, string, string | undefined][] {
  return t.fields.map((f) => [f.id, f.length, f.type, f.name]);
}

describe("NetFlow v9 codec", () => {
  test("a template and its data in one datagram: every header, template and record field at its offset", () => {
    const cache = new TemplateCache();
    const d = decode(datagram(TEMPLATE_FLOWSET + DATA_FLOWSET, { count: 3 }), cache);
    assert.deepEqual(d.errors, []);
    assert.deepEqual(d.header, HEADER);
    assert.deepEqual(d.sets.map((s) => [s.kind, s.flowSetId, s.offset]), [["templates", 0, 20], ["data", 256, 72]]);
    const [t] = d.sets[0].kind === "templates" ? d.sets[0].templates : [];
    assert.deepEqual(shape(t), [
      [8, 4, "ipv4Address", "sourceIPv4Address"],
      [12, 4, "ipv4Address", "destinationIPv4Address"],
      [7, 2, "unsigned16", "sourceTransportPort"],
      [11, 2, "unsigned16", "destinationTransportPort"],
      [4, 1, "unsigned8", "protocolIdentifier"],
      [6, 1, "unsigned8", "tcpControlBits"],
      [1, 4, "unsigned64", "octetDeltaCount"],
      [2, 4, "unsigned64", "packetDeltaCount"],
      [22, 4, "unsigned32", "flowStartSysUpTime"],
      [21, 4, "unsigned32", "flowEndSysUpTime"],
      [40_000, 2, "octetArray", undefined],
    ]);
    assert.deepEqual([t.id, t.scopeFieldCount, t.minRecordLength], [256, 0, 32]);
    assert.deepEqual(dataSets(d)[0].records, RECORDS);
    assert.equal(dataSets(d)[0].options, false);
    assert.equal(cache.size, 1);
  });

  test("the encoder writes the same bytes back", () => {
    const { sourceId, sysUptime, unixSecs, sequenceNumber } = HEADER;
    const bytes = encodeNetflowV9({ sysUptime, unixSecs, sequenceNumber, sourceId, sets: [{ kind: "templates", templates: [FLOWS] }, { kind: "data", template: FLOWS, records: RECORDS }] });
    assert.deepEqual(bytes, datagram(TEMPLATE_FLOWSET + DATA_FLOWSET, { count: 3 }));
  });

  test("FIRST_SWITCHED and LAST_SWITCHED become Unix time through the header's sysUptime and seconds", () => {
    const d = decode(datagram(TEMPLATE_FLOWSET + DATA_FLOWSET, { count: 3 }));
    const set = dataSets(d)[0];
    assert.deepEqual(switchedTimes(set.template, set.records[0], d.header!), { start: 1_700_000_000_000 - 2000, end: 1_700_000_000_000 - 1000 });
    assert.deepEqual(switchedTimes(set.template, set.records[1], d.header!), { start: 1_700_000_000_000, end: 1_700_000_000_000 });
    // The counter wrapped 500 ms before the export; the flow began 1.5 s before it.
    assert.equal(switchedToUnixMs(2 ** 32 - 1000, { sysUptime: 500, unixSecs: 10 }), 10_000 - 1500);
  });

  test("data before its template: unknown_template, the FlowSet kept pending; it decodes once the template arrives", () => {
    const cache = new TemplateCache();
    const early = datagram(DATA_FLOWSET, { count: 2 });
    const first = decode(early, cache);
    // The records could not be counted: no count check beside the unknown template.
    assert.deepEqual(codes(first), [["unknown_template", 20]]);
    assert.equal(first.errors[0].templateId, 256);
    assert.equal(cache.stats.unknownTemplateSets, 1);
    const pending = first.sets[0];
    assert.ok(pending.kind === "pending");
    assert.deepEqual([pending.flowSetId, pending.offset, pending.sourceId, pending.bytes], [256, 20, 1, hex(DATA_FLOWSET)]);
    assert.deepEqual(decodePendingFlowSet(pending, { session: SESSION, cache }), { errors: [] }, "still unknown: nothing yet");

    assert.deepEqual(decode(datagram(TEMPLATE_FLOWSET, { count: 1 }), cache).errors, []);
    const held = decodePendingFlowSet(pending, { session: SESSION, cache });
    assert.deepEqual(held.errors, []);
    assert.deepEqual([held.flowSet?.offset, held.flowSet?.records], [20, RECORDS]);
    const again = decode(early, cache);
    assert.deepEqual(again.errors, []);
    assert.deepEqual(dataSets(again)[0].records, RECORDS);
  });

  test("an options template with scope fields, and its options data: scope types decode by scope, options as elements", () => {
    const d = decode(datagram(OPTIONS_FLOWSETS, { count: 2 }));
    assert.deepEqual(d.errors, []);
    const set = dataSets(d)[0];
    assert.deepEqual(shape(set.template), [
      [2, 4, "unsigned32", "scopeInterface"],
      [1, 4, "octetArray", "scopeSystem"],
      [34, 4, "unsigned32", "samplingInterval"],
      [35, 1, "unsigned8", "samplingAlgorithm"],
      [82, 8, "string", "interfaceName"],
    ]);
    assert.deepEqual([set.template.scopeFieldCount, set.template.minRecordLength, set.options], [2, 21, true]);
    assert.deepEqual(set.records, [[3, Uint8Array.of(192, 0, 2, 1), 100, 2, "eth0"]]);
    assert.deepEqual(d.sets.map((s) => s.offset), [20, 52]);
  });

  test("the encoder writes the options template and data back, padded to 4 octets", () => {
    const bytes = encodeNetflowV9({
      sysUptime: 3_600_000,
      unixSecs: 1_700_000_000,
      sequenceNumber: 7,
      sourceId: 1,
      sets: [{ kind: "templates", options: true, templates: [OPTIONS] }, { kind: "data", template: OPTIONS, records: [[3, Uint8Array.of(192, 0, 2, 1), 100, 2, "eth0"]] }],
    });
    assert.deepEqual(bytes, datagram(OPTIONS_FLOWSETS, { count: 2 }));
  });

  test("padding: up to 3 octets after the records are skipped; 4 or more shorter than a record are bad_padding", () => {
    // Template 300: PROTOCOL, L4_SRC_PORT, L4_DST_PORT: records of 5 octets.
    const template = "0000 0014  012c 0003  0004 0001  0007 0002  000b 0002";
    for (const pad of ["00", "0000", "000000"]) {
      const flowSet = `012c ${(4 + 10 + pad.length / 2).toString(16).padStart(4, "0")}  06 0050 01bb  11 0035 0035 ${pad}`;
      const d = decode(datagram(template + flowSet, { count: 3 }));
      assert.deepEqual(d.errors, [], `${pad.length / 2} octets of padding`);
      assert.deepEqual(dataSets(d)[0].records, [[6, 80, 443], [17, 53, 53]]);
    }
    // Records of 8 (IPV4_SRC_ADDR, IN_PKTS): 4 octets left over cannot be padding.
    const d = decode(datagram("0000 0010  012d 0002  0008 0004  0002 0004   012d 0010  c0000201 00000005  00000000", { count: 2 }));
    assert.deepEqual(codes(d), [["bad_padding", 48]]);
    assert.deepEqual(dataSets(d)[0].records, [["192.0.2.1", 5n]]);
    // The encoder pads to 4, except where padding would be as long as a record (RFC 3954 erratum 2096: it would read as one).
    const t5: Template = { id: 300, fields: [{ id: 4, length: 1 }, { id: 7, length: 2 }, { id: 11, length: 2 }] };
    const t3: Template = { id: 301, fields: [{ id: 4, length: 1 }, { id: 7, length: 2 }] };
    const padded = encodeNetflowV9({ sets: [{ kind: "data", template: t5, records: [[6, 80, 443]] }] });
    assert.equal(padded.length, 20 + 4 + 5 + 3);
    const unpadded = encodeNetflowV9({ sets: [{ kind: "data", template: t3, records: [[6, 80], [17, 53], [1, 0]] }] });
    assert.equal(unpadded.length, 20 + 4 + 9);
  });

  test("templates belong to their source ID and session: the same template ID decodes differently per source", () => {
    const cache = new TemplateCache();
    const v4 = "0000 000c  0100 0001  0008 0004"; // 256: IPV4_SRC_ADDR
    const port = "0000 000c  0100 0001  0007 0002"; // 256: L4_SRC_PORT
    assert.deepEqual(decode(datagram(v4, { count: 1, sourceId: 1 }), cache).errors, []);
    assert.deepEqual(decode(datagram(port, { count: 1, sourceId: 2 }), cache).errors, []);
    const data = "0100 0008  c0000201";
    assert.deepEqual(dataSets(decode(datagram(data, { count: 1, sourceId: 1 }), cache))[0].records, [["192.0.2.1"]]);
    assert.deepEqual(dataSets(decode(datagram(data, { count: 2, sourceId: 2 }), cache))[0].records, [[0xc000], [0x0201]]);
    assert.deepEqual(codes(decode(datagram(data, { count: 1, sourceId: 3 }), cache)), [["unknown_template", 20]]);
    assert.deepEqual(codes(decode(datagram(data, { count: 1, sourceId: 1 }), cache, "udp:192.0.2.253:2055")), [["unknown_template", 20]]);
    assert.equal(cache.size, 2);
  });

  test("a template redefined under its ID replaces the old one; the same definition again is no redefinition", () => {
    const cache = new TemplateCache();
    const proto = datagram("0000 000c  0100 0001  0004 0001", { count: 1 });
    decode(proto, cache);
    decode(proto, cache);
    assert.equal(cache.stats.redefinitions, 0);
    assert.deepEqual(dataSets(decode(datagram("0100 0008  06 11 01 00", { count: 4 }), cache))[0].records, [[6], [17], [1], [0]]);
    const d = decode(datagram("0000 000c  0100 0001  0007 0002   0100 0008  0050 01bb", { count: 3 }), cache);
    assert.deepEqual(d.errors, []);
    assert.deepEqual(dataSets(d)[0].records, [[80], [443]]);
    assert.equal(cache.stats.redefinitions, 1);
    assert.equal(cache.size, 1);
  });

  test("a header count other than the records held: count_mismatch, everything still decoded", () => {
    for (const count of [0, 2, 4, 65_535]) {
      const d = decode(datagram(TEMPLATE_FLOWSET + DATA_FLOWSET, { count }));
      assert.deepEqual(codes(d), [["count_mismatch", 2]]);
      assert.match(d.errors[0].message, new RegExp(`announces ${count} records; the datagram holds 3`));
      assert.equal(d.header?.count, count);
      assert.deepEqual(dataSets(d)[0].records, RECORDS);
    }
  });

  test("a datagram cut inside a FlowSet: truncated_flowset at the FlowSet, its whole records kept", () => {
    const whole = datagram(TEMPLATE_FLOWSET + DATA_FLOWSET, { count: 3 });
    const d = decode(whole.subarray(0, 72 + 4 + 32 + 10));
    assert.deepEqual(codes(d), [["truncated_flowset", 72]]);
    assert.deepEqual(dataSets(d)[0].records, [RECORDS[0]]);
    // Cut inside the template: the template is not kept, so the data cannot decode.
    const cache = new TemplateCache();
    assert.deepEqual(codes(decode(whole.subarray(0, 50), cache)), [["truncated_flowset", 20]]);
    assert.equal(cache.size, 0);
  });

  test("a FlowSet length below 4, or 1-3 octets left: short_flowset; what came before is kept", () => {
    const d = decode(datagram(TEMPLATE_FLOWSET + "0100 0002" + DATA_FLOWSET, { count: 3 }));
    assert.deepEqual(codes(d), [["short_flowset", 72]]);
    assert.equal(d.sets.length, 1);
    assert.equal(d.sets[0].kind === "templates" && d.sets[0].templates.length, 1);
    assert.deepEqual(codes(decode(datagram(TEMPLATE_FLOWSET + "0000 00", { count: 1 }))), [["short_flowset", 72]]);
  });

  test("a reserved FlowSet ID is skipped and the FlowSets after it decoded", () => {
    const d = decode(datagram(TEMPLATE_FLOWSET + "0002 0008 00000000" + DATA_FLOWSET, { count: 3 }));
    assert.deepEqual(codes(d), [["reserved_flowset_id", 72]]);
    assert.deepEqual(dataSets(d)[0].records, RECORDS);
    assert.equal(dataSets(d)[0].offset, 80);
  });

  test("another version: bad_version naming it, nothing decoded", () => {
    for (const version of [5, 10]) {
      const d = decode(datagram(TEMPLATE_FLOWSET, { version, count: 1 }));
      assert.equal(d.header, undefined);
      assert.deepEqual(codes(d), [["bad_version", 0]]);
      assert.match(d.errors[0].message, new RegExp(`version ${version}, not 9`));
    }
  });

  test("fewer than 20 octets: short_datagram, nothing decoded", () => {
    for (const n of [0, 1, 19]) {
      const d = decode(datagram(TEMPLATE_FLOWSET, { count: 1 }).subarray(0, n));
      assert.equal(d.header, undefined);
      assert.deepEqual(codes(d), [["short_datagram", 0]]);
    }
    assert.deepEqual(decode(datagram("", { count: 0 })).errors, [], "a bare header holds no records, as its count says");
  });

  test("field count 0 withdraws nothing in v9 (RFC 3954 has no withdrawal): empty_template, the cached template stays", () => {
    const cache = new TemplateCache();
    decode(datagram(TEMPLATE_FLOWSET, { count: 1 }), cache);
    const d = decode(datagram("0000 0008  0100 0000" + DATA_FLOWSET, { count: 3 }), cache);
    assert.deepEqual(codes(d), [["empty_template", 24]]);
    assert.deepEqual(dataSets(d)[0].records, RECORDS);
    assert.equal(cache.stats.withdrawals, 0);
  });

  test("field length 65535 is a length, not variable length: such a record fits no FlowSet, so oversized_template", () => {
    const d = decode(datagram("0000 0010  0100 0002  0052 ffff  0008 0004   0100 0008 c0000201", { count: 2 }));
    assert.deepEqual(codes(d), [["oversized_template", 24], ["unknown_template", 36]]);
  });

  test("template records that cannot be used: bad_template_id, bad_option_lengths, bad_field_length, template_overrun", () => {
    assert.deepEqual(codes(decode(datagram("0000 000c  00ff 0001  0008 0004", { count: 1 }))), [["bad_template_id", 24]]);
    // Scope length 6: not whole field specifiers. The record is skipped; the one after it is kept.
    const opts = decode(datagram("0001 0024  0101 0006 0004  0002 0004 0022  0004 0000   0102 0004 0004  0002 0004 0022 0004  0000", { count: 2 }));
    assert.deepEqual(codes(opts), [["bad_option_lengths", 24]]);
    assert.deepEqual(opts.sets[0].kind === "templates" && opts.sets[0].templates.map((t) => t.id), [258]);
    // An IPv4 address of 3 octets decodes as octets.
    const bad = decode(datagram("0000 000c  0100 0001  0008 0003   0100 0008 c00002 00", { count: 2 }));
    assert.deepEqual(codes(bad), [["bad_field_length", 24]]);
    assert.deepEqual(dataSets(bad)[0].records, [[Uint8Array.of(192, 0, 2)]]);
    // 3 fields announced, 2 present.
    assert.deepEqual(codes(decode(datagram("0000 0010  0100 0003  0008 0004  000c 0004", { count: 1 }))), [["template_overrun", 24]]);
  });

  test("field types past 127 are octets by default; netflowV9IanaLookup reads them as IANA's elements", () => {
    const bytes = datagram("0000 000c  0100 0001  0088 0001   0100 0005 03", { count: 2 }); // a 1-octet record cannot be padded
    assert.deepEqual(dataSets(decode(bytes))[0].records, [[Uint8Array.of(3)]]);
    const d = decodeNetflowV9(bytes, { session: SESSION, cache: new TemplateCache(), lookup: netflowV9IanaLookup });
    assert.deepEqual(shape(dataSets(d)[0].template), [[136, 1, "unsigned8", "flowEndReason"]]);
    assert.deepEqual(dataSets(d)[0].records, [[3]]);
  });

  test("a string that is not UTF-8 decodes as null: bad_value at the field", () => {
    const d = decode(datagram("0000 000c  0100 0001  0052 0004   0100 0008 ff fe 00 00", { count: 2 }));
    assert.deepEqual(codes(d), [["bad_value", 36]]);
    assert.deepEqual(dataSets(d)[0].records, [[null]]);
  });

  test("the encoder refuses what v9 cannot carry", () => {
    const data = (template: Template, records: unknown[][] = [[1]]) => () =>
      encodeNetflowV9({ sets: [{ kind: "data", template, records: records as never }] });
    assert.throws(data({ id: 255, fields: [{ id: 4, length: 1 }] }), /template IDs are 256-65535/);
    assert.throws(data({ id: 256, fields: [] }), /no fields/);
    assert.throws(data({ id: 256, fields: [{ id: 82, length: 65_535 }] }), /do not fit a FlowSet \(v9 has no variable-length fields\)/);
    assert.throws(data({ id: 256, fields: [{ id: 8, length: 3 }] }), /a ipv4Address cannot be 3 octets/);
    assert.throws(data({ id: 256, fields: [{ id: 4, length: 1, enterprise: 9 }] }), /no enterprise numbers/);
    assert.throws(data({ id: 256, fields: [{ id: 4, length: 1 }] }, [[256]]), /does not fit in 1 octet/);
    assert.throws(() => encodeNetflowV9({ sets: [{ kind: "templates", templates: [OPTIONS] }] }), /scope fields in a template FlowSet/);
    assert.throws(() => encodeNetflowV9({ sourceId: 2 ** 32, sets: [] }), /sourceId 4294967296 does not fit 32 bits/);
    assert.throws(data({ id: 256, fields: [{ id: 1, length: 4 }] }, Array.from({ length: 16_400 }, () => [1])), /longer than 65535 octets/);
  });
});
