// The batched UDP receiver (native/udp.c under src/net/udp-receiver.ts):
// datagrams from node:dgram senders on loopback arrive whole, once, in order
// per sender and in batches; truncation, dual stack, SO_REUSEPORT, bind
// conflicts, close, worker threads and the kernel's drop count.
// This file is also the worker script of the worker-thread tests.
import { describe, test, type TestContext } from "node:test";
import * as assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { setImmediate as nextLoop } from "node:timers/promises";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { UdpReceiver, type UdpBatch, type UdpReceiverOptions } from "../../src/net/udp-receiver.js";

/** One received datagram, copied out of its batch. */
interface Got {
  address: string;
  port: number;
  data: Buffer;
  truncated: boolean;
  wireLength: number;
  ns: number;
}

function copyBatch(batch: UdpBatch, into: Got[]): void {
  for (let i = 0; i < batch.count; i++) {
    into.push({
      address: batch.address(i),
      port: batch.port(i),
      data: Buffer.from(batch.bytes(i)),
      truncated: batch.truncated(i),
      wireLength: batch.wireLength(i),
      ns: batch.receivedNs(i),
    });
  }
}

/** A receiver that copies every datagram out, and counts its callbacks. */
function collect(t: TestContext | undefined, opts: UdpReceiverOptions) {
  const got: Got[] = [];
  let callbacks = 0;
  const rx = UdpReceiver.open(opts, (batch) => {
    callbacks++;
    copyBatch(batch, got);
  });
  t?.after(() => rx.close());
  return { rx, got, callbacks: () => callbacks };
}

/** A dgram socket connected to the receiver: its sends go out synchronously (no lookup, uv_udp_try_send). */
async function sender(t: TestContext | undefined, type: "udp4" | "udp6", port: number, host = type === "udp4" ? "127.0.0.1" : "::1"): Promise<Socket> {
  const s = createSocket(type);
  t?.after(() => s.close());
  s.connect(port, host);
  await once(s, "connect");
  return s;
}

/** Sender id and sequence number in the first 8 octets, a pattern after them. */
function payload(id: number, seq: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt32BE(id, 0);
  b.writeUInt32BE(seq, 4);
  for (let i = 8; i < size; i++) b[i] = (id * 31 + seq + i) & 0xff;
  return b;
}

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Lets the loop go round until the receiver has been quiet for a while. */
async function settle(count: () => number): Promise<void> {
  let seen = -1;
  while (seen !== count()) {
    seen = count();
    await new Promise((r) => setTimeout(r, 50));
  }
}

if (!isMainThread && (workerData as { udpReceiverTest?: string } | null)?.udpReceiverTest) {
  await workerMain((workerData as { udpReceiverTest: string }).udpReceiverTest);
} else {
  describe("UdpReceiver", () => {
    test("1,000 datagrams from 127.0.0.1 and ::1 arrive whole, once, in order per sender, in far fewer callbacks", async (t) => {
      for (const [family, host] of [
        ["udp4", "127.0.0.1"],
        ["udp6", "::1"],
      ] as const) {
        const { rx, got, callbacks } = collect(t, { host, port: 0, receiveBufferBytes: 4 << 20, maxDatagrams: 512, batchBytes: 512 * 2048 });
        assert.equal(rx.address.address, host);
        assert.equal(rx.address.family, family === "udp4" ? "IPv4" : "IPv6");
        const senders = [await sender(t, family, rx.address.port), await sender(t, family, rx.address.port)];
        const sent = new Map<number, Buffer[]>();
        // Bursts of 50 per sender (well inside even a default receive buffer), a turn of the loop between them.
        for (let seq = 0; seq < 500; seq++) {
          senders.forEach((s, id) => {
            const p = payload(id, seq, 40 + ((seq * 7 + id) % 1200));
            const list = sent.get(s.address().port) ?? [];
            list.push(p);
            sent.set(s.address().port, list);
            s.send(p);
          });
          if (seq % 25 === 24) await nextLoop();
        }
        await until("1,000 datagrams", () => got.length >= 1000);
        await settle(() => got.length);
        assert.equal(got.length, 1000, `${family}: every datagram once`);
        assert.ok(callbacks() < got.length / 10, `${family}: ${callbacks()} callbacks for ${got.length} datagrams`);
        for (const [port, list] of sent) {
          const mine = got.filter((g) => g.port === port);
          assert.equal(mine.length, list.length);
          mine.forEach((g, i) => {
            assert.equal(g.address, host);
            assert.equal(g.truncated, false);
            assert.equal(g.wireLength, list[i].length);
            assert.ok(g.data.equals(list[i]), `${family} sender ${port}: datagram ${i} intact and in order`);
          });
        }
        const now = Date.now() * 1e6;
        assert.ok(got.every((g) => Math.abs(g.ns - now) < 60e9), "receive times are the wall clock in ns");
        const st = rx.stats();
        assert.equal(st.datagrams, 1000);
        assert.equal(st.batches, callbacks());
        assert.equal(st.kernelDrops, 0);
        assert.equal(st.truncated, 0);
      }
    });

    test("a datagram longer than its slot is cut to it and flagged truncated with its wire length", async (t) => {
      const { rx, got } = collect(t, { host: "127.0.0.1", port: 0, maxDatagrams: 4, batchBytes: 4 * 512 });
      assert.equal(rx.address.slotBytes, 512);
      const s = await sender(t, "udp4", rx.address.port);
      const long = payload(1, 1, 1000);
      const fits = payload(1, 2, 512);
      s.send(long);
      s.send(fits);
      await until("2 datagrams", () => got.length === 2);
      assert.equal(got[0].truncated, true);
      assert.equal(got[0].wireLength, 1000);
      assert.ok(got[0].data.equals(long.subarray(0, 512)));
      assert.equal(got[1].truncated, false);
      assert.ok(got[1].data.equals(fits));
      assert.equal(rx.stats().truncated, 1);
    });

    test('on "::" one socket takes IPv4 (shown as IPv4 text) and IPv6', async (t) => {
      const seen: { address: string; v4: boolean; port: number; raw: Uint8Array }[] = [];
      const rx = UdpReceiver.open({ host: "::", port: 0 }, (b) => {
        for (let i = 0; i < b.count; i++) {
          const raw = new Uint8Array(16);
          b.copyAddress(i, raw);
          assert.equal(b.scopeId(i), 0);
          seen.push({ address: b.address(i), v4: b.isIPv4(i), port: b.port(i), raw });
        }
      });
      t.after(() => rx.close());
      assert.deepEqual([rx.address.address, rx.address.family], ["::", "IPv6"]);
      const s4 = await sender(t, "udp4", rx.address.port);
      const s6 = await sender(t, "udp6", rx.address.port);
      s4.send("four");
      await until("the IPv4 datagram", () => seen.length === 1);
      s6.send("six");
      await until("the IPv6 datagram", () => seen.length === 2);
      assert.deepEqual(
        seen.map(({ address, v4, port }) => ({ address, v4, port })),
        [
          { address: "127.0.0.1", v4: true, port: s4.address().port },
          { address: "::1", v4: false, port: s6.address().port },
        ],
      );
      assert.deepEqual([...seen[0].raw], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]);
    });

    test("two receivers with reusePort share a port: both get traffic, each sender's datagrams all on one", async (t) => {
      const a = collect(t, { host: "127.0.0.1", port: 0, reusePort: true });
      const b = collect(t, { host: "127.0.0.1", port: a.rx.address.port, reusePort: true });
      assert.equal(b.rx.address.port, a.rx.address.port);
      const senders: Socket[] = [];
      for (let i = 0; i < 32; i++) senders.push(await sender(t, "udp4", a.rx.address.port));
      for (let seq = 0; seq < 10; seq++) {
        senders.forEach((s, id) => s.send(payload(id, seq, 100)));
        await nextLoop();
      }
      await until("320 datagrams", () => a.got.length + b.got.length >= 320);
      await settle(() => a.got.length + b.got.length);
      assert.equal(a.got.length + b.got.length, 320);
      assert.ok(a.got.length > 0 && b.got.length > 0, `both receive (${a.got.length} and ${b.got.length})`);
      for (const s of senders) {
        const port = s.address().port;
        const onA = a.got.filter((g) => g.port === port).length;
        const onB = b.got.filter((g) => g.port === port).length;
        assert.ok((onA === 10 && onB === 0) || (onA === 0 && onB === 10), `sender ${port}: ${onA} on one, ${onB} on the other`);
      }
    });

    test("binding a taken port without reusePort throws EADDRINUSE with the errno text", async (t) => {
      const { rx } = collect(t, { host: "127.0.0.1", port: 0 });
      const conflict = (opts: UdpReceiverOptions) =>
        assert.throws(
          () => UdpReceiver.open(opts, () => {}),
          (e: Error & { code?: string; errno?: number }) => {
            assert.equal(e.code, "EADDRINUSE");
            assert.equal(e.errno, 98);
            assert.match(e.message, /bind .*Address already in use/);
            return true;
          },
        );
      conflict({ host: "127.0.0.1", port: rx.address.port });
      conflict({ host: "127.0.0.1", port: rx.address.port, reusePort: true }); // the holder did not opt in
      conflict({ host: "::", port: rx.address.port }); // dual stack covers 127.0.0.1 too
      const d = createSocket("udp6");
      t.after(() => d.close());
      d.bind(0, "::1");
      await once(d, "listening");
      conflict({ host: "::1", port: d.address().port });
      assert.throws(() => UdpReceiver.open({ host: "not-an-address", port: 0 }, () => {}), { code: "ERR_INVALID_ARG" });
      assert.throws(() => UdpReceiver.open({ host: "127.0.0.1", port: 70000 }, () => {}), { code: "ERR_INVALID_ARG" });
      assert.throws(() => UdpReceiver.open({ host: "127.0.0.1", port: 0, maxDatagrams: 8, batchBytes: 4 }, () => {}), { code: "ERR_INVALID_ARG" });
    });

    test("close is idempotent, frees the port at once and keeps the final counters", async (t) => {
      const { rx, got } = collect(undefined, { host: "127.0.0.1", port: 0 });
      const port = rx.address.port;
      const s = await sender(t, "udp4", port);
      s.send("before close");
      await until("a datagram", () => got.length === 1);
      rx.close();
      rx.close();
      assert.equal(rx.closed, true);
      assert.equal(rx.stats().datagrams, 1);
      assert.equal(rx.address.port, port);
      // The port is free on return: a plain socket (no reuse) binds it straight away, then another receiver.
      const d = createSocket("udp4");
      d.bind(port, "127.0.0.1");
      await once(d, "listening");
      d.close();
      const again = collect(t, { host: "127.0.0.1", port });
      s.send("after close");
      await until("a datagram on the new receiver", () => again.got.length === 1);
      assert.equal(got.length, 1, "nothing reaches a closed receiver");
    });

    test("a receiver closed inside its callback gets no further batch; a batch is unreadable after its callback", async (t) => {
      let batches = 0;
      let kept: UdpBatch | undefined;
      const rx = UdpReceiver.open({ host: "127.0.0.1", port: 0, maxDatagrams: 2, batchBytes: 2 * 256 }, (b) => {
        batches++;
        kept = b;
        rx.close();
      });
      t.after(() => rx.close());
      const s = await sender(t, "udp4", rx.address.port);
      for (let i = 0; i < 10; i++) s.send(payload(0, i, 64));
      await until("a batch", () => batches === 1);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(batches, 1);
      assert.equal(kept?.count, 0);
      assert.throws(() => kept?.bytes(0), RangeError);
    });

    test("receivers in worker threads and on the main thread at once; a worker ending with its receiver open frees it", async (t) => {
      const main = collect(t, { host: "127.0.0.1", port: 0 });
      const workers = [new Worker(new URL(import.meta.url), { workerData: { udpReceiverTest: "count" } }), new Worker(new URL(import.meta.url), { workerData: { udpReceiverTest: "count" } })];
      const exits = workers.map((w) => once(w, "exit"));
      t.after(() => Promise.all(workers.map((w) => w.terminate())));
      const ports = await Promise.all(workers.map(async (w) => ((await once(w, "message")) as [{ port: number }])[0].port));
      const targets = [...ports, main.rx.address.port];
      const senders = await Promise.all(targets.map((p) => sender(t, "udp4", p)));
      for (let seq = 0; seq < 100; seq++) senders.forEach((s, i) => s.send(payload(i, seq, 200)));
      const results = await Promise.all(
        workers.map(async (w, i) => {
          w.postMessage({ expect: 100 });
          const [r] = (await once(w, "message")) as [{ datagrams: number; batches: number; inOrder: boolean; from: string[]; senderPort: number[] }];
          return { ...r, sender: senders[i].address().port };
        }),
      );
      for (const r of results) {
        assert.equal(r.datagrams, 100);
        assert.equal(r.inOrder, true);
        assert.ok(r.batches < 100);
        assert.deepEqual(r.from, ["127.0.0.1"]);
        assert.deepEqual(r.senderPort, [r.sender]);
      }
      await until("100 datagrams on the main thread", () => main.got.length === 100);
      await Promise.all(exits);

      // A worker that ends (and one that is terminated) with its receiver open: the environment's cleanup closes it.
      for (const mode of ["leave-open", "terminate"]) {
        const w = new Worker(new URL(import.meta.url), { workerData: { udpReceiverTest: mode } });
        const exit = once(w, "exit");
        const [{ port }] = (await once(w, "message")) as [{ port: number }];
        if (mode === "terminate") await w.terminate();
        await exit;
        const d = createSocket("udp4");
        d.bind(port, "127.0.0.1");
        await once(d, "listening");
        d.close();
      }
    });

    test("a throw in onBatch reaches 'uncaughtException' (in a worker here) and the receiver goes on", async (t) => {
      const w = new Worker(new URL(import.meta.url), { workerData: { udpReceiverTest: "throw" } });
      t.after(() => w.terminate());
      const [{ port }] = (await once(w, "message")) as [{ port: number }];
      const s = await sender(t, "udp4", port);
      s.send(payload(0, 0, 10));
      await new Promise((r) => setTimeout(r, 100)); // two batches: the throw is in the first
      s.send(payload(0, 1, 10));
      const [r] = (await once(w, "message")) as [{ uncaught: string[]; datagrams: number; statsDatagrams: number }];
      assert.deepEqual(r, { uncaught: ["boom in onBatch"], datagrams: 2, statsDatagrams: 2 });
    });

    test("kernel drops are counted: into a tiny receive buffer, received + drops = sent exactly", async (t) => {
      const { rx, got } = collect(t, { host: "127.0.0.1", port: 0, receiveBufferBytes: 1 });
      const s = await sender(t, "udp4", rx.address.port);
      // All sent inside this turn of the loop: the receiver cannot read before the last one is in.
      const SENT = 200;
      for (let i = 0; i < SENT; i++) s.send(payload(0, i, 500));
      assert.equal(got.length, 0);
      await until("the first batch", () => got.length > 0);
      await settle(() => got.length);
      const st = rx.stats();
      assert.ok(st.receiveBufferBytes < 8192, `tiny buffer (${st.receiveBufferBytes})`);
      assert.ok(st.kernelDrops > 0, "the buffer overflowed");
      assert.equal(got.length + st.kernelDrops, SENT);
      assert.equal(got.length, st.datagrams);
      // The kept ones are the first in order.
      got.forEach((g, i) => assert.equal(g.data.readUInt32BE(4), i));
      // The next datagram carries the drop count (SO_RXQ_OVFL).
      assert.equal(st.rxqOverflow, 0);
      s.send(payload(0, SENT, 500));
      await until("one more", () => got.length === st.datagrams + 1);
      const after = rx.stats();
      assert.equal(after.kernelDrops, st.kernelDrops);
      assert.equal(after.rxqOverflow, st.kernelDrops);
    });
  });
}

/** The worker side: opens a receiver on 127.0.0.1, says its port, then does what `mode` says. */
async function workerMain(mode: string): Promise<void> {
  const port = parentPort!;
  const got: Got[] = [];
  let batches = 0;
  const rx = UdpReceiver.open({ host: "127.0.0.1", port: 0, receiveBufferBytes: 1 << 20 }, (b) => {
    batches++;
    copyBatch(b, got);
    if (mode === "throw" && batches === 1) throw new Error("boom in onBatch");
  });
  port.postMessage({ port: rx.address.port });
  if (mode === "throw") {
    const uncaught: string[] = [];
    process.on("uncaughtException", (e) => uncaught.push(e.message));
    await until("2 datagrams", () => got.length === 2);
    port.postMessage({ uncaught, datagrams: got.length, statsDatagrams: rx.stats().datagrams });
    rx.close();
    port.close();
    return;
  }
  if (mode === "leave-open") {
    setTimeout(() => process.exit(0), 20);
    return;
  }
  if (mode === "terminate") return; // the receiver keeps the worker alive until terminated
  const [{ expect }] = (await once(port, "message")) as [{ expect: number }];
  await until(`${expect} datagrams in the worker`, () => got.length >= expect);
  await settle(() => got.length);
  const inOrder = got.every((g, i) => g.data.readUInt32BE(4) === i);
  port.postMessage({
    datagrams: got.length,
    batches,
    inOrder,
    from: [...new Set(got.map((g) => g.address))],
    senderPort: [...new Set(got.map((g) => g.port))],
  });
  rx.close();
  port.close();
}
