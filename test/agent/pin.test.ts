// agent.bpf.pin_path: interface counters pinned in bpffs survive a restart (they
// stay monotonic), a second agent on the same pin is refused, and a pinned map
// that no longer fits the config is an error that says how to fix it.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { requirePrivileges } from "../harness/privileges.js";
import { ensureBpffs } from "../harness/bpffs.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { sendUdp, startUdpReceiver } from "../harness/traffic.js";
import { startAgent, ifaceCounters, until } from "./agent-lab.js";

describe("pinned interface counters", () => {
  test("survive an agent restart, refuse a second agent, and name the fix when incompatible", async (t) => {
    if (!requirePrivileges(t)) return;
    ensureBpffs();
    const pin = `/sys/fs/bpf/rfmt-${process.pid}`;
    t.after(() => rmSync(pin, { recursive: true, force: true }));
    const lab = await createLab(t);
    const ns = await lab.netns();
    const pair = await lab.veth({ ns: HOST_NS }, { ns });
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    const bpf = { pin_path: pin, iface_stats_size: 64 };

    const first = await startAgent(t, [pair.a.name], { bpf });
    await until(() => first.agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 100, size: 10 });
    const afterFirst = ifaceCounters(first.agent, pair.a.ifindex).get("0/4")?.packets ?? 0;
    assert.ok(afterFirst >= 100);

    await assert.rejects(startAgent(t, [pair.a.name], { bpf }), /another rfm agent is running with pin_path/);
    await first.agent.stop();

    const second = await startAgent(t, [pair.a.name], { bpf });
    await until(() => second.agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    assert.equal(ifaceCounters(second.agent, pair.a.ifindex).get("0/4")?.packets, afterFirst, "counters carried over");
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 50, size: 10 });
    assert.equal(ifaceCounters(second.agent, pair.a.ifindex).get("0/4")?.packets, afterFirst + 50, "and keep counting");
    await second.agent.stop();
    await rx.stop();

    await assert.rejects(
      startAgent(t, [pair.a.name], { bpf: { ...bpf, iface_stats_size: 128 } }),
      /do not fit this configuration.*rm \/sys\/fs\/bpf\/rfmt-\d+\/rfm_iface_stats/,
    );
  });
});
