// Property: any valid template and any records for it come back from the
// decoder as they went into the encoder (after the type's normalisation:
// unsigned64 as bigint, float32 rounding, addresses as text).
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { VARIABLE_LENGTH, type AbstractType, type FieldInput, type FieldValue } from "../../src/ipfix/abstract-types.js";
import { formatIpv4, formatIpv6, formatMac } from "../../src/ipfix/address-text.js";
import { MessageBuilder } from "../../src/ipfix/message-builder.js";
import { decodeMessage } from "../../src/ipfix/message-decoder.js";
import { encodeMessage } from "../../src/ipfix/message-encoder.js";
import { NTP_END_UNIX_SECONDS, NTP_MIN_UNIX_SECONDS } from "../../src/ipfix/ntp-time.js";
import { TemplateCache } from "../../src/ipfix/template-cache.js";
import { field, type FieldSpec, type Template } from "../../src/ipfix/template.js";
import { lookupFor } from "./round-trip.js";

/** A field's type and length, and how to make a value for it with the value it decodes to. */
interface Kind {
  type: AbstractType;
  length: number;
  /** An IANA element of this type, else an enterprise element. */
  iana?: string;
  value: fc.Arbitrary<[FieldInput, FieldValue]>;
}

const same = <T extends FieldInput & FieldValue>(a: fc.Arbitrary<T>) => a.map((v): [FieldInput, FieldValue] => [v, v]);
const utf8Length = (s: string) => Buffer.byteLength(s, "utf8");

function integerKind(signed: boolean, bits: 8 | 16 | 32 | 64): fc.Arbitrary<Kind> {
  const type = `${signed ? "signed" : "unsigned"}${bits}` as AbstractType;
  return fc.integer({ min: 1, max: bits / 8 }).map((length): Kind => {
    const lo = signed ? -(2n ** BigInt(8 * length - 1)) : 0n;
    const hi = signed ? 2n ** BigInt(8 * length - 1) - 1n : 2n ** BigInt(8 * length) - 1n;
    const big = fc.bigInt({ min: lo, max: hi });
    const value =
      bits === 64
        ? fc.oneof(
            big.map((v): [FieldInput, FieldValue] => [v, v]),
            big.filter((v) => v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n).map((v): [FieldInput, FieldValue] => [Number(v), v]),
          )
        : big.map((v): [FieldInput, FieldValue] => [Number(v), Number(v)]);
    return { type, length, value, ...(type === "unsigned64" ? { iana: "octetDeltaCount" } : {}) };
  });
}

const fixedKinds: fc.Arbitrary<Kind>[] = [
  integerKind(false, 8),
  integerKind(false, 16),
  integerKind(false, 32),
  integerKind(false, 64),
  integerKind(true, 8),
  integerKind(true, 16),
  integerKind(true, 32),
  integerKind(true, 64),
  fc.constant({ type: "float32", length: 4, value: fc.double().map((v): [FieldInput, FieldValue] => [v, Math.fround(v)]) }),
  fc.constant({ type: "float64", length: 8, iana: "samplingProbability", value: same(fc.double()) }),
  fc.constant({ type: "float64", length: 4, iana: "samplingProbability", value: fc.double().map((v): [FieldInput, FieldValue] => [v, Math.fround(v)]) }),
  fc.constant({ type: "boolean", length: 1, value: same(fc.boolean()) }),
  fc.constant({ type: "macAddress", length: 6, value: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b): [FieldInput, FieldValue] => [b, formatMac(b, 0)]) }),
  fc.constant({
    type: "ipv4Address",
    length: 4,
    iana: "sourceIPv4Address",
    value: fc.oneof(
      fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b): [FieldInput, FieldValue] => [b, formatIpv4(b, 0)]),
      fc.ipV4().map((t): [FieldInput, FieldValue] => [t, t]),
    ),
  }),
  fc.constant({ type: "ipv6Address", length: 16, value: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b): [FieldInput, FieldValue] => [b, formatIpv6(b, 0)]) }),
  fc.constant({ type: "dateTimeSeconds", length: 4, iana: "flowStartSeconds", value: same(fc.integer({ min: 0, max: 2 ** 32 - 1 })) }),
  fc.constant({
    type: "dateTimeMilliseconds",
    length: 8,
    iana: "flowEndMilliseconds",
    value: fc.double({ min: 0, max: 2 ** 52, noNaN: true }).map((v): [FieldInput, FieldValue] => [v, Math.floor(v)]),
  }),
  fc.constant({
    type: "dateTimeMicroseconds",
    length: 8,
    value: same(fc.integer({ min: NTP_MIN_UNIX_SECONDS * 1e6, max: NTP_END_UNIX_SECONDS * 1e6 - 1 })),
  }),
  fc.constant({
    type: "dateTimeNanoseconds",
    length: 8,
    value: same(fc.bigInt({ min: BigInt(NTP_MIN_UNIX_SECONDS) * 1_000_000_000n, max: BigInt(NTP_END_UNIX_SECONDS) * 1_000_000_000n - 1n })),
  }),
];

const text = fc.string({ unit: "grapheme", maxLength: 120 });
const variableKinds: fc.Arbitrary<Kind>[] = [
  fc.constant({ type: "string", length: VARIABLE_LENGTH, iana: "interfaceName", value: same(text) }),
  fc.constant({ type: "octetArray", length: VARIABLE_LENGTH, value: same(fc.uint8Array({ maxLength: 300 })) }),
  fc.integer({ min: 0, max: 40 }).map(
    (length): Kind => ({ type: "octetArray", length, value: same(fc.uint8Array({ minLength: length, maxLength: length })) }),
  ),
  fc.integer({ min: 1, max: 40 }).map(
    (length): Kind => ({
      type: "string",
      length,
      // A fixed-length string loses trailing NULs: generate none.
      value: same(text.filter((s) => utf8Length(s) <= length && !s.endsWith("\0"))),
    }),
  ),
];

const kind = fc.oneof(...fixedKinds, ...variableKinds);

const templateAndRecords = fc
  .record({
    kinds: fc.array(kind, { minLength: 1, maxLength: 10 }),
    id: fc.integer({ min: 256, max: 65535 }),
    scope: fc.nat(),
  })
  .filter(({ kinds }) => kinds.some((k) => k.length > 0))
  .chain(({ kinds, id, scope }) => {
    const fields = kinds.map((k, i): FieldSpec => (k.iana ? field(k.iana, k.length) : { id: i + 1, enterprise: 32473, type: k.type, length: k.length }));
    const scopeFieldCount = scope % 3 === 0 ? 1 + (scope % kinds.length) : 0;
    const template: Template = { id, fields, ...(scopeFieldCount ? { scopeFieldCount } : {}) };
    return fc.record({
      template: fc.constant(template),
      records: fc.array(fc.tuple(...kinds.map((k) => k.value)), { minLength: 1, maxLength: 8 }),
      viaBuilder: fc.boolean(),
      maxMessageSize: fc.integer({ min: 4000, max: 65535 }),
      alignSets: fc.boolean(),
    });
  });

describe("encode then decode", () => {
  test("random templates and records round-trip", () => {
    fc.assert(
      fc.property(templateAndRecords, ({ template, records, viaBuilder, maxMessageSize, alignSets }) => {
        const inputs = records.map((r) => r.map(([input]) => input));
        const expected = records.map((r) => r.map(([, decoded]) => decoded));
        const messages: Uint8Array[] = [];
        if (viaBuilder) {
          const b = new MessageBuilder({ observationDomainId: 9, maxMessageSize, alignSets, onMessage: (m) => messages.push(m) });
          const h = b.addTemplate(template);
          for (const values of inputs) b.append(h, values);
          b.flush();
        } else {
          const options = Boolean(template.scopeFieldCount);
          messages.push(encodeMessage({ sets: [{ kind: "templates", options, templates: [template] }, { kind: "data", template, records: inputs }] }));
        }
        const cache = new TemplateCache();
        const decoded: FieldValue[][] = [];
        for (const m of messages) {
          assert.ok(m.length <= (viaBuilder ? maxMessageSize : 65535));
          const d = decodeMessage(m, { session: "p", cache, lookup: lookupFor(template.fields) });
          assert.deepEqual(d.errors, []);
          for (const s of d.sets) {
            if (s.kind === "templates") {
              assert.deepEqual(
                s.templates[0].fields.map((f) => [f.id, f.enterprise, f.length]),
                template.fields.map((f) => [f.id, f.enterprise ?? 0, f.length]),
              );
              assert.equal(s.templates[0].scopeFieldCount, template.scopeFieldCount ?? 0);
            } else decoded.push(...s.records);
          }
        }
        assert.deepEqual(decoded, expected);
      }),
      { numRuns: 400 },
    );
  });
});
