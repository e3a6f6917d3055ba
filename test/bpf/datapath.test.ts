// The BPF object loads through the addon with the configured map sizes, its
// runtime config can be rewritten, and its programs count what they see.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { Datapath, verifyObject } from "../../src/bpf/datapath.js";
import { loadAddon } from "../../src/bpf/addon.js";
import { EV, EV_NETNS_SHIFT, EVENT_SIZE, FAMILY_IPV4, FAMILY_OTHER } from "../../src/bpf/layout.js";
import { requirePrivileges } from "../harness/privileges.js";
import { arp, ipv4Udp } from "./frames.js";

const LOOPBACK = 1;

function ifaceCounter(dp: Datapath, ifindex: number, dir: number, family: number): { packets: bigint; bytes: bigint } | null {
  const c = dp.readIfaceCounters().find((x) => x.ifindex === ifindex && x.dir === dir && x.family === family);
  return c ? { packets: BigInt(c.packets), bytes: BigInt(c.bytes) } : null;
}

/** struct __sk_buff image with ifindex set, so test-run packets belong to lo. */
function skbCtx(ifindex: number): Buffer {
  const ctx = Buffer.alloc(192);
  ctx.writeUInt32LE(ifindex, 40); // __sk_buff.ifindex
  return ctx;
}

describe("BPF datapath object", () => {
  test("passes the verifier: both programs load", (t) => {
    if (!requirePrivileges(t)) return;
    assert.deepEqual(verifyObject().programs.sort(), ["rfm_tc_egress", "rfm_tc_ingress"]);
  });

  test("maps are sized from the config and the config map is writable at runtime", (t) => {
    if (!requirePrivileges(t)) return;
    const dp = Datapath.open({ ringBufSize: 1 << 20, ifaceStatsSize: 96, sampleRate: 100, wakeupBatch: 32 });
    try {
      const addon = loadAddon();
      assert.equal(addon.mapInfo(dp.eventsFd).maxEntries, 1 << 20);
      assert.equal(addon.mapInfo(dp.ifaceStatsFd).maxEntries, 96);
      assert.deepEqual(dp.readConfig(), { sampleRate: 100, wakeupBatch: 32 });
      dp.setConfig(7, 5);
      assert.deepEqual(dp.readConfig(), { sampleRate: 7, wakeupBatch: 5 });
    } finally {
      dp.close();
    }
  });

  test("map reads and writes with buffers of another layout are refused, not overrun", (t) => {
    if (!requirePrivileges(t)) return;
    const dp = Datapath.open({ ringBufSize: 1 << 16, ifaceStatsSize: 64, sampleRate: 1, wakeupBatch: 1 });
    try {
      const addon = loadAddon();
      const key = new Uint8Array(4);
      assert.throws(() => addon.mapLookup(dp.cpuFd, key, 8), (e: Error & { code?: string }) => e.code === "EINVAL" && /value is \d+ bytes, got 8/.test(e.message));
      assert.throws(() => addon.mapLookup(dp.configFd, new Uint8Array(2), 16), /key is 4 bytes, got 2/);
      assert.throws(() => addon.mapUpdate(dp.configFd, key, new Uint8Array(8)), /value is 16 bytes, got 8/);
      assert.throws(() => addon.mapDelete(dp.ifaceStatsFd, new Uint8Array(4)), /key is 8 bytes, got 4/);
      assert.throws(() => addon.mapLookupBatch(dp.ifaceStatsFd, 8, 1, 64), /value is \d+ bytes, got 1 /);
      assert.deepEqual(dp.readConfig(), { sampleRate: 1, wakeupBatch: 1 }, "the right sizes still work");
    } finally {
      dp.close();
    }
  });

  test("a map size the kernel refuses is an error with errno", (t) => {
    if (!requirePrivileges(t)) return;
    assert.throws(
      () => Datapath.open({ ringBufSize: 1 << 16, ifaceStatsSize: 0, sampleRate: 1, wakeupBatch: 1 }),
      (e: Error & { errno?: number }) => typeof e.errno === "number" && /load BPF object/.test(e.message),
    );
  });

  test("counts every frame per interface, direction and family, observe-only", (t) => {
    if (!requirePrivileges(t)) return;
    const dp = Datapath.open({ ringBufSize: 1 << 16, ifaceStatsSize: 64, sampleRate: 1000, wakeupBatch: 64 });
    try {
      const addon = loadAddon();
      const udp = ipv4Udp("10.77.0.1", "10.77.0.2", 40000, 9, 100);
      const r = addon.testRun(dp.ingressFd, udp, 5, skbCtx(LOOPBACK));
      assert.equal(r.retval, -1, "TCX_NEXT / TC_ACT_UNSPEC: the chain goes on");
      assert.deepEqual(ifaceCounter(dp, LOOPBACK, 0, FAMILY_IPV4), { packets: 5n, bytes: BigInt(5 * udp.length) });
      addon.testRun(dp.egressFd, arp(), 3, skbCtx(LOOPBACK));
      assert.deepEqual(ifaceCounter(dp, LOOPBACK, 1, FAMILY_OTHER), { packets: 3n, bytes: BigInt(3 * arp().length) });
      assert.equal(ifaceCounter(dp, LOOPBACK, 1, FAMILY_IPV4), null);
    } finally {
      dp.close();
    }
  });
});

describe("program instances for other network namespaces", () => {
  test("share every map, count under their tag (never in the ifindex slots) and tag their events", async (t) => {
    if (!requirePrivileges(t)) return;
    const dp = Datapath.open({ ringBufSize: 1 << 16, ifaceStatsSize: 64, sampleRate: 1, wakeupBatch: 1 });
    const addon = loadAddon();
    const events: number[] = [];
    const ring = addon.ringOpen(dp.eventsFd, EVENT_SIZE, 64, (batch, count) => {
      for (let i = 0; i < count; i++) events.push(batch.readUInt16LE(i * EVENT_SIZE + EV.flags));
    });
    const blue = await dp.openNamespacePrograms(7);
    const red = await dp.openNamespacePrograms(255);
    try {
      const udp = ipv4Udp("10.77.0.1", "10.77.0.2", 40000, 9, 100);
      // The same ifindex in three namespaces: three sets of counters.
      addon.testRun(dp.ingressFd, udp, 2, skbCtx(LOOPBACK));
      addon.testRun(blue.ingressFd, udp, 3, skbCtx(LOOPBACK));
      addon.testRun(red.egressFd, udp, 4, skbCtx(LOOPBACK));
      const rows = dp.readIfaceCounters().map((c) => [c.netns, c.ifindex, c.dir, c.packets]).sort();
      assert.deepEqual(rows, [[0, LOOPBACK, 0, 2], [255, LOOPBACK, 1, 4], [7, LOOPBACK, 0, 3]]);
      addon.ringDrain(ring);
      assert.deepEqual(events.map((f) => f >> EV_NETNS_SHIFT).sort((a, b) => a - b), [0, 0, 7, 7, 7, 255, 255, 255, 255]);
      // The runtime config is shared: one write reaches every instance.
      dp.setConfig(0, 1);
      addon.testRun(blue.ingressFd, udp, 5, skbCtx(LOOPBACK));
      addon.ringDrain(ring);
      assert.equal(events.length, 9, "rate 0 stops events in the namespace instance too");
      assert.equal(dp.deleteNamespaceCounters(7), 1);
      assert.deepEqual(dp.readIfaceCounters().map((c) => c.netns).sort(), [0, 255]);
      dp.deleteIfaceCounters(LOOPBACK, 255);
      assert.deepEqual(dp.readIfaceCounters().map((c) => c.netns), [0]);
    } finally {
      addon.ringClose(ring);
      blue.close();
      red.close();
      dp.close();
    }
  });

  test("a tag outside 1..255 is refused", async (t) => {
    if (!requirePrivileges(t)) return;
    const dp = Datapath.open({ ringBufSize: 1 << 16, ifaceStatsSize: 64, sampleRate: 1, wakeupBatch: 1 });
    try {
      await assert.rejects(dp.openNamespacePrograms(0), /1\.\.255/);
      await assert.rejects(dp.openNamespacePrograms(256), /1\.\.255/);
    } finally {
      dp.close();
    }
  });
});
