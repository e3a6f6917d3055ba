// Malformed messages: each problem gives its typed error at the right offset,
// nothing throws, and what is still decodable is decoded.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import type { DecodeErrorCode } from "../../src/ipfix/decode-error.js";
import { decodeMessage, type DecodedMessage } from "../../src/ipfix/message-decoder.js";
import { TemplateCache } from "../../src/ipfix/template-cache.js";
import { hex } from "./hex.js";

/** A message around these sets (hex), its length computed unless given. */
function message(sets: string, header: { version?: number; length?: number; domain?: number } = {}): Uint8Array {
  const body = hex(sets);
  const out = new Uint8Array(16 + body.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, header.version ?? 10);
  v.setUint16(2, header.length ?? out.length);
  v.setUint32(12, header.domain ?? 1);
  out.set(body, 16);
  return out;
}

function decode(bytes: Uint8Array, cache = new TemplateCache()): DecodedMessage {
  return decodeMessage(bytes, { session: "exporter", cache });
}

function codes(d: DecodedMessage): [DecodeErrorCode, number][] {
  return d.errors.map((e) => [e.code, e.offset]);
}

// Template 256: sourceIPv4Address, packetDeltaCount (4 octets). Record: 8 octets.
const TEMPLATE = "0002 0010  0100 0002  0008 0004  0002 0004";
const DATA = "0100 0014  c0000201 00000005  c0000202 00000006";
const RECORDS = [
  ["192.0.2.1", 5n],
  ["192.0.2.2", 6n],
];

function dataSets(d: DecodedMessage) {
  return d.sets.flatMap((s) => (s.kind === "data" ? [s] : []));
}

describe("malformed messages", () => {
  test("the well-formed baseline decodes cleanly", () => {
    const d = decode(message(TEMPLATE + DATA));
    assert.deepEqual(d.errors, []);
    assert.deepEqual(dataSets(d)[0].records, RECORDS);
  });

  test("fewer than 16 octets: short_message, no header", () => {
    for (const n of [0, 1, 15]) {
      const d = decode(message(TEMPLATE).subarray(0, n));
      assert.deepEqual(codes(d), [["short_message", 0]]);
      assert.equal(d.header, undefined);
    }
  });

  test("a version other than 10 (NetFlow v9 here): bad_version, nothing decoded", () => {
    const d = decode(message(TEMPLATE + DATA, { version: 9 }));
    assert.deepEqual(codes(d), [["bad_version", 0]]);
    assert.equal(d.header, undefined);
    assert.deepEqual(d.sets, []);
  });

  test("header length beyond the bytes given: length_mismatch, the whole sets present still decode", () => {
    const d = decode(message(TEMPLATE + DATA, { length: 200 }));
    assert.deepEqual(codes(d), [["length_mismatch", 2]]);
    assert.deepEqual(dataSets(d)[0].records, RECORDS);
  });

  test("header length short of the bytes given: length_mismatch, sets read up to the header's length", () => {
    const d = decode(message(TEMPLATE + DATA, { length: 16 + 16 }));
    assert.deepEqual(codes(d), [["length_mismatch", 2]]);
    assert.equal(d.sets.length, 1, "only the template set lies within 32 octets");
  });

  test("a set length below 4: short_set, and the sets before it stand", () => {
    const d = decode(message(TEMPLATE + "0100 0003 00"));
    assert.deepEqual(codes(d), [["short_set", 32]]);
    assert.equal(d.sets.length, 1);
  });

  test("one to three octets after the last set: short_set", () => {
    assert.deepEqual(codes(decode(message(TEMPLATE + DATA + "0001"))), [["short_set", 52]]);
  });

  test("a set running past the message: set_overrun", () => {
    const d = decode(message(TEMPLATE + "0100 0018  c0000201 00000005  c0000202 00000006"));
    assert.deepEqual(codes(d), [["set_overrun", 32]]);
    assert.equal(dataSets(d).length, 0);
  });

  test("a reserved set ID is skipped and the next set decodes", () => {
    const d = decode(message(TEMPLATE + "0004 0008 01020304" + DATA));
    assert.deepEqual(codes(d), [["reserved_set_id", 32]]);
    assert.deepEqual(dataSets(d)[0].records, RECORDS);
  });

  test("a data set before its template: unknown_template, counted; the template that follows is kept", () => {
    const cache = new TemplateCache();
    const d = decode(message(DATA + TEMPLATE), cache);
    assert.deepEqual(codes(d), [["unknown_template", 16]]);
    assert.equal(d.errors[0].templateId, 256);
    assert.equal(cache.stats.unknownTemplateSets, 1);
    assert.equal(d.sets.length, 1, "the template set");
    const next = decode(message(DATA), cache);
    assert.deepEqual(next.errors, []);
    assert.deepEqual(dataSets(next)[0].records, RECORDS);
  });

  test("a template record with field count 0 is a withdrawal, and one of an unknown template is withdraw_unknown", () => {
    const cache = new TemplateCache();
    decode(message(TEMPLATE), cache);
    const d = decode(message("0002 000c  0100 0000  0101 0000"), cache);
    assert.deepEqual(codes(d), [["withdraw_unknown", 24]]);
    assert.equal(d.errors[0].templateId, 257);
    const set = d.sets[0];
    assert.ok(set.kind === "templates");
    assert.deepEqual(set.withdrawals, [{ templateId: 256, all: false }]);
    assert.deepEqual(codes(decode(message(DATA), cache)), [["unknown_template", 16]], "256 is gone");
  });

  test("template IDs below 256 are refused, for definitions and withdrawals alike", () => {
    const d = decode(message("0002 0010  00ff 0001  0008 0004  0005 0000"));
    assert.deepEqual(codes(d), [
      ["bad_template_id", 20],
      ["bad_template_id", 28],
    ]);
  });

  test("an options template with scope field count 0, or more scope fields than fields: bad_scope_count", () => {
    const d = decode(message("0003 0018  0101 0001 0000  0008 0004  0102 0001 0002  0008 0004"));
    assert.deepEqual(codes(d), [
      ["bad_scope_count", 20],
      ["bad_scope_count", 30],
    ]);
  });

  test("a template whose field specifiers run past its set: template_overrun", () => {
    assert.deepEqual(codes(decode(message("0002 0010  0100 0003  0008 0004  0002 0004"))), [["template_overrun", 20]]);
    assert.deepEqual(codes(decode(message("0002 000c  0100 0001  8008 0004"))), [["template_overrun", 20]], "enterprise number missing");
  });

  test("a template whose records would be empty: empty_template, not kept", () => {
    const cache = new TemplateCache();
    const d = decode(message("0002 000c  0100 0001  0052 0000"), cache);
    assert.deepEqual(codes(d), [["empty_template", 20]]);
    assert.equal(cache.size, 0);
  });

  test("a field length its type cannot have: bad_field_length, and the field reads as octets", () => {
    const d = decode(message("0002 000c  0100 0001  0008 0003" + "0100 0007  c00002"));
    assert.deepEqual(codes(d), [["bad_field_length", 20]]);
    assert.deepEqual(dataSets(d)[0].records, [[hex("c00002")]]);
    assert.equal(dataSets(d)[0].template.fields[0].type, "octetArray");
  });

  test("a variable-length field running past its set: field_overrun, earlier records kept", () => {
    // Template 258: interfaceName (variable). Second record claims 9 octets, 3 remain.
    const d = decode(message("0002 000c  0102 0001  0052 ffff" + "0102 000d  04 65746830  09 6c6f30"));
    assert.deepEqual(codes(d), [["field_overrun", 37]]);
    assert.deepEqual(dataSets(d)[0].records, [["eth0"]]);
    const long = decode(message("0002 000c  0102 0001  0052 ffff" + "0102 0006  ff 01"));
    assert.deepEqual(codes(long), [["field_overrun", 32]], "a three-octet length cut short");
  });

  test("octets after the last record shorter than a record are padding", () => {
    const d = decode(message(TEMPLATE + "0100 0017  c0000201 00000005  c0000202 00000006  000000"));
    assert.deepEqual(d.errors, []);
    assert.deepEqual(dataSets(d)[0].records, RECORDS);
  });

  test("a boolean other than 1 or 2, and a string that is not UTF-8: bad_value, decoded as null", () => {
    // dataRecordsReliability (276) is a boolean; interfaceName a string.
    const d = decode(message("0002 0010  0103 0002  0114 0001  0052 ffff" + "0103 000d  01 00  03 02 c328  02 01 41"));
    assert.deepEqual(codes(d), [["bad_value", 38]]);
    assert.deepEqual(dataSets(d)[0].records, [
      [true, ""],
      [null, null],
      [false, "A"],
    ]);
  });
});
