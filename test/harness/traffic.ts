// Traffic between lab namespaces without extra packages: UDP through the
// udp-sender/udp-receiver scripts (node:dgram cannot enter a namespace, so
// they run under `ip netns exec`), ICMP through iputils ping.
import { fileURLToPath } from "node:url";
import { isIPv6 } from "node:net";
import type { Netns, NetnsProcess } from "./exec.js";
import type { Lab } from "./lab.js";

const script = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));
export const UDP_SENDER = script("udp-sender.js");
export const UDP_RECEIVER = script("udp-receiver.js");

export interface UdpSend {
  from: Netns;
  /** Destination address (IPv4 or IPv6, no prefix). */
  to: string;
  port: number;
  count: number;
  /** UDP payload bytes per datagram. */
  size: number;
  timeoutMs?: number;
}

/** Sends `count` datagrams; resolves once all were handed to the kernel. */
export async function sendUdp(lab: Lab, o: UdpSend): Promise<{ sent: number }> {
  const r = await lab.execOk(o.from, [process.execPath, UDP_SENDER, o.to, String(o.port), String(o.count), String(o.size)], {
    timeoutMs: o.timeoutMs ?? 30_000,
  });
  return JSON.parse(r.stdout) as { sent: number };
}

/** A sender that goes on until stopped (traffic flowing while something else happens). */
export class UdpStream {
  constructor(private readonly proc: NetnsProcess) {}

  /** Stops sending; resolves with the number of datagrams handed to the kernel. */
  async stop(): Promise<{ sent: number }> {
    this.proc.child.stdin?.end();
    const result = await this.proc.exited;
    if (result.code !== 0) throw new Error(`udp stream exited ${result.code ?? result.signal}: ${result.stderr.trim()}`);
    return JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "") as { sent: number };
  }
}

/** Starts sending datagrams as fast as the sender goes; resolves once the first ones are out. */
export async function startUdpStream(lab: Lab, o: Omit<UdpSend, "count" | "timeoutMs">): Promise<UdpStream> {
  const proc = lab.spawn(o.from, [process.execPath, UDP_SENDER, o.to, String(o.port), "stream", String(o.size)], { stdin: true });
  await proc.waitForOutput(/"streaming":true/);
  return new UdpStream(proc);
}

export interface UdpCounts {
  datagrams: number;
  bytes: number;
  /** Datagrams the receiving namespace dropped for a full socket buffer. */
  rcvbufErrors: number;
}

export class UdpReceiver {
  constructor(private readonly proc: NetnsProcess, readonly port: number) {}

  /** Waits until the socket is quiet, then returns what arrived. */
  async stop(): Promise<UdpCounts> {
    this.proc.child.stdin?.end();
    const result = await this.proc.exited;
    const last = result.stdout.trim().split("\n").at(-1) ?? "";
    if (result.code !== 0) throw new Error(`udp receiver exited ${result.code ?? result.signal}: ${result.stderr.trim()}`);
    return JSON.parse(last) as UdpCounts;
  }
}

/** Starts counting datagrams in `ns` (bind "::" takes IPv4 and IPv6; port 0 picks one). */
export async function startUdpReceiver(lab: Lab, o: { ns: Netns; bind?: string; port?: number }): Promise<UdpReceiver> {
  const proc = lab.spawn(o.ns, [process.execPath, UDP_RECEIVER, o.bind ?? "::", String(o.port ?? 0)], { stdin: true });
  const m = await proc.waitForOutput(/"port":(\d+)/);
  return new UdpReceiver(proc, Number(m[1]));
}

export interface PingResult {
  transmitted: number;
  received: number;
}

/** ICMP echo (ping -4/-6 by address family); a lost reply is a result, not an error. */
export async function ping(lab: Lab, o: { from: Netns; to: string; count?: number; timeoutMs?: number }): Promise<PingResult> {
  const count = o.count ?? 3;
  const r = await lab.exec(o.from, ["ping", isIPv6(o.to) ? "-6" : "-4", "-n", "-q", "-c", String(count), "-i", "0.2", "-W", "1", o.to], {
    timeoutMs: o.timeoutMs ?? 10_000 + count * 1000,
  });
  const m = /(\d+) packets transmitted, (\d+) received/.exec(r.stdout);
  if (!m) throw new Error(`ping ${o.to} failed: ${r.stderr.trim() || r.stdout.trim()}`);
  return { transmitted: Number(m[1]), received: Number(m[2]) };
}
