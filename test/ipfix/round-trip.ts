// Encodes records of one template into a message and decodes it back.
import * as assert from "node:assert/strict";
import type { FieldInput, FieldValue } from "../../src/ipfix/abstract-types.js";
import { ianaLookup } from "../../src/ipfix/decoded-template.js";
import type { ElementLookup } from "../../src/ipfix/information-element.js";
import { decodeMessage, type DecodedMessage } from "../../src/ipfix/message-decoder.js";
import { encodeMessage } from "../../src/ipfix/message-encoder.js";
import { RecordWriter } from "../../src/ipfix/record-writer.js";
import { TemplateCache } from "../../src/ipfix/template-cache.js";
import type { FieldSpec, Template } from "../../src/ipfix/template.js";

export function decodeFresh(message: Uint8Array): DecodedMessage {
  return decodeMessage(message, { session: "test", cache: new TemplateCache() });
}

/** A lookup that knows the enterprise fields of these specs by their given types. */
export function lookupFor(fields: readonly FieldSpec[]): ElementLookup {
  return (enterprise, id) => {
    const f = fields.find((g) => (g.enterprise ?? 0) === enterprise && g.id === id);
    if (enterprise === 0 || !f?.type) return ianaLookup(enterprise, id);
    return { id, name: f.name ?? `e${enterprise}.${id}`, type: f.type };
  };
}

/** Decoded values of each record; fails the test on any decode error. */
export function roundTrip(fields: FieldSpec[], records: FieldInput[][]): FieldValue[][] {
  const template: Template = { id: 300, fields };
  const message = encodeMessage({ sets: [{ kind: "templates", templates: [template] }, { kind: "data", template, records }] });
  const decoded = decodeMessage(message, { session: "test", cache: new TemplateCache(), lookup: lookupFor(fields) });
  assert.deepEqual(decoded.errors, []);
  const data = decoded.sets.find((s) => s.kind === "data");
  assert.ok(data && data.kind === "data", "a data set decoded");
  return data.records;
}

/** The value one field decodes to. */
export function roundTripOne(spec: FieldSpec, value: FieldInput): FieldValue {
  return roundTrip([spec], [[value]])[0][0];
}

/** The record's octets on the wire. */
export function recordBytes(fields: FieldSpec[], values: FieldInput[]): Uint8Array {
  const w = new RecordWriter({ id: 300, fields });
  const buf = new Uint8Array(70000);
  const end = w.write(new DataView(buf.buffer), buf, 0, buf.length, values);
  assert.ok(end >= 0);
  return buf.slice(0, end);
}
