// The real agent in the test process, on the host end of a lab veth, with
// [agent.ipfix] and [agent.log] written as TOML (inline tables included), and
// traffic with known source ports from the namespace end.
import type { TestContext } from "node:test";
import { Agent } from "../../src/agent/agent.js";
import { parseConfig } from "../../src/config/index.js";
import { EndReason, type AgentFlowRecord } from "../../src/flow-record/index.js";
import { formatAddress } from "../../src/net/address.js";
import type { Netns } from "../harness/exec.js";
import type { Lab, VethPair } from "../harness/lab.js";
import { freePort } from "../harness/ports.js";
import { until } from "../agent/agent-lab.js";

export { until };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type TomlValue = string | number | boolean | TomlValue[] | { [k: string]: TomlValue };

/** One TOML value; tables become inline tables (`{ host = "..." }`). */
export function tomlValue(v: TomlValue): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(", ")}]`;
  return `{ ${Object.entries(v).map(([k, x]) => `${k} = ${tomlValue(x)}`).join(", ")} }`;
}

export type Tables = Partial<Record<"bpf" | "collector" | "ipfix" | "log", Record<string, TomlValue>>>;

/** The config file text: rate 1, eviction after 1 s idle, no interval records, 100 ms IPFIX flushes. */
export function agentToml(interfaces: string[], metricsPort: number, tables: Tables): string {
  const all: Record<string, Record<string, TomlValue>> = {
    bpf: { sample_rate: 1, ...tables.bpf },
    collector: { eviction_timeout: "1s", active_timeout: "0", ...tables.collector },
    prometheus: { host: "::1", port: metricsPort },
    ...(tables.ipfix ? { ipfix: { flush_interval: "100ms", ...tables.ipfix } } : {}),
    ...(tables.log ? { log: tables.log } : {}),
  };
  let toml = `[agent]\ninterfaces = ${tomlValue(interfaces)}\n`;
  for (const [name, kv] of Object.entries(all)) {
    toml += `[agent.${name}]\n`;
    for (const [k, v] of Object.entries(kv)) toml += `${k} = ${tomlValue(v)}\n`;
  }
  return toml;
}

export interface InteropAgent {
  agent: Agent;
  /** Every record the sinks got, in order (the test's own sink, beside IPFIX and the log). */
  records: AgentFlowRecord[];
  metricsPort: number;
}

/** Starts the agent on the host end of `pair` and waits until it is attached; stopped after the test. */
export async function startInteropAgent(t: TestContext, pair: VethPair, tables: Tables): Promise<InteropAgent> {
  const metricsPort = await freePort();
  const { config } = parseConfig(agentToml([pair.a.name], metricsPort, tables), "interop.toml");
  const records: AgentFlowRecord[] = [];
  const agent = new Agent({ config, sinks: [(r) => records.push(...r)] });
  t.after(() => agent.stop());
  await agent.start();
  await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
  return { agent, records, metricsPort };
}

/** A record as text, for comparisons and messages. */
export interface RecordView {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  proto: number;
}

export function view(r: AgentFlowRecord): RecordView {
  return { src: formatAddress(r.src), dst: formatAddress(r.dst), sport: r.sport, dport: r.dport, proto: r.proto };
}

/**
 * Waits until the sinks got `n` records matching `match` (the flows were
 * evicted), then until every collector link has sent at least as many flow
 * records as the sinks got in all. Resolves with the messages sent so far
 * (for TsharkCapture.stop; Nfcapd.stop waits for its socket to be read).
 */
export async function waitExported(a: InteropAgent, n: number, match: (r: RecordView) => boolean, timeoutMs = 8000): Promise<number> {
  await until(() => a.records.filter((r) => match(view(r))).length >= n, timeoutMs, `${n} evicted flow records`);
  const total = a.records.length;
  const links = a.agent.ipfix?.links ?? [];
  await until(() => links.every((l) => l.stats.records >= total), timeoutMs, `${total} records sent to every collector`);
  return messagesSent(a);
}

/** IPFIX messages the agent sent, over every collector. */
export function messagesSent(a: InteropAgent): number {
  return (a.agent.ipfix?.links ?? []).reduce((sum, l) => sum + l.stats.messages, 0);
}

/**
 * Hands the sinks every live flow now, as `rfm flows flush --all` does, once
 * the ring has delivered `flows` of them; then sends what the exporter queued.
 * Resolves with the records handed over.
 */
export async function exportNow(a: InteropAgent, flows: number): Promise<AgentFlowRecord[]> {
  await until(() => (a.agent.drain(), a.agent.table.size >= flows), 5000, `${flows} live flows`);
  const before = a.records.length;
  a.agent.table.flushAll(EndReason.Forced);
  a.agent.ipfix?.flush();
  return a.records.slice(before);
}

const SENDER = `
import socket, sys
to, port, count, size, first, ports = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
fam = socket.AF_INET6 if ":" in to else socket.AF_INET
payload = b"a" * size
for sport in range(first, first + ports):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", sport))
    for _ in range(count):
        s.sendto(payload, (to, port))
    s.close()
print(count * ports)
`;

export interface PortSend {
  from: Netns;
  to: string;
  port: number;
  /** Datagrams from each source port. */
  count: number;
  /** UDP payload bytes. */
  size: number;
  /** Source ports sport, sport + 1, ... (a fresh namespace has them all free). */
  sport: number;
  ports?: number;
}

/** UDP from known source ports (one flow per port), sent from inside a lab namespace. */
export async function sendFromPorts(lab: Lab, o: PortSend): Promise<number> {
  const argv = ["python3", "-c", SENDER, o.to, String(o.port), String(o.count), String(o.size), String(o.sport), String(o.ports ?? 1)];
  const r = await lab.execOk(o.from, argv, { timeoutMs: 30_000 });
  return Number(r.stdout.trim());
}

/** IP bytes of one UDP datagram with `payload` bytes: what octetDeltaCount counts. */
export const udpIpBytes = (family: 4 | 6, payload: number) => (family === 4 ? 20 : 40) + 8 + payload;
/** Wire bytes (with the 14-byte Ethernet header): what the flow log and Prometheus count. */
export const udpWireBytes = (family: 4 | 6, payload: number) => 14 + udpIpBytes(family, payload);

/** The agent's /metrics text. */
export async function scrape(a: InteropAgent): Promise<string> {
  const res = await fetch(`http://[::1]:${a.metricsPort}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

/** The value of one sample (labels exactly as rendered, "" for none), or undefined when absent. */
export function sample(metrics: string, name: string, labels: string): number | undefined {
  const key = labels === "" ? `${name} ` : `${name}{${labels}} `;
  const line = metrics.split("\n").find((l) => l.startsWith(key));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}
