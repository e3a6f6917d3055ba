// End to end over a veth: trafgen floods 60-byte UDP frames (a new source port
// per packet, so many flows) from a namespace into a host-side veth end, where
// the observer runs. For each observer the same traffic is measured in the same
// run: packets carried, observer CPU (user + system) per Mpps, ring drops.
// Observers: rfm agent at N = 1, 10, 100, 1000, then softflowd and pmacctd
// (both libpcap), and the ratios at N = 100.
// Run as root: node dist/bench/e2e.js [seconds]   (needs netsniff-ng, softflowd, pmacct)
import { spawn, spawnSync, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withLab } from "../test/harness/lab.js";
import { HOST_NS } from "../test/harness/exec.js";
import { freePort } from "../test/harness/ports.js";

const SECONDS = Number(process.argv[2] ?? 5);
const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const CLK_TCK = 100;

interface Result {
  observer: string;
  pps: number;
  cores: number;
  drops?: number;
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

function rxPackets(ifname: string): number {
  const [link] = JSON.parse(execFileSync("ip", ["-s", "-j", "link", "show", ifname], { encoding: "utf8" })) as { stats64: { rx: { packets: number } } }[];
  return link.stats64.rx.packets;
}

async function waitFor(child: ChildProcess, pattern: RegExp, ms = 15_000): Promise<void> {
  let seen = "";
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${pattern}: ${seen}`)), ms);
    const on = (d: Buffer) => {
      seen += d.toString();
      if (pattern.test(seen)) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stderr?.on("data", on);
    child.stdout?.on("data", on);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

await withLab(
  async (lab) => {
    const ns = await lab.netns();
    const pair = await lab.veth({ ns: HOST_NS }, { ns });
    const dir = mkdtempSync(join(tmpdir(), "rfm-e2e-"));
    try {
      // Destination: an address nobody has; with forwarding off the host drops it after the hooks.
      const conf = join(dir, "udp60.trafgen");
      const [a, b, c] = pair.a.ipv4.split(".");
      writeFileSync(
        conf,
        `{ eth(da=${pair.a.mac}, sa=${pair.b.mac}, type=0x0800), ipv4(saddr=${pair.b.ipv4}, daddr=${a}.${b}.${c}.99, ttl=64, proto=17), udp(sp=drnd(), dp=9), fill(0x41, 18) }\n`,
      );
      const trafgen = (seconds: number) =>
        lab.exec(ns, ["timeout", "-s", "INT", String(seconds), "trafgen", "--dev", pair.b.name, "--conf", conf, "-P", "1", "-q", "-C"], {
          timeoutMs: (seconds + 10) * 1000,
        });
      const flood = async (observerPid: number): Promise<{ pps: number; cores: number }> => {
        // Warm-up first: JIT compilation and table growth are not the steady state being measured.
        await trafgen(1);
        await sleep(300);
        const rx0 = rxPackets(pair.a.name);
        const cpu0 = cpuSeconds(observerPid);
        const t0 = Date.now();
        await trafgen(SECONDS);
        await sleep(500); // let the observer finish what is queued
        const wall = (Date.now() - t0) / 1000;
        return { pps: (rxPackets(pair.a.name) - rx0) / (wall - 0.5), cores: (cpuSeconds(observerPid) - cpu0) / wall };
      };

      const results: Result[] = [];
      for (const rate of [1, 10, 100, 1000]) {
        for (const ring of rate === 1 ? [262_144, 4_194_304] : [262_144]) {
          const port = await freePort("127.0.0.1");
          const cfg = join(dir, `rfm-${rate}-${ring}.toml`);
          writeFileSync(cfg, `[agent]\ninterfaces = ["${pair.a.name}"]\n[agent.bpf]\nsample_rate = ${rate}\nring_buf_size = ${ring}\n[agent.prometheus]\nhost = "127.0.0.1"\nport = ${port}\n`);
          const agent = spawn(process.execPath, [CLI, "agent", "-c", cfg], { stdio: ["ignore", "pipe", "pipe"] });
          await waitFor(agent, /agent started/);
          const r = await flood(agent.pid!);
          const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          const drops = Number(/^rfm_collector_dropped_events_total (\d+)/m.exec(metrics)?.[1] ?? NaN);
          agent.kill("SIGTERM");
          await new Promise((res) => agent.once("exit", res));
          results.push({ observer: `rfm N=${rate} ring=${ring}`, ...r, drops });
        }
      }

      // The lab runs the other observers in process groups of their own and kills
      // the whole group (pmacctd forks its plugins), so none outlives the bench.
      const softflowd = lab.spawn(HOST_NS, ["softflowd", "-i", pair.a.name, "-n", "127.0.0.1:9", "-v", "10", "-d", "-t", "maxlife=5"]);
      await sleep(1500);
      results.push({ observer: "softflowd (libpcap)", ...(await flood(softflowd.pid)) });
      softflowd.kill("SIGKILL");
      await softflowd.exited;

      const pmconf = join(dir, "pmacctd.conf");
      writeFileSync(
        pmconf,
        [
          "daemonize: false",
          `pcap_interface: ${pair.a.name}`,
          "plugins: nfprobe[ipfix]",
          "nfprobe_receiver[ipfix]: 127.0.0.1:9",
          "nfprobe_version[ipfix]: 10",
          "aggregate[ipfix]: src_host, dst_host, src_port, dst_port, proto",
          "plugin_pipe_size[ipfix]: 102400000",
          "plugin_buffer_size[ipfix]: 1024000",
        ].join("\n") + "\n",
      );
      const pmacctd = lab.spawn(HOST_NS, ["pmacctd", "-f", pmconf]);
      await sleep(2000);
      // pmacctd forks its plugin: count its whole process group.
      const pids = spawnSync("pgrep", ["-g", String(pmacctd.pid)], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean).map(Number);
      const cpu0 = pids.map(cpuSeconds).reduce((x, y) => x + y, 0);
      const t0 = Date.now();
      const pm = await flood(pmacctd.pid);
      const wall = (Date.now() - t0) / 1000;
      const cpu = pids.map(cpuSeconds).reduce((x, y) => x + y, 0) - cpu0;
      results.push({ observer: "pmacctd (libpcap, nfprobe)", pps: pm.pps, cores: cpu / wall });
      pmacctd.kill("SIGKILL");
      await pmacctd.exited;

      for (const r of results) {
        const perMpps = r.cores / (r.pps / 1e6);
        console.log(
          `e2e observer="${r.observer}" pps=${Math.round(r.pps)} cores=${r.cores.toFixed(3)} cores_per_mpps=${perMpps.toFixed(3)}` +
            (r.drops !== undefined ? ` ring_drops=${r.drops}` : ""),
        );
      }
      const per = (name: string) => {
        const r = results.find((x) => x.observer.startsWith(name))!;
        return r.cores / (r.pps / 1e6);
      };
      const rfm100 = per("rfm N=100");
      console.log(`e2e ratio softflowd/rfm(N=100)=${(per("softflowd") / rfm100).toFixed(1)}x pmacctd/rfm(N=100)=${(per("pmacctd") / rfm100).toFixed(1)}x (cpu per Mpps)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  { timeoutMs: 600_000 },
);
