// The agent as the control commands use it, without a kernel: a real flow
// table holding the flows of the captured ring events, the rest stand-ins
// that throw a ContractViolation when a handler passes on a value it should
// have refused (a sample rate out of range, a name that is not a string).
import type { Agent } from "../../src/agent/agent.js";
import { EVENT_SIZE } from "../../src/bpf/layout.js";
import { FlowTable } from "../../src/flow/table.js";
import { capture } from "../fuzz/captures.js";
import { violation } from "../fuzz/target.js";

export const MAX_SAMPLE_RATE = 1000;

export function standInAgent(): Agent {
  const table = new FlowTable({ maxFlows: 256, evictionTimeoutMs: 30_000, activeTimeoutMs: 0, sink: () => {} });
  const events = capture("ring-events.bin");
  table.ingest(events, Math.floor(events.length / EVENT_SIZE), Date.now());
  const names = (netns: unknown, ifname: unknown): never[] => {
    if (typeof netns !== "string" || typeof ifname !== "string" || ifname === "") violation(`meter reached the agent with netns ${JSON.stringify(netns)}, interface ${JSON.stringify(ifname)}`);
    if (ifname === "missing") throw new Error(`no interface ${ifname} in network namespace ${netns}`);
    return [];
  };
  const agent = {
    table,
    drain: () => 0,
    iface: (ifindex: number, tag: number) => (tag === 0 ? { ifname: `if${ifindex}` } : { ifname: `if${ifindex}`, netns: `ns${tag}` }),
    status: () => ({ version: "fuzz" }),
    maxSampleRate: MAX_SAMPLE_RATE,
    setSampleRate: (rate: unknown) => {
      if (!(Number.isInteger(rate) && (rate as number) >= 1 && (rate as number) <= MAX_SAMPLE_RATE)) violation(`set.sample-rate reached the agent with ${JSON.stringify(rate)}`);
    },
    metering: {
      attach: async (netns: unknown, ifname: unknown) => names(netns, ifname),
      detach: async (netns: unknown, ifname: unknown) => names(netns, ifname),
      links: () => [],
      tagOf: () => undefined,
    },
    datapath: { readIfaceCounters: () => [] },
    rib: {
      lookupDetail: (addr: unknown) => {
        if (!(addr instanceof Uint8Array) || addr.length !== 16) violation("rib.lookup reached the RIB without a 16-byte address");
        return undefined;
      },
    },
    ribSummary: () => ({ listen: "[::1]:11019", ipv4Prefixes: 0, ipv6Prefixes: 0, routes: 0, views: 0 }),
    mmdb: { reload: async () => ({}) },
  };
  return agent as unknown as Agent;
}
