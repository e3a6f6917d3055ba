// Interface counters are keyed by ifindex, direction and family, count wire
// packets and bytes, and every frame is handed on unchanged in verdict.
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { FAMILY_IPV4, FAMILY_IPV6, FAMILY_OTHER } from "../../src/bpf/layout.js";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { ETH_P_8021Q, ETH_P_IP, ETH_P_IPV6, IPPROTO, arp, eth, ipv4, ipv4Udp, ipv6, tcp, udp } from "./frames.js";
import { ProgRun, RFM_NEXT } from "./prog-run.js";
import { expectEvent } from "./expect-event.js";
import { counter } from "./counter.js";
import { loadAddon } from "../../src/bpf/addon.js";
import { skbCtx } from "./skb-ctx.js";

const V4 = ipv4Udp("10.9.0.1", "10.9.0.2", 1000, 2000, 100);
const V6 = eth(ETH_P_IPV6, ipv6({ src: "fd09::1", dst: "fd09::2", proto: IPPROTO.TCP, payload: tcp(3000, 4000, 200) }));

describe("Interface counters", () => {
  test("direction and family are separate keys; packets and bytes add up per key", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t, { sampleRate: 0 });
    pr.run(V4, { dir: "ingress", repeat: 3 });
    pr.run(V4, { dir: "egress", repeat: 2 });
    pr.run(V6, { dir: "ingress", repeat: 5 });
    pr.run(arp(), { dir: "egress", repeat: 7 });
    assert.deepEqual(pr.counters(), [
      counter(FAMILY_IPV4, 3, 3 * V4.length, { dir: "ingress" }),
      counter(FAMILY_IPV6, 5, 5 * V6.length, { dir: "ingress" }),
      counter(FAMILY_OTHER, 7, 7 * arp().length, { dir: "egress" }),
      counter(FAMILY_IPV4, 2, 2 * V4.length, { dir: "egress" }),
    ]);
  });

  test("each interface has its own keys, and its events carry its ifindex", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const pr = ProgRun.open(t);
    pr.run(V4, { repeat: 2 });
    const run = pr.run(V4, { ifindex: pair.a.ifindex, dir: "egress" });
    expectEvent(run, {
      ifindex: pair.a.ifindex, dir: "egress", proto: IPPROTO.UDP, src: "10.9.0.1", dst: "10.9.0.2", sport: 1000, dport: 2000, len: V4.length,
    });
    assert.deepEqual(pr.counters(), [
      counter(FAMILY_IPV4, 2, 2 * V4.length),
      counter(FAMILY_IPV4, 1, V4.length, { ifindex: pair.a.ifindex, dir: "egress" }),
    ]);
  });

  test("an ifindex beyond the slot array is counted in the hash, with the same result", (t) => {
    if (!requirePrivileges(t)) return;
    for (const ifaceSlots of [1024, 1]) {
      const pr = ProgRun.open(t, { sampleRate: 0, ifaceSlots });
      pr.run(V4, { repeat: 4 });
      pr.run(V6, { repeat: 2, dir: "egress" });
      assert.deepEqual(
        pr.counters().sort((a, b) => a.family - b.family),
        [counter(FAMILY_IPV4, 4, 4 * V4.length), counter(FAMILY_IPV6, 2, 2 * V6.length, { dir: "egress" })],
        `slots=${ifaceSlots}`,
      );
    }
  });

  test("a full counter map: a new key is not added and counts as an iface error; existing keys go on counting", (t) => {
    if (!requirePrivileges(t)) return;
    // One slot (ifindex 0 only): loopback's ifindex 1 is counted in the hash, which holds one key.
    const pr = ProgRun.open(t, { sampleRate: 1, ifaceStatsSize: 1, ifaceSlots: 1 });
    pr.run(V4, { repeat: 2 });
    const v6 = pr.run(V6, { repeat: 3 });
    assert.equal(v6.events.length, 3, "sampling does not depend on the counter");
    pr.run(V4);
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV4, 3, 3 * V4.length)]);
    assert.equal(pr.dp.readCpuState().ifaceErrors, 3);
  });

  test("both programs return -1 (TC_ACT_UNSPEC / TCX_NEXT) for every kind of frame, sampled or not", (t) => {
    if (!requirePrivileges(t)) return;
    const addon = loadAddon();
    const frames = [
      V4, V6, arp(),
      eth(ETH_P_IP, ipv4({ src: "1.1.1.1", dst: "2.2.2.2", proto: IPPROTO.UDP, ihl: 3, payload: udp(1, 2) })),
      eth(ETH_P_IP, ipv4({ src: "1.1.1.1", dst: "2.2.2.2", proto: IPPROTO.UDP, payload: udp(1, 2) }), [ETH_P_8021Q]).subarray(0, 16),
      eth(ETH_P_IP, ipv4({ src: "1.1.1.1", dst: "2.2.2.2", proto: IPPROTO.UDP, payload: udp(1, 2) }), [ETH_P_8021Q]).subarray(0, 40),
    ];
    for (const sampleRate of [0, 1, 7]) {
      const pr = ProgRun.open(t, { sampleRate });
      for (const frame of frames) {
        for (const ctx of [skbCtx(), skbCtx({ gsoSize: 100, gsoSegs: 3 })]) {
          for (const fd of [pr.dp.ingressFd, pr.dp.egressFd]) {
            assert.equal(addon.testRun(fd, frame, 20, ctx).retval, RFM_NEXT);
          }
        }
      }
    }
  });
});
