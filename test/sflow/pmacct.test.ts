// sFlow v5 from a real agent: pmacctd's sfprobe plugin samples every packet
// on a lab veth and exports to a socket on 127.0.0.1 while tshark captures
// the same datagrams. Every datagram header and every sample our decoder
// returns equals tshark's decode, field by field, the sampled headers'
// dissection included (addresses, ports, TCP flags, ICMP types, protocol,
// TTL, TOS);
// and the flow samples are exactly the packets sent.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { createServer } from "node:net";
import { join } from "node:path";
import { formatIpv4, formatIpv6, formatMac } from "../../src/ipfix/address-text.js";
import { decodeSflow, type SflowFlowSample, type SflowHeader, type SflowSample } from "../../src/sflow/index.js";
import { until } from "../agent/agent-lab.js";
import { HOST_NS } from "../harness/exec.js";
import { createLab } from "../harness/lab.js";
import { requirePrivileges } from "../harness/privileges.js";
import { ping, startUdpReceiver } from "../harness/traffic.js";
import { tempDir } from "../harness/temp-dir.js";
import { udpSocketCounters } from "../harness/udp-sockets.js";
import { sendFromPorts } from "../ipfix-interop/interop-agent.js";
import { TsharkCapture } from "../ipfix-interop/peers.js";
import { Recorder, sampledUdp, startSfprobe, stopSfprobe, SUB_AGENT_ID } from "./sfprobe.js";

type Tree = Record<string, unknown>;
type View = Record<string, string | undefined>;

const str = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));
/** tshark prints some numbers in hex (0x3fffffff, DSCP fields): compared as numbers. */
const num = (v: unknown): string | undefined => (v === undefined ? undefined : String(Number(v)));
const hexBytes = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");

/** Our decode of a datagram header in tshark's terms. */
function ourHeader(h: SflowHeader): View {
  const v6 = h.agentAddress.includes(":");
  return { version: "5", agentType: v6 ? "2" : "1", agent: h.agentAddress, subAgent: String(h.subAgentId), sequence: String(h.sequence), uptime: String(h.uptime), samples: String(h.sampleCount) };
}

function tsharkHeader(s: Tree): View {
  return {
    version: str(s["sflow_245.version"]), agentType: str(s["sflow_245.agenttype"]), agent: str(s["sflow_245.agent"] ?? s["sflow_245.agent.v6"]),
    subAgent: str(s["sflow_245.sub_agent_id"]), sequence: str(s["sflow_245.sequence_number"]), uptime: str(s["sflow_245.sysuptime"]), samples: str(s["sflow_245.numsamples"]),
  };
}

/** Our decode of one sample, flattened to the fields tshark shows. */
function ourSample(s: SflowSample): View {
  if (s.kind === "unknown") return { kind: `unknown ${s.enterprise}:${s.format}` };
  if (s.kind === "counters_sample") {
    const v: View = { kind: "counters", sequence: String(s.sequence), sourceType: String(s.sourceIdType), sourceIndex: String(s.sourceIdIndex), records: String(s.records.length) };
    for (const r of s.records) {
      if (r.type !== "generic_interface") continue;
      Object.assign(v, {
        ifIndex: String(r.ifIndex), ifType: String(r.ifType), ifSpeed: String(r.ifSpeed), ifDirection: String(r.ifDirection), adminUp: String(r.ifStatus & 1), operUp: String((r.ifStatus >> 1) & 1),
        inOctets: String(r.ifInOctets), inPackets: String(r.ifInUcastPkts), inMulticast: String(r.ifInMulticastPkts), inBroadcast: String(r.ifInBroadcastPkts),
        inDiscards: String(r.ifInDiscards), inErrors: String(r.ifInErrors), inUnknown: String(r.ifInUnknownProtos), outOctets: String(r.ifOutOctets),
        outPackets: String(r.ifOutUcastPkts), outMulticast: String(r.ifOutMulticastPkts), outBroadcast: String(r.ifOutBroadcastPkts), outDiscards: String(r.ifOutDiscards),
        outErrors: String(r.ifOutErrors), promiscuous: String(r.ifPromiscuousMode),
      });
    }
    return v;
  }
  const f = s as SflowFlowSample;
  const v: View = {
    kind: f.expanded ? "flow expanded" : "flow", sequence: String(f.sequence), sourceType: String(f.sourceIdType), sourceIndex: String(f.sourceIdIndex),
    samplingRate: String(f.samplingRate), samplePool: String(f.samplePool), drops: String(f.drops), inputFormat: String(f.inputFormat), input: String(f.input),
    outputFormat: String(f.outputFormat), output: String(f.output), records: String(f.records.length),
  };
  for (const r of f.records) {
    if (r.type === "extended_switch") Object.assign(v, { vlanIn: String(r.srcVlan), priorityIn: String(r.srcPriority), vlanOut: String(r.dstVlan), priorityOut: String(r.dstPriority) });
    if (r.type !== "sampled_header") continue;
    const l = r.layers;
    const b = r.header;
    Object.assign(v, {
      headerProtocol: String(r.headerProtocol), frameLength: String(r.frameLength), stripped: String(r.stripped), headerLength: String(b.length), header: hexBytes(b),
      ethDst: l.ethernetOffset >= 0 ? formatMac(b, l.ethernetOffset) : undefined, ethSrc: l.ethernetOffset >= 0 ? formatMac(b, l.ethernetOffset + 6) : undefined,
      etherType: l.etherType >= 0 ? String(l.etherType) : undefined,
    });
    if (l.ipVersion !== 0) {
      const text = l.ipVersion === 4 ? formatIpv4 : formatIpv6;
      Object.assign(v, {
        ipVersion: String(l.ipVersion), src: text(b, l.srcAddrOffset), dst: text(b, l.dstAddrOffset), protocol: String(l.protocol), ttl: String(l.ttl), tos: String(l.tos),
        ipLength: String(l.ipVersion === 4 ? l.ipTotalLength : l.ipTotalLength - 40),
      });
    }
    if (l.protocol === 17 || l.protocol === 6) Object.assign(v, { srcPort: String(l.srcPort), dstPort: String(l.dstPort) });
    if (l.protocol === 6) v.tcpFlags = String(l.tcpFlags);
    if (l.protocol === 1 || l.protocol === 58) Object.assign(v, { icmpType: String(l.icmpType), icmpCode: String(l.icmpCode) });
  }
  return v;
}

/** The same from tshark's JSON tree of one sample. */
function tsharkSample(key: string, s: Tree): View {
  if (key.startsWith("Counters sample")) {
    const v: View = {
      kind: "counters", sequence: str(s["sflow.counters_sample.sequence_number"]), sourceType: str(s["sflow.counters_sample.source_id_type"]),
      sourceIndex: str(s["sflow.counters_sample.source_id_index"]), records: str(s["sflow.counters_sample.counters_records"]),
    };
    const g = s["Generic interface counters"] as Tree | undefined;
    if (g) {
      Object.assign(v, {
        ifIndex: str(g["sflow_245.ifindex"]), ifType: str(g["sflow_245.iftype"]), ifSpeed: str(g["sflow_245.ifspeed"]), ifDirection: str(g["sflow_245.ifdirection"]),
        adminUp: str(g["sflow_245.ifadmin_status"]), operUp: str(g["sflow_245.ifoper_status"]), inOctets: str(g["sflow_245.ifinoct"]), inPackets: str(g["sflow_245.ifinpkt"]),
        inMulticast: str(g["sflow_245.ifinmcast"]), inBroadcast: str(g["sflow_245.ifinbcast"]), inDiscards: str(g["sflow_245.ifindisc"]), inErrors: str(g["sflow_245.ifinerr"]),
        inUnknown: str(g["sflow_245.ifinunk"]), outOctets: str(g["sflow_245.ifoutoct"]), outPackets: str(g["sflow_245.ifoutpkt"]), outMulticast: str(g["sflow_245.ifoutmcast"]),
        outBroadcast: str(g["sflow_245.ifoutbcast"]), outDiscards: str(g["sflow_245.ifoutdisc"]), outErrors: str(g["sflow_245.ifouterr"]), promiscuous: str(g["sflow_245.ifpromisc"]),
      });
    }
    return v;
  }
  if (!key.startsWith("Flow sample")) return { kind: `unknown ${str(s["sflow.enterprise"])}:${str(s["sflow_245.sampletype"])}` };
  const out = s["sflow.flow_sample.output_interface_tree"] as Tree;
  const v: View = {
    kind: "flow", sequence: str(s["sflow.flow_sample.sequence_number"]), sourceType: str(s["sflow.flow_sample.source_id_class"]), sourceIndex: str(s["sflow.flow_sample.index"]),
    samplingRate: str(s["sflow.flow_sample.sampling_rate"]), samplePool: str(s["sflow.flow_sample.sample_pool"]), drops: str(s["sflow.flow_sample.dropped_packets"]),
    // tshark names the input interface field by its format: this one is format 0, an ifIndex.
    inputFormat: s["sflow.flow_sample.input_interface"] === undefined ? undefined : "0", input: str(s["sflow.flow_sample.input_interface"]),
    outputFormat: str(out["sflow.flow_sample.output_interface_format"]), output: str(out["sflow.flow_sample.output_interface_value"]), records: str(s["sflow.flow_sample.flow_record"]),
  };
  const sw = s["Extended switch data"] as Tree | undefined;
  if (sw) Object.assign(v, { vlanIn: str(sw["sflow_245.vlan.in"]), priorityIn: str(sw["sflow_245.pri.in"]), vlanOut: str(sw["sflow_245.vlan.out"]), priorityOut: str(sw["sflow_245.pri.out"]) });
  const raw = s["Raw packet header"] as Tree | undefined;
  if (raw) {
    const tree = raw["sflow_245.header_tree"] as Record<string, Tree>;
    const eth = tree.eth;
    Object.assign(v, {
      headerProtocol: str(raw["sflow_245.header_protocol"]), frameLength: str(raw["sflow_245.header.frame_length"]), stripped: str(raw["sflow_245.header.payload_stripped"]),
      // tshark's header field runs on over the XDR padding: its first sampled_header_length octets are the header.
      headerLength: str(raw["sflow_245.header.sampled_header_length"]),
      header: str(raw["sflow_245.header"])?.split(":").slice(0, Number(raw["sflow_245.header.sampled_header_length"])).join(":"),
      ethDst: str(eth?.["eth.dst"]), ethSrc: str(eth?.["eth.src"]), etherType: num(eth?.["eth.type"]),
    });
    const ip = tree.ip;
    const ip6 = tree.ipv6;
    if (ip) Object.assign(v, { ipVersion: "4", src: str(ip["ip.src"]), dst: str(ip["ip.dst"]), protocol: str(ip["ip.proto"]), ttl: str(ip["ip.ttl"]), tos: num(ip["ip.dsfield"]), ipLength: str(ip["ip.len"]) });
    if (ip6) Object.assign(v, { ipVersion: "6", src: str(ip6["ipv6.src"]), dst: str(ip6["ipv6.dst"]), protocol: str(ip6["ipv6.nxt"]), ttl: str(ip6["ipv6.hlim"]), tos: num(ip6["ipv6.tclass"]), ipLength: str(ip6["ipv6.plen"]) });
    const l4 = tree.udp ?? tree.tcp;
    if (l4) Object.assign(v, { srcPort: str(l4["udp.srcport"] ?? l4["tcp.srcport"]), dstPort: str(l4["udp.dstport"] ?? l4["tcp.dstport"]) });
    if (tree.tcp) v.tcpFlags = num(tree.tcp["tcp.flags"]);
    const icmp = tree.icmp ?? tree.icmpv6;
    if (icmp) Object.assign(v, { icmpType: str(icmp["icmp.type"] ?? icmp["icmpv6.type"]), icmpCode: str(icmp["icmp.code"] ?? icmp["icmpv6.code"]) });
  }
  return v;
}

describe("sFlow v5 from pmacct's sfprobe", () => {
  test("every datagram and sample decodes as tshark decodes it; the flow samples are exactly the packets sent", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-sflow-", t);
    const recorder = await Recorder.start();
    t.after(() => recorder.close());
    const capture = await TsharkCapture.start(lab, join(dir, "sflow.pcapng"), recorder.port);
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    const pmacctd = await startSfprobe(lab, pair, recorder, dir, rx.port);

    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 20, size: 100, sport: 40000, ports: 3 });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv6, port: rx.port, count: 10, size: 1000, sport: 41000, ports: 2 });
    await ping(lab, { from: pair.b.ns, to: pair.a.ipv4, count: 3 });
    await ping(lab, { from: pair.b.ns, to: pair.a.ipv6, count: 3 });
    await rx.stop();
    // One TCP connection, for the flags: the client sends, half-closes, waits for the server's close.
    const server = createServer((c) => c.resume().on("end", () => c.end()));
    t.after(() => server.close());
    await new Promise<void>((resolve) => server.listen(0, pair.a.ipv4, resolve));
    const tcpPort = (server.address() as { port: number }).port;
    await lab.execOk(pair.b.ns, ["python3", "-c", `import socket\ns = socket.create_connection(("${pair.a.ipv4}", ${tcpPort}))\ns.sendall(b"hello")\ns.shutdown(socket.SHUT_WR)\ns.recv(10)\ns.close()`]);

    // One flow sample per packet (1 in 1): wait for all of them, then stop the agent so no datagram follows the capture's end.
    const bySource = () => {
      const n = new Map<number, number>();
      for (const s of recorder.samples()) {
        const udp = sampledUdp(s);
        if (udp && udp.dstPort === rx.port) n.set(udp.srcPort, (n.get(udp.srcPort) ?? 0) + 1);
      }
      return n;
    };
    const icmp = () =>
      recorder.samples().flatMap((s) => (s.kind === "flow_sample" ? s.records : [])).flatMap((r) => (r.type === "sampled_header" && r.layers.icmpType >= 0 ? [`${r.layers.protocol}/${r.layers.icmpType}`] : []));
    const tcpFlags = () =>
      recorder.samples().flatMap((s) => (s.kind === "flow_sample" ? s.records : [])).flatMap((r) => (r.type === "sampled_header" && r.layers.protocol === 6 ? [r.layers.tcpFlags] : []));
    await until(
      () => [40000, 40001, 40002, 41000, 41001].every((p) => (bySource().get(p) ?? 0) >= (p < 41000 ? 20 : 10)) && icmp().length >= 12 && tcpFlags().filter((f) => f & 1).length >= 2,
      20_000,
      "pmacctd's flow samples of the traffic",
    );
    await stopSfprobe(pmacctd);
    await until(() => udpSocketCounters(recorder.port)?.rxQueue === 0, 5000, "the recorder to read its socket empty");

    const counts = bySource();
    assert.deepEqual([40000, 40001, 40002, 41000, 41001].map((p) => counts.get(p)), [20, 20, 20, 10, 10]);
    assert.deepEqual(icmp().sort(), ["1/0", "1/0", "1/0", "1/8", "1/8", "1/8", "58/128", "58/128", "58/128", "58/129", "58/129", "58/129"]);
    // SYN, SYN+ACK, and a FIN from each side at least.
    assert.ok(tcpFlags().includes(0x002) && tcpFlags().includes(0x012), `TCP flags ${tcpFlags().map((f) => f.toString(16)).join(" ")}`);

    await capture.stop(recorder.datagrams.length);
    const r = await lab.execOk(HOST_NS, ["tshark", "-r", capture.file, "-d", `udp.port==${recorder.port},sflow`, "-T", "json", "--no-duplicate-keys", "-J", "sflow"], { timeoutMs: 60_000 });
    const frames = (JSON.parse(r.stdout) as { _source: { layers: { sflow: Tree } } }[]).map((p) => p._source.layers.sflow);
    assert.equal(frames.length, recorder.datagrams.length, "tshark saw every datagram we received");
    const tshark = new Map(frames.map((f) => [str(f["sflow_245.sequence_number"]), f]));

    let flowSamples = 0;
    for (const bytes of recorder.datagrams) {
      const { datagram, samples, errors } = decodeSflow(bytes);
      assert.deepEqual(errors, []);
      const at = `datagram ${datagram!.sequence}`;
      const frame = tshark.get(String(datagram!.sequence));
      assert.ok(frame, `${at}: in tshark's capture`);
      assert.deepEqual(ourHeader(datagram!), tsharkHeader(frame), at);
      assert.deepEqual(datagram!.agentAddress, pair.a.ipv4, at);
      assert.equal(datagram!.subAgentId, SUB_AGENT_ID, at);
      const theirs = Object.entries(frame).filter(([k, v]) => typeof v === "object" && /sample/i.test(k));
      assert.equal(theirs.length, samples.length, `${at}: samples`);
      samples.forEach((s, i) => {
        assert.deepEqual(ourSample(s), tsharkSample(theirs[i]![0], theirs[i]![1] as Tree), `${at} sample ${i + 1}`);
        if (s.kind !== "flow_sample") return;
        flowSamples++;
        assert.deepEqual([s.samplingRate, s.inputFormat, s.input], [1, 0, pair.a.ifindex], `${at} sample ${i + 1}`);
      });
    }
    assert.ok(flowSamples >= 96, `${flowSamples} flow samples`);
  });
});
