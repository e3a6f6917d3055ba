// The common format as Parquet: RustFlow's columns and widths, unset fields
// null, nanosecond times exact, rows held until a row group of 32,768 is
// full, Snappy (deltas for the times), and DuckDB reading every column
// with its type. Files are
// read back with hyparquet (the raw int64 of the times) and DuckDB.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { DuckDBInstance } from "@duckdb/node-api";
import { CommonParquet, PARQUET_ROW_GROUP } from "../../src/collect/format/common-parquet.js";
import { COMMON_COLUMNS } from "../../src/collect/format/common-columns.js";
import type { Chunk } from "../../src/collect/format/formatter.js";
import { parseAddress } from "../../src/net/address.js";
import type { FlowRecord } from "../../src/flow-record/index.js";
import { tempDir } from "../harness/temp-dir.js";

const EVERY: FlowRecord = {
  flowType: "IPFIX", receivedMs: 1_796_683_982_109, receivedNs: 847_873, sequence: 4_000_000_000, samplingRate: 100, samplerAddress: "192.0.2.9",
  startMs: 1_700_000_000_001.5, endMs: 1_700_000_000_002, bytes: 2 ** 40 + 5, packets: 3, family: 6,
  src: parseAddress("2001:db8::1"), dst: parseAddress("10.0.0.2"), srcMac: "00:1b:21:aa:bb:cc", dstMac: "52:54:00:12:34:56",
  etype: 0x86dd, proto: 17, sport: 53, dport: 4242, inIf: 7, outIf: 8, tos: 0xb8, ttl: 64, tcpFlags: 0x1ff, icmpType: 3, icmpCode: 1,
  flowLabel: 0xfffff, fragmentId: 0xffffffff, fragmentOffset: 1480, srcAsn: 64512, dstAsn: 4_200_000_000, nextHop: "2001:db8::fe", srcMask: 48, dstMask: 64,
  bgpNextHop: "198.51.100.1", srcVlan: 100, dstVlan: 4094, observationDomainId: 1, templateId: 256, enriched: { city: "Zürich", other: "not a column" },
};

/** RustFlow's Arrow types, as DuckDB names them. */
const DUCKDB_TYPES: Record<string, string> = {
  flow_type: "VARCHAR", time_received_ns: "TIMESTAMP WITH TIME ZONE", sequence_num: "UINTEGER", sampling_rate: "UINTEGER", sampler_address: "VARCHAR",
  time_flow_start_ns: "TIMESTAMP WITH TIME ZONE", time_flow_end_ns: "TIMESTAMP WITH TIME ZONE", bytes: "UBIGINT", packets: "UBIGINT", src_addr: "VARCHAR",
  dst_addr: "VARCHAR", src_mac: "VARCHAR", dst_mac: "VARCHAR", etype: "USMALLINT", proto: "UTINYINT", src_port: "USMALLINT", dst_port: "USMALLINT",
  in_if: "UINTEGER", out_if: "UINTEGER", ip_tos: "UTINYINT", ip_ttl: "UTINYINT", tcp_flags: "USMALLINT", icmp_type: "UTINYINT", icmp_code: "UTINYINT",
  ipv6_flow_label: "UINTEGER", fragment_id: "UINTEGER", fragment_offset: "USMALLINT", src_as: "UINTEGER", dst_as: "UINTEGER", next_hop: "VARCHAR",
  src_net: "UTINYINT", dst_net: "UTINYINT", bgp_next_hop: "VARCHAR", src_vlan: "USMALLINT", dst_vlan: "USMALLINT", observation_domain_id: "UINTEGER",
  template_id: "USMALLINT",
};

const octets = (c: Chunk) => (typeof c === "string" ? Buffer.from(c) : c);

/** One whole file of `batches`, and the size of what each call returned. */
async function file(format: CommonParquet, batches: FlowRecord[][]): Promise<{ bytes: Buffer; sizes: number[] }> {
  const e = format.open();
  const chunks = [octets(e.begin()), ...batches.map((b) => octets(e.encode(b))), octets(await e.end())];
  return { bytes: Buffer.concat(chunks), sizes: chunks.map((c) => c.length) };
}

const arrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;

async function readRows(b: Buffer): Promise<Record<string, unknown>[]> {
  return parquetReadObjects({ file: arrayBuffer(b), parsers: { timestampFromNanoseconds: (ns: bigint) => ns }});
}

async function duckdb<T>(use: (query: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    return await use(async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[]);
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

describe("common format as Parquet", () => {
  test("RustFlow's columns in order with native unsigned widths, times as TIMESTAMP(NANOS, UTC), addresses and MACs as strings, enrichment as strings, Snappy", async () => {
    const { bytes } = await file(new CommonParquet(["city"]), [[EVERY]]);
    const meta = parquetMetadata(arrayBuffer(bytes));
    const leaves = meta.schema.slice(1);
    assert.deepEqual(leaves.map((e) => e.name), [...COMMON_COLUMNS.map((c) => c.name), "city"]);
    const describe = (name: string) => {
      const e = leaves.find((l) => l.name === name)!;
      return [e.type, e.converted_type ?? e.logical_type?.type, e.repetition_type, JSON.stringify(e.logical_type)].join(" ");
    };
    assert.equal(describe("time_received_ns"), 'INT64 TIMESTAMP OPTIONAL {"type":"TIMESTAMP","isAdjustedToUTC":true,"unit":"NANOS"}');
    assert.equal(describe("bytes"), "INT64 UINT_64 REQUIRED ");
    assert.equal(describe("proto"), "INT32 UINT_8 OPTIONAL ");
    assert.equal(describe("src_port"), "INT32 UINT_16 OPTIONAL ");
    assert.equal(describe("in_if"), "INT32 UINT_32 OPTIONAL ");
    assert.equal(describe("src_addr"), 'BYTE_ARRAY UTF8 OPTIONAL {"type":"STRING"}');
    assert.equal(describe("city"), 'BYTE_ARRAY UTF8 OPTIONAL {"type":"STRING"}');
    for (const c of meta.row_groups[0]!.columns) {
      const name = c.meta_data!.path_in_schema[0]!;
      assert.equal(c.meta_data!.codec, "SNAPPY", name);
      assert.equal(c.meta_data!.statistics !== undefined, name.startsWith("time_"), `statistics on the time columns only (${name})`);
      assert.equal(c.meta_data!.encodings.includes("DELTA_BINARY_PACKED"), name.startsWith("time_"), `deltas for the time columns only (${name})`);
    }
    const dir = tempDir("rfm-parquet-");
    writeFileSync(join(dir, "f.parquet"), bytes);
    const types = await duckdb((q) => q(`DESCRIBE SELECT * FROM read_parquet('${join(dir, "f.parquet")}')`));
    assert.deepEqual(Object.fromEntries(types.map((t) => [t.column_name, t.column_type])), { ...DUCKDB_TYPES, city: "VARCHAR" });
  });

  test("every column's value, unset fields null, times exact to the nanosecond", async () => {
    const { bytes } = await file(new CommonParquet(["city", "org"]), [[EVERY, { bytes: 0, packets: 0 }, { bytes: 1, packets: 1, receivedMs: -1, receivedNs: 0, startMs: 0.9999999 }]]);
    const [every, bare, early] = await readRows(bytes);
    assert.deepEqual(every, {
      flow_type: "IPFIX", time_received_ns: 1796683982109847873n, sequence_num: 4_000_000_000, sampling_rate: 100, sampler_address: "192.0.2.9",
      time_flow_start_ns: 1700000000001500000n, time_flow_end_ns: 1700000000002000000n, bytes: BigInt(2 ** 40 + 5), packets: 3n, src_addr: "2001:db8::1", dst_addr: "10.0.0.2",
      src_mac: "00:1b:21:aa:bb:cc", dst_mac: "52:54:00:12:34:56", etype: 0x86dd, proto: 17, src_port: 53, dst_port: 4242, in_if: 7, out_if: 8, ip_tos: 0xb8, ip_ttl: 64,
      tcp_flags: 0x1ff, icmp_type: 3, icmp_code: 1, ipv6_flow_label: 0xfffff, fragment_id: 0xffffffff, fragment_offset: 1480, src_as: 64512, dst_as: 4_200_000_000,
      next_hop: "2001:db8::fe", src_net: 48, dst_net: 64, bgp_next_hop: "198.51.100.1", src_vlan: 100, dst_vlan: 4094, observation_domain_id: 1, template_id: 256,
      city: "Zürich", org: null,
    });
    assert.deepEqual(bare, { ...Object.fromEntries(Object.keys(every!).map((k) => [k, null])), bytes: 0n, packets: 0n });
    assert.equal(early!.time_received_ns, -1_000_000n);
    assert.equal(early!.time_flow_start_ns, 1_000_000n);
  });

  test("rows are held until a row group of 32,768 is full; end writes the rest and the footer", async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i): FlowRecord => ({ bytes: i, packets: 1, src: parseAddress(`10.0.${i >> 8 & 0xff}.${i & 0xff}`) }));
    const { bytes, sizes } = await file(new CommonParquet(), [rows(PARQUET_ROW_GROUP - 1), rows(1), rows(PARQUET_ROW_GROUP + 5), rows(100)]);
    assert.equal(bytes.subarray(0, 4).toString(), "PAR1");
    assert.equal(bytes.subarray(-4).toString(), "PAR1");
    assert.equal(sizes[0], 4, "begin: the magic number");
    assert.equal(sizes[1], 0, "32,767 rows: nothing yet");
    assert.ok(sizes[2]! > 0, "the 32,768th row: the first group");
    assert.ok(sizes[3]! > 0, "one more full group");
    assert.equal(sizes[4], 0, "105 rows held");
    const meta = parquetMetadata(arrayBuffer(bytes));
    assert.deepEqual(meta.row_groups.map((g) => Number(g.num_rows)), [PARQUET_ROW_GROUP, PARQUET_ROW_GROUP, 105]);
    const dir = tempDir("rfm-parquet-");
    writeFileSync(join(dir, "f.parquet"), bytes);
    const [sums] = await duckdb((q) => q(`SELECT count(*) AS n, sum(bytes) AS b, count(DISTINCT src_addr) AS a FROM read_parquet('${join(dir, "f.parquet")}')`));
    const n = 2 * PARQUET_ROW_GROUP + 105;
    const expected = [PARQUET_ROW_GROUP - 1, 1, PARQUET_ROW_GROUP + 5, 100].reduce((s, k) => s + (k * (k - 1)) / 2, 0);
    assert.deepEqual(sums, { n: String(n), b: String(expected), a: String(PARQUET_ROW_GROUP + 5) });
  });

  test("a file with no records is a valid file with no rows; each file has its own encoder; no streaming to a pipe", async () => {
    const format = new CommonParquet();
    assert.equal(format.streams, false);
    assert.equal(format.extension, "parquet");
    assert.notEqual(format.open(), format.open());
    const { bytes } = await file(format, []);
    assert.equal(parquetMetadata(arrayBuffer(bytes)).num_rows, 0n);
  });
});
