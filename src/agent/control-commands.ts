// What the control socket can ask a running agent. Each handler validates its
// own arguments (a bad one is a CommandError: the agent answers and goes on).
import type { Agent } from "./agent.js";
import { CommandError, type CommandHandler } from "../control/server.js";
import { EndReason, type AgentFlowRecord } from "../flow-record/index.js";
import { formatAddress, parseAddress } from "../net/address.js";
import { VERSION } from "../version.js";
import { versionDates } from "../enrich/mmdb-versions.js";
import type { RouteDetail } from "../rib/rib.js";
import type { MeteredLink } from "../watcher/metering.js";
import { isBpfError } from "../bpf/addon.js";
import { formatRouteDistinguisher } from "../bmp/route-distinguisher.js";

export interface FlowRow {
  ifname: string;
  /** Namespace name ("" for the agent's own); present only when namespaces are in use. */
  netns?: string;
  direction: "ingress" | "egress";
  proto: number;
  src: string;
  sport: number;
  dst: string;
  dport: number;
  srcAsn: number;
  dstAsn: number;
  packets: number;
  bytes: number;
  ageMs: number;
}

/** What `status` answers (the CLI renders this same type). */
export type StatusAnswer = ReturnType<Agent["status"]>;
export type RibSummaryAnswer = NonNullable<StatusAnswer["rib"]>;
export type RibLookupAnswer = ReturnType<typeof ribLookupAnswer>;

/** A route detail as JSON carries it: the distinguisher in its route distinguisher text form ("0", "65500:108"). */
function ribLookupAnswer(d: RouteDetail) {
  return { ...d, view: { ...d.view, distinguisher: formatRouteDistinguisher(d.view.distinguisher) } };
}

export function controlCommands(agent: Agent, configText: string, startedAt: number): Map<string, CommandHandler> {
  const row = (r: AgentFlowRecord, now: number): FlowRow => ({
    ...agent.iface(r.ifindex, r.netns),
    direction: r.direction === 0 ? "ingress" : "egress",
    proto: r.proto,
    src: formatAddress(r.src),
    sport: r.sport,
    dst: formatAddress(r.dst),
    dport: r.dport,
    srcAsn: r.srcAsn ?? 0,
    dstAsn: r.dstAsn ?? 0,
    packets: r.packets,
    bytes: r.bytes,
    ageMs: Math.max(0, now - r.startMs),
  });
  const allFlows = (): AgentFlowRecord[] => {
    agent.drain();
    const out: AgentFlowRecord[] = [];
    agent.table.forEach((id) => out.push(agent.table.describe(id)));
    return out;
  };

  return new Map<string, CommandHandler>([
    ["status", () => agent.status(VERSION, startedAt)],
    [
      "flows.top",
      (args) => {
        const n = optionalInt(args.n, "n", 1, 1_000_000) ?? 20;
        const by = args.by ?? "bytes";
        if (by !== "bytes" && by !== "packets") throw new CommandError(`--by must be bytes or packets, not ${JSON.stringify(by)}`);
        const now = Date.now();
        return allFlows()
          .sort((a, b) => (by === "bytes" ? b.bytes - a.bytes : b.packets - a.packets) || a.startMs - b.startMs)
          .slice(0, n)
          .map((r) => row(r, now));
      },
    ],
    ["flows.count", () => (agent.drain(), agent.table.size)],
    [
      "flows.dump",
      () => {
        const now = Date.now();
        return allFlows().map((r) => row(r, now));
      },
    ],
    [
      "flows.flush",
      (args) => {
        const match = flushFilter(args, (r) => agent.iface(r.ifindex, r.netns));
        agent.drain();
        const flushed = agent.table.flushWhere((id) => match(agent.table.describe(id)), EndReason.Forced);
        return { flushed };
      },
    ],
    [
      "set.sample-rate",
      (args) => {
        const max = agent.maxSampleRate;
        const rate = optionalInt(args.rate, "rate", 1, max);
        if (rate === undefined) throw new CommandError("missing rate");
        agent.setSampleRate(rate);
        return { sampleRate: rate };
      },
    ],
    ["config.show", () => configText],
    ["meter.attach", async (args) => (await agent.metering.attach(...meterArgs(args)).catch(commandError)).map(meterAnswer)],
    ["meter.detach", async (args) => (await agent.metering.detach(...meterArgs(args)).catch(commandError)).map(meterAnswer)],
    ["meter.status", () => meterStatus(agent)],
    [
      "rib.lookup",
      (args) => {
        if (!agent.rib) notConfigured("rib not configured, set agent.enrich.rib.bmp");
        let addr: Uint8Array;
        try {
          addr = parseAddress(String(args.addr));
        } catch {
          throw new CommandError(`not an IP address: ${JSON.stringify(args.addr)}`);
        }
        const d = agent.rib.lookupDetail(addr);
        if (!d) throw new CommandError(`no route for ${String(args.addr)}`);
        return ribLookupAnswer(d);
      },
    ],
    [
      "rib.summary",
      () => {
        return agent.ribSummary() ?? notConfigured("rib not configured, set agent.enrich.rib.bmp");
      },
    ],
    [
      "reload.mmdb",
      async () => {
        if (!agent.mmdb) notConfigured("mmdb not configured, set agent.enrich.mmdb");
        return versionDates(await agent.mmdb.reload());
      },
    ],
  ]);
}

/** One row of `rfm meter status` (and the answer of attach/detach). */
export interface MeterRow {
  netns: string;
  ifname: string;
  ifindex: number;
  by: "config" | "manual";
}
export interface MeterStatusRow extends MeterRow {
  /** What IPFIX's observationPointId carries for this interface: namespace tag * 2^32 + ifindex. */
  observationPointId: number;
  rxPackets: number;
  rxBytes: number;
  txPackets: number;
  txBytes: number;
}

function meterAnswer(l: MeteredLink): MeterRow {
  return { netns: l.netns, ifname: l.name, ifindex: l.ifindex, by: l.by };
}

/**
 * (namespace, interface) of a meter request. `-i NETNS:DEV` (flowctl's form)
 * is the same as `--netns NETNS -i DEV`: link names cannot contain ":".
 */
function meterArgs(args: Record<string, unknown>): [string, string] {
  const { netns = "", iface } = args;
  if (typeof iface !== "string" || iface === "") throw new CommandError("say which interface: -i DEV, -i NETNS:DEV or -i NETNS:*");
  if (typeof netns !== "string") throw new CommandError("--netns must be a namespace name");
  const colon = iface.indexOf(":");
  if (colon < 0) return [netns, iface];
  const [ns, dev] = [iface.slice(0, colon), iface.slice(colon + 1)];
  if (ns === "" || dev === "" || dev.includes(":")) throw new CommandError(`-i ${JSON.stringify(iface)}: expected DEV, NETNS:DEV or NETNS:*`);
  if (netns !== "" && netns !== ns) throw new CommandError(`-i ${iface} names namespace ${ns} but --netns says ${netns}`);
  return [ns, dev];
}

/** Metered links with their interface counters (every family summed). */
function meterStatus(agent: Agent): MeterStatusRow[] {
  const counters = new Map<string, { rxPackets: number; rxBytes: number; txPackets: number; txBytes: number }>();
  for (const c of agent.datapath.readIfaceCounters()) {
    const key = `${c.netns}:${c.ifindex}`;
    const sum = counters.get(key) ?? { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0 };
    if (c.dir === 0) {
      sum.rxPackets += c.packets;
      sum.rxBytes += c.bytes;
    } else {
      sum.txPackets += c.packets;
      sum.txBytes += c.bytes;
    }
    counters.set(key, sum);
  }
  return agent.metering.links().map((l) => {
    const tag = agent.metering.tagOf(l.netns) ?? 0;
    return {
      ...meterAnswer(l),
      observationPointId: tag * 0x1_0000_0000 + l.ifindex,
      ...(counters.get(`${tag}:${l.ifindex}`) ?? { rxPackets: 0, rxBytes: 0, txPackets: 0, txBytes: 0 }),
    };
  });
}

/** A failure the operator caused (unknown interface or namespace) is a plain answer; a kernel refusal is also logged. */
function commandError(e: unknown): never {
  if (isBpfError(e)) throw e;
  throw new CommandError(e instanceof Error ? e.message : String(e));
}

function notConfigured(message: string): never {
  throw new CommandError(message);
}

function optionalInt(v: unknown, name: string, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw new CommandError(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(v)}`);
  }
  return n;
}

/** An interface or namespace name: the CLI sends strings; anything else (an object String() cannot even print) is refused. */
function nameArg(v: unknown, flag: string): string {
  if (typeof v !== "string") throw new CommandError(`${flag} must be a name, not ${JSON.stringify(v)}`);
  return v;
}

/** The flows `rfm flows flush` selects: --all, or every given field must match. */
function flushFilter(args: Record<string, unknown>, iface: (r: AgentFlowRecord) => { ifname: string; netns?: string }): (r: AgentFlowRecord) => boolean {
  if (args.all === true) return () => true;
  const tests: ((r: AgentFlowRecord) => boolean)[] = [];
  if (args.iface !== undefined) {
    const want = nameArg(args.iface, "--iface");
    tests.push((r) => iface(r).ifname === want);
  }
  if (args.netns !== undefined) {
    const want = nameArg(args.netns, "--netns");
    tests.push((r) => (iface(r).netns ?? "") === want);
  }
  if (args.proto !== undefined) {
    const p = optionalInt(args.proto, "proto", 0, 255)!;
    tests.push((r) => r.proto === p);
  }
  for (const side of ["src", "dst"] as const) {
    if (args[side] === undefined) continue;
    let want: string;
    try {
      want = formatAddress(parseAddress(String(args[side])));
    } catch {
      throw new CommandError(`--${side} must be an IP address, not ${JSON.stringify(args[side])}`);
    }
    tests.push((r) => formatAddress(r[side]) === want);
  }
  for (const [key, field] of [["sport", "sport"], ["dport", "dport"]] as const) {
    if (args[key] === undefined) continue;
    const port = optionalInt(args[key], key, 0, 65535)!;
    tests.push((r) => r[field] === port);
  }
  if (tests.length === 0) throw new CommandError("say which flows: --all, or any of --iface --netns --proto --src --sport --dst --dport");
  return (r) => tests.every((t) => t(r));
}
