// `rfm collect -f common` end to end in every serialisation: the same
// capture written as NDJSON, CSV, Protobuf and Parquet by the real command
// line, then read back by outsiders (DuckDB for CSV and Parquet, protobufjs
// from the shipped .proto): the same rows, byte and packet totals and
// distinct sources as the NDJSON. The capture holds more records than a
// Parquet row group, so the last group is a short one written at the end.
import { test, describe, before } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import protobuf from "protobufjs";
import { DuckDBInstance } from "@duckdb/node-api";
import { runCli } from "../cli/run-cli.js";
import { tempDir } from "../harness/temp-dir.js";
import { encodePcap } from "../../src/pcap/index.js";
import { encodeNetflowV5 } from "../../src/netflow-v5/index.js";
import { PACKAGE_ROOT } from "../../src/paths.js";

const DATAGRAMS = 1200;
const PER_DATAGRAM = 30; // NetFlow v5's maximum: 36,000 records, past one Parquet row group

interface Totals { rows: number; bytes: string; packets: string; sources: number }

function capture(file: string): void {
  const u16 = (n: number) => [n >> 8, n & 0xff];
  const frame = (payload: Uint8Array) => {
    const udp = [...u16(2055), ...u16(2055), ...u16(8 + payload.length), 0, 0, ...payload];
    return Uint8Array.from([0x45, 0, ...u16(20 + udp.length), 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 200, 127, 0, 0, 1, ...udp]);
  };
  const packets = Array.from({ length: DATAGRAMS }, (_, d) => {
    const records = Array.from({ length: PER_DATAGRAM }, (_, r) => {
      const i = d * PER_DATAGRAM + r;
      return {
        srcAddr: `10.${(i % 5000) >> 8}.${i % 5000 & 0xff}.1`, dstAddr: "198.51.100.1", nextHop: "192.0.2.254", input: 1, output: 2,
        packets: 1 + (i % 97), octets: 4_000_000_000 - i * 1000, first: 1000, last: 2000, srcPort: 1024 + (i % 50_000), dstPort: 443,
        tcpFlags: 0x1b, protocol: 6, tos: 0, srcAs: 64512, dstAs: 15169, srcMask: 24, dstMask: 24,
      };
    });
    const header = { sysUptime: 5000, unixSecs: 1_700_000_000 + d, unixNsecs: 0, flowSequence: d * PER_DATAGRAM, engineType: 0, engineId: 0, samplingMode: 0, samplingInterval: 0 };
    const payload = encodeNetflowV5(header, records);
    return { tsSec: 1_700_000_000 + d, tsNsec: 123_456_789, originalLength: payload.length + 28, data: frame(payload) };
  });
  writeFileSync(file, encodePcap(packets, { linkType: 101, nanos: true }));
}

async function duckdbTotals(from: string): Promise<Totals> {
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    const reader = await con.runAndReadAll(`SELECT count(*) AS n, sum(bytes) AS b, sum(packets) AS p, count(DISTINCT src_addr) AS s FROM ${from}`);
    const [row] = reader.getRowObjectsJson() as Record<string, string>[];
    return { rows: Number(row!.n), bytes: row!.b!, packets: row!.p!, sources: Number(row!.s) };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

describe("rfm collect -f common: every serialisation carries the same flows", () => {
  const dir = tempDir("rfm-collect-formats-");
  const pcap = join(dir, "v5.pcap");
  let expected: Totals;
  const out = (s: string) => join(dir, `flows.${s}`);

  before(async () => {
    capture(pcap);
    const r = await runCli(["collect", "-t", "netflow", "--pcap", pcap, "-f", "common", "-s", "ndjson", "-o", out("ndjson")], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const lines = readFileSync(out("ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { bytes: number; packets: number; src_addr: string });
    expected = {
      rows: lines.length,
      bytes: lines.reduce((s, l) => s + BigInt(l.bytes), 0n).toString(),
      packets: lines.reduce((s, l) => s + BigInt(l.packets), 0n).toString(),
      sources: new Set(lines.map((l) => l.src_addr)).size,
    };
    assert.equal(expected.rows, DATAGRAMS * PER_DATAGRAM);
    assert.equal(expected.sources, 5000);
  });

  for (const s of ["csv", "parquet"] as const) {
    test(`-s ${s}: DuckDB reads the same rows, bytes, packets and sources as the NDJSON`, async () => {
      const r = await runCli(["collect", "-t", "netflow", "--pcap", pcap, "-f", "common", "-s", s, "-o", out(s)], { timeoutMs: 120_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`${DATAGRAMS * PER_DATAGRAM} records`));
      const from = s === "csv" ? `read_csv('${out(s)}', header = true)` : `read_parquet('${out(s)}')`;
      assert.deepEqual(await duckdbTotals(from), expected);
    });
  }

  test("-s protobuf: protobufjs reads the same from the length-delimited stream with the shipped schema", async () => {
    const r = await runCli(["collect", "-t", "netflow", "--pcap", pcap, "-f", "common", "-s", "protobuf", "-o", out("pb")], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    const CommonFlow = protobuf.parse(readFileSync(join(PACKAGE_ROOT, "proto", "rfm-common-flow.proto"), "utf8")).root.lookupType("rustflow.CommonFlow");
    const reader = protobuf.Reader.create(readFileSync(out("pb")));
    const got: Totals = { rows: 0, bytes: "0", packets: "0", sources: 0 };
    let bytes = 0n;
    let packets = 0n;
    const sources = new Set<string>();
    while (reader.pos < reader.len) {
      const m = CommonFlow.toObject(CommonFlow.decodeDelimited(reader), { longs: String, bytes: Array }) as { bytes: string; packets: string; srcAddr: number[] };
      got.rows++;
      bytes += BigInt(m.bytes);
      packets += BigInt(m.packets);
      sources.add(m.srcAddr.join("."));
    }
    assert.deepEqual({ ...got, bytes: bytes.toString(), packets: packets.toString(), sources: sources.size }, expected);
  });

  test("usage errors exit 2: parquet to standard output, parquet or protobuf without -f common", async () => {
    const stdout = await runCli(["collect", "-t", "netflow", "--pcap", pcap, "-f", "common", "-s", "parquet"]);
    assert.equal(stdout.code, 2);
    assert.match(stdout.stderr, /-s parquet needs -o/);
    assert.equal((await runCli(["collect", "-t", "netflow", "--pcap", pcap, "-f", "common", "-s", "parquet", "-o", "-"])).code, 2);
    for (const s of ["parquet", "protobuf"]) {
      const raw = await runCli(["collect", "-t", "netflow", "--pcap", pcap, "-s", s, "-o", out(`raw.${s}`)]);
      assert.equal(raw.code, 2);
      assert.match(raw.stderr, new RegExp(`-f raw writes ndjson or discard; ${s} needs -f common`));
    }
  });
});
