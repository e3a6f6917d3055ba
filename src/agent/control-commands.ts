// What the control socket can ask a running agent. Each handler validates its
// own arguments (a bad one is a CommandError: the agent answers and goes on).
import type { Agent } from "./agent.js";
import { CommandError, type CommandHandler } from "../control/server.js";
import { EndReason, type FlowRecord } from "../flow/table.js";
import { formatAddress, parseAddress } from "../net/address.js";
import { VERSION } from "../version.js";
import { versionDates } from "../enrich/index.js";
import type { RouteDetail } from "../rib/rib.js";

export interface FlowRow {
  ifname: string;
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

/** A route detail as JSON carries it: the 64-bit distinguisher as text. */
function ribLookupAnswer(d: RouteDetail) {
  return { ...d, view: { ...d.view, distinguisher: d.view.distinguisher.toString() } };
}

export function controlCommands(agent: Agent, configText: string, startedAt: number): Map<string, CommandHandler> {
  const row = (r: FlowRecord, now: number): FlowRow => ({
    ifname: agent.ifname(r.ifindex),
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
  const allFlows = (): FlowRecord[] => {
    agent.drain();
    const out: FlowRecord[] = [];
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
        const match = flushFilter(args, (name) => agent.ifname(name));
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

/** The flows `rfm flows flush` selects: --all, or every given field must match. */
function flushFilter(args: Record<string, unknown>, ifname: (ifindex: number) => string): (r: FlowRecord) => boolean {
  if (args.all === true) return () => true;
  const tests: ((r: FlowRecord) => boolean)[] = [];
  if (args.iface !== undefined) {
    const want = String(args.iface);
    tests.push((r) => ifname(r.ifindex) === want);
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
  if (tests.length === 0) throw new CommandError("say which flows: --all, or any of --iface --proto --src --sport --dst --dport");
  return (r) => tests.every((t) => t(r));
}
