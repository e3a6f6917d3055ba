// Drill: 100 veths created and deleted while traffic flows on another
// interface. Each one is attached, counts exactly the frame sent on it, and
// is detached with its counters removed when deleted; the interface that
// carries the traffic keeps being counted exactly throughout.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { ipBatch, ipJson } from "../harness/ip.js";
import { sendRawFrames } from "../harness/raw-frames.js";
import { startUdpReceiver, startUdpStream } from "../harness/traffic.js";
import { delta, ifaceCounters, liveFlows, ringSettled, startAgent, until } from "../agent/agent-lab.js";

const CHURN = 100;
const UDP4_WIRE = 14 + 20 + 8;
const PAYLOAD = 100;
/** A minimum-size frame of a local experimental ethertype: counted as family other, never sampled, never answered. */
const FRAME = Buffer.concat([Buffer.from("ffffffffffff020000000001" + "88b5", "hex"), Buffer.alloc(46)]);

describe("drill: interfaces created and deleted while traffic flows", () => {
  test(`${CHURN} veths: each attached, counted, detached with its counters removed; the busy interface counted exactly throughout`, { timeout: 60_000 }, async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const busy = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    // The churned pairs' far ends live in nsC: deleting it (the lab's cleanup) deletes every pair left.
    const nsC = await lab.netns();
    const prefix = `rfmv${process.pid % 100000}x`;
    const names = Array.from({ length: CHURN }, (_, i) => `${prefix}${i}`);
    // 100 links x (2 directions x 3 families) beyond the ifindex slots must fit the counter map.
    const { agent } = await startAgent(t, [`${prefix}[0-9]+`, busy.a.name], { bpf: { iface_stats_size: 1024 } });
    await until(() => agent.attachments.has("", busy.a.ifindex), 5000, "the busy interface attached");
    const rx = await startUdpReceiver(lab, { ns: HOST_NS, bind: "0.0.0.0" });
    const before = ifaceCounters(agent, busy.a.ifindex);
    const stream = await startUdpStream(lab, { from: busy.b.ns, to: busy.a.ipv4, port: rx.port, size: PAYLOAD });

    // Quiet links (no IPv6 link-local address, no ARP): the frame the test sends is all they carry.
    await ipBatch(HOST_NS, names.map((n, i) => ["link", "add", n, "type", "veth", "peer", "name", `p${i}`, "netns", nsC]));
    await ipBatch(HOST_NS, names.map((n) => ["link", "set", "dev", n, "addrgenmode", "none", "arp", "off"]));
    await ipBatch(nsC, names.map((_, i) => ["link", "set", "dev", `p${i}`, "addrgenmode", "none", "arp", "off"]));
    await ipBatch(HOST_NS, names.map((n) => ["link", "set", "dev", n, "up"]));
    await ipBatch(nsC, names.map((_, i) => ["link", "set", "dev", `p${i}`, "up"]));
    const byName = new Map((await ipJson<{ ifname: string; ifindex: number }[]>(HOST_NS, ["link", "show"])).map((l) => [l.ifname, l.ifindex]));
    const ifindexes = names.map((n) => byName.get(n)!);
    await until(() => ifindexes.every((i) => agent.attachments.has("", i)), 20_000, `${CHURN} attachments`);
    assert.equal(agent.attachments.size, CHURN + 1);

    assert.equal(await sendRawFrames(lab, nsC, names.map((_, i) => `p${i}`), [FRAME]), CHURN);
    await until(() => ifindexes.every((i) => ifaceCounters(agent, i).get("0/0")?.packets === 1), 10_000, "a frame counted on each");
    for (const i of ifindexes) {
      assert.deepEqual([...ifaceCounters(agent, i)].filter(([, v]) => v.packets > 0), [["0/0", { packets: 1, bytes: FRAME.length }]], `ifindex ${i}`);
    }

    await ipBatch(HOST_NS, names.map((n) => ["link", "del", n]));
    await until(() => agent.attachments.size === 1, 20_000, `${CHURN} detachments`);
    for (const i of ifindexes) assert.equal(ifaceCounters(agent, i).size, 0, `counters of ifindex ${i} removed`);

    const { sent } = await stream.stop();
    await until(() => delta(ifaceCounters(agent, busy.a.ifindex), before, "0/4").packets >= sent, 5000, "the stream's last packets counted");
    assert.deepEqual(delta(ifaceCounters(agent, busy.a.ifindex), before, "0/4"), { packets: sent, bytes: sent * (UDP4_WIRE + PAYLOAD) });
    // Sampled at 1, each datagram is in the stream's flow or a counted ring drop (the only sampled traffic here).
    const { ringDrops } = await ringSettled(agent, sent);
    const [flow] = liveFlows(agent).filter((f) => f.ifindex === busy.a.ifindex && f.dport === rx.port);
    assert.equal((flow?.sampledPackets ?? 0) + ringDrops, sent);
    const got = await rx.stop();
    assert.equal(got.datagrams + got.rcvbufErrors, sent, "every datagram reached the receiving namespace");
    assert.deepEqual([agent.errors.get("attach"), agent.errors.get("netlink"), agent.errors.get("bpf_map")], [0, 0, 0]);
  });
});
