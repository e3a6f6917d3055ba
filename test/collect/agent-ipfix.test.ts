// Our own agent's IPFIX into `rfm collect`: the agent meters a lab veth and
// exports to rfm collect and to nfcapd at once. Every record rfm prints
// equals tshark's decode of a capture of the same datagrams, and per flow
// (addresses, ports, protocol) rfm's packets and bytes add up to nfdump's.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { startUdpReceiver } from "../harness/traffic.js";
import { tempDir } from "../harness/temp-dir.js";
import { until } from "../agent/agent-lab.js";
import { sendFromPorts, startInteropAgent, waitExported } from "../ipfix-interop/interop-agent.js";
import { Nfcapd, freeUdpPort, nfAddresses, TsharkCapture } from "../ipfix-interop/peers.js";
import { CLI } from "../cli/run-cli.js";
import { commonLines, SHARED_FIELDS, tsharkIpfixRecords } from "./tshark-oracle.js";

const key = (src: string, dst: string, sport: unknown, dport: unknown, proto: unknown) => `${src} ${dst} ${sport} ${dport} ${proto}`;

describe("rfm collect on the agent's IPFIX", () => {
  test("every record as tshark decodes it; per flow the same packets and bytes as nfdump", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-collect-agent-", t);
    const collect = lab.spawn(HOST_NS, [process.execPath, CLI, "collect", "-t", "netflow", "-H", "127.0.0.1", "-p", "0", "-f", "common", "--metrics-port", "0", "--workers", "1"]);
    await until(() => /listening on 127\.0\.0\.1:\d+/.test(collect.stderr()) || !collect.isRunning, 10_000, "rfm collect listening");
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(collect.stderr())![1]);
    const capture = await TsharkCapture.start(lab, join(dir, "agent.pcapng"), port);
    const nfPort = await freeUdpPort();
    const nfcapd = await Nfcapd.start(lab, join(dir, "nfcapd"), nfPort);
    const a = await startInteropAgent(t, pair, { ipfix: { collectors: [{ host: "127.0.0.1", port, observation_domain_id: 7 }, { host: "127.0.0.1", port: nfPort, observation_domain_id: 7 }] } });

    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 50, size: 100, sport: 40000, ports: 4 });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv6, port: rx.port, count: 30, size: 200, sport: 41000, ports: 2 });
    await rx.stop();
    await waitExported(a, 6, (r) => r.dport === rx.port);
    const ours = () => commonLines(collect.stdout()).map((l) => l.fields).filter((f) => f.dst_port === rx.port);
    await until(() => ours().reduce((n, f) => n + Number(f.packets), 0) >= 4 * 50 + 2 * 30, 10_000, "rfm collect printing the exported flows");
    const printed = commonLines(collect.stdout()).length;
    await until(async () => (await tsharkIpfixRecords(capture)).length >= printed, 10_000, "tshark holding every record rfm printed");
    collect.kill("SIGTERM");
    const done = await collect.exited;
    assert.equal(done.code, 0, done.stderr);
    await capture.stop();
    const nf = await nfcapd.stop();

    const lines = commonLines(done.stdout);
    const expected = await tsharkIpfixRecords(capture);
    assert.equal(lines.length, expected.length);
    lines.forEach((l, i) => {
      const got = Object.fromEntries(SHARED_FIELDS.map(([, name]) => [name, l.fields[name] === undefined ? "" : String(l.fields[name])]));
      assert.deepEqual(got, expected[i], `record ${i}`);
      assert.equal(l.fields.observation_domain_id, 7);
    });
    // Per flow, both collectors add up to the same (nfcapd sees the same export; a flow may come in several records).
    const sum = (m: Map<string, [number, number]>, k: string, p: number, b: number) => {
      const e = m.get(k) ?? [0, 0];
      m.set(k, [e[0] + p, e[1] + b]);
    };
    const rfm = new Map<string, [number, number]>();
    for (const f of ours()) sum(rfm, key(String(f.src_addr), String(f.dst_addr), f.src_port, f.dst_port, f.proto), Number(f.packets), Number(f.bytes));
    const nfd = new Map<string, [number, number]>();
    for (const f of nf.flows.filter((x) => x.dst_port === rx.port)) {
      const { src, dst } = nfAddresses(f);
      sum(nfd, key(src, dst, f.src_port, f.dst_port, f.proto), f.in_packets, f.in_bytes);
    }
    assert.deepEqual([...rfm].sort(), [...nfd].sort());
    assert.equal(rfm.size, 6);
  });
});
