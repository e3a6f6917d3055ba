// `rfm collect` as a process: builds the pipeline from the command's
// settings (flags, a [collect] table), runs an input into it (a capture
// file, or every listener) until the file ends or a signal comes
// (SIGINT/SIGTERM: finish the batch in hand, write every output out, exit 0;
// a second signal exits at once), and prints a summary.
import type { Datagram } from "./datagram.js";
import { Collector, type CollectorOutput } from "./collector.js";
import type { DecodedDatagram } from "./decode/flow-decoder.js";
import type { FlowRecord } from "../flow-record/index.js";
import { selectFormat } from "./format/select.js";
import { readCaptureFile, type CaptureFileStats } from "./input/capture-file.js";
import { Listeners, recordCount } from "./listeners.js";
import { flagNames, settingsProblem, type CollectSettings, type SettingNames } from "./settings.js";
import { loadIeMapping } from "./decode/ie-mapping.js";
import type { InformationElement } from "../ipfix/index.js";
import { renderCollectMetrics } from "./metrics/collect-metrics.js";
import { MetricsServer } from "../metrics/server.js";
import type { Format } from "./format/formatter.js";
import type { BatchWriter } from "./output/batch-writer.js";
import { RotatingFiles } from "./output/rotating-files.js";
import { StreamWriter } from "./output/stream-writer.js";
import { enrichColumnNames } from "./enrich/enrich-spec.js";
import { openEnrichment, type OpenEnrichment } from "./enrich/open-enrichment.js";

export type { Serialization } from "./format/serialization.js";
export { settingsProblem, type CollectSettings, type ListenerSettings } from "./settings.js";

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

/** Runs until the file ends or a signal; resolves with the exit code. `names` phrases a settings problem (flags, or config keys). */
export async function runCollect(s: CollectSettings, names: SettingNames = flagNames): Promise<number> {
  const problem = settingsProblem(s, names);
  if (problem) {
    process.stderr.write(`rfm collect: ${problem.message}\n`);
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
  // A capture file goes through one collector; listeners each have their own (or a pool of workers, each with its own pipeline up to the encoding).
  const collector = s.pcap !== undefined ? new Collector({
    protocol: s.protocol, output, renormalize: s.renormalize, templateTimeoutMs: s.templateTimeoutMs,
    ...(enrichment ? { enrichment: enrichment.stage } : {}), ...(mapping ? { mapping } : {}),
  }) : undefined;
  const listeners = collector ? undefined : new Listeners({
    output, renormalize: s.renormalize, templateTimeoutMs: s.templateTimeoutMs,
    ...(enrichment ? { enrichment: enrichment.stage } : {}), ...(mapping ? { mapping } : {}),
    worker: {
      format: s.format, serialization: s.serialization, renormalize: s.renormalize, templateTimeoutMs: s.templateTimeoutMs, enrich: s.enrich ?? [],
      ...(s.ieMapping !== undefined ? { ieMapping: s.ieMapping } : {}), ...(s.intervalMs !== undefined ? { intervalMs: s.intervalMs } : {}),
    },
  });
  let signals = 0;
  let stop: (() => void) | undefined;
  const onSignal = () => {
    if (++signals > 1) process.exit(130);
    stop?.();
  };
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  const started = process.hrtime.bigint();
  let inputSummary: string;
  let st = collector?.stats;
  let metrics: MetricsServer | undefined;
  try {
    if (s.metricsPort !== 0) {
      const render = () => (listeners ? renderCollectMetrics(listeners.metricsView(), (w) => listeners.renderDrops(w)) : renderCollectMetrics(collector!.metricsView()));
      metrics = new MetricsServer({ host: s.metricsHost, port: s.metricsPort, render: () => Promise.resolve(render()) });
      const at = await metrics.listen().catch((e: Error) => {
        throw new Error(`metrics endpoint ${s.metricsHost}:${s.metricsPort}: ${e.message} (${names("metricsPort", "0")} turns it off)`);
      });
      process.stderr.write(`rfm collect: metrics on http://${at.host.includes(":") ? `[${at.host}]` : at.host}:${at.port}/metrics\n`);
    }
    if (collector) {
      inputSummary = await readFile(s.pcap!, collector, () => signals > 0);
      await collector.close();
    } else {
      await listeners!.start(s.listeners);
      await new Promise<void>((resolve) => (signals > 0 ? resolve() : (stop = resolve)));
      const stopped = await listeners!.stop();
      for (const line of stopped.lines) process.stderr.write(`rfm collect: ${line}\n`);
      inputSummary = stopped.summary;
      st = stopped.totals;
    }
  } catch (e) {
    process.stderr.write(`rfm collect: ${(e as Error).message}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    await enrichment?.close();
    await metrics?.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const records = recordCount(st!);
  const errors = [...st!.errors].map(([k, v]) => `${k}=${v}`).join(" ");
  process.stderr.write(
    `rfm collect: ${inputSummary}, ${st!.datagrams} datagrams, ${records} records in ${seconds.toFixed(2)} s (${Math.round(records / Math.max(seconds, 1e-9))} records/s)` +
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
