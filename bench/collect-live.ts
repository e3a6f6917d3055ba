// Live UDP: a generator thread sends IPFIX (30 records a message, 8
// exporters) over loopback at a paced rate to `rfm collect --workers N -s
// discard` for a few seconds per step; the collector's own summary says
// how many records it decoded. Prints, per offered rate, the share kept
// (and where the rest went: the collector's sockets, its queue, or the
// kernel's input backlog before any socket), and the highest rate that kept
// at least 99.9 %.
// Run: node dist/bench/collect-live.js [seconds per step] [workers]   (default 10 s, 2 workers)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { createSocket } from "node:dgram";
import { fileURLToPath } from "node:url";
import { encodeMessage, field, type Template } from "../src/ipfix/index.js";

const TEMPLATE: Template = {
  id: 256,
  fields: [field("sourceIPv4Address"), field("destinationIPv4Address"), field("sourceTransportPort"), field("destinationTransportPort"), field("protocolIdentifier"),
    field("octetDeltaCount"), field("packetDeltaCount"), field("flowStartMilliseconds"), field("flowEndMilliseconds")],
};
const PER_MESSAGE = 30;

/** Packets the kernel dropped before any socket (the per-CPU input backlog, which loopback goes through): /proc/net/softnet_stat's second column. */
function backlogDrops(): number {
  return readFileSync("/proc/net/softnet_stat", "utf8").trim().split("\n").reduce((n, line) => n + parseInt(line.split(/\s+/)[1]!, 16), 0);
}
const EXPORTERS = 8;

interface Job { port: number; recordsPerSecond: number; seconds: number }

async function generate(job: Job): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: EXPORTERS }, () => new Promise<ReturnType<typeof createSocket>>((resolve) => {
    const s = createSocket("udp4");
    s.bind(0, "127.0.0.1", () => resolve(s));
  })));
  const data = Array.from({ length: 64 }, (_, m) => Buffer.from(encodeMessage({
    observationDomainId: 1, sequenceNumber: m * PER_MESSAGE,
    sets: [{ kind: "data", template: TEMPLATE, records: Array.from({ length: PER_MESSAGE }, (_, i) => [`10.0.${m}.${i}`, "192.0.2.1", 1000 + i, 443, 6, 1500n, 3n, 1_700_000_000_000, 1_700_000_000_500]) }],
  })));
  const template = Buffer.from(encodeMessage({ observationDomainId: 1, sets: [{ kind: "templates", templates: [TEMPLATE] }] }));
  for (const s of sockets) s.send(template, job.port, "127.0.0.1");
  await new Promise((r) => setTimeout(r, 100));
  const messagesPerSecond = job.recordsPerSecond / PER_MESSAGE;
  const total = Math.round(messagesPerSecond * job.seconds);
  const t0 = performance.now();
  let sent = 0;
  let done = 0;
  let failed = 0;
  const onSent = (err: Error | null) => {
    done++;
    if (err) failed++;
  };
  while (sent < total) {
    // Pace in 1 ms slices: send what is due, then yield to the socket callbacks.
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * messagesPerSecond));
    while (sent < due) {
      sockets[sent % EXPORTERS]!.send(data[sent % data.length]!, job.port, "127.0.0.1", onSent);
      sent++;
    }
    await new Promise((r) => setImmediate(r));
  }
  while (done < sent) await new Promise((r) => setImmediate(r));
  const elapsed = (performance.now() - t0) / 1000;
  for (const s of sockets) s.close();
  // What reached the kernel, and the rate the generator really kept up.
  parentPort!.postMessage({ achieved: ((sent - failed) * PER_MESSAGE) / elapsed });
  return (sent - failed) * PER_MESSAGE;
}

if (!isMainThread) {
  parentPort!.postMessage({ records: await generate(workerData as Job) });
} else {
  const seconds = Number(process.argv[2] ?? 10);
  const workers = Number(process.argv[3] ?? 2);
  const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
  let best = 0;
  for (const rate of [50_000, 100_000, 200_000, 300_000, 400_000, 500_000, 600_000, 800_000, 1_000_000]) {
    const backlog0 = backlogDrops();
    const child = spawn(process.execPath, [CLI, "collect", "-t", "netflow", "-H", "127.0.0.1", "-p", "0", "-s", "discard", "-f", "common", "--workers", String(workers), "--metrics-port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    while (!/listening on 127\.0\.0\.1:(\d+)/.test(stderr)) await new Promise((r) => setTimeout(r, 20));
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(stderr)![1]);
    let achieved = 0;
    const sentRecords = await new Promise<number>((resolve, reject) => {
      const w = new Worker(new URL(import.meta.url), { workerData: { port, recordsPerSecond: rate, seconds } satisfies Job });
      w.on("message", (m: { records?: number; achieved?: number }) => {
        if (m.achieved !== undefined) achieved = m.achieved;
        if (m.records !== undefined) resolve(m.records);
      }).once("error", reject);
    });
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    const got = Number(/(\d+) records in/.exec(stderr)?.[1] ?? 0);
    const kept = got / sentRecords;
    const drops = /kernel drops (\d+), queue drops (\d+)/.exec(stderr);
    console.log(
      `collect-live: workers=${workers} offered_records_per_s=${rate} generator_achieved_per_s=${Math.round(achieved)} sent=${sentRecords} decoded=${got} kept=${(100 * kept).toFixed(2)}% ` +
        `socket_drops=${drops?.[1]} queue_drops=${drops?.[2]} kernel_backlog_drops=${backlogDrops() - backlog0}`,
    );
    if (kept >= 0.999) best = rate;
    else break;
  }
  console.log(`collect-live: highest rate kept at >= 99.9%: ${best} records/s (goal >= 500,000 with 2 workers, generator included)`);
}
