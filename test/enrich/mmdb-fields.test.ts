import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { asnOf, cityOf } from "../../src/enrich/mmdb-fields.js";

describe("asnOf: autonomous_system_number at the top of the record", () => {
  test("reads the GeoLite2-ASN layout", () => {
    assert.equal(asnOf({ autonomous_system_number: 64500, autonomous_system_organization: "Example" }), 64500);
  });
  test("reads the DB-IP ASN layout, which adds no nesting", () => {
    assert.equal(asnOf({ autonomous_system_number: 4_200_000_000, autonomous_system_organization: "Example", network: "x" }), 4_200_000_000);
  });
  test("answers 0 for no record, a record without the key, or a value that is not an AS number", () => {
    for (const record of [null, undefined, "64500", {}, { autonomous_system_number: "64500" }, { autonomous_system_number: -1 }, { autonomous_system_number: 1.5 }]) {
      assert.equal(asnOf(record), 0, JSON.stringify(record));
    }
  });
});

describe("cityOf: city.names.en", () => {
  test("reads the GeoLite2-City layout", () => {
    assert.equal(cityOf({ city: { geoname_id: 2996944, names: { en: "Lyon", fr: "Lyon" } }, country: { iso_code: "FR" } }), "Lyon");
  });
  test('answers "" without a city, without an English name, or for a name that is not a string', () => {
    for (const record of [null, { country: { iso_code: "FR" } }, { city: { names: { fr: "Lyon" } } }, { city: { names: { en: 7 } } }, { city: "Lyon" }]) {
      assert.equal(cityOf(record), "", JSON.stringify(record));
    }
  });
});
