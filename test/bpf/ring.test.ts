// A full ring never stalls the datapath: the event is dropped, the drop is
// counted per CPU, and counting goes on. The reader is woken per batch of
// waiting events; timestamps come from the boot clock, per event or per tick.
import { describe, test, type TestContext } from "node:test";
import * as assert from "node:assert/strict";
import { EVENT_SIZE, FAMILY_IPV4 } from "../../src/bpf/layout.js";
import { requirePrivileges } from "../harness/privileges.js";
import { ipv4Udp } from "./frames.js";
import { ProgRun } from "./prog-run.js";
import { counter } from "./counter.js";
import { skbCtx } from "./skb-ctx.js";
import { Datapath } from "../../src/bpf/datapath.js";
import { loadAddon } from "../../src/bpf/addon.js";

const FRAME = ipv4Udp("10.40.0.1", "10.40.0.2", 5000, 6000, 20);
const RING_BYTES = 4096;
/** Each record takes an 8-byte ring header besides the event. */
const RING_RECORDS = Math.floor(RING_BYTES / (EVENT_SIZE + 8));

describe("Ring buffer overflow", () => {
  test("1,000 packets into a 4 KiB ring at rate 1 without reading: what does not fit is counted as ring drops", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t, { sampleRate: 1, ringBufSize: RING_BYTES, wakeupBatch: 1 });
    pr.send(FRAME, { repeat: 1000 });
    const events = pr.drain();
    const { ringDrops } = pr.dp.readCpuState();
    assert.ok(ringDrops > 0, "the ring must have overflowed");
    assert.equal(events.length, RING_RECORDS, "the ring holds what fits and no more");
    assert.equal(ringDrops, 1000 - events.length);
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV4, 1000, 1000 * FRAME.length)], "counting goes on when events are dropped");
  });

  test("once read, the ring takes events again and the drop count stays", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t, { sampleRate: 1, ringBufSize: RING_BYTES });
    pr.send(FRAME, { repeat: 1000 });
    pr.drain();
    const drops = pr.dp.readCpuState().ringDrops;
    assert.equal(pr.run(FRAME, { repeat: 10 }).events.length, 10);
    assert.equal(pr.dp.readCpuState().ringDrops, drops);
  });
});

/** Lets Node's loop run (the ring's poll callback fires on a wakeup only). */
const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

describe("Consumer wakeups", () => {
  async function ringWith(t: TestContext, wakeupBatch: number) {
    const dp = Datapath.open({ ringBufSize: 1 << 16, ifaceStatsSize: 64, sampleRate: 1, wakeupBatch });
    const addon = loadAddon();
    let delivered = 0;
    const ring = addon.ringOpen(dp.eventsFd, EVENT_SIZE, 4096, (_b, count) => (delivered += count));
    t.after(() => {
      addon.ringClose(ring);
      dp.close();
    });
    await settle(5);
    const send = (n: number) => assert.equal(addon.testRun(dp.ingressFd, FRAME, n, skbCtx({ ifindex: 1 })).retval, -1);
    return { send, delivered: () => delivered };
  }

  test("the reader is woken once the waiting events reach the batch, over all CPUs, not before", async (t) => {
    if (!requirePrivileges(t)) return;
    // 10 events of 72 bytes: woken when the waiting bytes cross a multiple of 512 (2^floor(log2(720))).
    const r = await ringWith(t, 10);
    r.send(6); // 432 bytes waiting
    await settle();
    assert.equal(r.delivered(), 0, "below the batch nobody is woken (the agent's 100 ms timer reads those)");
    r.send(2); // 576 bytes: crosses 512
    await settle();
    assert.equal(r.delivered(), 8, "crossing the batch wakes the reader, which takes everything waiting");
    r.send(7); // 504 bytes after the read
    await settle();
    assert.equal(r.delivered(), 8);
    r.send(1);
    await settle();
    assert.equal(r.delivered(), 16);
  });

  test("a batch of 1 wakes the reader for every event", async (t) => {
    if (!requirePrivileges(t)) return;
    const r = await ringWith(t, 1);
    for (let i = 1; i <= 3; i++) {
      r.send(1);
      await settle();
      assert.equal(r.delivered(), i);
    }
  });
});

describe("Event timestamps", () => {
  test('"tick": CLOCK_BOOTTIME read once per kernel tick and CPU, so timestamps trail by at most a tick', async (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t, { sampleRate: 1, preciseClock: false });
    const TICK_NS = 10_000_000n; // 1/HZ for HZ >= 100
    const first = pr.run(FRAME, { repeat: 50 });
    const stamps = new Set(first.events.map((e) => e.tstampNs));
    assert.ok(stamps.size <= 2, "one reading per tick (a run may straddle one tick boundary)");
    for (const e of first.events) assert.ok(e.tstampNs > first.bootBeforeNs - TICK_NS && e.tstampNs <= first.bootAfterNs);
    await settle(40);
    const later = pr.run(FRAME);
    const [e] = later.events;
    assert.ok(e && e.tstampNs > first.bootAfterNs, "a later tick reads the clock again");
    assert.ok(e.tstampNs > later.bootBeforeNs - TICK_NS && e.tstampNs <= later.bootAfterNs);
  });
});
