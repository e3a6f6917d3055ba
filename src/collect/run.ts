// `rfm collect` as a process: builds the pipeline from the command's
// settings, runs an input into it until the input ends (a capture file) or
// a signal comes (SIGINT/SIGTERM: finish the batch in hand, write every
// output out, exit 0; a second signal exits at once), and prints a summary.
import type { Datagram } from "./datagram.js";
import { Collector, type CollectorOutput } from "./collector.js";
import type { DecodedDatagram, FlowProtocol } from "./decode/flow-decoder.js";
import type { FlowRecord } from "../flow-record/index.js";
import { selectFormat } from "./format/select.js";
import type { Serialization } from "./format/serialization.js";
import { readCaptureFile, type CaptureFileStats } from "./input/capture-file.js";
import { UdpListener } from "./input/udp-listener.js";
import { WorkerPool } from "./workers/worker-pool.js";
import type { WorkerSettings } from "./workers/messages.js";
import { loadIeMapping } from "./decode/ie-mapping.js";
import type { InformationElement } from "../ipfix/index.js";
import { renderCollectMetrics } from "./metrics/collect-metrics.js";
import { MetricsServer } from "../metrics/server.js";
import type { Format } from "./format/formatter.js";
import type { BatchWriter } from "./output/batch-writer.js";
import { RotatingFiles } from "./output/rotating-files.js";
import { StreamWriter } from "./output/stream-writer.js";
import { enrichColumnNames, enrichSpecsProblem, type EnrichSpec } from "./enrich/enrich-spec.js";
import type { ListenAddress } from "./enrich/listen-address.js";
import { openEnrichment, type OpenEnrichment } from "./enrich/open-enrichment.js";

export type { Serialization } from "./format/serialization.js";

export interface CollectSettings {
  protocol: FlowProtocol;
  /** A capture file to read; without it, UDP on host and port until a signal. */
  pcap?: string;
  host: string;
  port: number;
  format: "raw" | "common";
  serialization: Serialization;
  output?: string;
  /** Rotation window (`-i`); needs `output` as a directory. */
  intervalMs?: number;
  level: number;
  prefix: string;
  exec?: string;
  renormalize: boolean;
  /** Templates not sent again within this long expire (`--template-timeout`). */
  templateTimeoutMs: number;
  /** `--ie-mapping FILE.csv`. */
  ieMapping?: string;
  /** `--enrich` specs, in order: their columns follow the common ones. */
  enrich?: readonly EnrichSpec[];
  /** `--bmp`: a BMP listener whose RIB fills src_as/dst_as the exporter left 0 or unset. */
  bmp?: ListenAddress;
  /** UDP worker threads (`--workers`), each with its own socket on the port; 1: the main thread. */
  workers: number;
  /** The Prometheus endpoint; port 0 turns it off. */
  metricsHost: string;
  metricsPort: number;
}

/** Why settings cannot run, as one line; undefined when they can. */
export function settingsProblem(s: CollectSettings): string | undefined {
  if (s.format === "raw" && s.serialization !== "ndjson" && s.serialization !== "discard") return `-f raw writes ndjson or discard; ${s.serialization} needs -f common`;
  if (s.serialization === "parquet" && (s.output === undefined || s.output === "-")) return "-s parquet needs -o: its footer points back into the file, so it cannot stream to standard output";
  if (s.intervalMs !== undefined && (s.output === undefined || s.output === "-")) return "-i needs -o DIRECTORY to rotate files in";
  if (!Number.isInteger(s.workers) || s.workers < 1 || s.workers > 64) return "--workers must be 1 to 64";
  if (s.pcap === undefined && s.workers > 1 && s.serialization === "parquet") return "-s parquet is written by one thread: use --workers 1 (its row groups cannot be split across workers)";
  if (s.pcap === undefined && s.workers > 1 && s.bmp) return "--bmp needs --workers 1 (one RIB per process)";
  if (s.intervalMs !== undefined && s.intervalMs < 1000) return "-i must be at least 1s";
  if (s.exec !== undefined && s.intervalMs === undefined) return "-x runs per finished file: it needs -i";
  if (s.format === "raw" && ((s.enrich?.length ?? 0) > 0 || s.bmp)) return "--enrich and --bmp enrich flow records: they need -f common";
  const enrich = enrichSpecsProblem(s.enrich ?? []);
  if (enrich) return enrich;
  return undefined;
}

function writerOf<T>(format: Format<T>, s: CollectSettings, timeOf: (item: T) => number): BatchWriter<T> {
  if (s.intervalMs === undefined) return new StreamWriter(format, s.output);
  const rotation = {
    directory: s.output!, intervalMs: s.intervalMs, level: s.level, prefix: s.prefix, ...(s.exec !== undefined ? { exec: s.exec } : {}),
    onError: (e: Error) => process.stderr.write(`rfm collect: ${e.message}\n`),
  };
  return new RotatingFiles(format, rotation, timeOf);
}

const recordTime = (f: FlowRecord) => f.receivedMs ?? Date.now();
const datagramTime = (d: DecodedDatagram) => d.datagram.receivedMs;

/** The common format's serialisation; Parquet's writer is loaded only when asked for (it weighs on every other command's start). */
async function outputOf(s: CollectSettings): Promise<CollectorOutput> {
  const f = await selectFormat(s.format, s.serialization, enrichColumnNames(s.enrich ?? []));
  if (f.kind === "raw") return { kind: "raw", writer: f.format ? writerOf(f.format, s, datagramTime) : undefined };
  return { kind: "common", writer: f.format ? writerOf(f.format, s, recordTime) : undefined };
}

const PROGRESS_MIN_OCTETS = 8 << 20;

export async function runCollect(s: CollectSettings): Promise<number> {
  const problem = settingsProblem(s);
  if (problem) {
    process.stderr.write(`rfm collect: ${problem}\n`);
    return 2;
  }
  let mapping: Map<string, InformationElement> | undefined;
  try {
    if (s.ieMapping !== undefined) mapping = loadIeMapping(s.ieMapping);
  } catch (e) {
    process.stderr.write(`rfm collect: ${(e as Error).message}\n`);
    return 1;
  }
  let enrichment: OpenEnrichment | undefined;
  try {
    enrichment = await openEnrichment(s);
  } catch (e) {
    process.stderr.write(`rfm collect: ${(e as Error).message}\n`);
    return 1;
  }
  const output = await outputOf(s);
  // With workers, each thread has its own pipeline up to the encoding; this one only writes.
  const pooled = s.pcap === undefined && s.workers > 1;
  const collector = new Collector({
    protocol: s.protocol,
    ...(enrichment && !pooled ? { enrichment: enrichment.stage } : {}),
    output: pooled ? { kind: output.kind, writer: undefined } as CollectorOutput : output,
    renormalize: s.renormalize,
    templateTimeoutMs: s.templateTimeoutMs,
    ...(mapping ? { mapping } : {}),
  });
  let pool: WorkerPool | undefined;
  let signals = 0;
  let stop: (() => void) | undefined;
  const onSignal = () => {
    if (++signals > 1) process.exit(130);
    stop?.();
  };
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  const started = process.hrtime.bigint();
  let inputSummary: string;
  let metrics: MetricsServer | undefined;
  try {
    if (s.metricsPort !== 0) {
      metrics = new MetricsServer({ host: s.metricsHost, port: s.metricsPort, render: () => Promise.resolve(renderCollectMetrics(pool ? pool.metricsView() : collector.metricsView())) });
      const at = await metrics.listen().catch((e: Error) => {
        throw new Error(`metrics endpoint ${s.metricsHost}:${s.metricsPort}: ${e.message} (--metrics-port 0 turns it off)`);
      });
      process.stderr.write(`rfm collect: metrics on http://${at.host.includes(":") ? `[${at.host}]` : at.host}:${at.port}/metrics\n`);
    }
    if (s.pcap !== undefined) inputSummary = await readFile(s.pcap, collector, () => signals > 0);
    else if (pooled) {
      pool = await WorkerPool.start(s.workers, workerSettings(s), output.writer as BatchWriter<unknown> | undefined);
      inputSummary = await listenPool(s, pool, (f) => (signals > 0 ? f() : (stop = f)));
    } else inputSummary = await listen(s, collector, (f) => (signals > 0 ? f() : (stop = f)));
    await collector.close();
  } catch (e) {
    process.stderr.write(`rfm collect: ${(e as Error).message}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    await enrichment?.close();
    await metrics?.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const st = pool ? pool.totals() : collector.stats;
  const records = Object.values(st.records).reduce((a, b) => a + b, 0);
  const errors = [...st.errors].map(([k, v]) => `${k}=${v}`).join(" ");
  process.stderr.write(
    `rfm collect: ${inputSummary}, ${st.datagrams} datagrams, ${records} records in ${seconds.toFixed(2)} s (${Math.round(records / Math.max(seconds, 1e-9))} records/s)` +
      `${errors ? `; problems: ${errors}` : ""}\n`,
  );
  return 0;
}

/** The capture file into the pipeline; a line for the summary. */
async function readFile(path: string, collector: Collector, stopped: () => boolean): Promise<string> {
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  const input: CaptureFileStats = await readCaptureFile(path, {
    onDatagrams: (batch: readonly Datagram[]) => collector.handle(batch),
    stopped,
    onProgress: (read, size) => {
      if (!tty || size < PROGRESS_MIN_OCTETS || Date.now() - lastDraw < 200) return;
      lastDraw = Date.now();
      process.stderr.write(`\r${((100 * read) / size).toFixed(0).padStart(3)}% ${(read / 2 ** 20).toFixed(0)}/${(size / 2 ** 20).toFixed(0)} MiB`);
    },
  });
  if (tty && input.fileOctets >= PROGRESS_MIN_OCTETS) process.stderr.write("\r\x1b[K");
  const skipped = Object.entries(input.skipped).filter(([, v]) => v > 0).map(([k, v]) => `${k}=${v}`).join(" ");
  return `${path}: ${input.frames} frames${skipped ? ` (skipped: ${skipped})` : ""}${input.error ? ` (file: ${input.error.code} at ${input.error.offset}: ${input.error.message})` : ""}`;
}

function workerSettings(s: CollectSettings): WorkerSettings {
  return {
    protocol: s.protocol, host: s.host, port: s.port, format: s.format, serialization: s.serialization, renormalize: s.renormalize,
    templateTimeoutMs: s.templateTimeoutMs, enrich: s.enrich ?? [], ...(s.ieMapping !== undefined ? { ieMapping: s.ieMapping } : {}),
    ...(s.intervalMs !== undefined ? { intervalMs: s.intervalMs } : {}),
  };
}

/** UDP into `pool`'s workers until a signal; a line for the summary. */
async function listenPool(s: CollectSettings, pool: WorkerPool, onStop: (stop: () => void) => void): Promise<string> {
  const { address, port } = pool.address!;
  process.stderr.write(`rfm collect: listening on ${address.includes(":") ? `[${address}]` : address}:${port} (${s.protocol}, ${s.workers} workers)\n`);
  const tick = setInterval(() => pool.tick(Date.now()), 1000);
  await new Promise<void>((resolve) => onStop(resolve));
  clearInterval(tick);
  await pool.stop();
  const t = pool.totals();
  return `udp ${address}:${port}: kernel drops ${t.kernelDrops}, queue drops ${t.queueDrops}, output drops ${pool.chunkDrops}${t.undrainedBytes > 0 ? `, ${t.undrainedBytes} octets left unread at the stop` : ""}`;
}

/** UDP into the pipeline until a signal; a line for the summary. */
async function listen(s: CollectSettings, collector: Collector, onStop: (stop: () => void) => void): Promise<string> {
  const listener = UdpListener.open({
    host: s.host, port: s.port,
    onDatagrams: (batch) => collector.handle(batch),
    onError: (e) => process.stderr.write(`rfm collect: ${e.message}\n`),
  });
  const { address, port } = listener.address;
  process.stderr.write(`rfm collect: listening on ${address.includes(":") ? `[${address}]` : address}:${port} (${s.protocol})\n`);
  // A rotated file is finished when its window is over even if no datagram comes to do it.
  const tick = setInterval(() => void collector.tick(Date.now()), 1000);
  await new Promise<void>((resolve) => onStop(resolve));
  clearInterval(tick);
  await listener.close();
  const st = listener.stats();
  return `udp ${address}:${port}: kernel drops ${st.socket.kernelDrops}, queue drops ${st.queueDrops}${listener.undrainedBytes > 0 ? `, ${listener.undrainedBytes} octets left unread at the stop` : ""}`;
}
