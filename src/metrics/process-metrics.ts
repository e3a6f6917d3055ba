// Process and Node.js runtime metrics, under the names prom-client's default
// metrics use (dashboards keep working), written here because prom-client cost
// the agent ~4 MB of RSS for a dozen numbers: CPU, memory, file descriptors,
// event loop lag, heap, GC pauses.
import { readdirSync, readFileSync } from "node:fs";
import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram, type PerformanceEntry } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import { renderLabels, type TextWriter } from "./exposition.js";

const GC_BUCKETS = [0.001, 0.01, 0.1, 1, 2, 5];
// perf_hooks' NODE_PERFORMANCE_GC_* flags, named as prom-client names them.
const GC_KINDS: Record<number, string> = { 1: "major", 2: "minor", 4: "incremental", 8: "weakcb" };
const LAG_PERCENTILES = [50, 90, 99];

class GcDurations {
  /** Per kind: count per bucket (cumulative at render), then the sum. */
  readonly byKind = new Map<string, { buckets: number[]; count: number; sum: number }>();

  observe(kind: string, seconds: number): void {
    let h = this.byKind.get(kind);
    if (!h) this.byKind.set(kind, (h = { buckets: GC_BUCKETS.map(() => 0), count: 0, sum: 0 }));
    GC_BUCKETS.forEach((le, i) => {
      if (seconds <= le) h.buckets[i]++;
    });
    h.count++;
    h.sum += seconds;
  }
}

export class ProcessMetrics {
  private readonly lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly gc = new GcDurations();
  private readonly gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = GC_KINDS[(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0];
      if (kind) this.gc.observe(kind, entry.duration / 1000);
    }
  });
  private readonly startTime = Math.round(Date.now() / 1000 - process.uptime());

  constructor() {
    this.lag.enable();
    this.gcObserver.observe({ entryTypes: ["gc"] });
  }

  close(): void {
    this.lag.disable();
    this.gcObserver.disconnect();
  }

  async write(w: TextWriter): Promise<void> {
    const lagNow = await loopLagSeconds();
    const cpu = process.cpuUsage();
    single(w, "process_cpu_user_seconds_total", "counter", "user CPU time spent in seconds", cpu.user / 1e6);
    single(w, "process_cpu_system_seconds_total", "counter", "system CPU time spent in seconds", cpu.system / 1e6);
    single(w, "process_cpu_seconds_total", "counter", "user and system CPU time spent in seconds", (cpu.user + cpu.system) / 1e6);
    single(w, "process_start_time_seconds", "gauge", "start time of the process since the Unix epoch in seconds", this.startTime);
    const status = readFileSync("/proc/self/status", "utf8");
    single(w, "process_resident_memory_bytes", "gauge", "resident memory size in bytes", statusKb(status, "VmRSS") * 1024);
    single(w, "process_virtual_memory_bytes", "gauge", "virtual memory size in bytes", statusKb(status, "VmSize") * 1024);
    single(w, "process_heap_bytes", "gauge", "process heap size in bytes", statusKb(status, "VmData") * 1024);
    // The directory listing holds its own descriptor while it reads.
    single(w, "process_open_fds", "gauge", "number of open file descriptors", readdirSync("/proc/self/fd").length - 1);
    single(w, "process_max_fds", "gauge", "maximum number of open file descriptors", maxFds());

    single(w, "nodejs_eventloop_lag_seconds", "gauge", "lag of the event loop in seconds", lagNow);
    const lag = this.lag;
    // With no sample yet the histogram's min is 2^63 - 1 ns: show 0 instead.
    const s = (ns: number) => (lag.count > 0 ? ns / 1e9 : 0);
    single(w, "nodejs_eventloop_lag_min_seconds", "gauge", "the minimum recorded event loop delay", s(lag.min));
    single(w, "nodejs_eventloop_lag_max_seconds", "gauge", "the maximum recorded event loop delay", s(lag.max));
    single(w, "nodejs_eventloop_lag_mean_seconds", "gauge", "the mean of the recorded event loop delays", s(lag.mean));
    single(w, "nodejs_eventloop_lag_stddev_seconds", "gauge", "the standard deviation of the recorded event loop delays", s(lag.stddev));
    for (const p of LAG_PERCENTILES) {
      single(w, `nodejs_eventloop_lag_p${p}_seconds`, "gauge", `the ${p}th percentile of the recorded event loop delays`, s(lag.percentile(p)));
    }
    lag.reset(); // each scrape shows the delays since the previous one

    const resources = new Map<string, number>();
    for (const type of process.getActiveResourcesInfo()) resources.set(type, (resources.get(type) ?? 0) + 1);
    w.header("nodejs_active_resources", "gauge", "number of active resources that keep the event loop alive, by type");
    for (const [type, n] of resources) w.sample("nodejs_active_resources", renderLabels([["type", type]]), n);
    const mem = process.memoryUsage();
    single(w, "nodejs_heap_size_total_bytes", "gauge", "process heap size from Node.js in bytes", mem.heapTotal);
    single(w, "nodejs_heap_size_used_bytes", "gauge", "process heap size used from Node.js in bytes", mem.heapUsed);
    single(w, "nodejs_external_memory_bytes", "gauge", "Node.js external memory size in bytes", mem.external);
    const spaces = getHeapSpaceStatistics();
    for (const [part, field] of [["total", "space_size"], ["used", "space_used_size"], ["available", "space_available_size"]] as const) {
      const name = `nodejs_heap_space_size_${part}_bytes`;
      w.header(name, "gauge", `process heap space size ${part} from Node.js in bytes`);
      for (const sp of spaces) w.sample(name, renderLabels([["space", sp.space_name.replace(/_space$/, "")]]), sp[field]);
    }
    const [major = "", minor = "", patch = ""] = process.versions.node.split(".");
    w.header("nodejs_version_info", "gauge", "Node.js version info");
    w.sample("nodejs_version_info", renderLabels([["version", process.version], ["major", major], ["minor", minor], ["patch", patch]]), 1);
    this.gcDurations(w);
  }

  private gcDurations(w: TextWriter): void {
    const name = "nodejs_gc_duration_seconds";
    w.header(name, "histogram", "garbage collection duration by kind, one of major, minor, incremental or weakcb");
    for (const [kind, h] of this.gc.byKind) {
      GC_BUCKETS.forEach((le, i) => w.sample(`${name}_bucket`, renderLabels([["le", String(le)], ["kind", kind]]), h.buckets[i]));
      w.sample(`${name}_bucket`, renderLabels([["le", "+Inf"], ["kind", kind]]), h.count);
      w.sample(`${name}_sum`, renderLabels([["kind", kind]]), h.sum);
      w.sample(`${name}_count`, renderLabels([["kind", kind]]), h.count);
    }
  }
}

function single(w: TextWriter, name: string, type: "counter" | "gauge", help: string, value: number): void {
  w.header(name, type, help);
  w.sample(name, "", value);
}

function statusKb(status: string, field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
}

function maxFds(): number {
  const limit = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
  return limit ? Number(limit[1]) : 0;
}

/** How late a callback queued now runs: the event loop's lag at this moment. */
function loopLagSeconds(): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve) => setImmediate(() => resolve(Number(process.hrtime.bigint() - start) / 1e9)));
}
