// `--enrich SPEC` and `--bmp HOST:PORT` as the collector reads them: RustFlow's
// syntax, and a message naming the bad part for every spec that cannot run.
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { enrichColumnNames, enrichSpecsProblem, EnrichSpecError, parseEnrichSpec } from "../../src/collect/enrich/enrich-spec.js";
import { parseListenAddress } from "../../src/collect/enrich/listen-address.js";

describe("--enrich specs", () => {
  test("prefix_lookup from CSV, RustFlow's README example", () => {
    const s = parseEnrichSpec("type=prefix_lookup,source=asn.csv,key=dst_addr,fields=asn:dst_asn;org:dst_org,reload=30s");
    assert.deepEqual(s, {
      type: "prefix_lookup", text: "type=prefix_lookup,source=asn.csv,key=dst_addr,fields=asn:dst_asn;org:dst_org,reload=30s", source: "asn.csv", format: "csv",
      key: "dst_addr", fields: [{ from: "asn", to: "dst_asn" }, { from: "org", to: "dst_org" }], reload: { kind: "interval", ms: 30_000 },
    });
  });

  test("prefix_lookup from a MaxMind DB with dotted paths; watch; key_column for a CSV's prefix column; exact", () => {
    const m = parseEnrichSpec("type=prefix_lookup,source=/var/lib/GeoLite2-City.MMDB,key=src_addr,fields=country.iso_code:src_country;city.names.en:src_city,reload=watch");
    assert.equal(m.format, "mmdb");
    assert.deepEqual(m.fields, [{ from: "country.iso_code", to: "src_country" }, { from: "city.names.en", to: "src_city" }]);
    assert.deepEqual(m.reload, { kind: "watch" });
    const c = parseEnrichSpec("type=prefix_lookup,source=nets.csv,key=sampler_address,key_column=cidr,fields=site:exporter_site");
    assert.equal(c.type === "prefix_lookup" && c.keyColumn, "cidr");
    assert.deepEqual(c.reload, { kind: "never" });
    const e = parseEnrichSpec("type=exact,source=protocols.csv,key=proto,key_column=number,fields=name:proto_name,reload=never");
    assert.deepEqual({ type: e.type, key: e.key, keyColumn: e.keyColumn, fields: e.fields }, { type: "exact", key: "proto", keyColumn: "number", fields: [{ from: "name", to: "proto_name" }] });
    for (const key of ["src_addr", "dst_addr", "next_hop", "sampler_address"]) assert.equal(parseEnrichSpec(`type=prefix_lookup,source=a.csv,key=${key},fields=a:b`).key, key);
    assert.deepEqual(enrichColumnNames([m, c, e]), ["src_country", "src_city", "exporter_site", "proto_name"]);
  });

  const bad: [string, RegExp][] = [
    ["", /an empty parameter/],
    ["type=prefix_lookup,,source=a.csv", /an empty parameter/],
    ["type=prefix_lookup,source", /"source": expected name=value/],
    ["type=prefix_lookup,source=a.csv,key=dst_addr,fields=a:b,colour=red", /unknown parameter "colour"/],
    ["type=prefix_lookup,type=exact,source=a.csv", /type: given twice/],
    ["type=,source=a.csv", /type: empty/],
    ["source=a.csv,key=dst_addr,fields=a:b", /missing type=/],
    ["type=fuzzy,source=a.csv,key=dst_addr,fields=a:b", /type: "fuzzy" is not a lookup type/],
    ["type=prefix_lookup,key=dst_addr,fields=a:b", /missing source=/],
    ["type=prefix_lookup,source=a.txt,key=dst_addr,fields=a:b", /source: "a.txt": expected a .csv or .mmdb file/],
    ["type=prefix_lookup,source=a.csv,fields=a:b", /missing key=/],
    ["type=prefix_lookup,source=a.csv,key=proto,fields=a:b", /key: "proto" cannot be looked up by prefix/],
    ["type=prefix_lookup,source=a.mmdb,key=dst_addr,key_column=prefix,fields=a:b", /key_column: a MaxMind DB has no columns/],
    ["type=prefix_lookup,source=a.csv,key=dst_addr", /missing fields=/],
    ["type=prefix_lookup,source=a.csv,key=dst_addr,fields=asn", /fields: "asn": expected column:name/],
    ["type=prefix_lookup,source=a.csv,key=dst_addr,fields=asn:x;:y", /fields: ":y": expected column:name/],
    ["type=prefix_lookup,source=a.mmdb,key=dst_addr,fields=city..en:x", /fields: "city..en": a dotted path has an empty step/],
    ["type=prefix_lookup,source=a.csv,key=dst_addr,fields=asn:dst_as", /fields: "dst_as" is a common field/],
    ["type=prefix_lookup,source=a.csv,key=dst_addr,fields=asn:x;org:x", /fields: column "x" named twice/],
    ["type=prefix_lookup,source=a.csv,fields=dst_addr@asn:dst_asn", /key@column groups/],
    ["type=prefix_lookup,source=a.csv,key=dst_addr,fields=a:b,reload=5x", /reload: invalid duration "5x"/],
    ["type=prefix_lookup,source=a.csv,key=dst_addr,fields=a:b,reload=500ms", /reload: "500ms": at least 1s/],
    ["type=exact,source=a.mmdb,key=proto,key_column=n,fields=a:b", /source: "a.mmdb": exact lookups read CSV files/],
    ["type=exact,source=a.csv,key_column=n,fields=a:b", /missing key=/],
    ["type=exact,source=a.csv,key=protocol,key_column=n,fields=a:b", /key: "protocol" is not a common field \(did you mean proto\?\)/],
    ["type=exact,source=a.csv,key=proto,fields=a:b", /missing key_column=/],
  ];
  for (const [text, message] of bad) {
    test(`refused: ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseEnrichSpec(text), (e: unknown) => e instanceof EnrichSpecError && message.test(e.message));
    });
  }

  test("two specs naming one column cannot go together", () => {
    const a = parseEnrichSpec("type=prefix_lookup,source=a.csv,key=dst_addr,fields=asn:asn");
    const b = parseEnrichSpec("type=prefix_lookup,source=b.mmdb,key=src_addr,fields=autonomous_system_number:asn");
    assert.match(enrichSpecsProblem([a, b]) ?? "", /column "asn" is named by two specs \(a.csv and b.mmdb\)/);
    assert.equal(enrichSpecsProblem([a]), undefined);
  });
});

describe("--bmp addresses", () => {
  test("HOST:PORT, [IPv6]:PORT, PORT alone on the loopback", () => {
    assert.deepEqual(parseListenAddress("127.0.0.1:1790"), { host: "127.0.0.1", port: 1790 });
    assert.deepEqual(parseListenAddress("[::1]:1790"), { host: "::1", port: 1790 });
    assert.deepEqual(parseListenAddress("[2001:db8::5]:11019"), { host: "2001:db8::5", port: 11019 });
    assert.deepEqual(parseListenAddress("localhost:11019"), { host: "localhost", port: 11019 });
    assert.deepEqual(parseListenAddress("11019"), { host: "::1", port: 11019 });
  });

  test("refused, naming what is wrong", () => {
    assert.throws(() => parseListenAddress("::1:1790"), /an IPv6 host goes in brackets/);
    assert.throws(() => parseListenAddress("[192.0.2.1]:1790"), /is not an IPv6 address/);
    assert.throws(() => parseListenAddress("host"), /expected HOST:PORT/);
    assert.throws(() => parseListenAddress(":1790"), /no host before the port/);
    assert.throws(() => parseListenAddress("127.0.0.1:70000"), /port "70000" is not 1..65535/);
    assert.throws(() => parseListenAddress("127.0.0.1:0"), /port "0"/);
    assert.throws(() => parseListenAddress("0"), /port "0"/);
  });
});
