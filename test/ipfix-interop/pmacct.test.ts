// The agent's IPFIX export read by pmacct's nfacctd (print plugin, JSON,
// aggregated on the 5-tuple), alone and beside nfcapd as a second collector.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { startUdpReceiver } from "../harness/traffic.js";
import { Nfacctd, Nfcapd, freeUdpPort, nfAddresses, type PmacctFlow } from "./peers.js";
import { sendFromPorts, startInteropAgent, udpIpBytes, until, waitExported } from "./interop-agent.js";
import { tempDir } from "../harness/temp-dir.js";

const tuple = (f: PmacctFlow) => ({ src: f.ip_src, dst: f.ip_dst, sport: f.port_src, dport: f.port_dst, proto: f.ip_proto, packets: f.packets, bytes: f.bytes });
const byPort = (a: { sport: number }, b: { sport: number }) => a.sport - b.sport;

describe("IPFIX export read by pmacct", () => {
  test("nfacctd counts the same flows, packets and IP bytes as were sent, IPv4 and IPv6", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const port = await freeUdpPort();
    const nfacctd = await Nfacctd.start(lab, join(tempDir("rfm-interop-", t), "nfacctd"), port);
    t.after(() => nfacctd.stop());
    await startInteropAgent(t, pair, { ipfix: { host: "127.0.0.1", port } });
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });

    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 300, size: 100, sport: 40001 });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv6, port: rx.port, count: 50, size: 200, sport: 40002 });
    assert.equal((await rx.stop()).datagrams, 350);
    await until(() => nfacctd.flows().length >= 2, 10_000, "two flows printed by nfacctd");
    await new Promise((r) => setTimeout(r, 1200)); // one more print interval: nothing else may arrive

    assert.deepEqual(nfacctd.flows().map(tuple).sort(byPort), [
      { src: pair.b.ipv4, dst: pair.a.ipv4, sport: 40001, dport: rx.port, proto: "udp", packets: 300, bytes: 300 * udpIpBytes(4, 100) },
      { src: pair.b.ipv6, dst: pair.a.ipv6, sport: 40002, dport: rx.port, proto: "udp", packets: 50, bytes: 50 * udpIpBytes(6, 200) },
    ]);
    assert.ok(nfacctd.flows().every((f) => f.export_proto_sysid === 1 && f.peer_ip_src === "127.0.0.1"));
  });

  test("at 1 in 10, nfacctd_renormalize scales the sampled counts by the rate announced in the sampling options", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const port = await freeUdpPort();
    const nfacctd = await Nfacctd.start(lab, join(tempDir("rfm-interop-", t), "nfacctd"), port, ["nfacctd_renormalize: true"]);
    t.after(() => nfacctd.stop());
    const a = await startInteropAgent(t, pair, { bpf: { sample_rate: 10 }, ipfix: { host: "127.0.0.1", port } });
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 3000, size: 100, sport: 40001 });
    await rx.stop();
    await waitExported(a, 1, (r) => r.sport === 40001);
    await until(() => nfacctd.flows().length >= 1, 10_000, "the flow printed by nfacctd");

    // The records carry what was sampled; the estimate is pmacct's to make.
    const [sampled] = a.records.filter((r) => r.sport === 40001).map((r) => r.sampledPackets);
    assert.ok(sampled > 0 && sampled < 3000, `sampled ${sampled} of 3000`);
    assert.deepEqual(nfacctd.flows().map((f) => [f.port_src, f.packets, f.bytes]), [[40001, 10 * sampled, 10 * sampled * udpIpBytes(4, 100)]]);
  });

  test("two [[agent.ipfix.collectors]], nfcapd and nfacctd with their own observation domains, both get every flow", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-interop-", t);
    const [p1, p2] = [await freeUdpPort(), await freeUdpPort()];
    const nfcapd = await Nfcapd.start(lab, join(dir, "nfcapd"), p1);
    const nfacctd = await Nfacctd.start(lab, join(dir, "nfacctd"), p2);
    t.after(() => nfacctd.stop());
    const a = await startInteropAgent(t, pair, {
      ipfix: { collectors: [{ host: "127.0.0.1", port: p1, observation_domain_id: 11 }, { host: "127.0.0.1", port: p2, observation_domain_id: 22 }] },
    });
    assert.equal(a.agent.ipfix?.links.length, 2);
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });

    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 20, size: 50, sport: 41000, ports: 5 });
    assert.equal((await rx.stop()).datagrams, 100);
    await waitExported(a, 5, (r) => r.dport === rx.port);
    const expected = [0, 1, 2, 3, 4].map((i) => ({ src: pair.b.ipv4, dst: pair.a.ipv4, sport: 41000 + i, dport: rx.port, packets: 20, bytes: 20 * udpIpBytes(4, 50) }));

    const out = await nfcapd.stop();
    assert.deepEqual(out.exporters, [{ domain: 11, from: "127.0.0.1" }]);
    assert.deepEqual(
      out.flows.map((f) => ({ ...nfAddresses(f), sport: f.src_port ?? 0, dport: f.dst_port, packets: f.in_packets, bytes: f.in_bytes })).sort(byPort),
      expected,
    );

    await until(() => nfacctd.flows().length >= 5, 5000, "five flows printed by nfacctd");
    const pm = nfacctd.flows();
    assert.deepEqual(pm.map((f) => f.export_proto_sysid), [22, 22, 22, 22, 22], "nfacctd sees observation domain 22");
    assert.deepEqual(pm.map(tuple).map(({ proto: _p, ...rest }) => rest).sort(byPort), expected);
  });
});
