// The worked examples of RFC 7011 Appendix A, their bytes written out from
// the RFC's figures, decoded; and the encoder producing the same bytes. The
// A.4 and A.5 cases are built in the manner of those sections (an options
// template with a scope and padding; variable-length values with one- and
// three-octet lengths), not copied byte for byte from the RFC.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { decodeMessage } from "../../src/ipfix/message-decoder.js";
import { encodeMessage } from "../../src/ipfix/message-encoder.js";
import { TemplateCache } from "../../src/ipfix/template-cache.js";
import { field, type Template } from "../../src/ipfix/template.js";
import { hex, toHex } from "./hex.js";

// A.1 message header, then A.2.1's template set and A.3's data set. The RFC
// leaves export time and sequence number open: these are our choice.
const HEADER = `
  000a 006c             # version 10, length 108
  65a0 bc00             # export time 2024-01-12T04:19:12Z
  0000 0007             # sequence number 7
  0000 0001             # observation domain 1`;
const TEMPLATE_SET = `
  0002 001c             # template set, length 28
  0100 0005             # template 256, 5 fields
  0008 0004             # sourceIPv4Address, 4 octets
  000c 0004             # destinationIPv4Address
  000f 0004             # ipNextHopIPv4Address
  0002 0004             # packetDeltaCount, reduced to 4 octets
  0001 0004             # octetDeltaCount, reduced to 4 octets`;
const DATA_SET = `
  0100 0040             # data set for template 256, length 64
  c000020c c00002fe c0000201 00001391 00518c81   # 192.0.2.12 -> 192.0.2.254 via 192.0.2.1, 5009 packets, 5344385 octets
  c000021b c0000217 c0000202 000002ec 0005ef46   # 192.0.2.27 -> 192.0.2.23 via 192.0.2.2, 748 packets, 388934 octets
  c0000238 c0000241 c0000203 00000005 00001986   # 192.0.2.56 -> 192.0.2.65 via 192.0.2.3, 5 packets, 6534 octets`;

const A2_TEMPLATE: Template = {
  id: 256,
  fields: [
    field("sourceIPv4Address"),
    field("destinationIPv4Address"),
    field("ipNextHopIPv4Address"),
    field("packetDeltaCount", 4),
    field("octetDeltaCount", 4),
  ],
};

const A3_RECORDS = [
  ["192.0.2.12", "192.0.2.254", "192.0.2.1", 5009n, 5344385n],
  ["192.0.2.27", "192.0.2.23", "192.0.2.2", 748n, 388934n],
  ["192.0.2.56", "192.0.2.65", "192.0.2.3", 5n, 6534n],
];

describe("RFC 7011 Appendix A", () => {
  test("A.1-A.3: header, template set and data set decode to the RFC's values", () => {
    const decoded = decodeMessage(hex(HEADER + TEMPLATE_SET + DATA_SET), { session: "rfc", cache: new TemplateCache() });
    assert.deepEqual(decoded.errors, []);
    assert.deepEqual(decoded.header, { length: 108, exportTime: 0x65a0bc00, sequenceNumber: 7, observationDomainId: 1 });
    const [templates, data] = decoded.sets;
    assert.ok(templates.kind === "templates" && data.kind === "data");
    assert.equal(templates.offset, 16);
    assert.equal(templates.templates.length, 1);
    const t = templates.templates[0];
    assert.equal(t.id, 256);
    assert.equal(t.scopeFieldCount, 0);
    assert.deepEqual(
      t.fields.map((f) => [f.name, f.length, f.type]),
      [
        ["sourceIPv4Address", 4, "ipv4Address"],
        ["destinationIPv4Address", 4, "ipv4Address"],
        ["ipNextHopIPv4Address", 4, "ipv4Address"],
        ["packetDeltaCount", 4, "unsigned64"],
        ["octetDeltaCount", 4, "unsigned64"],
      ],
    );
    assert.equal(data.offset, 44);
    assert.equal(data.setId, 256);
    assert.deepEqual(data.records, A3_RECORDS);
  });

  test("A.1-A.3: the encoder writes those same bytes", () => {
    const records = A3_RECORDS.map((r) => r.map((v) => (typeof v === "bigint" ? Number(v) : v)));
    const message = encodeMessage({
      exportTime: 0x65a0bc00,
      sequenceNumber: 7,
      observationDomainId: 1,
      sets: [
        { kind: "templates", templates: [A2_TEMPLATE] },
        { kind: "data", template: A2_TEMPLATE, records },
      ],
    });
    assert.equal(toHex(message), toHex(hex(HEADER + TEMPLATE_SET + DATA_SET)));
  });

  test("after A.4: an options template (scope lineCardId) padded to a 4-octet boundary, and its data", () => {
    // Per line card: messages and records exported, both reduced to 2 octets.
    // 4 + 6 + 3 * 4 = 22 octets of set, 2 of padding.
    const options = hex(`
      000a 0028 65a0bc00 00000000 00000001
      0003 0018             # options template set, length 24
      0101 0003 0001        # template 257, 3 fields, 1 scope field
      008d 0004             # lineCardId (scope), 4 octets
      0029 0002             # exportedMessageTotalCount, 2 octets
      002a 0002             # exportedFlowRecordTotalCount, 2 octets
      0000                  # padding`);
    const data = hex(`
      000a 0024 65a0bc00 00000000 00000001
      0101 0014             # data set for template 257, length 20
      00000001 0159 27d9    # line card 1: 345 messages, 10201 records
      00000002 02b2 4fb2    # line card 2: 690 messages, 20402 records`);
    const cache = new TemplateCache();
    const first = decodeMessage(options, { session: "rfc", cache });
    assert.deepEqual(first.errors, []);
    const set = first.sets[0];
    assert.ok(set.kind === "templates");
    assert.equal(set.setId, 3);
    assert.equal(set.templates[0].scopeFieldCount, 1);
    assert.deepEqual(
      set.templates[0].fields.map((f) => f.name),
      ["lineCardId", "exportedMessageTotalCount", "exportedFlowRecordTotalCount"],
    );
    const second = decodeMessage(data, { session: "rfc", cache });
    assert.deepEqual(second.errors, []);
    const records = second.sets[0];
    assert.ok(records.kind === "data");
    assert.equal(records.options, true);
    assert.deepEqual(records.records, [
      [1, 345n, 10201n],
      [2, 690n, 20402n],
    ]);
  });

  test("after A.5: variable-length values, with a one-octet and a three-octet length", () => {
    const message = hex(`
      000a 0036 00000000 00000000 00000000
      0002 0010 0102 0002   # template set, length 16: template 258, 2 fields
      0052 ffff             # interfaceName, variable length
      000a 0004             # ingressInterface
      0102 0016             # data set for template 258, length 22
      04 65746830 00000002  # "eth0", ifindex 2
      ff 0002 6c6f 00000001 # "lo" with a three-octet length, ifindex 1`);
    const decoded = decodeMessage(message, { session: "rfc", cache: new TemplateCache() });
    assert.deepEqual(decoded.errors, []);
    const data = decoded.sets[1];
    assert.ok(data.kind === "data");
    assert.deepEqual(data.records, [
      ["eth0", 2],
      ["lo", 1],
    ]);
  });
});
