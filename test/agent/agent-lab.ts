// Runs the real agent pipeline in the test process against a lab veth: the
// test owns the flow sink and can read the table and the BPF maps directly.
import type { TestContext } from "node:test";
import { Agent } from "../../src/agent/agent.js";
import { parseConfig } from "../../src/config/index.js";
import type { AgentFlowRecord } from "../../src/flow-record/index.js";
import { formatAddress } from "../../src/net/address.js";
import { freePort } from "../harness/ports.js";

export interface RunningAgent {
  agent: Agent;
  records: AgentFlowRecord[];
  port: number;
}

/** Starts an agent on `interfaces`; extra TOML goes after [agent]. Stopped after the test. */
export async function startAgent(
  t: TestContext,
  interfaces: string[],
  extra: Record<string, Record<string, unknown>> = {},
  /** Raw TOML appended as is (nested tables such as [agent.enrich.mmdb]). */
  rawToml = "",
  /** Raw TOML keys of [agent] itself, after interfaces. */
  agentToml = "",
): Promise<RunningAgent> {
  const port = await freePort();
  const tables: Record<string, Record<string, unknown>> = {
    ...extra,
    bpf: { sample_rate: 1, ...extra.bpf },
    collector: { eviction_timeout: "30s", active_timeout: "0", ...extra.collector },
    prometheus: { host: "::1", port, ...extra.prometheus },
  };
  let toml = `[agent]\ninterfaces = ${JSON.stringify(interfaces)}\n${agentToml}`;
  for (const [name, kv] of Object.entries(tables)) {
    toml += `[agent.${name}]\n`;
    for (const [k, v] of Object.entries(kv)) toml += `${k} = ${JSON.stringify(v)}\n`;
  }
  toml += rawToml;
  const { config } = parseConfig(toml, "agent-lab.toml");
  const records: AgentFlowRecord[] = [];
  const agent = new Agent({ config, sinks: [(r) => records.push(...r)] });
  t.after(() => agent.stop());
  try {
    await agent.start();
  } catch (e) {
    await agent.stop();
    throw e;
  }
  return { agent, records, port };
}

export interface FlowView {
  ifindex: number;
  direction: number;
  proto: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  packets: number;
  bytes: number;
  ipBytes: number;
  sampledPackets: number;
}

/** The live flows, with text addresses, after draining the ring. */
export function liveFlows(agent: Agent): FlowView[] {
  agent.drain();
  const out: FlowView[] = [];
  agent.table.forEach((id) => {
    const r = agent.table.describe(id);
    out.push({
      ifindex: r.ifindex, direction: r.direction, proto: r.proto, src: formatAddress(r.src), dst: formatAddress(r.dst),
      sport: r.sport, dport: r.dport, packets: r.packets, bytes: r.bytes, ipBytes: r.ipBytes, sampledPackets: r.sampledPackets,
    });
  });
  return out;
}

/** Interface counters of one ifindex by "dir/family" (e.g. "0/4"), from the BPF map. */
export function ifaceCounters(agent: Agent, ifindex: number): Map<string, { packets: number; bytes: number }> {
  const m = new Map<string, { packets: number; bytes: number }>();
  for (const c of agent.datapath.readIfaceCounters()) if (c.ifindex === ifindex) m.set(`${c.dir}/${c.family}`, { packets: c.packets, bytes: c.bytes });
  return m;
}

export function delta(after: Map<string, { packets: number; bytes: number }>, before: Map<string, { packets: number; bytes: number }>, key: string) {
  const a = after.get(key) ?? { packets: 0, bytes: 0 };
  const b = before.get(key) ?? { packets: 0, bytes: 0 };
  return { packets: a.packets - b.packets, bytes: a.bytes - b.bytes };
}

/**
 * Waits until the datapath has accounted for `sampled` sampled packets (each
 * an event submitted to the ring or a ring drop, in the BPF per-CPU state) and
 * the agent has read every submitted event: after it, flows and drop counts
 * are final. Synchronised on the counters, never on time.
 */
export async function ringSettled(agent: Agent, sampled: number, timeoutMs = 10_000): Promise<{ submits: number; ringDrops: number }> {
  let cpu = agent.datapath.readCpuState();
  await until(() => ((cpu = agent.datapath.readCpuState()), cpu.submits + cpu.ringDrops >= sampled), timeoutMs, `${sampled} packets sampled`);
  await until(() => (agent.drain(), agent.table.eventsIngested >= cpu.submits), timeoutMs, `${cpu.submits} events read`);
  return { submits: cpu.submits, ringDrops: cpu.ringDrops };
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
