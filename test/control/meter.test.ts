// `rfm meter attach|detach|status [--netns NS] -i DEV`: attaching by hand at
// runtime, also inside another named network namespace, through the real CLI
// against an agent in a namespace lab.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { chmodSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { deleteNetns } from "../harness/netns.js";
import { linkInfo } from "../harness/links.js";
import { sendUdp, startUdpReceiver } from "../harness/traffic.js";
import { startAgent, until } from "../agent/agent-lab.js";
import { runCli } from "../cli/run-cli.js";
import { EndReason } from "../../src/flow-record/index.js";
import { tempDir } from "../harness/temp-dir.js";

function socketPath(): string {
  const d = tempDir("rfm-meter-");
  chmodSync(d, 0o755);
  return join(d, "rfm.sock");
}

describe("rfm meter", () => {
  test("attach --netns meters an interface inside another namespace; status shows it; detach stops it", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const peer = await lab.netns();
    const blue = await lab.netns();
    const host = await lab.veth({ ns: HOST_NS }, { ns: peer });
    const inBlue = await lab.veth({ ns: blue, name: "eth0" }, { ns: peer });
    const spare = await lab.veth({ ns: HOST_NS }, { ns: peer });
    const sock = socketPath();
    const S = ["--socket", sock];
    const { agent, records, port } = await startAgent(t, [host.a.name], { control: { socket: sock } });
    await until(() => agent.attachments.has("", host.a.ifindex), 5000, "attach");
    const before = await (await fetch(`http://[::1]:${port}/metrics`)).text();
    assert.doesNotMatch(before, /netns=/, "no netns label before a namespace is used");

    const attach = await runCli(["meter", "attach", "--netns", blue, "-i", "eth0", ...S]);
    assert.equal(attach.code, 0, attach.stderr);
    assert.equal(attach.stdout, `attached eth0 in network namespace ${blue}\n`);
    assert.ok(agent.attachments.has(`/run/netns/${blue}`, inBlue.a.ifindex));

    const rx = await startUdpReceiver(lab, { ns: blue });
    await sendUdp(lab, { from: peer, to: inBlue.a.ipv4, port: rx.port, count: 120, size: 100 });
    assert.equal((await rx.stop()).datagrams, 120);

    const top = await runCli(["flows", "top", "1", ...S]);
    assert.match(top.stdout.trim().split("\n")[1] ?? "", new RegExp(`^${blue}/eth0 +ingress +udp +${inBlue.b.ipv4.replace(/\./g, "\\.")}:\\d+ +${inBlue.a.ipv4.replace(/\./g, "\\.")}:${rx.port} +- +- +120 +`));
    const json = JSON.parse((await runCli(["flows", "dump", "--json", ...S])).stdout) as { ifname: string; netns?: string; packets: number }[];
    assert.deepEqual(json.filter((f) => f.packets === 120).map((f) => [f.netns, f.ifname]), [[blue, "eth0"]]);

    const status = await runCli(["status", ...S]);
    assert.match(status.stdout, new RegExp(`^interfaces +${host.a.name} ${blue}/eth0$`, "m"));
    assert.match(status.stdout, new RegExp(`^attached by hand +${blue}/eth0$`, "m"));

    const meter = await runCli(["meter", "status", ...S]);
    assert.equal(meter.code, 0, meter.stderr);
    const rows = meter.stdout.trim().split("\n");
    assert.match(rows[0] ?? "", /^NETNS +IFACE +IFINDEX +OBS POINT +ATTACHED BY +RX PACKETS +RX BYTES +TX PACKETS +TX BYTES$/);
    assert.match(rows[1] ?? "", new RegExp(`^- +${host.a.name} +${host.a.ifindex} +${host.a.ifindex} +config +0 +0 +0 +0$`));
    // 120 datagrams of 100 payload bytes: 142 wire bytes each (Ethernet 14 + IPv4 20 + UDP 8).
    const point = agent.metering.tagOf(blue)! * 2 ** 32 + inBlue.a.ifindex;
    assert.match(rows[2] ?? "", new RegExp(`^${blue} +eth0 +${inBlue.a.ifindex} +${point} +hand +120 +${120 * 142} +\\d+ +\\d+$`));
    const metrics = await (await fetch(`http://[::1]:${port}/metrics`)).text();
    assert.match(metrics, new RegExp(`^rfm_interface_rx_packets_total\\{ifname="eth0",netns="${blue}",family="ipv4"\\} 120$`, "m"));

    // Flows of one namespace can be flushed by name: the agent's own namespace keeps its flows.
    const flushed = await runCli(["flows", "flush", "--netns", blue, ...S]);
    assert.equal(flushed.stdout, "flushed 1\n");
    assert.deepEqual(records.filter((r) => r.packets === 120).map((r) => r.reason), [EndReason.Forced]);

    // A second attach of the same interface is a no-op that says so; the agent's own namespace works by hand too.
    assert.equal((await runCli(["meter", "attach", "--netns", blue, "-i", "eth0", ...S])).code, 0);
    const own = await runCli(["meter", "attach", "-i", spare.a.name, ...S]);
    assert.equal(own.stdout, `attached ${spare.a.name}\n`);
    assert.ok(agent.attachments.has("", spare.a.ifindex));
    const already = await runCli(["meter", "attach", "-i", host.a.name, ...S]);
    assert.equal(already.stdout, `attached ${host.a.name} (already, by a config pattern)\n`);

    // Mistakes get specific errors and change nothing.
    const errors: [string[], RegExp][] = [
      [["meter", "attach", "--netns", "rfmt-nope", "-i", "eth0"], /^rfm: no network namespace rfmt-nope \(\/run\/netns\/rfmt-nope is not a network namespace mount\)/],
      [["meter", "attach", "--netns", "../etc", "-i", "eth0"], /^rfm: invalid network namespace name "\.\.\/etc"/],
      [["meter", "attach", "--netns", blue, "-i", "nope0"], new RegExp(`^rfm: no interface nope0 in network namespace /run/netns/${blue}`)],
      [["meter", "detach", "-i", host.a.name], new RegExp(`^rfm: ${host.a.name} is attached by the config pattern "${host.a.name}"; change agent.interfaces`)],
      [["meter", "detach", "--netns", peer, "-i", "lo"], new RegExp(`^rfm: nothing is attached in network namespace ${peer}`)],
    ];
    for (const [args, message] of errors) {
      const r = await runCli([...args, ...S]);
      assert.equal(r.code, 1, args.join(" "));
      assert.match(r.stderr, message);
    }
    const missingIface = await runCli(["meter", "attach", ...S]);
    assert.notEqual(missingIface.code, 0, "-i is required");
    assert.equal(agent.metering.links().length, 3);

    // Detach: the programs leave the interface, its counters and flows go.
    const detach = await runCli(["meter", "detach", "--netns", blue, "-i", "eth0", ...S]);
    assert.equal(detach.stdout, `detached eth0 in network namespace ${blue}\n`);
    assert.ok(!agent.attachments.has(`/run/netns/${blue}`, inBlue.a.ifindex));
    assert.equal(agent.metering.tagOf(blue), undefined, "a namespace with nothing attached is let go");
    assert.deepEqual(records.filter((r) => r.packets === 120).map((r) => r.reason), [EndReason.Forced], "its flow was exported once, by the flush");
    assert.ok(agent.datapath.readIfaceCounters().every((c) => c.netns === 0), "its counters were removed");
    const rx2 = await startUdpReceiver(lab, { ns: blue });
    await sendUdp(lab, { from: peer, to: inBlue.a.ipv4, port: rx2.port, count: 10, size: 10 });
    await rx2.stop();
    agent.drain();
    assert.ok(agent.datapath.readIfaceCounters().every((c) => c.netns === 0), "nothing counted after detach");
    assert.equal((await runCli(["meter", "detach", "-i", spare.a.name, ...S])).stdout, `detached ${spare.a.name}\n`);

    // flowctl's forms: -i NETNS:DEV, and NETNS:* for every Ethernet link there (not lo).
    const all = await runCli(["meter", "attach", "-i", `${blue}:*`, ...S]);
    assert.equal(all.stdout, `attached eth0 in network namespace ${blue}\n`);
    assert.deepEqual(agent.metering.links().map((l) => `${l.netns}/${l.name}`), [`/${host.a.name}`, `${blue}/eth0`]);
    const clash = await runCli(["meter", "attach", "--netns", peer, "-i", `${blue}:eth0`, ...S]);
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, new RegExp(`^rfm: -i ${blue}:eth0 names namespace ${blue} but --netns says ${peer}`));
    assert.equal((await runCli(["meter", "detach", "-i", `${blue}:*`, ...S])).stdout, `detached eth0 in network namespace ${blue}\n`);
    assert.equal(agent.metering.tagOf(blue), undefined);
  });

  test("a namespace deleted while attached by hand is let go and really destroyed", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const peer = await lab.netns();
    const red = await lab.netns();
    const inRed = await lab.veth({ ns: red, name: "eth0" }, { ns: peer });
    const sock = socketPath();
    const { agent } = await startAgent(t, ["rfmt-none"], { control: { socket: sock } });
    assert.equal((await runCli(["meter", "attach", "--netns", red, "-i", "eth0", "--socket", sock])).code, 0);
    assert.equal(agent.metering.links().length, 1);
    await deleteNetns(red);
    await until(() => agent.metering.links().length === 0, 5000, "the deleted namespace let go");
    await until(() => linkInfo(peer, inRed.b.name).then(() => false, () => true), 10_000, "the namespace destroyed by the kernel");
    const status = await runCli(["meter", "status", "--json", "--socket", sock]);
    assert.deepEqual(JSON.parse(status.stdout), []);
  });

  test("a namespace deleted and created again under the same name is metered afresh, the old one let go", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const peer = await lab.netns();
    const name = await lab.netns();
    await lab.veth({ ns: name, name: "eth0" }, { ns: peer });
    const sock = socketPath();
    const { agent } = await startAgent(t, ["rfmt-none"], { control: { socket: sock } });
    const S = ["--socket", sock];
    assert.equal((await runCli(["meter", "attach", "-i", `${name}:eth0`, ...S])).code, 0);
    const firstTag = agent.metering.tagOf(name);
    // Same name, another namespace, at once (before the directory's next poll, unless its watch fires first).
    await deleteNetns(name);
    execFileSync("ip", ["netns", "add", name]);
    const again = await lab.veth({ ns: name, name: "eth0" }, { ns: peer });
    const r = await runCli(["meter", "attach", "-i", `${name}:eth0`, ...S]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(agent.metering.links().map((l) => [l.netns, l.name, l.ifindex]), [[name, "eth0", again.a.ifindex]]);
    assert.notEqual(agent.metering.tagOf(name), undefined);
    await until(() => agent.metering.links().length === 1 && agent.metering.tagOf(name) !== undefined, 3000, "one namespace metered");
    assert.ok(firstTag !== undefined);
    const rx = await startUdpReceiver(lab, { ns: name });
    await sendUdp(lab, { from: peer, to: again.a.ipv4, port: rx.port, count: 5, size: 10 });
    await rx.stop();
    const tag = agent.metering.tagOf(name)!;
    assert.equal(agent.datapath.readIfaceCounters().find((c) => c.netns === tag && c.dir === 0 && c.family === 4)?.packets, 5);
  });
});
