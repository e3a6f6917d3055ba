// Property: any set of templates (known field types at every length their
// type allows, unknown ones as octets, options templates with scope fields)
// and records of them come back from the decoder as they went into the
// encoder, with no error and the header's count right; and the decoded
// templates and values encode to the same bytes again.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import type { AbstractType, FieldInput, FieldValue } from "../../src/ipfix/abstract-types.js";
import { formatMac, parseIpv6 } from "../../src/ipfix/address-text.js";
import { TemplateCache } from "../../src/ipfix/template-cache.js";
import type { Template } from "../../src/ipfix/template.js";
import { decodeNetflowV9, encodeNetflowV9, netflowV9Lookup, scopeField, type NetflowV9FlowSetSpec } from "../../src/netflow-v9/index.js";

interface Field {
  id: number;
  length: number;
  type: AbstractType;
}

/** Field types 1-127 the default lookup knows, with their types. */
const KNOWN: { id: number; type: AbstractType }[] = [];
for (let id = 1; id <= 127; id++) {
  const e = netflowV9Lookup(0, id);
  if (e) KNOWN.push({ id, type: e.type });
}

const LENGTHS: Partial<Record<AbstractType, [number, number]>> = {
  unsigned8: [1, 1],
  unsigned16: [1, 2],
  unsigned32: [1, 4],
  unsigned64: [1, 8],
  ipv4Address: [4, 4],
  ipv6Address: [16, 16],
  macAddress: [6, 6],
  octetArray: [0, 12],
  string: [0, 12],
};
for (const k of KNOWN) if (!LENGTHS[k.type]) throw new Error(`no generator for ${k.type} (field type ${k.id})`);

const known: fc.Arbitrary<Field> = fc
  .constantFrom(...KNOWN)
  .chain((e) => fc.integer({ min: LENGTHS[e.type]![0], max: LENGTHS[e.type]![1] }).map((length) => ({ id: e.id, length, type: e.type })));
const unknown: fc.Arbitrary<Field> = fc
  .tuple(fc.integer({ min: 128, max: 65_535 }), fc.integer({ min: 0, max: 12 }))
  .map(([id, length]) => ({ id, length, type: "octetArray" as const }));
const scope: fc.Arbitrary<Field> = fc
  .tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 8 }))
  .map(([id, length]) => ({ id, length, type: scopeField(id, length).type }));

interface Shape {
  scopes: Field[];
  fields: Field[];
}
const shape: fc.Arbitrary<Shape> = fc
  .record({ scopes: fc.oneof(fc.constant([]), fc.array(scope, { minLength: 1, maxLength: 3 })), fields: fc.array(fc.oneof(known, unknown), { minLength: 1, maxLength: 10 }) })
  .filter((s) => [...s.scopes, ...s.fields].some((f) => f.length > 0))
  .map((s) => ({ scopes: [...s.scopes], fields: [...s.fields] }));

/** A value the encoder takes for the field, and what the decoder gives back for it. */
function value(f: Field): fc.Arbitrary<[FieldInput, FieldValue]> {
  const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
  switch (f.type) {
    case "unsigned8":
    case "unsigned16":
    case "unsigned32":
      return fc.integer({ min: 0, max: 2 ** (8 * f.length) - 1 }).map((n) => [n, n]);
    case "unsigned64":
      return fc.bigInt({ min: 0n, max: 2n ** BigInt(8 * f.length) - 1n }).map((n) => [n, n]);
    case "ipv4Address":
      return fc.ipV4().map((a) => [a, a]);
    case "ipv6Address":
      // Compared as bytes: the text is RFC 5952's, whatever form went in.
      return bytes(16).map((b) => [b, b]);
    case "macAddress":
      return bytes(6).map((b) => [b, formatMac(b, 0)]);
    case "string":
      // Shorter strings are NUL-padded, and the decoder drops trailing NULs.
      return fc
        .string({ unit: "grapheme", maxLength: f.length })
        .filter((s) => Buffer.byteLength(s) <= f.length && !s.includes("\0"))
        .map((s) => [s, s]);
    default:
      return bytes(f.length).map((b) => [b, b]);
  }
}

const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });

const datagram = fc
  .record({
    header: fc.record({ sysUptime: u32, unixSecs: u32, sequenceNumber: u32, sourceId: u32 }),
    ids: fc.uniqueArray(fc.integer({ min: 256, max: 65_535 }), { minLength: 1, maxLength: 4 }),
    shapes: fc.array(shape, { minLength: 4, maxLength: 4 }),
  })
  .chain(({ header, ids, shapes }) => {
    const templates = ids.map((id, i) => ({ id, ...shapes[i] }));
    const records = templates.map((t) => fc.array(fc.tuple(...[...t.scopes, ...t.fields].map(value)), { maxLength: 4 }));
    return fc.tuple(fc.constant(header), fc.constant(templates), fc.tuple(...records));
  });

function asTemplate(t: { id: number } & Shape): Template {
  const fields = [...t.scopes, ...t.fields].map((f) => ({ id: f.id, length: f.length }));
  return t.scopes.length > 0 ? { id: t.id, scopeFieldCount: t.scopes.length, fields } : { id: t.id, fields };
}

/** Decoded values as the generator states them (IPv6 text back to bytes). */
function comparable(types: AbstractType[], values: FieldValue[]): FieldValue[] {
  return values.map((v, i) => (types[i] === "ipv6Address" && typeof v === "string" ? (parseIpv6(v) ?? v) : v));
}

test("encode then decode gives back every template and value, and decoded datagrams encode to the same bytes", () => {
  fc.assert(
    fc.property(datagram, ([header, shapes, records]) => {
      const templates = shapes.map(asTemplate);
      const plain = templates.filter((t) => !t.scopeFieldCount);
      const options = templates.filter((t) => t.scopeFieldCount);
      const sets: NetflowV9FlowSetSpec[] = [
        ...(plain.length ? [{ kind: "templates" as const, templates: plain }] : []),
        ...(options.length ? [{ kind: "templates" as const, options: true, templates: options }] : []),
        ...templates.map((template, i) => ({ kind: "data" as const, template, records: records[i].map((r) => r.map(([input]) => input)) })),
      ];
      const bytes = encodeNetflowV9({ ...header, sets });
      const d = decodeNetflowV9(bytes, { session: "test", cache: new TemplateCache() });
      assert.deepEqual(d.errors, []);
      const count = templates.length + records.reduce((n, r) => n + r.length, 0);
      assert.deepEqual(d.header, { version: 9, count, ...header });

      const defined = d.sets.flatMap((s) => (s.kind === "templates" ? s.templates : []));
      assert.deepEqual(
        defined.map((t) => [t.id, t.scopeFieldCount, t.fields.map((f) => [f.id, f.length, f.type])]),
        [...plain, ...options].map((t) => {
          const s = shapes[templates.indexOf(t)];
          return [t.id, s.scopes.length, [...s.scopes, ...s.fields].map((f) => [f.id, f.length, f.type])];
        }),
      );
      const data = d.sets.flatMap((s) => (s.kind === "data" ? [s] : []));
      assert.equal(data.length, templates.length);
      data.forEach((s, i) => {
        const types = s.template.fields.map((f) => f.type);
        assert.equal(s.options, (templates[i].scopeFieldCount ?? 0) > 0);
        assert.deepEqual(
          s.records.map((r) => comparable(types, r)),
          records[i].map((r) => r.map(([, expected]) => expected)),
        );
      });

      // The decoder's output is the encoder's input: the same datagram again.
      const again = encodeNetflowV9({
        ...header,
        sets: d.sets.map((s): NetflowV9FlowSetSpec => {
          if (s.kind === "templates") return { kind: "templates", options: s.flowSetId === 1, templates: s.templates };
          assert.ok(s.kind === "data");
          return { kind: "data", template: s.template, records: s.records as FieldInput[][] };
        }),
      });
      assert.deepEqual(again, bytes);
    }),
    { numRuns: 1000 },
  );
});
