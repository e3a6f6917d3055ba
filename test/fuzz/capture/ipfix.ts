// IPFIX as real exporters send it, recorded datagram by datagram on a UDP
// socket (each datagram is one message, which carries its own length, so the
// capture file is their concatenation): our agent exporting every element it
// can fill, and pmacct's pmacctd with its nfprobe plugin. Traffic is UDP over
// IPv4 and IPv6 and ICMP from a lab namespace.
import { createSocket, type Socket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "../../../src/agent/agent.js";
import { parseConfig } from "../../../src/config/index.js";
import { FILLABLE_ELEMENTS } from "../../../src/export/ipfix-fields.js";
import { until } from "../../agent/agent-lab.js";
import { HOST_NS } from "../../harness/exec.js";
import { withLab, type Lab, type VethPair } from "../../harness/lab.js";
import { freePort } from "../../harness/ports.js";
import { ping } from "../../harness/traffic.js";
import { agentToml, sendFromPorts, sleep } from "../../ipfix-interop/interop-agent.js";

/** Every datagram that arrives on host:port, in order. */
async function recordDatagrams(host: string): Promise<{ socket: Socket; port: number; datagrams: Buffer[] }> {
  const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
  const datagrams: Buffer[] = [];
  socket.on("message", (m) => datagrams.push(m));
  await new Promise<void>((resolve, reject) => socket.once("error", reject).bind(0, host, resolve));
  return { socket, port: socket.address().port, datagrams };
}

/** UDP over IPv4 and IPv6 from a few source ports, and pings of both families, from the namespace end of `pair`. */
async function traffic(lab: Lab, pair: VethPair, port: number): Promise<void> {
  await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port, count: 20, size: 100, sport: 40000, ports: 3 });
  await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv6, port, count: 10, size: 1000, sport: 41000, ports: 2 });
  await ping(lab, { from: pair.b.ns, to: pair.a.ipv4 });
  await ping(lab, { from: pair.b.ns, to: pair.a.ipv6 });
}

/** The agent on the host end of a veth, exporting every element it can fill to a recorder on 127.0.0.1. */
export function captureAgentIpfix(): Promise<Uint8Array> {
  return withLab(async (lab) => {
    const ns = await lab.netns();
    const pair = await lab.veth({ ns: HOST_NS }, { ns });
    const rec = await recordDatagrams("127.0.0.1");
    const toml = agentToml([pair.a.name], await freePort(), {
      ipfix: { host: "127.0.0.1", port: rec.port, fields: [...FILLABLE_ELEMENTS], template_refresh: "1s" },
    });
    const agent = new Agent({ config: parseConfig(toml, "capture.toml").config });
    try {
      await agent.start();
      await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
      await traffic(lab, pair, 9);
      // Idle eviction after 1 s exports the flows; then the template refresh, then shutdown's forced end.
      await until(() => (agent.ipfix?.links[0]?.stats.records ?? 0) >= 7, 10_000, "the flows exported");
      await sleep(1500);
    } finally {
      await agent.stop();
      rec.socket.close();
    }
    return Buffer.concat(rec.datagrams);
  });
}

/** pmacctd inside the namespace, capturing its end of the veth, nfprobe exporting IPFIX to a recorder on the host end. */
export function capturePmacctIpfix(): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), "rfm-capture-pmacct-"));
  return withLab(async (lab) => {
    const ns = await lab.netns();
    const pair = await lab.veth({ ns: HOST_NS }, { ns });
    const rec = await recordDatagrams(pair.a.ipv4);
    const conf = join(dir, "pmacctd.conf");
    writeFileSync(
      conf,
      [
        "daemonize: false",
        `pcap_interface: ${pair.b.name}`,
        "pcap_ifindex: sys",
        "plugins: nfprobe[ipfix]",
        `nfprobe_receiver[ipfix]: ${pair.a.ipv4}:${rec.port}`,
        "nfprobe_version[ipfix]: 10",
        "nfprobe_timeouts[ipfix]: tcp=2:udp=2:icmp=2:general=2:expint=1:maxlife=2",
        "aggregate[ipfix]: src_host, dst_host, src_port, dst_port, proto, tos, tcpflags",
        "",
      ].join("\n"),
    );
    const pmacctd = lab.spawn(ns, ["pmacctd", "-f", conf]);
    try {
      await sleep(2000); // pcap open and plugin start
      await traffic(lab, pair, 9);
      await until(() => rec.datagrams.length >= 2 || !pmacctd.isRunning, 20_000, "pmacctd's export");
      if (!pmacctd.isRunning) throw new Error(`pmacctd exited: ${pmacctd.stderr()} ${pmacctd.stdout()}`);
      // SIGINT flushes the plugin (its core ignores SIGTERM).
      pmacctd.kill("SIGINT");
      await Promise.race([pmacctd.exited, sleep(5000)]);
      await sleep(200);
    } finally {
      rec.socket.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return Buffer.concat(rec.datagrams);
  });
}
