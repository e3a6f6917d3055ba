// Renders the agent's metrics at scrape time: interface counters straight from
// the BPF map, flow tuples from the rollups (never the flow table), collector
// and error counters, then the process and Node.js runtime metrics.
import type { Datapath } from "../bpf/datapath.js";
import { FAMILY_IPV4, FAMILY_IPV6 } from "../bpf/layout.js";
import type { FlowTable, InterfaceNamer } from "../flow/table.js";
import type { Rollups } from "../flow/rollups.js";
import type { ErrorCounters } from "./errors.js";
import { TextWriter, renderLabels } from "./exposition.js";
import { ProcessMetrics } from "./process-metrics.js";

export interface AgentMetricSources {
  datapath: Datapath;
  /** Interface name and, only when namespaces are in use, the `netns` label value ("" for the agent's own). */
  iface: InterfaceNamer;
  table: FlowTable;
  rollups: Rollups;
  errors: ErrorCounters;
  sampleRate(): number;
  /** Extra sections (IPFIX, BMP) appended by later stages. */
  extra?: ((w: TextWriter) => void)[];
  /** Errors counted elsewhere (the RIB's own overflow counters), added per subsystem at scrape. */
  moreErrors?: () => Partial<Record<string, number>>;
}

const FAMILY: Record<number, string> = { [FAMILY_IPV4]: "ipv4", [FAMILY_IPV6]: "ipv6" };
const FLOW_METRICS = [
  ["rfm_flow_packets", "estimated packets (sampled x rate)"],
  ["rfm_flow_bytes", "estimated wire bytes (sampled x rate)"],
  ["rfm_flow_sampled_packets", "sampled packets"],
  ["rfm_flow_sampled_bytes", "sampled wire bytes"],
] as const;

export class AgentMetrics {
  private readonly process = new ProcessMetrics();

  constructor(private readonly src: AgentMetricSources) {}

  async render(): Promise<string> {
    const w = new TextWriter();
    this.interfaces(w);
    this.flows(w);
    this.collector(w);
    for (const section of this.src.extra ?? []) section(w);
    await this.process.write(w);
    return w.text();
  }

  /** Stops measuring the event loop and GC. */
  close(): void {
    this.process.close();
  }

  private interfaces(w: TextWriter): void {
    const { datapath, errors } = this.src;
    let counters: ReturnType<Datapath["readIfaceCounters"]> = [];
    try {
      counters = datapath.readIfaceCounters();
    } catch {
      errors.inc("bpf_map");
    }
    // A key seen twice (read during a detach) keeps the later value.
    const series = new Map<string, { dir: number; labels: string; packets: number; bytes: number }>();
    for (const c of counters) {
      const labels = renderLabels([...this.ifaceLabels(c.ifindex, c.netns), ["family", FAMILY[c.family] ?? "other"]]);
      series.set(`${c.dir}${labels}`, { dir: c.dir, labels, packets: c.packets, bytes: c.bytes });
    }
    for (const [dirName, dir] of [["rx", 0], ["tx", 1]] as const) {
      for (const [unit, help] of [["bytes", "wire bytes (Ethernet header and VLAN tags included)"], ["packets", "wire packets"]] as const) {
        const name = `rfm_interface_${dirName}_${unit}_total`;
        w.header(name, "counter", `${dirName === "rx" ? "received (ingress)" : "transmitted (egress)"} ${help}, every packet`);
        for (const s of series.values()) if (s.dir === dir) w.sample(name, s.labels, unit === "bytes" ? s.bytes : s.packets);
      }
    }
  }

  /** ifname, then netns when namespaces are in use. */
  private ifaceLabels(ifindex: number, tag: number): [string, string][] {
    const { ifname, netns } = this.src.iface(ifindex, tag);
    return netns === undefined ? [["ifname", ifname]] : [["ifname", ifname], ["netns", netns]];
  }

  private flows(w: TextWriter): void {
    const rows: { labels: string; live: Float64Array; total: Float64Array; fresh: boolean }[] = [];
    this.src.rollups.scrape((t, fresh) => {
      const l = t.labels;
      rows.push({
        labels: renderLabels([
          ...this.ifaceLabels(t.ifindex, t.netns),
          ["direction", t.direction === 0 ? "ingress" : "egress"],
          ["proto", String(t.proto)],
          ["src_asn", l.srcAsn ? String(l.srcAsn) : ""],
          ["dst_asn", l.dstAsn ? String(l.dstAsn) : ""],
          ["src_city", l.srcCity],
          ["dst_city", l.dstCity],
        ]),
        live: t.live,
        total: t.total,
        fresh,
      });
    });
    // A gauge is a level: it shows its value from the first scrape. A new
    // counter shows 0 first, so that rate() sees its first increase.
    FLOW_METRICS.forEach(([name, help], i) => {
      w.header(name, "gauge", `${help} of live flows`);
      for (const r of rows) w.sample(name, r.labels, r.live[i]);
    });
    FLOW_METRICS.forEach(([name, help], i) => {
      w.header(`${name}_total`, "counter", `${help}, all flows ever seen (does not drop on eviction)`);
      for (const r of rows) w.sample(`${name}_total`, r.labels, r.fresh ? 0 : r.total[i]);
    });
  }

  private collector(w: TextWriter): void {
    const { datapath, errors, table, rollups } = this.src;
    let cpu = { ringDrops: 0, submits: 0, ifaceErrors: 0, gsoHdrErrors: 0 };
    try {
      cpu = datapath.readCpuState();
    } catch {
      errors.inc("bpf_map");
    }
    w.header("rfm_bpf_sample_rate", "gauge", "1 in N IP packets is sampled");
    w.sample("rfm_bpf_sample_rate", "", this.src.sampleRate());
    w.header("rfm_collector_active_flows", "gauge", "flows in the flow table");
    w.sample("rfm_collector_active_flows", "", table.size);
    w.header("rfm_collector_events_total", "counter", "sampled events read from the ring buffer");
    w.sample("rfm_collector_events_total", "", table.eventsIngested);
    w.header("rfm_collector_dropped_events_total", "counter", "sampled events lost because the ring buffer was full");
    w.sample("rfm_collector_dropped_events_total", "", cpu.ringDrops);
    w.header("rfm_collector_forced_evictions_total", "counter", "flows evicted early because the table was full");
    w.sample("rfm_collector_forced_evictions_total", "", table.forcedEvictions);
    w.header("rfm_collector_folded_flows_total", "counter", "flows counted under empty enrichment labels because the tuple limit was reached");
    w.sample("rfm_collector_folded_flows_total", "", rollups.folded);
    w.header("rfm_errors_total", "counter", "errors by subsystem");
    const more = this.src.moreErrors?.() ?? {};
    for (const [subsystem, n] of errors.entries()) {
      let v = n + (more[subsystem] ?? 0);
      if (subsystem === "bpf_map") v += cpu.ifaceErrors;
      if (subsystem === "gso_header") v += cpu.gsoHdrErrors;
      w.sample("rfm_errors_total", renderLabels([["subsystem", subsystem]]), v);
    }
  }
}
