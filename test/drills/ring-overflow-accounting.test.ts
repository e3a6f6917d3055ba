// Drill: a flood at sample rate 1 through the smallest ring overflows it
// while the agent reads. Every packet is accounted for exactly: an event the
// agent read or a ring drop counted in the BPF per-CPU state, and the metrics
// say the same. The test waits on those counters, never on time.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { sendUdp, startUdpReceiver } from "../harness/traffic.js";
import { delta, ifaceCounters, liveFlows, ringSettled, startAgent, until } from "../agent/agent-lab.js";
import { sample } from "../ipfix-interop/interop-agent.js";

const PACKETS = 20_000;

describe("drill: ring buffer overflow", () => {
  test(`${PACKETS} packets at rate 1 into a 4 KiB ring: events read + ring drops = packets, exactly, in the BPF state and in the metrics`, async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    // 4 KiB holds 56 events; the agent reads it as it fills, and falls behind.
    const { agent, port } = await startAgent(t, [pair.a.name], { bpf: { sample_rate: 1, ring_buf_size: 4096 } });
    await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    const rx = await startUdpReceiver(lab, { ns: HOST_NS, bind: "0.0.0.0" }); // no ICMP port unreachable going back
    const before = ifaceCounters(agent, pair.a.ifindex);
    const cpuBefore = agent.datapath.readCpuState();
    const readBefore = agent.table.eventsIngested;

    const { sent } = await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: PACKETS, size: 10 });
    assert.equal(sent, PACKETS);
    const settled = await ringSettled(agent, cpuBefore.submits + cpuBefore.ringDrops + PACKETS);
    const dropped = settled.ringDrops - cpuBefore.ringDrops;
    const read = agent.table.eventsIngested - readBefore;

    assert.equal(delta(ifaceCounters(agent, pair.a.ifindex), before, "0/4").packets, PACKETS, "every packet counted at the interface");
    assert.ok(dropped > 0, "the ring overflowed");
    assert.equal(read, settled.submits - cpuBefore.submits, "every event submitted was read: none lost between kernel and agent");
    assert.equal(read + dropped, PACKETS, "events read + ring drops = packets sampled");
    const [flow] = liveFlows(agent).filter((f) => f.dport === rx.port);
    assert.equal(flow?.sampledPackets, read, "the flow holds exactly the events read");

    const metrics = await (await fetch(`http://[::1]:${port}/metrics`)).text();
    const counted = sample(metrics, "rfm_interface_rx_packets_total", `ifname="${pair.a.name}",family="ipv4"`);
    const m = (name: string) => sample(metrics, name, "")!;
    assert.equal(m("rfm_collector_events_total") + m("rfm_collector_dropped_events_total"), counted, "the metrics tell the same");
    await rx.stop();
  });
});
