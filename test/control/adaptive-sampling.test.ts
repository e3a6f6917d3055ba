// Adaptive sampling: drops double N (up to the max), ten quiet ticks halve it
// (down to the base); in a lab flood at N = 1 the rate rises, and falls after.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { AdaptiveSampling, QUIET_TICKS } from "../../src/agent/adaptive-sampling.js";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { sendUdp } from "../harness/traffic.js";
import { ifaceCounters, until } from "../agent/agent-lab.js";
import { parseConfig } from "../../src/config/index.js";
import { Agent } from "../../src/agent/agent.js";
import { freePort } from "../harness/ports.js";

describe("adaptive sampling controller", () => {
  test("doubles on drops up to the max, halves after 10 quiet ticks down to the base", () => {
    const a = new AdaptiveSampling(1, 8);
    let rate = 1;
    rate = a.next(0, rate);
    assert.equal(rate, 1, "the first reading is only a baseline");
    for (const drops of [5, 9, 20, 30]) rate = a.next(drops, rate);
    assert.equal(rate, 8, "1 -> 2 -> 4 -> 8, capped");
    for (let i = 0; i < QUIET_TICKS - 1; i++) rate = a.next(30, rate);
    assert.equal(rate, 8);
    rate = a.next(30, rate);
    assert.equal(rate, 4);
    for (let i = 0; i < 3 * QUIET_TICKS; i++) rate = a.next(30, rate);
    assert.equal(rate, 1, "never below the base");
  });
  test("a reset restarts the quiet count", () => {
    const a = new AdaptiveSampling(1, 8);
    a.next(0, 4);
    for (let i = 0; i < QUIET_TICKS - 1; i++) a.next(0, 4);
    a.reset();
    assert.equal(a.next(0, 4), 4);
  });
});

describe("adaptive sampling in the agent", () => {
  // The test steps the controller itself (adaptiveTickMs 0): every reading
  // below is taken between two steps, so scrape and agent agree exactly.
  test("a flood at N = 1 through a tiny ring raises the rate; quiet brings it back", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const ns = await lab.netns();
    const pair = await lab.veth({ ns: HOST_NS }, { ns });
    const port = await freePort();
    const { config } = parseConfig(
      `[agent]\ninterfaces = ["${pair.a.name}"]\n[agent.bpf]\nsample_rate = 1\nring_buf_size = 4096\nwakeup_batch = 4096\nadaptive_sampling = true\nmax_sample_rate = 8\n[agent.prometheus]\nport = ${port}\n`,
    );
    const agent = new Agent({ config, adaptiveTickMs: 0 });
    t.after(() => agent.stop());
    await agent.start();
    await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    agent.adaptSampleRate(); // the baseline reading of the drop counter
    assert.equal(agent.currentSampleRate, 1);
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: 9, count: 20_000, size: 10 });
    // Every datagram through the program (so no drop can come after the next step).
    await until(() => ifaceCounters(agent, pair.a.ifindex).get("0/4")?.packets === 20_000, 5000, "20,000 packets counted at ingress");
    assert.ok(agent.datapath.readCpuState().ringDrops > 0, "the flood overflows a 4 KiB ring");
    agent.adaptSampleRate();
    assert.equal(agent.currentSampleRate, 2, "drops double the rate");
    const metrics = await (await fetch(`http://[::1]:${port}/metrics`)).text();
    assert.match(metrics, /^rfm_bpf_sample_rate 2$/m);
    assert.equal(agent.datapath.readConfig().sampleRate, 2, "the kernel samples at the new rate");
    for (let i = 0; i < QUIET_TICKS - 1; i++) agent.adaptSampleRate();
    assert.equal(agent.currentSampleRate, 2, "nine quiet steps keep it");
    agent.adaptSampleRate();
    assert.equal(agent.currentSampleRate, 1, "the tenth quiet step halves it back to the base");
    assert.equal(agent.datapath.readConfig().sampleRate, 1);
    assert.match(await (await fetch(`http://[::1]:${port}/metrics`)).text(), /^rfm_bpf_sample_rate 1$/m);
  });
});
