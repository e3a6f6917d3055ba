// The IANA element registry: generated from IANA's CSV by
// scripts/gen-ipfix-registry.mjs and checked in.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isAbstractType } from "../../src/ipfix/abstract-types.js";
import { SEMANTICS, type Semantics } from "../../src/ipfix/information-element.js";
import { IANA_ELEMENTS, elementById, elementByName } from "../../src/ipfix/registry.generated.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

interface Generator {
  DEFAULT_CSV: string;
  parseCsv(text: string): string[][];
  renderRegistry(csv: string): string;
}
const gen = (await import(pathToFileURL(join(root, "scripts", "gen-ipfix-registry.mjs")).href)) as Generator;

describe("IPFIX information element registry", () => {
  test("spot checks against the IANA registry", () => {
    assert.deepEqual(elementById(1), { id: 1, name: "octetDeltaCount", type: "unsigned64", semantics: "deltaCounter", units: "octets" });
    assert.deepEqual(elementById(8), { id: 8, name: "sourceIPv4Address", type: "ipv4Address", semantics: "identifier" });
    assert.equal(elementById(152)?.name, "flowStartMilliseconds");
    assert.equal(elementById(152)?.type, "dateTimeMilliseconds");
    assert.equal(elementById(152)?.units, "milliseconds");
    assert.equal(elementById(311)?.name, "samplingProbability");
    assert.equal(elementById(311)?.type, "float64");
    assert.equal(elementById(136)?.name, "flowEndReason");
    assert.equal(elementById(136)?.type, "unsigned8");
  });

  test("lookup by name finds the same element as lookup by id", () => {
    for (const e of IANA_ELEMENTS) assert.equal(elementByName(e.name), elementById(e.id));
    assert.equal(elementByName("sourceIPv6Address")?.id, 27);
  });

  test("reserved, unassigned and typeless ids are not elements", () => {
    assert.equal(elementById(0), undefined, "0 is Reserved");
    assert.equal(elementById(34), undefined, "34-35 are kept for NetFlow v9 and have no type");
    assert.equal(elementById(32767), undefined, "the unassigned range");
    assert.equal(elementByName("Reserved"), undefined);
  });

  test("every row is well formed: ids unique and in order, known types and semantics", () => {
    assert.ok(IANA_ELEMENTS.length > 300);
    let last = 0;
    for (const e of IANA_ELEMENTS) {
      assert.ok(e.id > last && e.id < 32768, `id ${e.id} in order`);
      last = e.id;
      assert.ok(isAbstractType(e.type), `${e.name}: ${e.type}`);
      if (e.semantics !== undefined) assert.ok(SEMANTICS.includes(e.semantics as Semantics), `${e.name}: ${e.semantics}`);
      assert.match(e.name, /^[A-Za-z][A-Za-z0-9]*$/);
    }
  });

  test("the CSV parser takes quoted fields with commas, doubled quotes and line breaks", () => {
    const rows = gen.parseCsv('a,b,c\r\n1,"x, y","say ""hi""\nthere"\n2,,"" \n');
    assert.deepEqual(rows, [
      ["a", "b", "c"],
      ["1", "x, y", 'say "hi"\nthere'],
      ["2", "", " "],
    ]);
    assert.throws(() => gen.parseCsv('a,"open'), /inside a quoted field/);
  });

  test("the generator keeps assigned elements only and fails on an unknown type", () => {
    const csv = [
      "ElementID,Name,Data Type,Data Type Semantics,Status,Description,Units",
      "0,Reserved,,,,,",
      '1,octetDeltaCount,unsigned64,deltaCounter,current,"Octets, counted\nsince the last report",octets',
      "34-35,Assigned for NetFlow v9 compatibility,,,,,",
      "40000-49999,Unassigned,,,,,",
    ].join("\n");
    const out = gen.renderRegistry(csv);
    assert.match(out, /^ {2}\[1, "octetDeltaCount", "unsigned64", "deltaCounter", "octets"\],$/m);
    assert.equal(out.match(/^ {2}\[/gm)?.length, 1);
    assert.throws(() => gen.renderRegistry(csv.replace("unsigned64", "unsigned128")), /unknown data type "unsigned128"/);
  });

  test("the checked-in registry is what the generator makes of the CSV kept in data/", () => {
    const fresh = gen.renderRegistry(readFileSync(gen.DEFAULT_CSV, "utf8"));
    const checkedIn = readFileSync(join(root, "src", "ipfix", "registry.generated.ts"), "utf8");
    assert.ok(fresh === checkedIn, "src/ipfix/registry.generated.ts is stale: run node scripts/gen-ipfix-registry.mjs");
  });
});
