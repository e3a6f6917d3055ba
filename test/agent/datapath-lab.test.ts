// The agent on one end of a veth pair, known traffic from the other: counters
// and flows must equal what was sent.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab, type Lab, type VethPair } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { sendUdp, startUdpReceiver, ping } from "../harness/traffic.js";
import { sendRawFrames } from "../harness/raw-frames.js";
import { startAgent, liveFlows, ifaceCounters, delta, until, type FlowView } from "./agent-lab.js";
import { Datapath } from "../../src/bpf/datapath.js";
import { loadAddon } from "../../src/bpf/addon.js";
import { EndReason } from "../../src/flow-record/index.js";

const ETH = 14;
const UDP4 = ETH + 20 + 8;
const UDP6 = ETH + 40 + 8;

/** A namespace joined to the host by a veth; lab veths are quiet (no ARP, NDP, MLD of their own). */
async function quietPair(lab: Lab): Promise<VethPair> {
  const ns = await lab.netns();
  return lab.veth({ ns: HOST_NS }, { ns });
}

function flowsTo(flows: FlowView[], dst: string, dport: number, direction = 0): FlowView[] {
  return flows.filter((f) => f.dst === dst && f.dport === dport && f.direction === direction);
}

describe("agent datapath in a namespace lab", () => {
  test("interface counters and flows equal exactly what was sent (rate 1, TCX)", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await quietPair(lab);
    const { agent } = await startAgent(t, [pair.a.name]);
    await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    assert.equal(agent.attachments.attachMode, "tcx");
    const rx = await startUdpReceiver(lab, { ns: HOST_NS, bind: "::", port: 0 });
    const before = ifaceCounters(agent, pair.a.ifindex);

    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 3000, size: 100 });
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv6, port: rx.port, count: 500, size: 200 });
    const got = await rx.stop();
    assert.equal(got.datagrams, 3500, "the receiver got everything");

    const after = ifaceCounters(agent, pair.a.ifindex);
    assert.deepEqual(delta(after, before, "0/4"), { packets: 3000, bytes: 3000 * (UDP4 + 100) });
    assert.deepEqual(delta(after, before, "0/6"), { packets: 500, bytes: 500 * (UDP6 + 200) });
    assert.deepEqual(delta(after, before, "1/4"), { packets: 0, bytes: 0 }, "nothing went back over IPv4");

    const flows = liveFlows(agent);
    const v4 = flowsTo(flows, pair.a.ipv4, rx.port);
    assert.equal(v4.length, 1, JSON.stringify(flows));
    assert.deepEqual(
      { src: v4[0].src, proto: v4[0].proto, ifindex: v4[0].ifindex, packets: v4[0].packets, bytes: v4[0].bytes, ipBytes: v4[0].ipBytes },
      { src: pair.b.ipv4, proto: 17, ifindex: pair.a.ifindex, packets: 3000, bytes: 3000 * (UDP4 + 100), ipBytes: 3000 * (UDP4 - ETH + 100) },
    );
    const v6 = flowsTo(flows, pair.a.ipv6, rx.port);
    assert.equal(v6.length, 1);
    assert.deepEqual([v6[0].src, v6[0].packets, v6[0].bytes], [pair.b.ipv6, 500, 500 * (UDP6 + 200)]);
  });

  test("pings become ICMP flows with type and code in the destination port", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await quietPair(lab);
    const { agent } = await startAgent(t, [pair.a.name]);
    await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    const r4 = await ping(lab, { from: pair.b.ns, to: pair.a.ipv4, count: 4 });
    const r6 = await ping(lab, { from: pair.b.ns, to: pair.a.ipv6, count: 3 });
    assert.deepEqual([r4.received, r6.received], [4, 3]);
    const flows = liveFlows(agent);
    const echo4 = flows.find((f) => f.proto === 1 && f.direction === 0 && f.dst === pair.a.ipv4);
    const reply4 = flows.find((f) => f.proto === 1 && f.direction === 1 && f.dst === pair.b.ipv4);
    assert.equal(echo4?.dport, 8 * 256, "echo request: type 8 code 0");
    assert.equal(echo4?.packets, 4);
    assert.equal(reply4?.dport, 0, "echo reply: type 0 code 0");
    assert.equal(reply4?.packets, 4);
    const echo6 = flows.find((f) => f.proto === 58 && f.direction === 0 && f.dst === pair.a.ipv6 && f.dport === 128 * 256);
    assert.equal(echo6?.packets, 3, "ICMPv6 echo request: type 128");
  });

  test("at 1 in 10 the estimate is within 3 standard errors, scaled per event", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await quietPair(lab);
    const { agent } = await startAgent(t, [pair.a.name], { bpf: { sample_rate: 10 } });
    await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    const n = 3000;
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: n, size: 100 });
    await rx.stop();
    const [f] = flowsTo(liveFlows(agent), pair.a.ipv4, rx.port);
    assert.ok(f, "the flow was sampled");
    const se = 10 * Math.sqrt(n * 0.1 * 0.9);
    assert.ok(Math.abs(f.packets - n) <= 3 * se, `estimate ${f.packets} vs ${n} (3 SE = ${3 * se})`);
    assert.equal(f.packets, f.sampledPackets * 10);
    assert.equal(f.bytes, f.sampledPackets * 10 * (UDP4 + 100));
  });

  test("programs after ours still see every packet: a clsact filter and a second TCX program", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await quietPair(lab);
    const { agent } = await startAgent(t, [pair.a.name]);
    await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    // A foreign TCX program appended after ours on ingress (another copy of our object counts for us).
    const other = Datapath.open({ ringBufSize: 4096, ifaceStatsSize: 64, sampleRate: 0, wakeupBatch: 1 });
    t.after(() => other.close());
    const addon = loadAddon();
    const link = addon.tcxAttach(other.ingressFd, pair.a.ifindex, "ingress", "tail");
    t.after(() => addon.closeFd(link));
    // And a classic clsact filter (cls_bpf, another copy), which runs after the whole TCX chain.
    const filterObj = Datapath.open({ ringBufSize: 4096, ifaceStatsSize: 64, sampleRate: 0, wakeupBatch: 1 });
    t.after(() => filterObj.close());
    const filter = addon.tcAttach(filterObj.ingressFd, pair.a.ifindex, "ingress");
    t.after(() => addon.tcDetach(pair.a.ifindex, "ingress", filter.handle, filter.priority, filter.createdQdisc));
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 1000, size: 64 });
    assert.equal((await rx.stop()).datagrams, 1000);

    const foreign = other.readIfaceCounters().find((c) => c.ifindex === pair.a.ifindex && c.dir === 0 && c.family === 4);
    assert.equal(foreign?.packets, 1000, "the TCX program behind ours saw every packet");
    const filtered = filterObj.readIfaceCounters().find((c) => c.ifindex === pair.a.ifindex && c.dir === 0 && c.family === 4);
    assert.equal(filtered?.packets, 1000, "the clsact filter saw every packet");
  });

  test("the clsact fallback counts the same and leaves no qdisc or filter behind", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await quietPair(lab);
    const { agent } = await startAgent(t, [pair.a.name], { bpf: { attach_mode: "clsact" } });
    await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    assert.equal(agent.attachments.attachMode, "clsact");
    const qdiscs = execFileSync("tc", ["qdisc", "show", "dev", pair.a.name], { encoding: "utf8" });
    assert.match(qdiscs, /clsact/);
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    const before = ifaceCounters(agent, pair.a.ifindex);
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 700, size: 10 });
    await rx.stop();
    assert.deepEqual(delta(ifaceCounters(agent, pair.a.ifindex), before, "0/4"), { packets: 700, bytes: 700 * (UDP4 + 10) });
    await agent.stop();
    assert.doesNotMatch(execFileSync("tc", ["qdisc", "show", "dev", pair.a.name], { encoding: "utf8" }), /clsact/);
  });

  test("stop detaches every link and hands live flows to the sink as forced end", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await quietPair(lab);
    const { agent, records } = await startAgent(t, [pair.a.name]);
    await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    // This agent's programs, by the ids in its fds' fdinfo: other agents on the machine (other tests) load
    // programs of the same names and have links of their own (and this bpftool does not say a TCX link's ifindex).
    const progIds = new Set([agent.datapath.ingressFd, agent.datapath.egressFd].map((fd) => Number(/^prog_id:\s+(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"))?.[1])));
    const linksOfOurs = () =>
      (JSON.parse(execFileSync("bpftool", ["-j", "link", "show"], { encoding: "utf8" })) as { prog_id: number }[]).filter((l) => progIds.has(l.prog_id));
    assert.ok(linksOfOurs().length >= 2, "ingress and egress links exist while running");
    await ping(lab, { from: pair.b.ns, to: pair.a.ipv4, count: 2 });
    agent.drain();
    const live = agent.table.size;
    assert.ok(live >= 2);
    await agent.stop();
    assert.equal(linksOfOurs().length, 0, "no TCX link of ours is left");
    assert.equal(records.length, live);
    assert.ok(records.every((r) => r.reason === EndReason.Forced));
  });

  test("50 veths created and deleted while running: each attached and detached, counters gone", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const ns = await lab.netns();
    const prefix = `rfmc${process.pid % 100000}x`;
    // 50 links x (2 directions, up to 3 families) need more than the default 64 counter slots.
    const { agent } = await startAgent(t, [`${prefix}[0-9]+`], { bpf: { iface_stats_size: 512 } });
    const pairs: VethPair[] = [];
    for (let i = 0; i < 50; i++) pairs.push(await lab.veth({ ns: HOST_NS, name: `${prefix}${i}` }, { ns }));
    await until(() => pairs.every((p) => agent.attachments.has("", p.a.ifindex)), 15_000, "50 attachments");
    assert.equal(agent.attachments.size, 50);
    for (const p of pairs) await lab.execOk(ns, ["ping", "-c", "1", "-W", "2", "-q", p.a.ipv4]);
    for (const p of pairs) assert.ok(ifaceCounters(agent, p.a.ifindex).size > 0, `${p.a.name} counted its ping`);
    for (const p of pairs) execFileSync("ip", ["link", "del", p.a.name]);
    await until(() => agent.attachments.size === 0, 15_000, "50 detachments");
    for (const p of pairs) assert.equal(ifaceCounters(agent, p.a.ifindex).size, 0, `counters of ${p.a.name} removed`);
    assert.equal(agent.errors.get("attach"), 0);
    assert.equal(agent.errors.get("netlink"), 0);
  });
});

describe("VLAN tags the kernel holds in the skb", () => {
  test("a tagged frame received on a veth is untagged by the kernel; its 4 tag bytes still count as wire bytes", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await quietPair(lab);
    const { agent } = await startAgent(t, [pair.a.name]);
    await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    // 802.1Q tag (VLAN 7) around IPv4/UDP, sent raw from the peer.
    const ip = Buffer.alloc(20 + 8 + 20);
    ip[0] = 0x45;
    ip.writeUInt16BE(ip.length, 2);
    ip[8] = 64;
    ip[9] = 17;
    Buffer.from(pair.b.ipv4.split(".").map(Number)).copy(ip, 12);
    Buffer.from([192, 0, 2, 7]).copy(ip, 16);
    ip.writeUInt16BE(5555, 20);
    ip.writeUInt16BE(7777, 22);
    ip.writeUInt16BE(28, 24);
    const mac = (m: string) => Buffer.from(m.split(":").map((h) => parseInt(h, 16)));
    const frame = Buffer.concat([mac(pair.a.mac), mac(pair.b.mac), Buffer.from([0x81, 0x00, 0x00, 0x07, 0x08, 0x00]), ip]);
    const before = ifaceCounters(agent, pair.a.ifindex);
    assert.equal(await sendRawFrames(lab, pair.b.ns, pair.b.name, [frame], 10), 10);
    await until(() => delta(ifaceCounters(agent, pair.a.ifindex), before, "0/4").packets === 10, 5000, "10 tagged frames counted");
    assert.deepEqual(delta(ifaceCounters(agent, pair.a.ifindex), before, "0/4"), { packets: 10, bytes: 10 * frame.length });
    const [f] = liveFlows(agent).filter((x) => x.dport === 7777);
    assert.equal(f?.packets, 10);
    assert.equal(f?.bytes, 10 * frame.length, "wire bytes include the tag");
    assert.equal(f?.ipBytes, 10 * ip.length, "IP bytes leave Ethernet header and tag out");
  });
});
