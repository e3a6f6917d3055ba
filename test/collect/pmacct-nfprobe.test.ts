// `rfm collect` on a real NetFlow v9 and IPFIX exporter: pmacctd's nfprobe
// plugin meters one end of a lab veth (UDP over IPv4 and IPv6 and one TCP
// connection from the other end, every packet of it captured on the veth
// too) and exports to rfm collect listening on 127.0.0.1, while tshark
// captures the datagrams; exporter, collectors and captures all run in the
// metering end's namespace, whose loopback nothing else sends to. Every
// record rfm prints, live and then from the capture with --pcap, equals
// tshark's decode field by field (addresses, ports, protocol,
// bytes, packets, start and end times, interfaces, ToS, TCP flags, sequence,
// domain, template, and the sampling its options announce); per flow
// the records carry exactly the packets and IP bytes the veth carried, in
// all as many packets as pmacctd received; and nfdump, reading nfcapd's
// store of the same datagrams, finds the same records, packets and bytes.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab, type Lab, type VethPair } from "../harness/lab.js";
import type { ExecResult, Netns, NetnsProcess } from "../harness/exec.js";
import { linkStats } from "../harness/links.js";
import { startUdpReceiver } from "../harness/traffic.js";
import { tempDir } from "../harness/temp-dir.js";
import { udpSocketCounters } from "../harness/udp-sockets.js";
import { until } from "../agent/agent-lab.js";
import { sendFromPorts } from "../ipfix-interop/interop-agent.js";
import { Nfcapd, nfAddresses, TsharkCapture } from "../ipfix-interop/peers.js";
import { CLI, runCli } from "../cli/run-cli.js";
import { commonLines, commonText, TEMPLATE_RECORD_FIELDS, tsharkTemplateRecords } from "./tshark-oracle.js";

/** The observation domain (v9 source ID) pmacctd is told to send. */
const DOMAIN = 77;
const UDP4 = { sport: 40000, ports: 3, count: 50, size: 100 };
const UDP6 = { sport: 41000, ports: 2, count: 30, size: 200 };
const TCP_SPORT = 42000;
const TCP_BYTES = 30_000;
/** nfcapd's port in the lab namespace (where every port is free). */
const NFCAPD_PORT = 9995;

const TCP_SERVER = `
import socket, sys
s = socket.socket()
s.bind((sys.argv[1], 0))
s.listen(1)
print("port", s.getsockname()[1], flush=True)
c, _ = s.accept()
n = 0
while True:
    b = c.recv(65536)
    if not b:
        break
    n += len(b)
c.close()
print("received", n, flush=True)
`;

const TCP_CLIENT = `
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), source_address=("0.0.0.0", int(sys.argv[3])))
c.sendall(b"x" * int(sys.argv[4]))
c.shutdown(socket.SHUT_WR)
while c.recv(65536):
    pass
c.close()
`;

/** One TCP connection from end b to end a: `bytes` sent, then both sides close. */
async function tcpExchange(lab: Lab, pair: VethPair, bytes: number): Promise<{ port: number; received: number }> {
  const server = lab.spawn(pair.a.ns, ["python3", "-c", TCP_SERVER, pair.a.ipv4]);
  const port = Number((await server.waitForOutput(/port (\d+)/))[1]);
  await lab.execOk(pair.b.ns, ["python3", "-c", TCP_CLIENT, pair.a.ipv4, String(port), String(TCP_SPORT), String(bytes)]);
  const done = await server.exited;
  assert.equal(done.code, 0, done.stderr);
  return { port, received: Number(/received (\d+)/.exec(done.stdout)![1]) };
}

/**
 * pmacctd capturing end a of `pair` (in its namespace) with one nfprobe plugin
 * exporting NetFlow `version` (9, or 10 for IPFIX) to 127.0.0.1:port: every packet
 * (sampling_rate 1, announced in options data, which needs nfprobe_source_ip),
 * each flow with the veth's ifindex as input interface, exported 1 s after its
 * last packet (or FIN/RST), checked every second. Resolves once its pcap is
 * open (the core logs the link type) and the plugin runs.
 */
async function startNfprobe(lab: Lab, pair: VethPair, dir: string, port: number, version: 9 | 10): Promise<NetnsProcess> {
  const conf = join(dir, "pmacctd.conf");
  writeFileSync(
    conf,
    [
      "daemonize: false",
      `pcap_interface: ${pair.a.name}`,
      "pcap_ifindex: sys",
      "plugins: nfprobe[p]",
      `nfprobe_receiver[p]: 127.0.0.1:${port}`,
      "nfprobe_source_ip[p]: 127.0.0.1",
      `nfprobe_version[p]: ${version}`,
      `nfprobe_engine[p]: ${DOMAIN}`,
      `nfprobe_ifindex[p]: ${pair.a.ifindex}`,
      "nfprobe_direction[p]: in",
      "aggregate[p]: src_host, dst_host, src_port, dst_port, proto, tos, tcpflags",
      "sampling_rate[p]: 1",
      // The defaults hold a UDP flow 300 s and a FIN-closed one 300 s, checked every 60 s.
      "nfprobe_timeouts[p]: tcp=1:tcp.rst=1:tcp.fin=1:udp=1:icmp=1:general=1:maxlife=60:expint=1",
      "",
    ].join("\n"),
  );
  const proc = lab.spawn(pair.a.ns, ["pmacctd", "-f", conf]);
  const log = () => proc.stderr() + proc.stdout();
  await until(() => !proc.isRunning || (/link type is/.test(log()) && /Exporting flows to/.test(log())), 15_000, "pmacctd capturing and its nfprobe plugin running");
  if (!proc.isRunning) throw new Error(`pmacctd exited: ${log()}`);
  return proc;
}

/**
 * Signals the process (`ip netns exec` execs it: the pid is its own), not its
 * group: pmacctd's core prints its pcap counters on SIGINT only when its
 * plugins are left to it to stop (and it ignores SIGTERM). Then waits for it;
 * SIGKILL to the group after `graceMs`.
 */
async function stop(proc: NetnsProcess, signal: NodeJS.Signals, graceMs = 10_000): Promise<ExecResult> {
  process.kill(proc.pid, signal);
  const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** tshark capturing every frame of `ifname` in `ns` into `file`; resolves once it captures. */
async function captureLink(lab: Lab, ns: Netns, ifname: string, file: string): Promise<NetnsProcess> {
  const proc = lab.spawn(ns, ["tshark", "-i", ifname, "-w", file]);
  // "Capturing on" comes before dumpcap has opened the interface; "Capture started" once it captures.
  await until(() => !proc.isRunning || /Capture started/.test(proc.stderr() + proc.stdout()), 10_000, `tshark capturing on ${ifname}`);
  if (!proc.isRunning) throw new Error(`tshark exited: ${proc.stderr()}`);
  return proc;
}

async function frames(lab: Lab, ns: Netns, file: string): Promise<number> {
  const r = await lab.exec(ns, ["tshark", "-r", file, "-T", "fields", "-e", "frame.number"]);
  return r.stdout.split("\n").filter((l) => l.trim() !== "").length;
}

const key = (src: unknown, dst: unknown, sport: unknown, dport: unknown, proto: unknown) => `${src} ${dst} ${sport} ${dport} ${proto}`;

function add(m: Map<string, { packets: number; bytes: number }>, k: string, packets: number, bytes: number): void {
  const e = m.get(k) ?? { packets: 0, bytes: 0 };
  e.packets += packets;
  e.bytes += bytes;
  m.set(k, e);
}

/** Per flow (5-tuple), the packets and IP bytes in a capture of the metered link. */
async function linkFlows(lab: Lab, ns: Netns, file: string): Promise<Map<string, { packets: number; bytes: number }>> {
  const fields = ["ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "ip.proto", "ipv6.nxt", "udp.srcport", "tcp.srcport", "udp.dstport", "tcp.dstport", "ip.len", "ipv6.plen"];
  const r = await lab.execOk(ns, ["tshark", "-r", file, "-T", "fields", "-E", "occurrence=f", ...fields.flatMap((f) => ["-e", f])]);
  const out = new Map<string, { packets: number; bytes: number }>();
  for (const line of r.stdout.split("\n").filter((l) => l !== "")) {
    const [src4, src6, dst4, dst6, proto4, proto6, usport, tsport, udport, tdport, len4, plen6] = line.split("\t");
    const bytes = len4 ? Number(len4) : 40 + Number(plen6);
    add(out, key(src4 || src6, dst4 || dst6, usport || tsport || 0, udport || tdport || 0, proto4 || proto6), 1, bytes);
  }
  return out;
}

/** Per flow, the packets and bytes of common records. */
function recordFlows(records: Record<string, string | number>[]): Map<string, { packets: number; bytes: number }> {
  const out = new Map<string, { packets: number; bytes: number }>();
  for (const f of records) add(out, key(f.src_addr, f.dst_addr, f.src_port, f.dst_port, f.proto), Number(f.packets), Number(f.bytes));
  return out;
}

const sorted = (m: Map<string, { packets: number; bytes: number }>) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

const REPLAY = `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n = 0
for line in sys.stdin:
    if line.strip():
        s.sendto(bytes.fromhex(line.strip().replace(":", "")), ("127.0.0.1", int(sys.argv[1])))
        n += 1
print(n)
`;

/** Sends each UDP payload in the capture, in order, to 127.0.0.1:port in `ns`; resolves with how many. */
async function replay(lab: Lab, ns: Netns, file: string, port: number): Promise<number> {
  const r = await lab.execOk(ns, ["tshark", "-r", file, "-T", "fields", "-e", "udp.payload"]);
  const sent = await lab.execOk(ns, ["python3", "-c", REPLAY, String(port)], { input: r.stdout });
  return Number(sent.stdout.trim());
}

describe("rfm collect on pmacctd's nfprobe", () => {
  for (const version of [9, 10] as const) {
    const name = version === 9 ? "NetFlow v9" : "IPFIX";
    test(`${name}: every record, live and from the capture, as tshark decodes it; the veth's packets, each once; nfdump's totals`, async (t) => {
      if (!requirePrivileges(t)) return;
      const lab = await createLab(t);
      const ns = await lab.netns();
      const pair = await lab.veth({ ns }, { ns: await lab.netns() });
      const dir = tempDir("rfm-collect-nfprobe-", t);
      const collect = lab.spawn(ns, [process.execPath, CLI, "collect", "-t", "netflow", "-H", "127.0.0.1", "-p", "0", "-f", "common", "-s", "ndjson", "--metrics-port", "0", "--workers", "1"]);
      await until(() => /listening on 127\.0\.0\.1:\d+/.test(collect.stderr()) || !collect.isRunning, 10_000, "rfm collect listening");
      const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(collect.stderr())![1]);
      const capture = await TsharkCapture.start(lab, join(dir, "export.pcapng"), port, ns);
      const linkFile = join(dir, "veth.pcapng");
      const link = await captureLink(lab, ns, pair.a.name, linkFile);
      // The veth is quiet (no ARP, ND or MLD): from here on it carries the test's packets only.
      const before = await linkStats(ns, pair.a.name);
      const pmacctd = await startNfprobe(lab, pair, dir, port, version);

      const rx = await startUdpReceiver(lab, { ns });
      await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, ...UDP4 });
      await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv6, port: rx.port, ...UDP6 });
      const received = await rx.stop();
      assert.equal(received.datagrams, UDP4.ports * UDP4.count + UDP6.ports * UDP6.count);
      const tcp = await tcpExchange(lab, pair, TCP_BYTES);
      assert.equal(tcp.received, TCP_BYTES);
      const after = await linkStats(ns, pair.a.name);
      const linkPackets = after.rxPackets + after.txPackets - before.rxPackets - before.txPackets;
      await until(async () => (await frames(lab, ns, linkFile)) >= linkPackets, 10_000, `the veth's ${linkPackets} frames captured`);
      await stop(link, "SIGINT");
      const truth = await linkFlows(lab, ns, linkFile);
      assert.equal([...truth.values()].reduce((n, f) => n + f.packets, 0), linkPackets, "the capture holds every frame the veth counted");

      // Each flow goes out on its idle (or FIN) timeout: wait until rfm printed exactly what the veth carried.
      const printed = () => recordFlows(commonLines(collect.stdout()).map((l) => l.fields));
      await until(() => JSON.stringify(sorted(printed())) === JSON.stringify(sorted(truth)), 20_000, "rfm collect printing every flow the veth carried");
      const pm = await stop(pmacctd, "SIGINT");
      const stats = /received_packets=(\d+) dropped_packets=(\d+)/.exec(pm.stderr + pm.stdout);
      assert.ok(stats, pm.stderr + pm.stdout);
      assert.deepEqual([Number(stats[1]), Number(stats[2])], [linkPackets, 0], "pmacctd received every packet of the veth");
      await until(() => udpSocketCounters(port, collect.pid)?.rxQueue === 0, 10_000, "rfm collect reading its socket empty");
      const done = await stop(collect, "SIGTERM");
      assert.equal(done.code, 0, done.stderr);
      const summary = /udp 127\.0\.0\.1:\d+: kernel drops 0, queue drops 0, (?:output drops 0, )?(\d+) datagrams, (\d+) records/.exec(done.stderr);
      assert.ok(summary, done.stderr);
      await capture.stop(Number(summary[1]));
      assert.deepEqual(await capture.problems(), [], "tshark finds nothing malformed in pmacctd's export");

      const expected = await tsharkTemplateRecords(lab, capture.file, port);
      const live = commonLines(done.stdout);
      assert.equal(live.length, expected.length, "one record per flow record tshark decodes (v9 headers count every record)");
      assert.equal(Number(summary[2]), live.length);
      // IPFIX's samplerRandomInterval (50) is one of the ids IANA keeps for v9 compatibility without a type: read as v9's.
      const fields = TEMPLATE_RECORD_FIELDS;
      let last = 0n;
      live.forEach((l, i) => {
        const { time_received_ns: theirs, ...oracle } = expected[i]!;
        assert.deepEqual(commonText(l, fields), Object.fromEntries(fields.map((f) => [f, oracle[f]])), `live record ${i}`);
        assert.equal(l.fields.flow_type, version === 9 ? "NETFLOW_V9" : "IPFIX");
        assert.equal(l.fields.sampler_address, "127.0.0.1");
        const ours = BigInt(l.ns.time_received_ns!);
        assert.ok(ours >= last, "receive times in order");
        assert.ok(ours - BigInt(theirs!) < 1_000_000_000n && BigInt(theirs!) - ours < 1_000_000_000n, `live record ${i} received within a second of its capture`);
        last = ours;
      });

      const r = await runCli(["collect", "-t", "netflow", "--pcap", capture.file, "-f", "common", "-s", "ndjson"], { timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stderr);
      const offline = commonLines(r.stdout);
      assert.match(r.stderr, new RegExp(`${summary[1]} datagrams, ${offline.length} records`));
      assert.equal(offline.length, expected.length);
      offline.forEach((l, i) => {
        const all = ["time_received_ns", ...fields];
        assert.deepEqual(commonText(l, all), Object.fromEntries(all.map((f) => [f, expected[i]![f]])), `--pcap record ${i}`);
        assert.equal(l.fields.flow_type, version === 9 ? "NETFLOW_V9" : "IPFIX");
        const [start, end, at] = [l.ns.time_flow_start_ns, l.ns.time_flow_end_ns, l.ns.time_received_ns].map((v) => BigInt(v!));
        assert.ok(start! <= end! && end! <= at!, `record ${i}: flow start <= end <= export capture time`);
        assert.equal(l.fields.observation_domain_id, DOMAIN);
        assert.deepEqual([l.fields.in_if, l.fields.out_if], [pair.a.ifindex, 0], "nfprobe_ifindex as the input interface");
        assert.equal(l.fields.sampling_rate, 1);
      });

      // Per flow, exactly what the veth carried; the datagrams sent, each once; the TCP connection both ways.
      const records = offline.map((l) => l.fields);
      assert.deepEqual(sorted(recordFlows(records)), sorted(truth));
      assert.equal(truth.size, UDP4.ports + UDP6.ports + 2, "the veth carried the test's flows only");
      for (const [family, o, src, dst, ip] of [[4, UDP4, pair.b.ipv4, pair.a.ipv4, 20], [6, UDP6, pair.b.ipv6, pair.a.ipv6, 40]] as const) {
        for (let p = o.sport; p < o.sport + o.ports; p++) {
          assert.deepEqual(truth.get(key(src, dst, p, rx.port, 17)), { packets: o.count, bytes: o.count * (ip + 8 + o.size) }, `IPv${family} UDP from port ${p}`);
        }
      }
      const up = records.filter((f) => f.proto === 6 && f.src_port === TCP_SPORT && f.dst_port === tcp.port);
      const down = records.filter((f) => f.proto === 6 && f.src_port === tcp.port && f.dst_port === TCP_SPORT);
      assert.ok(up.length > 0 && down.length > 0, "both directions of the TCP connection");
      const flags = (rs: typeof records) => rs.reduce((n, f) => n | Number(f.tcp_flags), 0);
      assert.equal(flags(up) & 0x13, 0x13, "SYN, ACK and FIN from the client");
      assert.equal(flags(down) & 0x13, 0x13, "SYN, ACK and FIN from the server");
      assert.ok(up.reduce((n, f) => n + Number(f.bytes), 0) > TCP_BYTES, "the client's bytes hold what it sent");

      // nfcapd stores the same datagrams; nfdump reads back the same records, packets and bytes.
      const nfcapd = await Nfcapd.start(lab, join(dir, "nfcapd"), NFCAPD_PORT, [], ns);
      assert.equal(await replay(lab, ns, capture.file, NFCAPD_PORT), Number(summary[1]));
      const nf = await nfcapd.stop();
      assert.equal(nf.socketDrops, 0);
      const total = (rs: { packets: number; bytes: number }[]) => rs.reduce((s, f) => ({ packets: s.packets + f.packets, bytes: s.bytes + f.bytes }), { packets: 0, bytes: 0 });
      const ours = { records: records.length, ...total(records.map((f) => ({ packets: Number(f.packets), bytes: Number(f.bytes) }))) };
      assert.deepEqual({ records: nf.flows.length, ...total(nf.flows.map((f) => ({ packets: f.in_packets, bytes: f.in_bytes }))) }, ours, "nfdump's records, packets and bytes");
      assert.deepEqual(nf.summary && { records: nf.summary.flows, packets: nf.summary.packets, bytes: nf.summary.bytes }, ours, "nfcapd's own count");
      const nfFlows = new Map<string, { packets: number; bytes: number }>();
      for (const f of nf.flows) {
        const { src, dst } = nfAddresses(f);
        add(nfFlows, key(src, dst, f.src_port, f.dst_port, f.proto), f.in_packets, f.in_bytes);
      }
      assert.deepEqual(sorted(nfFlows), sorted(truth), "nfdump's flows, each as the veth carried it");
    });
  }
});
