// pmacct's sFlow agent as a lab process: pmacctd capturing one interface of
// the test's namespace with the sfprobe plugin, sampling every packet (1 in
// 1) and exporting sFlow v5 to a recorder socket on 127.0.0.1, for the
// interop test and the fuzz seed capture. Ready means exporting: a probe
// datagram sent through the interface has come back as a flow sample (its
// pcap is open and its plugin running), not a sleep.
import { createSocket, type Socket } from "node:dgram";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { until } from "../agent/agent-lab.js";
import { HOST_NS, type NetnsProcess } from "../harness/exec.js";
import type { Lab, VethPair } from "../harness/lab.js";
import { sendFromPorts } from "../ipfix-interop/interop-agent.js";
import { decodeSflow, type SflowFlowSample, type SflowSample } from "../../src/sflow/index.js";

/** The sub-agent id pmacctd is told to send (its default is 1402). */
export const SUB_AGENT_ID = 7;
/** Source port of the readiness probes (not a port the traffic uses). */
export const PROBE_PORT = 39999;

/** Every datagram that arrives on 127.0.0.1, in order. */
export class Recorder {
  readonly datagrams: Buffer[] = [];
  private constructor(readonly socket: Socket, readonly port: number) {}

  static async start(): Promise<Recorder> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve, reject) => socket.once("error", reject).bind(0, "127.0.0.1", resolve));
    const r = new Recorder(socket, socket.address().port);
    socket.on("message", (m) => r.datagrams.push(m));
    return r;
  }

  /** Every sample of every datagram so far (the datagrams are pmacct's: they decode whole). */
  samples(): SflowSample[] {
    return this.datagrams.flatMap((d) => decodeSflow(d).samples);
  }

  close(): void {
    this.socket.close();
  }
}

/** UDP and ICMP facts of a flow sample's sampled header, for matching the traffic sent. */
export function sampledUdp(s: SflowSample): { srcPort: number; dstPort: number } | undefined {
  if (s.kind !== "flow_sample") return undefined;
  for (const r of (s as SflowFlowSample).records) {
    if (r.type === "sampled_header" && r.layers.protocol === 17 && r.layers.l4Offset >= 0) return { srcPort: r.layers.srcPort, dstPort: r.layers.dstPort };
  }
  return undefined;
}

/**
 * pmacctd on the host end of `pair` (its agent address that end's), exporting
 * to `recorder`; resolves once a probe UDP datagram from the namespace end to
 * `port` came back as a flow sample.
 */
export async function startSfprobe(lab: Lab, pair: VethPair, recorder: Recorder, dir: string, port: number): Promise<NetnsProcess> {
  const conf = join(dir, "pmacctd.conf");
  writeFileSync(
    conf,
    [
      "daemonize: false",
      `pcap_interface: ${pair.a.name}`,
      "pcap_ifindex: sys",
      "plugins: sfprobe[sf]",
      `sfprobe_receiver[sf]: 127.0.0.1:${recorder.port}`,
      `sfprobe_agentip[sf]: ${pair.a.ipv4}`,
      `sfprobe_agentsubid[sf]: ${SUB_AGENT_ID}`,
      // Samples name this input interface (pmacctd cannot tell the output one: 0x3fffffff).
      `sfprobe_ifindex[sf]: ${pair.a.ifindex}`,
      "sfprobe_direction[sf]: in",
      "sampling_rate[sf]: 1",
      "",
    ].join("\n"),
  );
  const pmacctd = lab.spawn(HOST_NS, ["pmacctd", "-f", conf]);
  await until(async () => {
    if (!pmacctd.isRunning) return true;
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port, count: 1, size: 1, sport: PROBE_PORT });
    return recorder.samples().some((s) => sampledUdp(s)?.srcPort === PROBE_PORT);
  }, 20_000, "pmacctd's first flow sample");
  if (!pmacctd.isRunning) throw new Error(`pmacctd exited: ${pmacctd.stderr()} ${pmacctd.stdout()}`);
  return pmacctd;
}

/** SIGINT (pmacctd's core ignores SIGTERM) flushes the plugin and exits; SIGKILL after 5 s. */
export async function stopSfprobe(pmacctd: NetnsProcess): Promise<void> {
  pmacctd.kill("SIGINT");
  const timer = setTimeout(() => pmacctd.kill("SIGKILL"), 5000);
  try {
    await pmacctd.exited;
  } finally {
    clearTimeout(timer);
  }
}
