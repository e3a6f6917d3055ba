// The enrichment tables: CSV prefix tables by longest-prefix match (IPv4 and
// IPv6, the most specific prefix wins, no match answers nothing), exact
// tables on a common field, bad rows skipped and named by line, the CSV
// reader's quoting.
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { forEachCsvRow, type CsvRow } from "../../src/collect/enrich/csv-rows.js";
import { loadCsvTable } from "../../src/collect/enrich/csv-tables.js";
import { parseEnrichSpec } from "../../src/collect/enrich/enrich-spec.js";
import { PrefixTable } from "../../src/collect/enrich/prefix-table.js";
import { RecordEnrichment } from "../../src/collect/enrich/record-enrichment.js";
import type { FlowRecord } from "../../src/flow-record/index.js";
import { parseAddress } from "../../src/net/address.js";
import { parsePrefix } from "../../src/rib/prefix.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const flow = (extra: Partial<FlowRecord>): FlowRecord => ({ packets: 1, bytes: 100, ...extra });
const to = (dst: string, extra: Partial<FlowRecord> = {}) => flow({ dst: parseAddress(dst), ...extra });

describe("CSV rows", () => {
  test("quoted fields with commas, quotes and line breaks; CRLF; BOM; blank lines; spaces around unquoted fields trimmed; lines counted", () => {
    const rows: CsvRow[] = [];
    const end = forEachCsvRow('\ufeffprefix,org\r\n\r\n10.0.0.0/8, "Ten, Inc."\r\n"192.0.2.0/24","say ""hi""\nthere"\n198.51.100.0/24,plain\n', (r) => rows.push(r));
    assert.deepEqual(end, {});
    assert.deepEqual(rows, [
      { line: 1, fields: ["prefix", "org"] },
      { line: 3, fields: ["10.0.0.0/8", "Ten, Inc."] },
      { line: 4, fields: ["192.0.2.0/24", 'say "hi"\nthere'] },
      { line: 6, fields: ["198.51.100.0/24", "plain"] },
    ]);
  });

  test("a quote left open loses its row only, and says where it started", () => {
    const rows: CsvRow[] = [];
    assert.deepEqual(forEachCsvRow('a,b\n1,2\n3,"never closed\n4,5\n', (r) => rows.push(r)), { unterminatedAt: 3 });
    assert.deepEqual(rows.map((r) => r.line), [1, 2]);
  });
});

describe("prefix table", () => {
  test("longest-prefix match over IPv4 and IPv6, inserted in any order; /0 answers last; no match answers nothing", () => {
    const t = new PrefixTable<string>();
    for (const [p, v] of [["10.1.2.0/24", "ten-1-2"], ["10.0.0.0/8", "ten"], ["10.1.0.0/16", "ten-1"], ["10.1.2.128/25", "ten-1-2-hi"], ["192.0.2.7/32", "host"],
      ["2001:db8::/32", "doc"], ["2001:db8:1::/48", "doc-1"], ["2001:db8:1:2::/64", "doc-1-2"], ["2001:db8:1:2::1/128", "host6"], ["::/0", "any6"]] as const) {
      assert.equal(t.add(parsePrefix(p), v), true);
    }
    const at = (a: string) => t.lookup(parseAddress(a));
    assert.equal(at("10.9.9.9"), "ten");
    assert.equal(at("10.1.9.9"), "ten-1");
    assert.equal(at("10.1.2.3"), "ten-1-2");
    assert.equal(at("10.1.2.200"), "ten-1-2-hi");
    assert.equal(at("192.0.2.7"), "host");
    assert.equal(at("192.0.2.8"), undefined, "no IPv4 /0: nothing");
    assert.equal(at("11.0.0.1"), undefined);
    assert.equal(at("2001:db8:ffff::1"), "doc");
    assert.equal(at("2001:db8:1:ffff::1"), "doc-1");
    assert.equal(at("2001:db8:1:2::2"), "doc-1-2");
    assert.equal(at("2001:db8:1:2::1"), "host6");
    assert.equal(at("2001:db9::1"), "any6", "the IPv6 /0 covers the rest of IPv6");
    assert.equal(at("::ffff:11.0.0.1"), undefined, "the IPv6 /0 does not cover mapped IPv4");
    assert.deepEqual(t.sizes, { v4: 5, v6: 5 });
    assert.equal(t.add(parsePrefix("10.1.2.9/24"), "again"), false, "host bits ignored: the same prefix");
    assert.equal(at("10.1.2.3"), "ten-1-2", "the first value stays");
    assert.equal(t.lookup(new Uint8Array(4)), undefined);
  });

  test("a thousand random prefixes agree with a linear longest-match scan", () => {
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const t = new PrefixTable<number>();
    const held: { net: number; len: number; v: number }[] = [];
    const mask = (len: number) => (len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0);
    for (let i = 0; i < 1000; i++) {
      const len = 8 + (rnd() % 25);
      const net = ((rnd() & 0x0fffffff) | 0x0a000000) & mask(len);
      const text = `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${len}`;
      if (t.add(parsePrefix(text), i)) held.push({ net: net >>> 0, len, v: i });
    }
    for (let i = 0; i < 5000; i++) {
      const a = ((rnd() & 0x0fffffff) | 0x0a000000) >>> 0;
      let best: { len: number; v: number } | undefined;
      for (const h of held) if (((a & mask(h.len)) >>> 0) === h.net && (!best || h.len > best.len)) best = h;
      const text = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
      assert.equal(t.lookup(parseAddress(text)), best?.v, text);
    }
  });
});

describe("CSV tables", () => {
  test("prefix_lookup: the most specific row's columns; an empty cell gives no value; no match none at all", () => {
    const spec = parseEnrichSpec("type=prefix_lookup,source=asn.csv,key=dst_addr,fields=asn:dst_asn;org:dst_org");
    const csv = "prefix,asn,org\n1.0.0.0/24,13335,CLOUDFLARENET\n1.0.0.128/25,64500,\n2001:db8::/32,64496,Documentation Six\n192.0.2.1,64497,a host\n";
    const t = loadCsvTable(bytes(csv), spec);
    assert.equal(t.description, "4 prefixes (3 IPv4, 1 IPv6)");
    assert.equal(t.badRows?.count, 0);
    assert.deepEqual(t.lookup.values(to("1.0.0.1")), ["13335", "CLOUDFLARENET"]);
    assert.deepEqual(t.lookup.values(to("1.0.0.200")), ["64500", undefined]);
    assert.deepEqual(t.lookup.values(to("2001:db8::9")), ["64496", "Documentation Six"]);
    assert.deepEqual(t.lookup.values(to("192.0.2.1")), ["64497", "a host"], "a bare address is a host prefix");
    assert.equal(t.lookup.values(to("192.0.2.2")), undefined);
    assert.equal(t.lookup.values(flow({})), undefined, "a record without the key address");

    const e = new RecordEnrichment({ columns: [{ names: ["dst_asn", "dst_org"], values: (f) => t.lookup.values(f) }] });
    assert.deepEqual(e.columnNames, ["dst_asn", "dst_org"]);
    const hit = to("1.0.0.200");
    const miss = to("203.0.113.1");
    e.enrichBatch([hit, miss]);
    assert.deepEqual(hit.enriched, { dst_asn: "64500" });
    assert.equal(miss.enriched, undefined);
  });

  test("keys next_hop and sampler_address read the record's text; cidr and network columns are prefix columns too; key_column names another", () => {
    const nh = loadCsvTable(bytes("network,site\n192.0.2.0/24,paris\n"), parseEnrichSpec("type=prefix_lookup,source=x.csv,key=next_hop,fields=site:nh_site"));
    assert.deepEqual(nh.lookup.values(flow({ nextHop: "192.0.2.77" })), ["paris"]);
    assert.equal(nh.lookup.values(flow({ nextHop: "not an address" })), undefined);
    const sa = loadCsvTable(bytes("cidr,site\n2001:db8::/48,lyon\n"), parseEnrichSpec("type=prefix_lookup,source=x.csv,key=sampler_address,fields=site:exporter_site"));
    assert.deepEqual(sa.lookup.values(flow({ samplerAddress: "2001:db8::1" })), ["lyon"]);
    const kc = loadCsvTable(bytes("net,prefix,site\n10.0.0.0/8,junk,x\n"), parseEnrichSpec("type=prefix_lookup,source=x.csv,key=dst_addr,key_column=net,fields=site:s"));
    assert.deepEqual(kc.lookup.values(to("10.1.1.1")), ["x"]);
  });

  test("exact: the field's text, keys written the field's way (numbers without leading zeros, addresses as rfm writes them)", () => {
    const proto = loadCsvTable(bytes("number,name\n6,tcp\n017,udp\n"), parseEnrichSpec("type=exact,source=p.csv,key=proto,key_column=number,fields=name:proto_name"));
    assert.equal(proto.description, "2 keys");
    assert.deepEqual(proto.lookup.values(flow({ proto: 6 })), ["tcp"]);
    assert.deepEqual(proto.lookup.values(flow({ proto: 17 })), ["udp"]);
    assert.equal(proto.lookup.values(flow({ proto: 1 })), undefined);
    assert.equal(proto.lookup.values(flow({})), undefined);
    const exporters = loadCsvTable(bytes("exporter,name\n2001:DB8::0:1,edge-1\n192.0.2.9,edge-2\n"), parseEnrichSpec("type=exact,source=e.csv,key=sampler_address,key_column=exporter,fields=name:exporter"));
    assert.deepEqual(exporters.lookup.values(flow({ samplerAddress: "2001:db8::1" })), ["edge-1"]);
    assert.deepEqual(exporters.lookup.values(flow({ samplerAddress: "192.0.2.9" })), ["edge-2"]);
    const ports = loadCsvTable(bytes("port,service\n53,dns\n"), parseEnrichSpec("type=exact,source=s.csv,key=dst_port,key_column=port,fields=service:service"));
    assert.deepEqual(ports.lookup.values(flow({ dport: 53 })), ["dns"]);
  });

  test("bad rows are skipped, counted and the first five named by line; the rest load", () => {
    const spec = parseEnrichSpec("type=prefix_lookup,source=asn.csv,key=dst_addr,fields=asn:asn");
    const csv = ["prefix,asn", "10.0.0.0/8,1", "10.0.0.0/33,2", "bogus,3", "10.0.0.0/8,4", "10.1.0.0/16", ",6", "10.2.0.0/16,7", "10.3.0.0/16,8,extra", "2001:db8::/129,9", "10.4.0.0/16,10"].join("\n");
    const t = loadCsvTable(bytes(csv), spec);
    assert.equal(t.description, "3 prefixes (3 IPv4, 0 IPv6)");
    assert.equal(t.badRows?.count, 7);
    assert.equal(
      t.badRows?.text(),
      '7 bad rows skipped (line 3: prefix length out of range: "10.0.0.0/33"; line 4: not an IP address: "bogus"; line 5: 10.0.0.0/8: a prefix already in the table; ' +
        "line 6: 1 fields, the header has 2; line 7: no key; 2 more)",
    );
    assert.deepEqual(t.lookup.values(to("10.4.1.1")), ["10"]);
    const exact = loadCsvTable(bytes("n,name\nsix,tcp\n6,tcp\n6,again\n"), parseEnrichSpec("type=exact,source=p.csv,key=proto,key_column=n,fields=name:p"));
    assert.equal(exact.badRows?.text(), '2 bad rows skipped (line 2: "six" is not a proto (a whole number); line 4: "6": a key already in the table)');
  });

  test("a file without the spec's columns is no table: the load fails naming what is missing", () => {
    const spec = parseEnrichSpec("type=prefix_lookup,source=asn.csv,key=dst_addr,fields=asn:asn;org:org");
    assert.throws(() => loadCsvTable(bytes("net,asn,org\n"), spec), /no prefix, cidr, network column \(the header is "net,asn,org"\)/);
    assert.throws(() => loadCsvTable(bytes("prefix,asn\n"), spec), /no column "org" for org \(the header is "prefix,asn"\)/);
    assert.throws(() => loadCsvTable(bytes(""), spec), /empty file/);
    const exact = parseEnrichSpec("type=exact,source=p.csv,key=proto,key_column=number,fields=name:p");
    assert.throws(() => loadCsvTable(bytes("num,name\n"), exact), /no key column "number"/);
  });
});
