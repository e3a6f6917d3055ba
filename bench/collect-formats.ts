// `rfm collect -f common`'s serialisations: flow records one core encodes
// (begin, batches of 4,096 records, end) into a sink that drops the bytes
// (/dev/null), per second of wall time and per second of CPU time (every
// thread of the process, the GC's included: steadier on a busy machine),
// the output's size, and the peak RSS beside the RSS of the records alone,
// for every format rfm writes and for the libraries that were candidates
// for Protobuf and Parquet (bench/collect-formats-candidates.ts). Each row
// runs in a child process of its own, with the V8 flags of the `rfm` entry
// point, so its peak RSS is its own. The records are 65,536 distinct ones
// shaped like the collector's (NetFlow v5 over IPv4, IPFIX over IPv6 with
// MACs and VLANs), cycled. Candidate libraries that are not in package.json
// are measured only when installed beside it (`npm install --no-save NAME`),
// else listed as such.
// Run: node dist/bench/collect-formats.js [ROW...] [--records N] [--no-rfm-flags]
// (ROW: a row's name or its start, e.g. parquet; --no-rfm-flags: plain node)
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FlowRecord } from "../src/flow-record/index.js";
import type { Chunk } from "../src/collect/format/formatter.js";
import { parseAddress } from "../src/net/address.js";
import { CANDIDATES, type Row } from "./collect-formats-candidates.js";

const CHILD = "--row";
const BATCH = 4096;
const POOL = 65_536;

const ROWS: Row[] = [
  { name: "ndjson", detail: "rfm CommonNdjson", load: async () => new (await import("../src/collect/format/common-ndjson.js")).CommonNdjson() },
  { name: "csv", detail: "rfm CommonCsv", load: async () => new (await import("../src/collect/format/common-csv.js")).CommonCsv() },
  { name: "protobuf", detail: "rfm CommonProtobuf (hand-written varints)", load: async () => new (await import("../src/collect/format/common-protobuf.js")).CommonProtobuf() },
  { name: "parquet", detail: "rfm CommonParquet (hyparquet-writer)", load: async () => new (await import("../src/collect/format/common-parquet.js")).CommonParquet() },
  ...CANDIDATES,
];

/** 65,536 records like the collector's: 3 in 4 NetFlow v5 over IPv4, the rest IPFIX over IPv6 with layer 2. */
export function recordPool(n = POOL): FlowRecord[] {
  const exporters = Array.from({ length: 8 }, (_, i) => `192.0.2.${10 + i}`);
  const hops = Array.from({ length: 16 }, (_, i) => `198.51.100.${1 + i}`);
  const hex = (v: number) => (v & 0xff).toString(16).padStart(2, "0");
  const out: FlowRecord[] = [];
  for (let i = 0; i < n; i++) {
    const t = 1_796_683_982_000 + i * 7;
    const packets = 1 + ((i * 2654435761) % 5000);
    const base: FlowRecord = {
      receivedMs: t, receivedNs: (i * 7919) % 1_000_000, sequence: 1000 + (i >> 5), samplerAddress: exporters[i & 7]!,
      startMs: t - 30_000 + (i % 1000) / 4, endMs: t - 1000, packets, bytes: packets * (i % 13 === 0 ? 3_000_000 : 700),
      proto: i % 3 === 0 ? 17 : 6, sport: 1024 + ((i * 31) % 60000), dport: i % 5 === 0 ? 53 : 443, inIf: 1 + (i & 3), outIf: 5 + (i & 1),
      tos: i & 0x1c, tcpFlags: i % 3 === 0 ? undefined : 0x1b, srcAsn: 64512 + (i % 200), dstAsn: 15169, nextHop: hops[i & 15]!,
    };
    if (i % 4 !== 3) {
      out.push({
        ...base, flowType: "NETFLOW_V5", samplingRate: 0, family: 4, etype: 0x0800, srcMask: 24, dstMask: 16,
        src: parseAddress(`10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`), dst: parseAddress(`172.16.${(i * 13) & 0xff}.${(i >> 3) & 0xff}`),
      });
    } else {
      out.push({
        ...base, flowType: "IPFIX", samplingRate: 100, family: 6, etype: 0x86dd, ttl: 64, flowLabel: i & 0xfffff, srcVlan: 100 + (i & 7), dstVlan: 200,
        observationDomainId: 1, templateId: 256, srcMask: 48, dstMask: 64, bgpNextHop: "2001:db8:ffff::1",
        src: parseAddress(`2001:db8:${(i >> 8).toString(16)}::${(i & 0xff).toString(16)}`), dst: parseAddress(`2001:db8:1::${(i * 7 & 0xffff).toString(16)}`),
        srcMac: `00:1b:21:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`, dstMac: "52:54:00:12:34:56",
      });
    }
  }
  return out;
}

interface Result { name: string; records: number; seconds: number; cpuSeconds: number; bytes: number; poolRssMb: number; peakRssMb: number }

async function measure(row: Row, records: number): Promise<Result> {
  const pool = recordPool();
  const batches = Array.from({ length: POOL / BATCH }, (_, i) => pool.slice(i * BATCH, (i + 1) * BATCH));
  const format = await row.load();
  global.gc?.();
  const poolRssMb = process.memoryUsage().rss / 2 ** 20;
  const sink = openSync("/dev/null", "w");
  let bytes = 0;
  const put = (c: Chunk) => {
    if (c.length > 0) bytes += typeof c === "string" ? writeSync(sink, c) : writeSync(sink, c);
  };
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const encoder = format.open();
  put(encoder.begin());
  for (let done = 0, i = 0; done < records; i++) {
    const batch = batches[i % batches.length]!;
    const take = Math.min(batch.length, records - done);
    put(encoder.encode(take === batch.length ? batch : batch.slice(0, take)));
    done += take;
    // The collector awaits its write between batches: a library working in
    // promises gets its turn here, as it would there.
    await new Promise((resolve) => setImmediate(resolve));
  }
  put(await encoder.end());
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  closeSync(sink);
  return { name: row.name, records, seconds, cpuSeconds: (used.user + used.system) / 1e6, bytes, poolRssMb, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

function main(): void {
  const args = process.argv.slice(2);
  const at = args.indexOf("--records");
  const records = at >= 0 ? Number(args[at + 1]) : 1_000_000;
  const plain = args.includes("--no-rfm-flags");
  const wanted = args.filter((a, i) => !a.startsWith("--") && (at < 0 || i !== at + 1));
  const rows = ROWS.filter((r) => wanted.length === 0 || wanted.some((w) => r.name.startsWith(w)));
  const cli = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
  const flags = plain ? [] : readFileSync(cli, "utf8").split("\n", 1)[0]!.split(/\s+/).filter((w) => w.startsWith("--"));
  console.log(`collect formats: ${records.toLocaleString("en")} records, batches of ${BATCH}, node ${process.version}, V8 flags: ${flags.join(" ") || "none"}`);
  console.log(`${"row".padEnd(26)} ${"records/s".padStart(11)} ${"per CPU s".padStart(11)} ${"MiB out".padStart(8)} ${"peak RSS".padStart(9)} ${"(pool)".padStart(7)}  what`);
  for (const row of rows) {
    const r = spawnSync(process.execPath, [...flags, "--expose-gc", fileURLToPath(import.meta.url), CHILD, row.name, String(records)], { encoding: "utf8" });
    const line = r.stdout.trim().split("\n").pop() ?? "";
    if (r.status !== 0 || !line.startsWith("{")) {
      const why = /Error: \S+ (not installed[^\n]*)/.exec(r.stderr)?.[1] ?? `failed: ${(r.stderr.trim().split("\n").find((l) => /Error/.test(l)) ?? r.stderr.trim()).slice(0, 160)}`;
      console.log(`${row.name.padEnd(26)} ${"-".padStart(11)} ${"-".padStart(11)} ${"-".padStart(8)} ${"-".padStart(9)} ${"-".padStart(7)}  ${row.detail}: ${why}`);
      continue;
    }
    const m = JSON.parse(line) as Result;
    console.log(
      `${m.name.padEnd(26)} ${Math.round(m.records / m.seconds).toLocaleString("en").padStart(11)} ${Math.round(m.records / m.cpuSeconds).toLocaleString("en").padStart(11)} ${(m.bytes / 2 ** 20).toFixed(1).padStart(8)} ` +
        `${m.peakRssMb.toFixed(0).padStart(5)} MiB ${m.poolRssMb.toFixed(0).padStart(7)}  ${row.detail}`,
    );
  }
}

if (process.argv[1] !== fileURLToPath(import.meta.url)) {
  // imported (recordPool): nothing to run
} else if (process.argv[2] === CHILD) {
  const row = ROWS.find((r) => r.name === process.argv[3]);
  if (!row) throw new Error(`no row ${process.argv[3]}`);
  console.log(JSON.stringify(await measure(row, Number(process.argv[4]))));
} else main();
