// Commands that talk to a running agent over its control socket. Each takes
// --socket and --json; a failure prints `rfm: <error>` and exits 1.
import { Command, Option } from "commander";
import { request } from "../control/client.js";
import { DEFAULT_SOCKET } from "../control/protocol.js";
import type { FlowRow, MeterRow, MeterStatusRow, RibLookupAnswer, RibSummaryAnswer, StatusAnswer } from "../agent/control-commands.js";
import { renderPairs, renderTable } from "./table.js";

interface Common {
  socket: string;
  json?: boolean;
}

function withCommon(cmd: Command): Command {
  return cmd.option("--socket <path>", "the agent's control socket", DEFAULT_SOCKET).option("--json", "machine-readable output");
}

/** Runs one request and prints it: JSON as is, or the people-facing text. */
async function run(opts: Common, command: string, args: Record<string, unknown>, text: (data: never) => string): Promise<void> {
  try {
    const data = await request(opts.socket, command, args);
    process.stdout.write(opts.json ? `${JSON.stringify(data, null, 2)}\n` : text(data as never));
  } catch (e) {
    process.stderr.write(`rfm: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}

const PROTO: Record<number, string> = { 1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6", 132: "sctp" };

function endpoint(addr: string, port: number): string {
  if (port === 0) return addr;
  return addr.includes(":") ? `[${addr}]:${port}` : `${addr}:${port}`;
}

function age(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${s % 60}s` : `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}

function flowTable(rows: FlowRow[]): string {
  return renderTable(
    ["IFACE", "DIR", "PROTO", "SRC", "DST", "SRC ASN", "DST ASN", "PACKETS", "BYTES", "AGE"],
    rows.map((r) => [
      r.netns ? `${r.netns}/${r.ifname}` : r.ifname, r.direction, PROTO[r.proto] ?? String(r.proto), endpoint(r.src, r.sport), endpoint(r.dst, r.dport),
      r.srcAsn ? String(r.srcAsn) : "-", r.dstAsn ? String(r.dstAsn) : "-", String(Math.round(r.packets)), String(Math.round(r.bytes)), age(r.ageMs),
    ]),
  );
}



function meterName(r: MeterRow): string {
  return r.netns ? `${r.ifname} in network namespace ${r.netns}` : r.ifname;
}

function meterTable(rows: MeterStatusRow[]): string {
  return renderTable(
    ["NETNS", "IFACE", "IFINDEX", "OBS POINT", "ATTACHED BY", "RX PACKETS", "RX BYTES", "TX PACKETS", "TX BYTES"],
    rows.map((r) => [
      r.netns || "-", r.ifname, String(r.ifindex), String(r.observationPointId), r.by === "manual" ? "hand" : "config",
      String(r.rxPackets), String(r.rxBytes), String(r.txPackets), String(r.txBytes),
    ]),
  );
}

function ribSummaryText(r: RibSummaryAnswer): string {
  const listen = !r.listen ? "(not listening)" : r.listen.host.includes(":") ? `[${r.listen.host}]:${r.listen.port}` : `${r.listen.host}:${r.listen.port}`;
  const text = `${listen}: ${r.prefixes.ipv4} ipv4 and ${r.prefixes.ipv6} ipv6 prefixes, ${r.routes} routes in ${r.views} views`;
  if (r.excluded.length === 0) return text;
  return `${text}; not labelling flows: peer distinguisher ${r.excluded.map((e) => `${e.distinguisher} (${e.routes} routes)`).join(", ")}`;
}


function ribLookupText(d: RibLookupAnswer): string {
  const pairs: [string, string][] = [
    ["prefix", d.prefix],
    ["origin", d.origin ? `AS${d.origin}` : d.originUnknown ? "ambiguous (AS_SET)" : "unknown"],
    ["as path", d.asPath.join(" ") || "(empty)"],
    ["communities", d.communities.map((c) => `${c >>> 16}:${c & 0xffff}`).join(" ") || "-"],
    ["large communities", d.largeCommunities.map((l) => l.join(":")).join(" ") || "-"],
  ];
  if (d.truncated) pairs.push(["truncated", "yes (only the first 32 ASNs/communities are kept)"]);
  pairs.push(["peer", `${d.peerAddress} AS${d.peerAs} (${d.view.postPolicy ? "post" : "pre"} policy)`]);
  const v = d.view;
  pairs.push([
    "view",
    `BMP session ${v.session} from ${v.speaker}${v.distinguisher !== "0" ? `, peer distinguisher ${v.distinguisher}` : ""}, ${v.routes} routes` +
      (v.stale ? ", stale (its session ended)" : ""),
  ]);
  return renderPairs(pairs);
}

function statusText(s: StatusAnswer): string {
  const pairs: [string, string][] = [
    ["version", s.version],
    ["uptime", age(s.uptimeSeconds * 1000)],
    ["interfaces", s.interfaces.join(" ") || "(none attached)"],
    ...(s.manual.length > 0 ? [["attached by hand", s.manual.join(" ")] as [string, string]] : []),
    ["sampling", `1 in ${s.sampling.rate}${s.sampling.adaptive ? ` (adaptive, base ${s.sampling.base}, max ${s.sampling.max})` : ""}`],
    ["flows", `${s.flows.active} active of ${s.flows.max}, ${s.flows.ringDrops} ring drops, ${s.flows.forcedEvictions} forced evictions, ${s.flows.folded} folded under empty labels`],
  ];
  for (const c of s.ipfix) {
    const errs = Object.entries(c.sendErrors).map(([k, v]) => `${k}=${v}`).join(" ");
    pairs.push([
      "ipfix",
      `${c.collector} ${c.connected ? "connected" : "disconnected"}, ${c.messages} messages, ${c.records} records, ${c.dropped.queue_full ?? 0} queue drops, ` +
        `${c.dropped.unconnected ?? 0} unsent, ${c.dropped.encode ?? 0} failed to encode, ${c.dropped.send ?? 0} lost in failed sends, ${c.dropped.refused ?? 0} refused${errs ? `, send errors ${errs}` : ""}`,
    ]);
  }
  if (s.ipfix.length === 0) pairs.push(["ipfix", "off"]);
  pairs.push(["mmdb", s.mmdb ? `asn ${s.mmdb.asn ?? "none"}, city ${s.mmdb.city ?? "none"}` : "off"]);
  pairs.push(["rib", s.rib ? ribSummaryText(s.rib) : "off"]);
  return renderPairs(pairs);
}

export function controlCommands(): Command[] {
  const status = withCommon(new Command("status").description("the running agent: interfaces, sampling, flows, exporters"))
    .addHelpText("after", "\nExamples:\n  rfm status\n  rfm status --json --socket /run/rfm/rfm.sock")
    .action((o: Common) => run(o, "status", {}, statusText));

  const flows = new Command("flows").description("live flows of the running agent");
  withCommon(flows.command("top").description("the busiest live flows, estimated counts").argument("[n]", "how many", "20"))
    .addOption(new Option("--by <what>", "sort by").choices(["bytes", "packets"]).default("bytes"))
    .addHelpText("after", "\nExamples:\n  rfm flows top\n  rfm flows top 5 --by packets")
    .action((n: string, o: Common & { by: string }) => run(o, "flows.top", { n, by: o.by }, flowTable));
  withCommon(flows.command("count").description("number of live flows"))
    .addHelpText("after", "\nExamples:\n  rfm flows count")
    .action((o: Common) => run(o, "flows.count", {}, (n: number) => `${n}\n`));
  withCommon(flows.command("dump").description("every live flow"))
    .addHelpText("after", "\nExamples:\n  rfm flows dump --json")
    .action((o: Common) => run(o, "flows.dump", {}, flowTable));
  withCommon(flows.command("flush").description("remove flows now, exporting them with reason forced end"))
    .option("--all", "every flow")
    .option("--iface <name>")
    .option("--netns <name>", "flows of interfaces in this network namespace")
    .option("--proto <n>")
    .option("--src <addr>")
    .option("--sport <port>")
    .option("--dst <addr>")
    .option("--dport <port>")
    .addHelpText("after", "\nExamples:\n  rfm flows flush --all\n  rfm flows flush --iface eth0 --proto 17 --dport 53")
    .action((o: Common & Record<string, unknown>) => {
      const { socket: _s, json: _j, ...filter } = o;
      return run(o, "flows.flush", filter, (r: { flushed: number }) => `flushed ${r.flushed}\n`);
    });

  const set = new Command("set").description("change the running agent");
  withCommon(set.command("sample-rate").description("sample 1 in N packets from now on (1..max_sample_rate)").argument("<n>"))
    .addHelpText("after", "\nExamples:\n  rfm set sample-rate 1000")
    .action((n: string, o: Common) => run(o, "set.sample-rate", { rate: n }, (r: { sampleRate: number }) => `sampling 1 in ${r.sampleRate}\n`));

  const reload = new Command("reload").description("reload data sources");
  withCommon(reload.command("mmdb").description("check and reopen the MMDB files now"))
    .addHelpText("after", "\nExamples:\n  rfm reload mmdb")
    .action((o: Common) => run(o, "reload.mmdb", {}, () => "reloaded\n"));

  const rib = new Command("rib").description("the BMP-fed RIB");
  withCommon(rib.command("lookup").description("the route an address matches").argument("<addr>"))
    .addHelpText("after", "\nExamples:\n  rfm rib lookup 198.51.100.7")
    .action((addr: string, o: Common) => run(o, "rib.lookup", { addr }, ribLookupText));
  withCommon(rib.command("summary").description("prefixes per family, routes and views"))
    .addHelpText("after", "\nExamples:\n  rfm rib summary")
    .action((o: Common) => run(o, "rib.summary", {}, (r: RibSummaryAnswer) => `${ribSummaryText(r)}\n`));

  const meter = new Command("meter").description("attach and detach by hand, also inside named network namespaces");
  const meterOpts = (c: Command) =>
    withCommon(c)
      .requiredOption("-i, --iface <dev>", "the interface: DEV, NETNS:DEV, or * / NETNS:* for every one")
      .option("--netns <name>", "a named network namespace (a file in agent.netns_dir, /run/netns by default)");
  meterOpts(meter.command("attach").description("meter an interface from now on (until detached, deleted or the agent stops)"))
    .addHelpText("after", "\nExamples:\n  rfm meter attach -i eth1\n  rfm meter attach --netns blue -i veth0\n  rfm meter attach -i blue:*")
    .action((o: Common & { iface: string; netns?: string }) =>
      run(o, "meter.attach", { iface: o.iface, netns: o.netns ?? "" }, (rows: MeterRow[]) =>
        rows.map((r) => `attached ${meterName(r)}${r.by === "config" ? " (already, by a config pattern)" : ""}\n`).join("") || "no Ethernet interface to attach\n",
      ));
  meterOpts(meter.command("detach").description("stop metering an interface attached by hand"))
    .addHelpText("after", "\nExamples:\n  rfm meter detach --netns blue -i veth0\n  rfm meter detach -i blue:*")
    .action((o: Common & { iface: string; netns?: string }) =>
      run(o, "meter.detach", { iface: o.iface, netns: o.netns ?? "" }, (rows: MeterRow[]) => rows.map((r) => `detached ${meterName(r)}\n`).join("")),
    );
  withCommon(meter.command("status").description("every metered interface: namespace, how it was attached, counters"))
    .addHelpText("after", "\nExamples:\n  rfm meter status")
    .action((o: Common) => run(o, "meter.status", {}, meterTable));

  return [status, flows, set, reload, rib, meter];
}

/** `rfm config show`: added under the existing `config` command. */
export function configShowCommand(): Command {
  return withCommon(new Command("show").description("the configuration file the running agent loaded"))
    .addHelpText("after", "\nExamples:\n  rfm config show")
    .action((o: Common) => run(o, "config.show", {}, (text: string) => text));
}
