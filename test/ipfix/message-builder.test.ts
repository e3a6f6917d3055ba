// The exporter's message builder: templates ahead of their data, records packed
// into messages no larger than the maximum, RFC 7011 sequence numbers.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import type { FieldInput } from "../../src/ipfix/abstract-types.js";
import { MessageBuilder, type MessageBuilderOptions } from "../../src/ipfix/message-builder.js";
import { decodeMessage, type DecodedMessage } from "../../src/ipfix/message-decoder.js";
import { TemplateCache } from "../../src/ipfix/template-cache.js";
import { field, type Template } from "../../src/ipfix/template.js";
import { toHex } from "./hex.js";

// 4 + 2 + 8 = 14 octets a record.
const FLOWS: Template = { id: 256, fields: [field("sourceIPv4Address"), field("destinationTransportPort"), field("octetDeltaCount")] };
const NAMES: Template = { id: 257, fields: [field("ingressInterface"), field("interfaceName")] };
const STATS: Template = { id: 258, scopeFieldCount: 1, fields: [field("exportingProcessId"), field("exportedMessageTotalCount")] };

function builder(over: Partial<MessageBuilderOptions> = {}) {
  const messages: Uint8Array[] = [];
  const b = new MessageBuilder({ observationDomainId: 7, now: () => 1_700_000_000, onMessage: (m) => messages.push(m), ...over });
  const cache = new TemplateCache();
  const decoded = () => messages.map((m) => decodeMessage(m, { session: "b", cache }));
  return { b, messages, decoded };
}

function flow(i: number): FieldInput[] {
  return [`10.0.${i >> 8}.${i & 255}`, 443, i];
}

function kinds(d: DecodedMessage): string[] {
  return d.sets.map((s) => (s.kind === "data" ? `data ${s.setId} x${s.records.length}` : `templates ${s.setId}`));
}

describe("message builder", () => {
  test("nothing is emitted until a flush, and an empty flush emits nothing", () => {
    const { b, messages } = builder();
    b.flush();
    const h = b.addTemplate(FLOWS);
    b.append(h, flow(1));
    assert.equal(messages.length, 0);
    b.flush();
    assert.equal(messages.length, 1);
    b.flush();
    assert.equal(messages.length, 1);
  });

  test("the first message carries the template set, then the data set, under a correct header", () => {
    const { b, messages, decoded } = builder();
    const h = b.addTemplate(FLOWS);
    b.append(h, flow(1));
    b.append(h, flow(2));
    b.flush();
    const [d] = decoded();
    assert.deepEqual(d.errors, []);
    assert.deepEqual(d.header, { length: messages[0].length, exportTime: 1_700_000_000, sequenceNumber: 0, observationDomainId: 7 });
    assert.deepEqual(kinds(d), ["templates 2", "data 256 x2"]);
    // 16 header + (4 + 4 + 3 * 4) template set + (4 + 2 * 14) data set
    assert.equal(messages[0].length, 16 + 20 + 32);
    const data = d.sets[1];
    assert.ok(data.kind === "data");
    assert.deepEqual(data.records[1], ["10.0.0.2", 443, 2n]);
  });

  test("records fill messages up to the maximum size and no further", () => {
    const { b, messages, decoded } = builder({ maxMessageSize: 200 });
    const h = b.addTemplate(FLOWS);
    for (let i = 0; i < 100; i++) b.append(h, flow(i));
    b.flush();
    // First message: 16 + 20 + 4 + 11 * 14 = 194; then 16 + 4 + 12 * 14 = 188.
    assert.deepEqual(
      messages.map((m) => m.length),
      [194, 188, 188, 188, 188, 188, 188, 188, 20 + 5 * 14],
    );
    const all = decoded();
    assert.ok(all.every((d) => d.errors.length === 0));
    const values = all.flatMap((d) => d.sets.flatMap((s) => (s.kind === "data" ? s.records : [])));
    assert.deepEqual(
      values.map((r) => r[2]),
      Array.from({ length: 100 }, (_, i) => BigInt(i)),
    );
  });

  test("each message's sequence number counts the data records sent before it", () => {
    const { b, decoded } = builder({ maxMessageSize: 200, sequenceNumber: 4294967290 });
    const h = b.addTemplate(FLOWS);
    for (let i = 0; i < 30; i++) b.append(h, flow(i));
    b.flush();
    b.resendTemplates();
    b.flush();
    assert.deepEqual(
      decoded().map((d) => d.header?.sequenceNumber),
      [4294967290, 4294967290 + 11 - 4294967296, 4294967290 + 23 - 4294967296, 4294967290 + 30 - 4294967296],
      "wrapping modulo 2^32; a template-only message does not advance it",
    );
    assert.equal(b.sequenceNumber, 24);
  });

  test("templates go out once, and again after resendTemplates", () => {
    const { b, decoded } = builder();
    const h = b.addTemplate(FLOWS);
    b.append(h, flow(1));
    b.flush();
    b.append(h, flow(2));
    b.flush();
    b.resendTemplates();
    b.append(h, flow(3));
    b.flush();
    assert.deepEqual(decoded().map(kinds), [["templates 2", "data 256 x1"], ["data 256 x1"], ["templates 2", "data 256 x1"]]);
  });

  test("records of different templates go in separate sets; options templates in an options template set", () => {
    const { b, decoded } = builder();
    const f = b.addTemplate(FLOWS);
    const n = b.addTemplate(NAMES);
    const s = b.addTemplate(STATS);
    b.append(f, flow(1));
    b.append(f, flow(2));
    b.append(n, [2, "eth0"]);
    b.append(s, [1, 42]);
    b.append(f, flow(3));
    b.flush();
    const [d] = decoded();
    assert.deepEqual(d.errors, []);
    assert.deepEqual(kinds(d), ["templates 2", "templates 3", "data 256 x2", "data 257 x1", "data 258 x1", "data 256 x1"]);
    const stats = d.sets[4];
    assert.ok(stats.kind === "data" && stats.options);
  });

  test("variable-length records that do not fit start the next message", () => {
    const { b, messages, decoded } = builder({ maxMessageSize: 100 });
    const n = b.addTemplate(NAMES);
    const names = ["a".repeat(40), "b".repeat(40), "c".repeat(10)];
    names.forEach((name, i) => b.append(n, [i, name]));
    b.flush();
    assert.ok(messages.every((m) => m.length <= 100));
    const values = decoded().flatMap((d) => d.sets.flatMap((s) => (s.kind === "data" ? s.records : [])));
    assert.deepEqual(
      values.map((r) => r[1]),
      names,
    );
  });

  test("a record too large for any message throws, and leaves the message as it was", () => {
    const { b, messages, decoded } = builder({ maxMessageSize: 100 });
    const f = b.addTemplate(FLOWS);
    const n = b.addTemplate(NAMES);
    b.append(f, flow(1));
    assert.throws(() => b.append(n, [1, "x".repeat(200)]), /does not fit in a 100-octet message/);
    b.flush();
    assert.equal(messages.length, 1);
    assert.deepEqual(decoded().map(kinds), [["templates 2", "data 256 x1"]]);
  });

  test("a value that does not fit its field throws without leaving an empty set behind", () => {
    const { b, decoded } = builder();
    const f = b.addTemplate(FLOWS);
    const n = b.addTemplate(NAMES);
    b.append(f, flow(1));
    assert.throws(() => b.append(n, [-1, "eth0"]), RangeError);
    assert.throws(() => b.append(f, ["10.0.0.1", 70000, 1]), RangeError);
    b.append(f, flow(2));
    b.flush();
    assert.deepEqual(decoded().map(kinds), [["templates 2", "data 256 x2"]]);
    assert.equal(b.sequenceNumber, 2);
  });

  test("withdrawing a template sends a withdrawal record; its handle no longer appends", () => {
    const { b, messages } = builder();
    const f = b.addTemplate(FLOWS);
    b.flush();
    b.withdrawTemplate(256);
    b.flush();
    assert.equal(toHex(messages[1].subarray(16)), "000200080100" + "0000");
    assert.throws(() => b.append(f, flow(1)), /not in use/);
    const again = b.addTemplate(FLOWS);
    b.append(again, flow(1));
    b.flush();
    assert.equal(messages.length, 3);
  });

  test("withdrawing a template that never went out sends nothing", () => {
    const { b, messages } = builder();
    b.addTemplate(FLOWS);
    b.withdrawTemplate(256);
    b.flush();
    assert.equal(messages.length, 0);
  });

  test("withdraw-all uses the set ID as template ID, per kind of template", () => {
    const { b, messages } = builder();
    b.addTemplate(FLOWS);
    b.addTemplate(STATS);
    b.flush();
    b.withdrawAllTemplates();
    b.flush();
    assert.equal(toHex(messages[1].subarray(16)), "00020008" + "00020000");
    b.withdrawAllTemplates(true);
    b.flush();
    assert.equal(toHex(messages[2].subarray(16)), "00030008" + "00030000");
  });

  test("templates that cannot work are refused when added", () => {
    const { b } = builder({ maxMessageSize: 40 });
    assert.throws(() => b.addTemplate({ id: 255, fields: [field("protocolIdentifier")] }), /256-65535/);
    assert.throws(() => b.addTemplate({ id: 300, fields: [] }), /withdrawal/);
    assert.throws(() => b.addTemplate({ id: 300, fields: [field("sourceIPv4Address", 3)] }), /cannot be 3 octets/);
    assert.throws(() => b.addTemplate({ id: 300, fields: [field("sourceIPv6Address"), field("destinationIPv6Address")] }), /do not fit/);
    b.addTemplate({ id: 301, fields: [field("protocolIdentifier")] });
    assert.throws(() => b.addTemplate({ id: 301, fields: [field("protocolIdentifier")] }), /in use/);
  });

  test("with alignSets, sets are padded to 4 octets where padding stays shorter than a record", () => {
    const { b, messages, decoded } = builder({ alignSets: true });
    const f = b.addTemplate(FLOWS);
    const one: Template = { id: 260, fields: [field("protocolIdentifier")] };
    const p = b.addTemplate(one);
    b.append(f, flow(1)); // 4 + 14 = 18: 2 octets of padding
    b.append(p, [6]); // 4 + 1 = 5: 3 would be too many for 1-octet records
    b.flush();
    const [d] = decoded();
    assert.deepEqual(d.errors, []);
    const view = new DataView(messages[0].buffer);
    const lengths = d.sets.map((s) => view.getUint16(s.offset + 2));
    assert.deepEqual(lengths, [4 + 4 + 12 + 4 + 4, 20, 5]);
    assert.deepEqual(kinds(d), ["templates 2", "data 256 x1", "data 260 x1"]);
  });
});
