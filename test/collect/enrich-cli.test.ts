// `rfm collect --enrich` end to end through the real CLI on a pcap of NetFlow
// v5 datagrams: a CSV prefix table, an exact table and a MaxMind DB, their
// columns after the common ones in NDJSON and CSV; bad rows named by line;
// bad specs exit 2 naming the bad part, a file that is no table exits 1.
import { before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../cli/run-cli.js";
import { tempDir } from "../harness/temp-dir.js";
import { cityRecord, writeMmdbs } from "../enrich/mmdb-writer.js";
import { v5Datagram, v5Pcap, v5Record } from "./enrich-fixtures.js";

const dir = tempDir("rfm-collect-enrich-");
const pcap = join(dir, "v5.pcap");
const asnCsv = join(dir, "asn.csv");
const protoCsv = join(dir, "protocols.csv");
const geo = join(dir, "geo.mmdb");

const ENRICH = [
  "--enrich", `type=prefix_lookup,source=${asnCsv},key=dst_addr,fields=asn:dst_asn;org:dst_org`,
  "--enrich", `type=exact,source=${protoCsv},key=proto,key_column=number,fields=name:proto_name`,
  "--enrich", `type=prefix_lookup,source=${geo},key=src_addr,fields=country.iso_code:src_country;city.names.en:src_city`,
];
const COLUMNS = ["dst_asn", "dst_org", "proto_name", "src_country", "src_city"];

before(async () => {
  writeFileSync(pcap, v5Pcap([
    v5Datagram([
      v5Record({ srcAddr: "192.0.2.10", dstAddr: "198.51.100.7", protocol: 17 }),
      v5Record({ srcAddr: "203.0.113.5", dstAddr: "198.51.100.200", protocol: 6 }),
    ]),
    v5Datagram([v5Record({ srcAddr: "10.9.9.9", dstAddr: "10.0.0.1", protocol: 1 })], 3),
  ]));
  writeFileSync(asnCsv, 'prefix,asn,org\n198.51.100.0/24,64500,"Example, Inc."\n198.51.100.128/25,64501,\n2001:db8::/32,64502,Six\nbogus,1,x\n');
  writeFileSync(protoCsv, "number,name\n6,tcp\n17,udp\n");
  writeFileSync(join(dir, "fake.mmdb"), "prefix,asn\n10.0.0.0/8,1\n");
  await writeMmdbs([{ path: geo, databaseType: "rfm-test-city", networks: [["192.0.2.0/24", cityRecord("Paris")], ["203.0.113.0/24", { country: { iso_code: "DE" } }]] }]);
});

describe("rfm collect --enrich", () => {
  test("NDJSON: the enrichment columns after the common ones, as strings; a record nothing matches has none; the bad row is named in the log", async () => {
    const r = await runCli(["collect", "-t", "netflow", "--pcap", pcap, "-f", "common", ...ENRICH]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 3);
    const tail = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => COLUMNS.includes(k)));
    assert.deepEqual(tail(lines[0]!), { dst_asn: "64500", dst_org: "Example, Inc.", proto_name: "udp", src_country: "FR", src_city: "Paris" });
    assert.deepEqual(tail(lines[1]!), { dst_asn: "64501", proto_name: "tcp", src_country: "DE" }, "the /25 wins; its empty org cell and the missing city give no value");
    assert.deepEqual(tail(lines[2]!), {});
    const keys = Object.keys(lines[0]!);
    assert.deepEqual(keys.slice(-5), COLUMNS, "after every common column, in the specs' order");
    assert.match(r.stderr, new RegExp(`enrich ${asnCsv}: 3 prefixes \\(2 IPv4, 1 IPv6\\); 1 bad row skipped \\(line 5: not an IP address: "bogus"\\)`));
    assert.match(r.stderr, new RegExp(`enrich ${geo}: rfm-test-city built \\d{4}-\\d\\d-\\d\\d`));
    assert.match(r.stderr, /3 records/);
  });

  test("CSV: the header ends with the enrichment columns; unset values empty; quoted where needed", async (t) => {
    const out = join(tempDir("rfm-collect-enrich-csv-", t), "flows.csv");
    const r = await runCli(["collect", "-t", "netflow", "--pcap", pcap, "-f", "common", "-s", "csv", "-o", out, ...ENRICH]);
    assert.equal(r.code, 0, r.stderr);
    const [header, ...rows] = readFileSync(out, "utf8").trim().split("\n");
    assert.ok(header!.startsWith("flow_type,time_received_ns,"), header);
    assert.ok(header!.endsWith(",template_id,dst_asn,dst_org,proto_name,src_country,src_city"), header);
    const width = header!.split(",").length;
    assert.deepEqual(rows.map((l) => l.split(",").length), [width + 1, width, width], "every row as wide as the header (the first has one quoted comma)");
    assert.ok(rows[0]!.endsWith(',64500,"Example, Inc.",udp,FR,Paris'), rows[0]);
    assert.ok(rows[1]!.endsWith(",64501,,tcp,DE,"), rows[1]);
    assert.ok(rows[2]!.endsWith(",,,,,"), rows[2]);
  });

  test("a bad spec exits 2 naming the bad part; so do two specs naming one column, and --enrich with -f raw", async () => {
    const base = ["collect", "-t", "netflow", "--pcap", pcap, "-f", "common"];
    const byPrefix = await runCli([...base, "--enrich", `type=prefix_lookup,source=${asnCsv},key=proto,fields=asn:a`]);
    assert.equal(byPrefix.code, 2);
    assert.match(byPrefix.stderr, /key: "proto" cannot be looked up by prefix/);
    const reload = await runCli([...base, "--enrich", `type=prefix_lookup,source=${asnCsv},key=dst_addr,fields=asn:a,reload=sometimes`]);
    assert.equal(reload.code, 2);
    assert.match(reload.stderr, /reload: invalid duration "sometimes"/);
    const twice = await runCli([...base, "--enrich", `type=prefix_lookup,source=${asnCsv},key=dst_addr,fields=asn:a`, "--enrich", `type=exact,source=${protoCsv},key=proto,key_column=number,fields=name:a`]);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /column "a" is named by two specs/);
    const raw = await runCli(["collect", "-t", "netflow", "--pcap", pcap, ...ENRICH]);
    assert.equal(raw.code, 2);
    assert.match(raw.stderr, /they need -f common/);
    assert.equal(raw.stdout, "");
  });

  test("a source that is no table exits 1 naming the file and the reason, before any output", async (t) => {
    const base = ["collect", "-t", "netflow", "--pcap", pcap, "-f", "common"];
    const absent = join(dir, "absent.csv");
    const missing = await runCli([...base, "--enrich", `type=prefix_lookup,source=${absent},key=dst_addr,fields=asn:a`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, new RegExp(`enrich ${absent}: no such file`));
    const noColumn = await runCli([...base, "--enrich", `type=prefix_lookup,source=${asnCsv},key=dst_addr,fields=country:c`]);
    assert.equal(noColumn.code, 1);
    assert.match(noColumn.stderr, /no column "country" for c \(the header is "prefix,asn,org"\)/);
    const out = join(tempDir("rfm-collect-enrich-none-", t), "flows.ndjson");
    const notMmdb = await runCli([...base, "-o", out, "--enrich", `type=prefix_lookup,source=${join(dir, "fake.mmdb")},key=dst_addr,fields=a:b`]);
    assert.equal(notMmdb.code, 1);
    assert.match(notMmdb.stderr, /fake\.mmdb: not a MaxMind DB file/);
    assert.equal(existsSync(out), false, "no output file was started");
  });
});
