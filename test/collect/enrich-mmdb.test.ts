// MaxMind DB sources for `--enrich`: dotted paths into the record of the key
// address, values as text, a database written by Debian's Perl MaxMind
// writer; a truncated file refused at start with the file and the reason.
import { before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ColumnSource } from "../../src/collect/enrich/column-source.js";
import { parseEnrichSpec } from "../../src/collect/enrich/enrich-spec.js";
import { compilePath, valueAt } from "../../src/collect/enrich/mmdb-paths.js";
import type { FlowRecord } from "../../src/flow-record/index.js";
import { parseAddress } from "../../src/net/address.js";
import { tempDir } from "../harness/temp-dir.js";
import { asnRecord, cityRecord, writeMmdbs } from "../enrich/mmdb-writer.js";

const dir = tempDir("rfm-enrich-mmdb-");
const db = join(dir, "geo.mmdb");
const truncated = join(dir, "truncated.mmdb");
const from = (src: string): FlowRecord => ({ packets: 1, bytes: 1, src: parseAddress(src), samplerAddress: src });

before(async () => {
  await writeMmdbs([{
    path: db, databaseType: "rfm-test-geo", buildEpoch: Date.UTC(2024, 4, 6) / 1000,
    networks: [
      ["192.0.2.0/24", cityRecord("Paris")],
      ["198.51.100.0/24", asnRecord(64500, "Example Net")],
      ["2001:db8::/32", { city: { names: { en: "Lyon" } }, country: { iso_code: "FR" } }],
    ],
  }]);
  const whole = await readFile(db);
  await writeFile(truncated, whole.subarray(0, whole.length >> 1));
});

describe("MMDB paths", () => {
  test("values as text: strings as they are, numbers and booleans, maps and arrays as JSON; array steps by index; nothing where the record has nothing", () => {
    const r = { a: { b: "x", n: 48.8582, t: true, big: 2n ** 70n }, list: [{ iso_code: "IDF" }], m: { k: [1, 2] } };
    assert.equal(valueAt(r, compilePath("a.b")), "x");
    assert.equal(valueAt(r, compilePath("a.n")), "48.8582");
    assert.equal(valueAt(r, compilePath("a.t")), "true");
    assert.equal(valueAt(r, compilePath("a.big")), "1180591620717411303424");
    assert.equal(valueAt(r, compilePath("list.0.iso_code")), "IDF");
    assert.equal(valueAt(r, compilePath("m")), '{"k":[1,2]}');
    assert.equal(valueAt(r, compilePath("list.x")), undefined);
    assert.equal(valueAt(r, compilePath("a.b.c")), undefined);
    assert.equal(valueAt(r, compilePath("missing")), undefined);
    assert.equal(valueAt(r, compilePath("a.toString")), undefined, "only the record's own keys");
    assert.equal(valueAt(null, compilePath("a")), undefined);
  });
});

describe("MMDB sources", () => {
  test("country.iso_code, city.names.en, autonomous_system_number of the source address, IPv4 and IPv6; no record, no values", async (t) => {
    const lines: string[] = [];
    const spec = parseEnrichSpec(`type=prefix_lookup,source=${db},key=src_addr,fields=country.iso_code:src_country;city.names.en:src_city;autonomous_system_number:src_asn`);
    const source = await ColumnSource.open(spec, (l) => lines.push(l));
    t.after(() => source.close());
    assert.deepEqual(source.names, ["src_country", "src_city", "src_asn"]);
    assert.deepEqual(source.values(from("192.0.2.10")), ["FR", "Paris", undefined]);
    assert.deepEqual(source.values(from("198.51.100.7")), [undefined, undefined, "64500"]);
    assert.deepEqual(source.values(from("2001:db8::1")), ["FR", "Lyon", undefined]);
    assert.equal(source.values(from("203.0.113.1")), undefined);
    assert.equal(source.values({ packets: 1, bytes: 1 }), undefined);
    assert.deepEqual(lines, [`enrich ${db}: rfm-test-geo built 2024-05-06`]);

    const bySampler = await ColumnSource.open(parseEnrichSpec(`type=prefix_lookup,source=${db},key=sampler_address,fields=city.names.en:exporter_city`), () => undefined);
    t.after(() => bySampler.close());
    assert.deepEqual(bySampler.values(from("192.0.2.1")), ["Paris"]);
  });

  test("a truncated database is refused at start, naming the file and the reason", async () => {
    const spec = parseEnrichSpec(`type=prefix_lookup,source=${truncated},key=dst_addr,fields=country.iso_code:c`);
    await assert.rejects(ColumnSource.open(spec, () => undefined), (e: Error) => e.message.startsWith(`enrich ${truncated}: `) && /truncated|not a MaxMind DB/.test(e.message));
    const missing = parseEnrichSpec(`type=prefix_lookup,source=${join(dir, "absent.mmdb")},key=dst_addr,fields=country.iso_code:c`);
    await assert.rejects(ColumnSource.open(missing, () => undefined), /absent\.mmdb: no such file/);
  });
});
