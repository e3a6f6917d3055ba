// One sweep of 65,536 evicted flows through the agent's IPFIX export to a
// collector socket in another thread: time to export it all, and the longest
// pause of the event loop (where the ring is drained) while it happens.
// Run as root: node dist/bench/ipfix-sweep.js
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { createSocket } from "node:dgram";
import { fileURLToPath } from "node:url";
import { monitorEventLoopDelay } from "node:perf_hooks";

const FLOWS = 65_536;

if (!isMainThread) {
  // The collector: counts datagrams and bytes until told to report.
  const s = createSocket("udp4");
  let messages = 0;
  let bytes = 0;
  s.on("message", (m) => {
    messages++;
    bytes += m.length;
  });
  s.bind(0, "127.0.0.1", () => parentPort!.postMessage({ port: s.address().port }));
  parentPort!.on("message", () => {
    parentPort!.postMessage({ messages, bytes });
    s.close();
  });
  void workerData;
} else {
  const { Agent } = await import("../src/agent/agent.js");
  const { parseConfig } = await import("../src/config/index.js");
  const { encodeEvent } = await import("../src/bpf/event.js");
  const { EVENT_SIZE } = await import("../src/bpf/layout.js");
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: {} });
  const { port } = await new Promise<{ port: number }>((r) => worker.once("message", r));
  const { config } = parseConfig(
    `[agent]\ninterfaces = ["rfm-bench-none"]\n[agent.collector]\nmax_flows = ${FLOWS}\neviction_timeout = "1s"\n` +
      `[agent.ipfix]\nhost = "127.0.0.1"\nport = ${port}\nflush_interval = "100ms"\n`,
  );
  const agent = new Agent({ config, noMetricsServer: true });
  await agent.start();
  await new Promise((r) => setTimeout(r, 200)); // socket up
  const batch = new Uint8Array(4096 * EVENT_SIZE);
  const src = new Uint8Array(16);
  const dst = new Uint8Array(16);
  src[10] = src[11] = dst[10] = dst[11] = 0xff;
  src[12] = 10;
  dst.set([192, 168, 0, 1], 12);
  for (let f = 0; f < FLOWS; f += 4096) {
    for (let i = 0; i < 4096; i++) {
      const flow = f + i;
      src.set([flow >> 16, (flow >> 8) & 0xff, flow & 0xff], 13);
      encodeEvent({ tstampNs: 1_000_000_000n, ifindex: 2, dir: 0, proto: 17, segs: 1, src, dst, sport: 1024 + (flow & 0x7fff), dport: 53, len: 142, l2Len: 14, family: 4, flags: 0, sampleRate: 1 }, batch, i * EVENT_SIZE);
    }
    agent.table.ingest(batch, 4096, Date.now() - 1_000);
  }
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t0 = process.hrtime.bigint();
  // Every flow idle: 65,536 records to the exporter, as the agent sweeps (in slices).
  let more = true;
  while (more) {
    more = agent.table.sweep(Date.now() + 10_000, 4096);
    await new Promise((r) => setImmediate(r));
  }
  const sweepMs = Number(process.hrtime.bigint() - t0) / 1e6;
  await new Promise((r) => setTimeout(r, 1500)); // flushes and sends
  h.disable();
  worker.postMessage("report");
  const got = await new Promise<{ messages: number; bytes: number }>((r) => worker.once("message", r));
  const link = agent.ipfix!.links[0];
  console.log(
    `ipfix-sweep flows=${FLOWS} sweep_ms=${sweepMs.toFixed(1)} records_sent=${link.stats.records} messages=${link.stats.messages} ` +
      `collector_messages=${got.messages} longest_event_loop_pause_ms=${(h.max / 1e6).toFixed(1)} p99_pause_ms=${(h.percentile(99) / 1e6).toFixed(1)}`,
  );
  await agent.stop();
  await worker.terminate();
}
