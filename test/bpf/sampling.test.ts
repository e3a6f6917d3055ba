// 1 in N IP packets becomes an event, N read from rfm_config on every packet,
// so a rewrite takes effect without reloading. Counters see every packet.
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { FAMILY_IPV4 } from "../../src/bpf/layout.js";
import { requirePrivileges } from "../harness/privileges.js";
import { IPPROTO, ipv4Udp } from "./frames.js";
import { ProgRun } from "./prog-run.js";
import { expectEvents, type Expected } from "./expect-event.js";
import { counter } from "./counter.js";

const FRAME = ipv4Udp("10.30.0.1", "10.30.0.2", 33333, 161, 40);
const EVENT: Expected = { proto: IPPROTO.UDP, src: "10.30.0.1", dst: "10.30.0.2", sport: 33333, dport: 161, len: FRAME.length };

/**
 * Events from `packets` packets at 1 in `rate` lie within 3 binomial standard
 * errors of packets / rate. (The countdown sampler varies less than
 * independent coin flips, so this bound is loose for it, never tight.)
 */
function assertAboutOneIn(rate: number, packets: number, events: number): void {
  const p = 1 / rate;
  const mean = packets * p;
  const se = Math.sqrt(packets * p * (1 - p));
  assert.ok(Math.abs(events - mean) <= 3 * se, `${events} events from ${packets} packets at 1 in ${rate}: expected ${mean} ± ${Math.ceil(3 * se)}`);
}

describe("Sampling", () => {
  test("rate 1: every IP packet is an event carrying sampleRate 1", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t, { sampleRate: 1 });
    expectEvents(pr.run(FRAME, { repeat: 200 }), new Array<Expected>(200).fill(EVENT));
  });

  test("rate 10 over 10,000 packets: about 1,000 events, each carrying sampleRate 10; all 10,000 counted", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t, { sampleRate: 10 });
    const run = pr.run(FRAME, { repeat: 10_000 });
    assertAboutOneIn(10, 10_000, run.events.length);
    expectEvents(run, new Array<Expected>(run.events.length).fill({ ...EVENT, sampleRate: 10 }));
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV4, 10_000, 10_000 * FRAME.length)]);
  });

  test("rate 0: packets are counted, no event is written", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t, { sampleRate: 0 });
    assert.deepEqual(pr.run(FRAME, { repeat: 1000 }).events, []);
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV4, 1000, 1000 * FRAME.length)]);
  });

  test("setConfig changes the rate both loaded programs sample at, without a reload", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t, { sampleRate: 1 });
    expectEvents(pr.run(FRAME, { repeat: 3 }), new Array<Expected>(3).fill(EVENT));

    pr.dp.setConfig(0, 64);
    assert.deepEqual(pr.run(FRAME, { repeat: 100 }).events, []);

    pr.dp.setConfig(4, 64);
    const quarter = pr.run(FRAME, { repeat: 4000, dir: "egress" });
    assertAboutOneIn(4, 4000, quarter.events.length);
    expectEvents(quarter, new Array<Expected>(quarter.events.length).fill({ ...EVENT, sampleRate: 4, dir: "egress" }));

    pr.dp.setConfig(1, 64);
    expectEvents(pr.run(FRAME), [EVENT]);
  });

  test("a rate above 2^31 samples at most about 1 in 2^31, never every packet", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t, { sampleRate: 2 ** 31 + 1 });
    assert.equal(pr.run(FRAME, { repeat: 10_000 }).events.length, 0);
    pr.dp.setConfig(2 ** 32 - 1, 64);
    assert.equal(pr.run(FRAME, { repeat: 10_000 }).events.length, 0);
  });
});
