// Consumer, real ring: a worker thread pushes events into the agent's real
// ring buffer at sample rate 1 (BPF_PROG_TEST_RUN over varied frames, free of
// any veth limit) while the agent's pipeline drains it on the main thread.
// Prints events/s drained, ring drops and the main thread's CPU.
// Run as root: node dist/bench/ring.js [seconds]
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadAddon } from "../src/bpf/addon.js";

const FRAMES = 1024;

function frame(i: number): Buffer {
  const f = Buffer.alloc(60);
  f.writeUInt16BE(0x0800, 12);
  f[14] = 0x45;
  f.writeUInt16BE(46, 16);
  f[22] = 64;
  f[23] = 17;
  f.writeUInt32BE(0x0a000000 + (i >> 4), 26);
  f.writeUInt32BE(0xc0a80001, 30);
  f.writeUInt16BE(10000 + i, 34);
  f.writeUInt16BE(53, 36);
  f.writeUInt16BE(26, 38);
  return f;
}

if (!isMainThread) {
  // Producer: repeat each frame so the kernel loop, not JS, dominates.
  const { progFd, seconds, repeat } = workerData as { progFd: number; seconds: number; repeat: number };
  const addon = loadAddon();
  const frames = Array.from({ length: FRAMES }, (_, i) => frame(i));
  const ctx = Buffer.alloc(192);
  ctx.writeUInt32LE(1, 40);
  const end = Date.now() + seconds * 1000;
  let runs = 0;
  for (let i = 0; Date.now() < end; i = (i + 1) % FRAMES) {
    addon.testRun(progFd, frames[i], repeat, ctx);
    runs += repeat;
  }
  parentPort!.postMessage({ runs });
} else {
  const { Agent } = await import("../src/agent/agent.js");
  const { parseConfig } = await import("../src/config/index.js");
  const seconds = Number(process.argv[2] ?? 5);
  for (const ring of [1 << 20, 1 << 24]) {
    for (const batch of [0, 64]) {
      const { config } = parseConfig(
        `[agent]\ninterfaces = ["rfm-bench-none"]\n[agent.bpf]\nsample_rate = 1\nring_buf_size = ${ring}\nwakeup_batch = ${batch}\n[agent.collector]\nmax_flows = 65536\n`,
      );
      const agent = new Agent({ config, noMetricsServer: true });
      await agent.start();
      const cpu0 = threadCpuMs();
      const t0 = Date.now();
      const drained0 = agent.table.eventsIngested;
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { progFd: agent.datapath.ingressFd, seconds, repeat: 64 } });
      const { runs } = await new Promise<{ runs: number }>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      await new Promise((r) => setTimeout(r, 200));
      agent.drain();
      const wall = (Date.now() - t0) / 1000;
      const cpu = (threadCpuMs() - cpu0) / 1000;
      const drained = agent.table.eventsIngested - drained0;
      const drops = agent.datapath.readCpuState().ringDrops;
      console.log(
        `ring ring_buf_size=${ring} wakeup_batch=${batch} produced=${runs} drained=${drained} drops=${drops} ` +
          `drained_per_sec=${(drained / wall / 1e6).toFixed(2)}M consumer_cpu=${(cpu / wall).toFixed(2)} cores ` +
          `(${((cpu / drained) * 1e9).toFixed(0)} ns/event)`,
      );
      await agent.stop();
    }
  }
}

/** CPU time of this (main) thread: /proc/self/task/<pid>/stat utime+stime. */
function threadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
