// The BPF object loads through the addon with the configured map sizes, its
// runtime config can be rewritten, and its programs count what they see.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { Datapath, verifyObject } from "../../src/bpf/datapath.js";
import { loadAddon } from "../../src/bpf/addon.js";
import { FAMILY_IPV4, FAMILY_OTHER } from "../../src/bpf/layout.js";
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
