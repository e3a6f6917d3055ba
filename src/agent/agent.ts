// The running agent: kernel -> ring buffer -> flow table -> sinks, with the
// interface watcher keeping the programs attached and the metrics endpoint
// reading it all at scrape time. runAgent (run.ts) owns the process; this
// class owns the pipeline, so tests can run it in-process with their own sink.
import { loadAddon, type RingHandle } from "../bpf/addon.js";
import { Datapath } from "../bpf/datapath.js";
import { Attachments } from "../bpf/links.js";
import { EVENT_SIZE } from "../bpf/layout.js";
import type { Config } from "../config/index.js";
import { effectiveIfaceStatsSize, effectiveQueueSize, effectiveWakeupBatch } from "../config/index.js";
import { IpfixExporter } from "../export/ipfix-exporter.js";
import { FlowLog } from "../export/flow-log.js";
import { FlowTable, type FlowSink } from "../flow/table.js";
import { EndReason, type AgentFlowRecord } from "../flow-record/index.js";
import { Rollups, NO_LABELS } from "../flow/rollups.js";
import type { MmdbSource } from "../enrich/mmdb-source.js";
import { versionDates } from "../enrich/mmdb-versions.js";
import { AddressEnricher, type AsnSource } from "../enrich/address-enricher.js";
import { FlowEnricher } from "../enrich/flow-enricher.js";
import type { BmpListener } from "../enrich/bmp-listener.js";
import type { Rib } from "../rib/rib.js";
import { formatRouteDistinguisher } from "../bmp/route-distinguisher.js";
import { ErrorCounters } from "../metrics/errors.js";
import { AgentMetrics } from "../metrics/agent-metrics.js";
import { MetricsServer } from "../metrics/server.js";
import type { TextWriter } from "../metrics/exposition.js";
import { Metering, type MeteredLink } from "../watcher/metering.js";
import { log } from "../log/logger.js";
import { ControlServer } from "../control/server.js";
import { controlCommands } from "./control-commands.js";
import { AdaptiveSampling } from "./adaptive-sampling.js";

export interface AgentDeps {
  config: Config;
  /** The config file's text, for `rfm config show`. */
  configText?: string;
  /** Where evicted and interval records go (IPFIX, logs, tests). */
  sinks?: FlowSink[];
  objectPath?: string;
  /** Called when the pipeline cannot go on (ring read failed): the process exits 1. */
  onFatal?: (err: Error) => void;
  /** Skip the HTTP endpoint (benchmarks). */
  noMetricsServer?: boolean;
  /** How often adaptive sampling looks at ring drops (default 1 s; 0: never, the caller steps it with adaptSampleRate()). */
  adaptiveTickMs?: number;
}

/** Records per ring batch handed to JS: 4096 x 64 B = 256 KiB. */
const RING_BATCH = 4096;
/** Records per sweep slice (one event-loop turn). */
const SWEEP_SLICE = 4096;
/** Drains what sits below the wakeup batch at low rates. */
const DRAIN_INTERVAL_MS = 100;

export class Agent {
  readonly errors = new ErrorCounters();
  readonly datapath: Datapath;
  readonly table: FlowTable;
  readonly rollups: Rollups;
  readonly metrics: AgentMetrics;
  readonly attachments: Attachments;
  readonly metering: Metering;
  readonly ipfix: IpfixExporter | undefined;
  readonly flowLog: FlowLog | undefined;
  mmdb: MmdbSource | undefined;
  rib: Rib | undefined;
  bmp: BmpListener | undefined;
  private enricher: FlowEnricher | undefined;
  private readonly addon = loadAddon();
  private ring: RingHandle | undefined;
  private server: MetricsServer | undefined;
  private control: ControlServer | undefined;
  private readonly startedAt = Date.now();
  private readonly adaptive: AdaptiveSampling | undefined;
  private timers: NodeJS.Timeout[] = [];
  private bootOffsetMs = 0;
  private sampleRate: number;
  private readonly sinks: FlowSink[];
  metricsAddress: { host: string; port: number } | undefined;
  private stopped = false;

  constructor(private readonly deps: AgentDeps) {
    const { config } = deps;
    const bpf = config.agent.bpf;
    const col = config.agent.collector;
    this.sampleRate = bpf.sample_rate;
    if (bpf.adaptive_sampling) this.adaptive = new AdaptiveSampling(bpf.sample_rate, bpf.max_sample_rate);
    this.sinks = [...(deps.sinks ?? [])];
    const ipfix = config.agent.ipfix;
    if (ipfix.enabled) {
      this.ipfix = new IpfixExporter({
        targets: ipfix.targets,
        fields: ipfix.fields,
        templateRefreshMs: ipfix.template_refresh,
        flushIntervalMs: ipfix.flush_interval,
        maxMessageSize: ipfix.max_message_size,
        queueSize: effectiveQueueSize(config),
        sampleRate: bpf.sample_rate,
        errors: this.errors,
      });
      this.sinks.push(this.ipfix.sink);
    }
    const flowLog = config.agent.log;
    if (flowLog.path) {
      this.flowLog = new FlowLog({
        path: flowLog.path,
        maxSize: flowLog.max_size,
        maxFiles: flowLog.max_files,
        iface: (i, tag) => this.iface(i, tag),
        errors: this.errors,
      });
      this.sinks.push(this.flowLog.sink);
    }
    this.datapath = Datapath.open({
      ...(deps.objectPath ? { objectPath: deps.objectPath } : {}),
      ringBufSize: bpf.ring_buf_size,
      ifaceStatsSize: effectiveIfaceStatsSize(config),
      sampleRate: bpf.sample_rate,
      wakeupBatch: effectiveWakeupBatch(config),
      preciseClock: bpf.timestamps === "precise",
      ...(bpf.pin_path ? { pinPath: bpf.pin_path } : {}),
    });
    // Enrichment sources open in start(); until then (and without any) flows carry no labels.
    this.rollups = new Rollups(col.max_flows, col.max_flows, 10 * col.eviction_timeout, (_table, id) => this.enricher?.labels(id) ?? NO_LABELS);
    this.table = new FlowTable({
      maxFlows: col.max_flows,
      evictionTimeoutMs: col.eviction_timeout,
      activeTimeoutMs: col.active_timeout,
      sink: (records) => this.deliver(records),
      // The enricher exists once start() opened its sources; flows before that carry no labels.
      enrich: {
        resolve: (id, table) => this.enricher?.resolve(id, table),
        annotate: (id, r) => this.enricher?.annotate(id, r),
      },
      observer: this.rollups,
    });
    this.attachments = new Attachments(this.datapath, bpf.attach_mode === "auto" ? undefined : bpf.attach_mode);
    this.metering = new Metering({
      datapath: this.datapath,
      attachments: this.attachments,
      interfaces: config.agent.interfaceMatcher,
      errors: this.errors,
      netnsDir: config.agent.netns_dir,
      linkRemoved: (ifindex, tag) => {
        try {
          this.datapath.deleteIfaceCounters(ifindex, tag);
        } catch {
          this.errors.inc("bpf_map");
        }
      },
      namespaceReleased: (tag) => {
        // Before the tag can name another namespace: its counters and flows go now.
        try {
          this.datapath.deleteNamespaceCounters(tag);
        } catch {
          this.errors.inc("bpf_map");
        }
        this.drain();
        this.table.flushWhere((id) => this.table.netnsOf(id) === tag, EndReason.Forced);
        this.rollups.dropNamespace(tag);
      },
    });
    this.metrics = new AgentMetrics({
      datapath: this.datapath,
      iface: (ifindex, tag) => this.iface(ifindex, tag),
      table: this.table,
      rollups: this.rollups,
      errors: this.errors,
      sampleRate: () => this.sampleRate,
      extra: [...(this.ipfix ? [(w: TextWriter) => this.ipfix?.metrics(w)] : []), ...(this.flowLog ? [(w: TextWriter) => this.flowLog?.metrics(w)] : [])],
      // RIB overflows (routes or views refused, lists cut at 32) count as bmp errors.
      moreErrors: () => {
        // Ring records of the wrong size (another build of the program) count as ring_buffer errors.
        const ring = this.ring ? this.addon.ringStats(this.ring).badRecords : 0;
        const c = this.rib?.counters;
        const bmp = c ? c.routesRejected + c.viewsRejected + c.asPathsTruncated + c.communitiesTruncated + c.largeCommunitiesTruncated + c.invalidInputs : 0;
        return { ring_buffer: ring, bmp };
      },
    });
  }

  /** Interface name for labels and logs; the decimal ifindex when unknown. */
  ifname(ifindex: number, netns = 0): string {
    return this.metering.nameOf(netns, ifindex) ?? String(ifindex);
  }

  /** Interface name, plus the namespace name when namespaces are in use. */
  iface(ifindex: number, tag: number): { ifname: string; netns?: string } {
    const netns = this.netnsLabel(tag);
    return netns === undefined ? { ifname: this.ifname(ifindex, tag) } : { ifname: this.ifname(ifindex, tag), netns };
  }

  /**
   * The `netns` label of a namespace tag: undefined (no label at all) unless
   * namespaces are in use; then "" for the agent's own namespace.
   */
  netnsLabel(tag: number): string | undefined {
    if (!this.metering.namespacesInUse) return undefined;
    return this.metering.netnsOf(tag) ?? `#${tag}`;
  }

  /** Starts draining, watching and serving; resolves once the metrics port is open. */
  async start(): Promise<void> {
    const { config } = this.deps;
    if (config.agent.control.socket) {
      // First, so a second agent on the same socket fails before touching anything.
      this.control = new ControlServer(config.agent.control.socket, controlCommands(this, this.deps.configText ?? "", this.startedAt));
      await this.control.listen();
    }
    this.refreshBootOffset();
    this.ring = this.addon.ringOpen(this.datapath.eventsFd, EVENT_SIZE, RING_BATCH, (batch, count, errno) => {
      if (errno) {
        this.errors.inc("ring_buffer");
        this.fatal(new Error(`reading the ring buffer failed: errno ${errno}`));
        return;
      }
      this.table.ingest(batch, count, this.bootOffsetMs);
    });
    this.every(DRAIN_INTERVAL_MS, () => {
      if (this.ring) this.addon.ringDrain(this.ring);
    });
    this.every(sweepPeriodMs(config.agent.collector.eviction_timeout, config.agent.collector.active_timeout), () => {
      this.refreshBootOffset();
      this.sweepInSlices(Date.now());
    });
    // Enrichment code (the BMP codec and the RIB, the MaxMind reader) is loaded
    // only when configured: an agent without it is about 1 MB smaller.
    const bmp = config.agent.enrich.rib.bmp;
    const asnSources: AsnSource[] = [];
    if (bmp.enabled) {
      const [{ Rib }, { BmpListener, RibAsnSource }] = await Promise.all([import("../rib/rib.js"), import("../enrich/bmp-listener.js")]);
      // Read at start only: a changed list takes a restart (routes are sorted into tables by it on arrival).
      this.rib = new Rib({ labelDistinguishers: bmp.distinguishers });
      this.bmp = new BmpListener({ host: bmp.listen.host, port: bmp.listen.port, rib: this.rib, errors: this.errors });
      await this.bmp.listen();
      asnSources.push(new RibAsnSource(this.rib)); // ASN from the RIB first, the database as fallback
    }
    const mmdb = config.agent.enrich.mmdb;
    if (mmdb.asn_db || mmdb.city_db) {
      const { MmdbSource } = await import("../enrich/mmdb-source.js");
      this.mmdb = await MmdbSource.open(mmdb);
      if (mmdb.asn_db) asnSources.push(this.mmdb);
    }
    if (asnSources.length > 0 || (this.mmdb && mmdb.city_db)) {
      this.enricher = new FlowEnricher(config.agent.collector.max_flows, new AddressEnricher(asnSources, this.mmdb && mmdb.city_db ? this.mmdb : undefined));
    }
    const adaptiveTickMs = this.deps.adaptiveTickMs ?? 1000;
    if (this.adaptive && adaptiveTickMs > 0) this.every(adaptiveTickMs, () => this.adaptSampleRate());
    this.ipfix?.start();
    this.dropPinnedNamespaceCounters();
    await this.metering.start();
    this.pruneStaleCounters();
    if (!this.deps.noMetricsServer) {
      this.server = new MetricsServer({
        host: config.agent.prometheus.host,
        port: config.agent.prometheus.port,
        // The scrape sees every event the kernel has written so far, not just
        // what the last wakeup or drain tick handed over.
        render: () => {
          this.drain();
          return this.metrics.render();
        },
      });
      this.metricsAddress = await this.server.listen();
    }
  }

  /**
   * A sweep of many expired flows runs in slices, one per event-loop turn, so
   * the ring keeps being drained while 65,536 flows leave at once.
   */
  private sweepInSlices(nowMs: number): void {
    if (this.stopped) return;
    if (this.table.sweep(nowMs, SWEEP_SLICE)) setImmediate(() => this.sweepInSlices(nowMs));
  }

  get maxSampleRate(): number {
    return this.deps.config.agent.bpf.max_sample_rate;
  }

  /** The RIB line of `rfm status` and the answer of `rfm rib summary` (distinguishers as text); null without BMP. */
  ribSummary() {
    if (!this.rib || !this.bmp) return null;
    const s = this.rib.summary();
    const excluded = s.excluded.map((e) => ({ distinguisher: formatRouteDistinguisher(e.distinguisher), routes: e.routes }));
    return { listen: this.bmp.address, ...s, excluded };
  }

  /** What `rfm status` shows. */
  status(version: string, startedAt: number) {
    const bpf = this.deps.config.agent.bpf;
    let ringDrops = 0;
    try {
      ringDrops = this.datapath.readCpuState().ringDrops;
    } catch {
      this.errors.inc("bpf_map");
    }
    const links = this.metering.links();
    return {
      version,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      interfaces: links.map(linkName),
      manual: links.filter((l) => l.by === "manual").map(linkName),
      attachMode: this.attachments.attachMode,
      sampling: { rate: this.sampleRate, adaptive: bpf.adaptive_sampling, base: bpf.sample_rate, max: bpf.max_sample_rate },
      flows: { active: this.table.size, max: this.table.maxFlows, ringDrops, forcedEvictions: this.table.forcedEvictions, folded: this.rollups.folded },
      ipfix: (this.ipfix?.links ?? []).map((l) => ({
        collector: l.name,
        connected: l.connected,
        messages: l.stats.messages,
        records: l.stats.records,
        dropped: { ...l.stats.dropped, queue_full: this.ipfix?.queueDroppedCount ?? 0 },
        sendErrors: Object.fromEntries(l.stats.sendErrors),
      })),
      mmdb: this.mmdb ? versionDates(this.mmdb.versions()) : null,
      rib: this.ribSummary(),
    };
  }

  /** Current sample rate (what rfm_bpf_sample_rate shows). */
  get currentSampleRate(): number {
    return this.sampleRate;
  }

  /** A rate set by hand (control plane): applies at once and restarts the adaptive quiet count. */
  setSampleRate(rate: number): void {
    this.applySampleRate(rate);
    this.adaptive?.reset();
  }

  private applySampleRate(rate: number): void {
    this.datapath.setConfig(rate, effectiveWakeupBatch(this.deps.config));
    this.sampleRate = rate;
    this.ipfix?.setSampleRate(rate);
  }

  /** One adaptive-sampling step: reads the ring drops and moves the rate. The timer calls it every adaptiveTickMs. */
  adaptSampleRate(): void {
    if (!this.adaptive) return;
    let drops: number;
    try {
      drops = this.datapath.readCpuState().ringDrops;
    } catch {
      this.errors.inc("bpf_map");
      return;
    }
    const prev = this.sampleRate;
    const next = this.adaptive.next(drops, prev);
    if (next === prev) return;
    try {
      this.applySampleRate(next);
      log.info("adaptive sampling changed the rate", { from: prev, to: next });
    } catch {
      this.errors.inc("bpf_map");
    }
  }

  /** Drains the ring now: tests call it to see events without waiting for the timer. */
  drain(): number {
    return this.ring ? this.addon.ringDrain(this.ring) : 0;
  }

  /** Detaches everything, hands every live flow to the sinks (forced end), releases the kernel objects. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.metering.stop();
    this.attachments.detachAll();
    if (this.ring) {
      this.addon.ringDrain(this.ring);
      this.addon.ringClose(this.ring);
      this.ring = undefined;
    }
    // The exporter takes the whole final flush, whatever its queue_size.
    this.ipfix?.beginClose();
    this.table.flushAll(EndReason.Forced);
    await this.control?.close();
    await this.ipfix?.close();
    this.flowLog?.close();
    await this.server?.close();
    await this.bmp?.close();
    this.mmdb?.close();
    this.metrics.close();
    this.datapath.close();
  }

  /** Pinned counters of other namespaces are a previous run's: tags are given out anew. */
  private dropPinnedNamespaceCounters(): void {
    if (!this.deps.config.agent.bpf.pin_path) return;
    try {
      const tags = new Set(this.datapath.readIfaceCounters().map((c) => c.netns).filter((t) => t !== 0));
      for (const tag of tags) this.datapath.deleteNamespaceCounters(tag);
    } catch {
      this.errors.inc("bpf_map");
    }
  }

  /** Pinned counters of the agent's own links that are gone (or no longer watched) since the last run. */
  private pruneStaleCounters(): void {
    if (!this.deps.config.agent.bpf.pin_path) return;
    try {
      const attached = new Set(this.metering.own.attachedLinks().map((l) => l.ifindex));
      const stale = new Set(this.datapath.readIfaceCounters().filter((c) => c.netns === 0 && !attached.has(c.ifindex)).map((c) => c.ifindex));
      for (const ifindex of stale) this.datapath.deleteIfaceCounters(ifindex);
    } catch {
      this.errors.inc("bpf_map");
    }
  }

  private deliver(records: AgentFlowRecord[]): void {
    for (const sink of this.sinks) {
      try {
        sink(records);
      } catch (e) {
        log.error("flow sink failed", { error: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  private refreshBootOffset(): void {
    this.bootOffsetMs = Date.now() - Number(this.addon.bootTimeNs()) / 1e6;
  }

  private every(ms: number, fn: () => void): void {
    this.timers.push(setInterval(fn, ms));
  }

  private fatal(err: Error): void {
    if (this.deps.onFatal) this.deps.onFatal(err);
    else throw err;
  }
}

/** How status names a link: `NETNS/IFNAME` in another namespace. */
export function linkName(l: MeteredLink): string {
  return l.netns ? `${l.netns}/${l.name}` : l.name;
}

/**
 * Sweeps run at half the eviction timeout, or often enough to cut the active
 * timeout into equal parts no longer than that, so intervals come out on time.
 */
export function sweepPeriodMs(evictionMs: number, activeMs: number): number {
  const half = evictionMs / 2;
  if (activeMs <= 0) return half;
  return activeMs / Math.ceil(activeMs / half);
}
