// The agent's IPFIX export read by nfdump: known traffic over a lab veth,
// exported to nfcapd on loopback, must come back from `nfdump -o json` as
// exactly the flows that were sent, with IP bytes (octetDeltaCount).
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { startUdpReceiver } from "../harness/traffic.js";
import { Nfcapd, freeUdpPort, nfAddresses, type NfdumpFlow } from "./peers.js";
import { sendFromPorts, startInteropAgent, udpIpBytes, waitExported } from "./interop-agent.js";
import { tempDir } from "../harness/temp-dir.js";

const byPort = (a: { sport?: number }, b: { sport?: number }) => (a.sport ?? 0) - (b.sport ?? 0);

function summary(f: NfdumpFlow) {
  return {
    ...nfAddresses(f), sport: f.src_port, dport: f.dst_port, proto: f.proto, packets: f.in_packets, bytes: f.in_bytes,
    input: f.input_snmp, output: f.output_snmp, direction: f.direction,
  };
}

describe("IPFIX export read by nfdump", () => {
  test("300 datagrams of 100 bytes are one flow of 300 packets and 300 x 128 IP bytes; IPv6 likewise", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const port = await freeUdpPort();
    const nfcapd = await Nfcapd.start(lab, join(tempDir("rfm-interop-", t), "nfcapd"), port);
    const a = await startInteropAgent(t, pair, { ipfix: { host: "127.0.0.1", port } });
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });

    const sent = Date.now();
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 300, size: 100, sport: 40001 });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv6, port: rx.port, count: 50, size: 200, sport: 40002 });
    const done = Date.now();
    assert.equal((await rx.stop()).datagrams, 350, "the receiver got everything");
    await waitExported(a, 2, (r) => r.dport === rx.port);
    const out = await nfcapd.stop();

    assert.deepEqual(out.flows.map(summary).sort(byPort), [
      { src: pair.b.ipv4, dst: pair.a.ipv4, sport: 40001, dport: rx.port, proto: 17, packets: 300, bytes: 300 * udpIpBytes(4, 100), input: pair.a.ifindex, output: 0, direction: 0 },
      { src: pair.b.ipv6, dst: pair.a.ipv6, sport: 40002, dport: rx.port, proto: 17, packets: 50, bytes: 50 * udpIpBytes(6, 200), input: pair.a.ifindex, output: 0, direction: 0 },
    ]);
    for (const f of out.flows) {
      // nfdump prints the exporter's millisecond times in local time, without a zone.
      const [first, last] = [new Date(f.first).getTime(), new Date(f.last).getTime()];
      assert.ok(first >= sent - 1000 && first <= last && last <= done + 1000, `times ${f.first} .. ${f.last} within the sending ${new Date(sent).toISOString()} .. ${new Date(done).toISOString()}`);
    }
    assert.deepEqual(out.exporters, [{ domain: 1, from: "127.0.0.1" }], "one exporter, observation domain 1 (the default)");
    assert.equal(out.summary?.badPackets, 0, out.stderr);
  });

  test("pings are ICMP flows whose type and code nfdump reads from the destination port", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const port = await freeUdpPort();
    const nfcapd = await Nfcapd.start(lab, join(tempDir("rfm-interop-", t), "nfcapd"), port);
    const a = await startInteropAgent(t, pair, { ipfix: { host: "127.0.0.1", port } });

    await lab.execOk(pair.b.ns, ["ping", "-4", "-n", "-q", "-c", "3", "-i", "0.2", pair.a.ipv4]);
    await waitExported(a, 2, (r) => r.proto === 1);
    const { flows } = await nfcapd.stop();

    // 84 IP bytes: 20 header, 8 ICMP header, 56 data (ping's default).
    const icmp = (f: NfdumpFlow) => ({ ...nfAddresses(f), type: f.icmp_type, code: f.icmp_code, proto: f.proto, packets: f.in_packets, bytes: f.in_bytes, direction: f.direction });
    assert.deepEqual(flows.map(icmp).sort((x, y) => (x.direction ?? 0) - (y.direction ?? 0)), [
      { src: pair.b.ipv4, dst: pair.a.ipv4, type: 8, code: 0, proto: 1, packets: 3, bytes: 3 * 84, direction: 0 },
      { src: pair.a.ipv4, dst: pair.b.ipv4, type: 0, code: 0, proto: 1, packets: 3, bytes: 3 * 84, direction: 1 },
    ]);
  });
});
