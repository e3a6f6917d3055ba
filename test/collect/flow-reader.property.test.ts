// Property: the collector's direct reader (records read straight from the
// bytes) makes exactly the flow records the general way makes from decoded
// values, for IPFIX and NetFlow v9, for any template over the elements
// either knows, at any reduced size, with variable-length and enterprise
// fields among them, and for records whose types send it the general way.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { decodeMessage, defaultLength, encodeMessage, enterpriseField, ianaLookup, TemplateCache, VARIABLE_LENGTH, type AbstractType, type ElementLookup, type FieldInput, type FieldSpec, type Template } from "../../src/ipfix/index.js";
import { decodeNetflowV9, encodeNetflowV9, netflowV9IanaLookup } from "../../src/netflow-v9/index.js";
import { normaliseIpfix } from "../../src/collect/normalise/ipfix.js";
import { flowReaderFor } from "../../src/collect/normalise/flow-reader.js";
import { normaliseNetflowV9 } from "../../src/collect/normalise/netflow-v9.js";
import { ExporterState } from "../../src/collect/normalise/exporter-state.js";
import type { Datagram } from "../../src/collect/datagram.js";
import type { FlowRecord } from "../../src/flow-record/index.js";

// Every element a flow record field takes (information-elements.ts), and a few it does not.
const ELEMENTS = [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 27, 28, 29, 30, 31, 32, 34, 50, 52, 53, 54, 56, 57, 58, 59, 62, 63, 80, 81, 85, 86, 88, 136, 139, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 176, 177, 178, 179, 192, 243, 256, 305, 306, 311, 3, 60, 148];

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

// Elements the lookup does not know (IANA has deprecated 34 and 50; v9 still has them) decode as octets.
const typeOf = (lookup: ElementLookup, id: number): AbstractType => lookup(0, id)?.type ?? "octetArray";

/** A field for element `id`: its length (reduced sizes for integers). */
function fieldOf(lookup: ElementLookup, id: number): fc.Arbitrary<FieldSpec> {
  const type = typeOf(lookup, id);
  // The type given, for the encoder: the v9 encoder's registry stops at 127.
  if (type === "octetArray") return fc.constant({ id, length: 4, type });
  if (/^unsigned/.test(type)) return fc.integer({ min: 1, max: defaultLength(type) }).map((length) => ({ id, length, type }));
  return fc.constant({ id, length: defaultLength(type), type });
}

/** A value that fits the field. */
function valueOf(lookup: ElementLookup, spec: FieldSpec): fc.Arbitrary<FieldInput> {
  const type = typeOf(lookup, spec.id);
  if (/^unsigned/.test(type)) return fc.bigInt({ min: 0n, max: 2n ** BigInt(8 * spec.length) - 1n });
  switch (type) {
    case "octetArray": return bytes(spec.length);
    case "ipv4Address": return bytes(4);
    case "ipv6Address": return bytes(16);
    case "macAddress": return bytes(6);
    case "dateTimeSeconds": return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case "dateTimeMilliseconds": return fc.integer({ min: 0, max: 2 ** 45 });
    case "dateTimeMicroseconds": return fc.integer({ min: 2 ** 40, max: 2 ** 51 });
    case "dateTimeNanoseconds": return fc.bigInt({ min: 2n ** 50n, max: 4n * 10n ** 18n });
    case "float64": return fc.double({ min: 0, max: 1, noNaN: true });
    default: throw new Error(`element ${spec.id}: no generator for ${type}`);
  }
}

/** Fields in any order, at most once each, optionally with a variable-length enterprise field and a fixed-length field retyped by its length. */
const templateAndRecords = (lookup: ElementLookup, variable: boolean) =>
  fc.tuple(fc.uniqueArray(fc.constantFrom(...ELEMENTS), { minLength: 1, maxLength: 24 }), fc.boolean(), fc.integer({ min: 1, max: 5 })).chain(([chosen, withExtra, count]) =>
    fc.tuple(...chosen.map((id) => fieldOf(lookup, id))).chain((specs) => {
      const fields = withExtra && variable ? [...specs, enterpriseField(9, 7, "octetArray", VARIABLE_LENGTH)] : specs;
      const row = fc.tuple(...fields.map((f) => (f.enterprise ? fc.uint8Array({ maxLength: 300 }) : valueOf(lookup, f))));
      return fc.array(row, { minLength: count, maxLength: count }).map((records) => ({ template: { id: 300, fields } as Template, records: records as FieldInput[][] }));
    }),
  );

const datagram = (b: Uint8Array): Datagram => ({ bytes: b, exporter: "192.0.2.7", exporterPort: 4739, receivedMs: 1_700_000_000_123, receivedNs: 456 });

/** Decoded with values and without, normalised: both ways give the same records, one per record sent. */
function sameBothWays(sent: number, normalised: (values: boolean) => FlowRecord[]): void {
  const [general, direct] = [true, false].map(normalised);
  assert.equal(general!.length, sent);
  assert.deepEqual(direct, general);
}

describe("direct flow reader", () => {
  test("IPFIX: the same flow records as the general way", () => {
    fc.assert(
      fc.property(templateAndRecords(ianaLookup, true), ({ template, records }) => {
        const b = encodeMessage({ exportTime: 1_700_000_000, sequenceNumber: 9, observationDomainId: 3, sets: [{ kind: "templates", templates: [template] }, { kind: "data", template, records }] });
        sameBothWays(records.length, (values) => {
          const out: FlowRecord[] = [];
          normaliseIpfix(decodeMessage(b, { session: "s", cache: new TemplateCache({ maxTemplates: 4 }), values }), "s", datagram(b), new ExporterState(), out);
          return out;
        });
      }),
      { numRuns: 400 },
    );
  });

  test("NetFlow v9: the same flow records as the general way", () => {
    fc.assert(
      fc.property(templateAndRecords(netflowV9IanaLookup, false), ({ template, records }) => {
        const b = encodeNetflowV9({ sysUptime: 100_000, unixSecs: 1_700_000_000, sequenceNumber: 4, sourceId: 2, sets: [{ kind: "templates", templates: [template] }, { kind: "data", template, records }] });
        sameBothWays(records.length, (values) => {
          const out: FlowRecord[] = [];
          normaliseNetflowV9(decodeNetflowV9(b, { session: "s", cache: new TemplateCache({ maxTemplates: 4 }), lookup: netflowV9IanaLookup, values }), "s", datagram(b), new ExporterState(), out);
          return out;
        });
      }),
      { numRuns: 400 },
    );
  });

  test("without values the codec only bounds the records, and the direct reader takes the usual templates", () => {
    const template: Template = { id: 256, fields: [{ id: 8, length: 4 }, { id: 12, length: 4 }, { id: 1, length: 8 }, { id: 2, length: 4 }, { id: 152, length: 8 }] };
    const b = encodeMessage({ exportTime: 1, sequenceNumber: 0, observationDomainId: 1, sets: [{ kind: "templates", templates: [template] }, { kind: "data", template, records: [["10.0.0.1", "10.0.0.2", 1500n, 3, 1000], ["10.0.0.3", "10.0.0.4", 40n, 1, 2000]] }] });
    const m = decodeMessage(b, { session: "s", cache: new TemplateCache({ maxTemplates: 4 }), values: false });
    const set = m.sets.find((s) => s.kind === "data");
    assert.ok(set && set.kind === "data");
    assert.equal(set.records.length, 0);
    assert.ok(flowReaderFor(set.template));
    // Another template of the same fields (another id, another exporter) shares its generated code.
    const same = decodeMessage(encodeMessage({ exportTime: 1, sequenceNumber: 0, observationDomainId: 2, sets: [{ kind: "templates", templates: [{ ...template, id: 999 }] }] }), { session: "t", cache: new TemplateCache({ maxTemplates: 4 }) });
    const other = same.sets[0]?.kind === "templates" ? same.sets[0].templates[0] : undefined;
    assert.ok(other && "fields" in other);
    assert.equal(flowReaderFor(other as never)?.read, flowReaderFor(set.template)?.read);
    assert.deepEqual(set.recordOffsets, [48, 76, 104]);
  });
});
