// Interface patterns naming network namespaces (NETNS_REGEX/IF_REGEX): one
// agent meters interfaces inside named namespaces as they come and go, and
// equal ifindexes in two namespaces stay apart in counters, flows and labels.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { deleteNetns } from "../harness/netns.js";
import { linkInfo } from "../harness/links.js";
import { sendUdp, startUdpReceiver } from "../harness/traffic.js";
import { startAgent, until } from "./agent-lab.js";
import { EndReason } from "../../src/flow-record/index.js";
import { formatAddress } from "../../src/net/address.js";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { tempDir } from "../harness/temp-dir.js";

async function scrape(port: number): Promise<string> {
  const res = await fetch(`http://[::1]:${port}/metrics`);
  return res.text();
}

function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("interface patterns across network namespaces", () => {
  test("namespaces matching NETNS_REGEX are metered as they appear and let go when deleted, each counted apart", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const peer = await lab.netns();
    const blue = await lab.netns();
    const pairBlue = await lab.veth({ ns: blue, name: "eth0" }, { ns: peer });
    const logPath = join(tempDir("rfm-ns-", t), "flows.jsonl");
    const { agent, records, port } = await startAgent(t, [`rfmt-${process.pid}-.+/eth0`], { log: { path: logPath } });
    await until(() => agent.metering.links().some((l) => l.netns === blue && l.name === "eth0"), 5000, "eth0 in the first namespace attached at start");

    // A namespace created while the agent runs, with an interface of the same name and ifindex.
    const red = await lab.netns();
    const pairRed = await lab.veth({ ns: red, name: "eth0" }, { ns: peer });
    assert.equal(pairRed.a.ifindex, pairBlue.a.ifindex, "the same ifindex in both namespaces");
    await until(() => agent.metering.links().some((l) => l.netns === red && l.name === "eth0"), 5000, "eth0 in the new namespace attached");
    assert.deepEqual(
      agent.metering.links().map((l) => `${l.netns}/${l.name}`).sort(),
      [`${blue}/eth0`, `${red}/eth0`].sort(),
      "only interfaces the interface part matches: the peer's ends are not attached",
    );

    for (const [ns, pair, count] of [[blue, pairBlue, 200], [red, pairRed, 300]] as const) {
      const rx = await startUdpReceiver(lab, { ns });
      await sendUdp(lab, { from: peer, to: pair.a.ipv4, port: rx.port, count, size: 100 });
      assert.equal((await rx.stop()).datagrams, count);
    }

    // Counters: one set per namespace, under its own tag.
    const tagBlue = agent.metering.tagOf(blue)!;
    const tagRed = agent.metering.tagOf(red)!;
    assert.notEqual(tagBlue, tagRed);
    const rxIpv4 = (tag: number) =>
      agent.datapath.readIfaceCounters().find((c) => c.netns === tag && c.ifindex === pairBlue.a.ifindex && c.dir === 0 && c.family === 4)?.packets;
    assert.equal(rxIpv4(tagBlue), 200);
    assert.equal(rxIpv4(tagRed), 300);

    // Flows: equal keys but for the namespace, so two flows.
    agent.drain();
    const udpIn: { netns: number; packets: number; dst: string }[] = [];
    agent.table.forEach((id) => {
      const r = agent.table.describe(id);
      if (r.proto === 17 && r.direction === 0) udpIn.push({ netns: r.netns, packets: r.packets, dst: formatAddress(r.dst) });
    });
    assert.deepEqual(
      udpIn.sort((a, b) => a.packets - b.packets),
      [{ netns: tagBlue, packets: 200, dst: pairBlue.a.ipv4 }, { netns: tagRed, packets: 300, dst: pairRed.a.ipv4 }],
    );

    // Metrics carry the netns label (and the agent's own namespace would be netns="").
    const text = await scrape(port);
    assert.equal(sample(text, "rfm_interface_rx_packets_total", `ifname="eth0",netns="${blue}",family="ipv4"`), 200);
    assert.equal(sample(text, "rfm_interface_rx_packets_total", `ifname="eth0",netns="${red}",family="ipv4"`), 300);
    assert.match(text, new RegExp(`^rfm_flow_packets_total\\{ifname="eth0",netns="${red}",direction="ingress",proto="17",`, "m"));

    const status = agent.status("test", Date.now());
    assert.deepEqual(status.interfaces.sort(), [`${blue}/eth0`, `${red}/eth0`].sort());

    // Deleting a namespace: detached, its flows exported (forced end), its counters gone, and the
    // namespace really goes (the agent holds no reference: the peer's veth end disappears with it).
    await deleteNetns(red);
    await until(() => !agent.metering.links().some((l) => l.netns === red), 5000, "the deleted namespace let go");
    const flushed = records.filter((r) => r.netns === tagRed && r.proto === 17);
    assert.deepEqual(flushed.map((r) => [r.packets, r.reason]), [[300, EndReason.Forced]]);
    const logged = readFileSync(logPath, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      logged.filter((l) => l.proto === 17).map((l) => [l.netns, l.ifname, l.packets, l.reason]),
      [[red, "eth0", 300, "forced"]],
      "the flow log names the namespace",
    );
    assert.equal(rxIpv4(tagRed), undefined, "counters of the deleted namespace removed");
    assert.equal(rxIpv4(tagBlue), 200, "the other namespace keeps its counters");
    await until(() => linkInfo(peer, pairRed.b.name).then(() => false, () => true), 10_000, "the deleted namespace destroyed by the kernel");
    const after = await scrape(port);
    assert.doesNotMatch(after, new RegExp(`netns="${red}"`), "no series of the deleted namespace is left");
    assert.doesNotMatch(after, /netns="#/, "nor any under its bare tag");
    assert.match(after, new RegExp(`^rfm_flow_packets_total\\{ifname="eth0",netns="${blue}",`, "m"));
  });

  test("without namespace patterns there is no netns label", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const ns = await lab.netns();
    const pair = await lab.veth({ ns: null }, { ns });
    const { agent, port } = await startAgent(t, [pair.a.name]);
    await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    const rx = await startUdpReceiver(lab, { ns: null });
    await sendUdp(lab, { from: ns, to: pair.a.ipv4, port: rx.port, count: 10, size: 10 });
    await rx.stop();
    const text = await scrape(port);
    assert.equal(sample(text, "rfm_interface_rx_packets_total", `ifname="${pair.a.name}",family="ipv4"`), 10);
    assert.doesNotMatch(text, /netns=/);
  });

  test("agent.netns_dir points at another directory of namespace mounts (as container runtimes keep them)", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const peer = await lab.netns();
    const hidden = await lab.netns();
    const pair = await lab.veth({ ns: hidden, name: "eth0" }, { ns: peer });
    // A runtime-style directory: the namespace bind-mounted under another name.
    const dir = mkdtempSync(join(tmpdir(), "rfm-netns-"));
    const file = join(dir, "c0ffee");
    writeFileSync(file, "");
    execFileSync("mount", ["--bind", `/run/netns/${hidden}`, file]);
    t.after(() => {
      execFileSync("umount", [file]); // before the removal: a mount point cannot be unlinked
      rmSync(dir, { recursive: true, force: true });
    });
    const { agent } = await startAgent(t, ["c0ffee/eth0"], {}, "", `netns_dir = "${dir}"\n`);
    await until(() => agent.metering.links().some((l) => l.netns === "c0ffee" && l.name === "eth0"), 5000, "eth0 in the runtime's namespace attached");
    assert.equal(agent.metering.links().length, 1, "namespaces only in /run/netns are not looked at");
    const rx = await startUdpReceiver(lab, { ns: hidden });
    await sendUdp(lab, { from: peer, to: pair.a.ipv4, port: rx.port, count: 25, size: 10 });
    await rx.stop();
    const tag = agent.metering.tagOf("c0ffee")!;
    assert.equal(agent.datapath.readIfaceCounters().find((c) => c.netns === tag && c.dir === 0 && c.family === 4)?.packets, 25);
  });
});
