// Drill: a second `rfm agent` on the pin path of a running one is refused
// before it touches anything: it exits 1 naming the pin path, and the first
// agent goes on counting exactly with its pinned maps in place.
import { tempDir } from "../harness/temp-dir.js";
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { ensureBpffs } from "../harness/bpffs.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { sendUdp, startUdpReceiver } from "../harness/traffic.js";
import { runCli } from "../cli/run-cli.js";
import { sample, until } from "../ipfix-interop/interop-agent.js";
import { agentConfig, startAgentProcess } from "./agent-process.js";

describe("drill: a second agent on the same pin path", () => {
  test("is refused with exit 1 naming the pin path; the first agent keeps its pins and counts on exactly", async (t) => {
    if (!requirePrivileges(t)) return;
    ensureBpffs();
    const pin = `/sys/fs/bpf/rfmt-${process.pid}-drill`;
    t.after(() => rmSync(pin, { recursive: true, force: true }));
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-drill-", t);
    const toml = `[agent]\ninterfaces = ["${pair.a.name}"]\n[agent.bpf]\npin_path = "${pin}"\n`;
    const first = await startAgentProcess(t, await agentConfig(dir, "first", toml));
    const rx = await startUdpReceiver(lab, { ns: HOST_NS, bind: "0.0.0.0" });
    const received = async () => sample(await first.scrape(), "rfm_interface_rx_packets_total", `ifname="${pair.a.name}",family="ipv4"`);
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 100, size: 10 });
    await until(async () => (await received()) === 100, 5000, "100 packets counted by the first agent");

    const second = await runCli(["agent", "-c", (await agentConfig(dir, "second", toml)).path]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`another rfm agent is running with pin_path ${pin} \\(its lock is held\\); stop it first`));
    assert.doesNotMatch(second.stderr, /agent started/);

    assert.ok(["rfm_iface_stats", "rfm_iface_slots"].every((m) => existsSync(join(pin, m))), "the first agent's pins are in place");
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 50, size: 10 });
    await until(async () => ((await received()) ?? 0) >= 150, 5000, "the next 50 packets counted");
    assert.equal(await received(), 150, "exactly");
    await rx.stop();
    const exit = await first.stop();
    assert.equal(exit.code, 0, exit.stderr);
  });
});
