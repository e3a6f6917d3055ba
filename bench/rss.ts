// RSS of a running agent as issue 10 states the case: 65,536 live flows with
// enrichment on (ASN and city MMDB files, the BMP listener), fed through the
// real ingest path, then after a scrape; and the budget by part: bare Node.js,
// the modules the agent runs with, the agent's own buffers and state, the flows.
// The measuring process runs with the V8 flags of the `rfm` entry point's
// shebang (read from it), as `rfm agent` does.
// Run as root: node dist/bench/rss.js   (needs libmaxmind-db-writer-perl)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

const CHILD = "--measure";

if (process.argv[2] !== CHILD) {
  const cli = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
  const shebang = readFileSync(cli, "utf8").split("\n", 1)[0];
  const flags = shebang.split(/\s+/).filter((w) => w.startsWith("--"));
  const r = spawnSync(process.execPath, [...flags, "--expose-gc", fileURLToPath(import.meta.url), CHILD], { stdio: "inherit" });
  process.exitCode = r.status ?? 1;
} else {
  await measure();
}

async function measure(): Promise<void> {
  const FLOWS = 65_536;
  const mb = (n: number) => (n / 1048576).toFixed(1);
  const rss = () => {
    global.gc?.();
    global.gc?.();
    return process.memoryUsage().rss;
  };
  // Resident pages by kind: anonymous (the heaps, buffers, maps' pages) and
  // file-backed (the node binary and libraries, shared with every other process).
  const split = () => {
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
    const heap = process.memoryUsage();
    return `anon_mb=${mb(kb("RssAnon"))} file_mb=${mb(kb("RssFile"))} v8_heap_used_mb=${mb(heap.heapUsed)} v8_heap_total_mb=${mb(heap.heapTotal)} external_mb=${mb(heap.external)} array_buffers_mb=${mb(heap.arrayBuffers)}`;
  };
  // Nothing is imported statically: the first reading is Node.js alone.
  const bare = rss();
  console.log(`rss bare ${split()}`);
  const { Agent } = await import("../src/agent/agent.js");
  const { loadConfigFile } = await import("../src/config/index.js");
  const { encodeEvent } = await import("../src/bpf/event.js");
  const { EV, EVENT_SIZE } = await import("../src/bpf/layout.js");
  const { freePort } = await import("../test/harness/ports.js");
  const { writeMmdbs, asnRecord, cityRecord } = await import("../test/enrich/mmdb-writer.js");
  const { writeFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  // What `rfm agent` loads besides: the command line, and the modules of the enrichment configured here.
  await import("commander");
  await import("../src/agent/run.js");
  await import("../src/enrich/mmdb-source.js");
  await import("../src/enrich/bmp-listener.js");
  const modules = rss();
  console.log(`rss modules ${split()}`);

  const dir = mkdtempSync(join(tmpdir(), "rfm-rss-"));
  // 256 networks with their own ASN and city: 256 label tuples, as a few hundred peers would give.
  const networks = Array.from({ length: 256 }, (_, i) => `10.${i}.0.0/16`);
  await writeMmdbs([
    { path: join(dir, "asn.mmdb"), databaseType: "GeoLite2-ASN", networks: networks.map((n, i) => [n, asnRecord(64_512 + i, `AS${i}`)] as const) },
    { path: join(dir, "city.mmdb"), databaseType: "GeoLite2-City", networks: networks.map((n, i) => [n, cityRecord(`City ${i}`)] as const) },
  ]);
  const cfg = join(dir, "rfm.toml");
  await writeFile(
    cfg,
    `[agent]\ninterfaces = ["rfm-bench-none"]\n[agent.collector]\nmax_flows = ${FLOWS}\n` +
      `[agent.prometheus]\nport = ${await freePort()}\n` +
      `[agent.enrich.mmdb]\nasn_db = "${join(dir, "asn.mmdb")}"\ncity_db = "${join(dir, "city.mmdb")}"\n` +
      `[agent.enrich.rib.bmp]\nport = ${await freePort()}\n`,
  );
  const { config } = await loadConfigFile(cfg);
  const agent = new Agent({ config });
  await agent.start();
  const started = rss();
  console.log(`rss started ${split()}`);

  // The events are written in place (one template event, patched per flow) so the
  // bench itself allocates nothing that would grow the young generation.
  const batch = new Uint8Array(4096 * EVENT_SIZE);
  const src = new Uint8Array(16);
  const dst = new Uint8Array(16);
  src[10] = src[11] = dst[10] = dst[11] = 0xff;
  src[12] = 10;
  dst.set([192, 168, 0, 1], 12);
  const boot = Number(process.hrtime.bigint());
  encodeEvent({ tstampNs: BigInt(boot), ifindex: 2, dir: 0, proto: 6, segs: 1, src, dst, sport: 0, dport: 443, len: 1514, l2Len: 14, family: 4, flags: 0, sampleRate: 100 }, batch, 0);
  for (let i = 1; i < 4096; i++) batch.copyWithin(i * EVENT_SIZE, 0, EVENT_SIZE);
  const view = new DataView(batch.buffer);
  for (let f = 0; f < FLOWS; f += 4096) {
    for (let i = 0; i < 4096; i++) {
      const flow = f + i;
      const at = i * EVENT_SIZE;
      batch[at + EV.src + 13] = flow & 0xff; // the /16 (network, so tuple) changes fastest
      batch[at + EV.src + 14] = flow >> 8;
      batch[at + EV.src + 15] = 1;
      view.setUint16(at + EV.sport, 1024 + (flow & 0x7fff), true);
    }
    agent.table.ingest(batch, 4096, 0);
  }
  const withFlows = rss();
  await agent.metrics.render();
  const afterScrape = rss();
  console.log(`rss with_flows ${split()}`);
  console.log(
    `rss live_flows=${agent.table.size} tuples=${agent.rollups.size} with_flows_mb=${mb(withFlows)} after_scrape_mb=${mb(afterScrape)} goal_mb=64`,
  );
  console.log(
    `rss budget bare_node_mb=${mb(bare)} modules_mb=${mb(modules - bare)} agent_mb=${mb(started - modules)} ` +
      `flows_mb=${mb(withFlows - started)} scrape_mb=${mb(afterScrape - withFlows)}`,
  );
  await agent.stop();
  rmSync(dir, { recursive: true, force: true });
}
