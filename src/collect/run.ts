// `rfm collect` as a process: builds the pipeline from the command's
// settings, runs an input into it until the input ends (a capture file) or
// a signal comes (SIGINT/SIGTERM: finish the batch in hand, write every
// output out, exit 0; a second signal exits at once), and prints a summary.
import type { Datagram } from "./datagram.js";
import { Collector, type CollectorOutput } from "./collector.js";
import type { FlowProtocol } from "./decode/flow-decoder.js";
import { CommonCsv } from "./format/common-csv.js";
import { CommonNdjson } from "./format/common-ndjson.js";
import { RawNdjson } from "./format/raw-ndjson.js";
import { readCaptureFile, type CaptureFileStats } from "./input/capture-file.js";
import type { Format } from "./format/formatter.js";
import type { BatchWriter } from "./output/batch-writer.js";
import { RotatingFiles } from "./output/rotating-files.js";
import { StreamWriter } from "./output/stream-writer.js";

export type Serialization = "ndjson" | "csv" | "discard";

export interface CollectSettings {
  protocol: FlowProtocol;
  pcap: string;
  format: "raw" | "common";
  serialization: Serialization;
  output?: string;
  /** Rotation window (`-i`); needs `output` as a directory. */
  intervalMs?: number;
  level: number;
  prefix: string;
  exec?: string;
  renormalize: boolean;
}

/** Why settings cannot run, as one line; undefined when they can. */
export function settingsProblem(s: CollectSettings): string | undefined {
  if (s.format === "raw" && s.serialization === "csv") return "-f raw writes ndjson or discard; csv needs -f common";
  if (s.intervalMs !== undefined && (s.output === undefined || s.output === "-")) return "-i needs -o DIRECTORY to rotate files in";
  if (s.intervalMs !== undefined && s.intervalMs < 1000) return "-i must be at least 1s";
  if (s.exec !== undefined && s.intervalMs === undefined) return "-x runs per finished file: it needs -i";
  return undefined;
}

function writerOf<T>(format: Format<T>, s: CollectSettings): BatchWriter<T> {
  if (s.intervalMs === undefined) return new StreamWriter(format, s.output);
  return new RotatingFiles(format, {
    directory: s.output!, intervalMs: s.intervalMs, level: s.level, prefix: s.prefix, ...(s.exec !== undefined ? { exec: s.exec } : {}),
    onError: (e) => process.stderr.write(`rfm collect: ${e.message}\n`),
  });
}

function outputOf(s: CollectSettings): CollectorOutput {
  if (s.format === "raw") return { kind: "raw", writer: s.serialization === "discard" ? undefined : writerOf(new RawNdjson(), s) };
  if (s.serialization === "discard") return { kind: "common", writer: undefined };
  return { kind: "common", writer: writerOf(s.serialization === "csv" ? new CommonCsv() : new CommonNdjson(), s) };
}

const PROGRESS_MIN_OCTETS = 8 << 20;

export async function runCollect(s: CollectSettings): Promise<number> {
  const problem = settingsProblem(s);
  if (problem) {
    process.stderr.write(`rfm collect: ${problem}\n`);
    return 2;
  }
  const collector = new Collector({
    protocol: s.protocol,
    output: outputOf(s),
    renormalize: s.renormalize,
  });
  let signals = 0;
  const onSignal = () => {
    if (++signals > 1) process.exit(130);
  };
  process.on("SIGINT", onSignal).on("SIGTERM", onSignal);
  const started = process.hrtime.bigint();
  let input: CaptureFileStats;
  try {
    const tty = process.stderr.isTTY;
    let lastDraw = 0;
    input = await readCaptureFile(s.pcap, {
      onDatagrams: (batch: readonly Datagram[]) => collector.handle(batch),
      stopped: () => signals > 0,
      onProgress: (read, size) => {
        if (!tty || size < PROGRESS_MIN_OCTETS || Date.now() - lastDraw < 200) return;
        lastDraw = Date.now();
        process.stderr.write(`\r${((100 * read) / size).toFixed(0).padStart(3)}% ${(read / 2 ** 20).toFixed(0)}/${(size / 2 ** 20).toFixed(0)} MiB`);
      },
    });
    if (tty && input.fileOctets >= PROGRESS_MIN_OCTETS) process.stderr.write("\r\x1b[K");
    await collector.close();
  } catch (e) {
    process.stderr.write(`rfm collect: ${(e as Error).message}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const st = collector.stats;
  const records = Object.values(st.records).reduce((a, b) => a + b, 0);
  const errors = [...st.errors].map(([k, v]) => `${k}=${v}`).join(" ");
  const skipped = Object.entries(input.skipped).filter(([, v]) => v > 0).map(([k, v]) => `${k}=${v}`).join(" ");
  process.stderr.write(
    `rfm collect: ${s.pcap}: ${input.frames} frames, ${st.datagrams} datagrams, ${records} records in ${seconds.toFixed(2)} s (${Math.round(records / Math.max(seconds, 1e-9))} records/s)` +
      `${skipped ? `; frames skipped: ${skipped}` : ""}${errors ? `; problems: ${errors}` : ""}${input.error ? `; file: ${input.error.code} at ${input.error.offset}: ${input.error.message}` : ""}\n`,
  );
  return 0;
}
