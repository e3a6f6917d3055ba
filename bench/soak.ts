// Soak: the real `rfm agent` process, started as the README starts it, meters a
// veth into which trafgen sends 20,000 packets/s from a namespace, each with the
// next UDP source port. At sample rate 1 with a 1 s idle timeout every packet
// is a new flow, and every flow is evicted before its port comes round again
// (64,512 ports: 3.2 s). Enrichment is on as in bench/rss (MMDB files and the
// BMP listener), and /metrics is scraped every 15 s as Prometheus would.
// Reads the agent's RSS every second and prints, per minute, its floor
// (lowest reading: the heap just after a collection), peak and last reading;
// at the end the growth of the last minute's floor and peak over the first
// minute's (the goal is at most 5 % over 60 minutes). One reading alone
// swings with the garbage collector by several MB; floor and peak do not.
// A warm-up minute (minute 0: the table fills, the code is optimised, the heap
// finds its size) comes first and is printed but not compared.
// Run as root: node dist/bench/soak.js [--minutes N]   (default 60; needs
// netsniff-ng and libmaxmind-db-writer-perl)
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { withLab } from "../test/harness/lab.js";
import { HOST_NS } from "../test/harness/exec.js";
import { freePort } from "../test/harness/ports.js";
import { asnRecord, cityRecord, writeMmdbs } from "../test/enrich/mmdb-writer.js";

const { values } = parseArgs({ options: { minutes: { type: "string", default: "60" } } });
const MINUTES = Number(values.minutes);
if (!Number.isInteger(MINUTES) || MINUTES < 1) throw new Error("--minutes takes a whole number of minutes, at least 1");
const PPS = 20_000;
const SCRAPE_MS = 15_000;
const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const CLK_TCK = 100;
const mb = (kb: number) => (kb / 1024).toFixed(1);

/** CPU seconds (user + system) the process used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** Sum of every sample of `name` (any labels) in a text exposition. */
function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "gm"))) sum += Number(m[1]);
  return sum;
}

function started(agent: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    agent.stderr!.on("data", (d: Buffer | string) => {
      process.stderr.write(d);
      seen += d.toString();
      if (seen.includes("agent started")) resolve();
    });
    agent.once("exit", (code) => reject(new Error(`rfm agent exited (${code}) before it started`)));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

await withLab(
  async (lab) => {
    const ns = await lab.netns();
    const pair = await lab.veth({ ns: HOST_NS }, { ns });
    const dir = mkdtempSync(join(tmpdir(), "rfm-soak-"));
    try {
      const [a, b, c] = pair.a.ipv4.split(".");
      const asnDb = join(dir, "asn.mmdb");
      const cityDb = join(dir, "city.mmdb");
      await writeMmdbs([
        { path: asnDb, databaseType: "GeoLite2-ASN", networks: [[`${a}.${b}.0.0/16`, asnRecord(64_512, "soak")]] },
        { path: cityDb, databaseType: "GeoLite2-City", networks: [[`${a}.${b}.0.0/16`, cityRecord("Soakville")]] },
      ]);
      const metricsPort = await freePort("127.0.0.1");
      const cfg = join(dir, "rfm.toml");
      writeFileSync(
        cfg,
        `[agent]\ninterfaces = ["${pair.a.name}"]\n[agent.bpf]\nsample_rate = 1\nring_buf_size = 4194304\n` +
          `[agent.collector]\nmax_flows = 65536\neviction_timeout = "1s"\nactive_timeout = "0"\n` +
          `[agent.prometheus]\nhost = "127.0.0.1"\nport = ${metricsPort}\n` +
          `[agent.enrich.mmdb]\nasn_db = "${asnDb}"\ncity_db = "${cityDb}"\n` +
          `[agent.enrich.rib.bmp]\nhost = "::1"\nport = ${await freePort()}\n`,
      );
      // Destination: an address nobody has; with forwarding off the host drops it after the hooks.
      const conf = join(dir, "udp.trafgen");
      writeFileSync(
        conf,
        `{ eth(da=${pair.a.mac}, sa=${pair.b.mac}, type=0x0800), ipv4(saddr=${pair.b.ipv4}, daddr=${a}.${b}.${c}.99, ttl=64, proto=17), ` +
          `udp(sp=dinc(1024, 65535), dp=9), fill(0x41, 18) }\n`,
      );

      // Spawned by the lab, so an interrupted bench kills it too.
      const agent = lab.spawn(HOST_NS, [CLI, "agent", "-c", cfg]).child;
      try {
        await started(agent);
        const seconds = (MINUTES + 1) * 60 + 5;
        const traffic = lab.spawn(ns, ["timeout", "-s", "INT", String(seconds), "trafgen", "--dev", pair.b.name, "--conf", conf, "-b", `${PPS}pps`, "-P", "1", "-q"]);
        const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        const t0 = Date.now();
        let events0 = 0;
        let cpu0 = cpuSeconds(agent.pid!);
        const minutes: { floorKb: number; peakKb: number }[] = [];
        for (let minute = 0; minute <= MINUTES; minute++) {
          let text = "";
          let floorKb = Infinity;
          let peakKb = 0;
          let lastKb = 0;
          const minuteStart = t0 + minute * 60_000;
          for (let second = 1; second <= 60; second++) {
            await sleep(Math.max(0, minuteStart + second * 1000 - Date.now()));
            lastKb = rssKb(agent.pid!);
            floorKb = Math.min(floorKb, lastKb);
            peakKb = Math.max(peakKb, lastKb);
            if (second % (SCRAPE_MS / 1000) === 0) text = await scrape();
          }
          if (minute > 0) minutes.push({ floorKb, peakKb });
          const events = metricSum(text, "rfm_flow_sampled_packets_total");
          const cpu = cpuSeconds(agent.pid!);
          console.log(
            `soak minute=${minute}${minute === 0 ? " (warm-up)" : ""} rss_floor_mb=${mb(floorKb)} rss_peak_mb=${mb(peakKb)} rss_last_mb=${mb(lastKb)} ` +
              `heap_total_mb=${mb(metricSum(text, "nodejs_heap_size_total_bytes") / 1024)} ` +
              `heap_used_mb=${mb(metricSum(text, "nodejs_heap_size_used_bytes") / 1024)} active_flows=${metricSum(text, "rfm_collector_active_flows")} ` +
              `events_per_sec=${Math.round((events - events0) / 60)} ring_drops=${metricSum(text, "rfm_collector_dropped_events_total")} ` +
              `forced_evictions=${metricSum(text, "rfm_collector_forced_evictions_total")} cpu_cores=${((cpu - cpu0) / 60).toFixed(2)}`,
          );
          events0 = events;
          cpu0 = cpu;
        }
        const first = minutes[0]!;
        const last = minutes[minutes.length - 1]!;
        const growth = (from: number, to: number) => (((to - from) / from) * 100).toFixed(2);
        console.log(
          `soak result first_minute_floor_mb=${mb(first.floorKb)} last_minute_floor_mb=${mb(last.floorKb)} floor_growth_pct=${growth(first.floorKb, last.floorKb)} ` +
            `first_minute_peak_mb=${mb(first.peakKb)} last_minute_peak_mb=${mb(last.peakKb)} peak_growth_pct=${growth(first.peakKb, last.peakKb)} ` +
            `highest_mb=${mb(Math.max(...minutes.map((m) => m.peakKb)))} goal_pct=5`,
        );
        traffic.child.kill("SIGINT");
        await traffic.exited;
      } finally {
        agent.kill("SIGTERM");
        if (agent.exitCode === null) await new Promise((r) => agent.once("exit", r));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  { timeoutMs: (MINUTES + 6) * 60_000 },
);
