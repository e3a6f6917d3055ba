// UDP receive on loopback: the addon's batched receiver (recvmmsg, one JS
// call per batch: src/net/udp-receiver.ts) against node:dgram's 'message'
// event per datagram, in the same run, same datagrams, same receive buffer.
// The sender is a worker thread with a connected node:dgram socket (sends that
// complete synchronously); the receiver on the main thread reads every
// datagram's length and first octet. Two measures per datagram size:
//   stream: the sender sends as fast as it can for a few seconds; per
//     receiver datagrams/s and batches/s received, kernel drops, and the main
//     thread's CPU per datagram. On a small machine the sender, not the
//     receiver, sets the rate, so the CPU per datagram is the figure to read.
//   burst: the main thread is blocked (Atomics.wait) while the sender puts a
//     burst that fits the receive buffer into it, then drains it: datagrams/s
//     and batches/s while draining, the receiver's capacity with the sender
//     idle. Repeated for a number of bursts.
// Each ends with the ratio native/dgram.
// Run: node dist/bench/udp-receive.js [seconds per stream run, default 3]
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { UdpReceiver } from "../src/net/udp-receiver.js";

const SIZES = [64, 512, 1400];
/** Asked-for receive buffer of both receivers (within net.core.rmem_max, so dgram gets the same). */
const RECEIVE_BUFFER = 4 << 20;
/** Sends per turn of the streaming sender's loop. */
const STREAM_BURST = 256;
const BURSTS = 40;
/** Sender control word: the main thread asks for a burst (GO), the sender says it is in (SENT). */
const IDLE = 0;
const GO = 1;
const SENT = 2;
const STOP = 3;

type Kind = "native" | "dgram";

interface SenderJob {
  port: number;
  size: number;
  /** stream: send for this long. */
  seconds?: number;
  /** burst: datagrams per burst, and the control word shared with the main thread. */
  burst?: number;
  control?: SharedArrayBuffer;
}

if (!isMainThread) {
  await sender(workerData as SenderJob);
} else {
  const seconds = Number(process.argv[2] ?? 3);
  for (const size of SIZES) {
    const burst = Math.floor(0.8 * (await fits(size)));
    const stream = { native: await streamRun("native", size, seconds), dgram: await streamRun("dgram", size, seconds) };
    console.log(
      `udp-receive mode=stream size=${size} ratio native/dgram: datagrams_per_sec=${(stream.native.perSec / stream.dgram.perSec).toFixed(2)}x ` +
        `cpu_per_datagram=${(stream.native.nsPerDatagram / stream.dgram.nsPerDatagram).toFixed(2)}x`,
    );
    const drain = { native: await burstRun("native", size, burst), dgram: await burstRun("dgram", size, burst) };
    console.log(
      `udp-receive mode=burst size=${size} ratio native/dgram: datagrams_per_sec=${(drain.native.perSec / drain.dgram.perSec).toFixed(2)}x`,
    );
  }
}

/** The sender thread: a stream for `seconds`, or bursts on request. */
async function sender(job: SenderJob): Promise<void> {
  const s = createSocket("udp4");
  s.connect(job.port, "127.0.0.1");
  await once(s, "connect");
  const payload = Buffer.alloc(job.size, 0x5a);
  let sent = 0;
  if (job.control && job.burst) {
    const ctl = new Int32Array(job.control);
    for (;;) {
      let v: number;
      while ((v = Atomics.load(ctl, 0)) !== GO && v !== STOP) Atomics.wait(ctl, 0, v);
      if (v === STOP) break;
      for (let i = 0; i < job.burst; i++) s.send(payload);
      sent += job.burst;
      Atomics.store(ctl, 0, SENT);
      Atomics.notify(ctl, 0);
    }
  } else {
    const end = Date.now() + (job.seconds ?? 1) * 1000;
    while (Date.now() < end) {
      for (let i = 0; i < STREAM_BURST; i++) s.send(payload);
      sent += STREAM_BURST;
      // Let the loop run: a send that did not complete synchronously finishes here.
      await new Promise((r) => setImmediate(r));
    }
  }
  s.close();
  parentPort!.postMessage({ sent });
}

/** A receiver of either kind on 127.0.0.1 that reads every datagram; `onDatagrams` after each callback. */
async function receiver(kind: Kind, onDatagrams: () => void) {
  const r = { received: 0, callbacks: 0, touched: 0, port: 0, drops: (): number | undefined => undefined, close: () => {} };
  if (kind === "native") {
    const rx = UdpReceiver.open({ host: "127.0.0.1", port: 0, receiveBufferBytes: RECEIVE_BUFFER, maxDatagrams: 1024, batchBytes: 1024 * 2048 }, (b) => {
      r.callbacks++;
      r.received += b.count;
      const buf = b.buffer;
      for (let i = 0; i < b.count; i++) r.touched += b.length(i) + buf[b.offset(i)];
      onDatagrams();
    });
    r.port = rx.address.port;
    r.drops = () => rx.stats().kernelDrops;
    r.close = () => rx.close();
  } else {
    const s: Socket = createSocket({ type: "udp4", recvBufferSize: RECEIVE_BUFFER });
    s.on("message", (msg) => {
      r.callbacks++;
      r.received++;
      r.touched += msg.length + msg[0];
      onDatagrams();
    });
    s.bind(0, "127.0.0.1");
    await once(s, "listening");
    r.port = s.address().port;
    r.close = () => s.close();
  }
  return r;
}

async function quiet(count: () => number): Promise<void> {
  let last = -1;
  while (last !== count()) {
    last = count();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How many datagrams of `size` the receive buffer holds: one burst into a blocked native receiver. */
async function fits(size: number): Promise<number> {
  const r = await receiver("native", () => {});
  const control = new SharedArrayBuffer(4);
  const ctl = new Int32Array(control);
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { port: r.port, size, burst: 200_000, control } satisfies SenderJob });
  await new Promise((res) => setTimeout(res, 100)); // the worker connects
  Atomics.store(ctl, 0, GO);
  Atomics.notify(ctl, 0);
  Atomics.wait(ctl, 0, GO);
  Atomics.store(ctl, 0, STOP);
  Atomics.notify(ctl, 0);
  await once(worker, "message");
  await quiet(() => r.received);
  r.close();
  return r.received;
}

interface Result {
  perSec: number;
  nsPerDatagram: number;
  /** What reading the datagrams added up to (kept so the reads are not optimised away). */
  touched: number;
}

/** One receiver under a streaming sender for `seconds`. */
async function streamRun(kind: Kind, size: number, seconds: number): Promise<Result> {
  const r = await receiver(kind, () => {});
  const cpu0 = threadCpuMs();
  const t0 = Date.now();
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { port: r.port, size, seconds } satisfies SenderJob });
  const [{ sent }] = (await once(worker, "message")) as [{ sent: number }];
  await quiet(() => r.received); // whatever is still queued is read now
  const wall = (Date.now() - t0) / 1000;
  const cpu = (threadCpuMs() - cpu0) / 1000;
  const drops = r.drops() ?? sent - r.received;
  r.close();
  const perSec = r.received / wall;
  const nsPerDatagram = (cpu / r.received) * 1e9;
  console.log(
    `udp-receive mode=stream receiver=${kind} size=${size} sent=${sent} received=${r.received} kernel_drops=${drops} ` +
      `datagrams_per_sec=${(perSec / 1e3).toFixed(0)}k batches_per_sec=${(r.callbacks / wall / 1e3).toFixed(1)}k ` +
      `datagrams_per_batch=${(r.received / r.callbacks).toFixed(1)} receiver_cpu=${(cpu / wall).toFixed(2)} cores ` +
      `(${nsPerDatagram.toFixed(0)} ns/datagram)`,
  );
  return { perSec, nsPerDatagram, touched: r.touched };
}

/** BURSTS bursts of `burst` datagrams, each put into the buffer while the main thread is blocked, then drained. */
async function burstRun(kind: Kind, size: number, burst: number): Promise<Result> {
  let target = 0;
  let drained: (() => void) | undefined;
  const r = await receiver(kind, () => {
    if (r.received >= target) drained?.();
  });
  const control = new SharedArrayBuffer(4);
  const ctl = new Int32Array(control);
  const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { port: r.port, size, burst, control } satisfies SenderJob });
  await new Promise((res) => setTimeout(res, 100)); // the worker connects
  let drainNs = 0n;
  let callbacks = 0;
  for (let i = 0; i < BURSTS; i++) {
    target = r.received + burst;
    const done = new Promise<void>((res) => (drained = res));
    // Blocked until the burst is in: the receiver cannot read any of it before then.
    Atomics.store(ctl, 0, GO);
    Atomics.notify(ctl, 0);
    Atomics.wait(ctl, 0, GO);
    Atomics.store(ctl, 0, IDLE);
    const c0 = r.callbacks;
    const t0 = process.hrtime.bigint();
    const late = setTimeout(() => drained?.(), 2000); // a burst that lost datagrams ends on time
    await done;
    clearTimeout(late);
    drainNs += process.hrtime.bigint() - t0;
    callbacks += r.callbacks - c0;
  }
  Atomics.store(ctl, 0, STOP);
  Atomics.notify(ctl, 0);
  const [{ sent }] = (await once(worker, "message")) as [{ sent: number }];
  await quiet(() => r.received);
  const drops = r.drops() ?? sent - r.received;
  r.close();
  const sec = Number(drainNs) / 1e9;
  const perSec = r.received / sec;
  console.log(
    `udp-receive mode=burst receiver=${kind} size=${size} bursts=${BURSTS}x${burst} received=${r.received} kernel_drops=${drops} ` +
      `drain_datagrams_per_sec=${(perSec / 1e3).toFixed(0)}k drain_batches_per_sec=${(callbacks / sec / 1e3).toFixed(1)}k ` +
      `datagrams_per_batch=${(r.received / callbacks).toFixed(1)} (${((sec / r.received) * 1e9).toFixed(0)} ns/datagram draining)`,
  );
  return { perSec, nsPerDatagram: (sec / r.received) * 1e9, touched: r.touched };
}

/** CPU time of this (main) thread: /proc/self/task/<pid>/stat utime+stime. */
function threadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
