// A worker's output stage: it encodes each batch with the run's (streaming)
// format and posts the bytes to the process, which owns the files. One
// message per batch (per window within a batch), the bytes moved, not
// copied, across.
import type { MessagePort } from "node:worker_threads";
import type { Format, FileEncoder } from "../format/formatter.js";
import { emptyOutputStats, type BatchWriter } from "../output/batch-writer.js";
import { windowRuns } from "../output/windows.js";
import type { FromWorker } from "./messages.js";

export class ChunkPoster<T> implements BatchWriter<T> {
  readonly stats = emptyOutputStats();
  private readonly encoder: FileEncoder<T>;

  constructor(format: Format<T>, private readonly port: MessagePort, private readonly timeOf: (item: T) => number, private readonly intervalMs?: number) {
    this.encoder = format.open();
  }

  write(batch: readonly T[]): Promise<void> {
    if (this.intervalMs === undefined) {
      this.post(batch, 0);
      return Promise.resolve();
    }
    for (const run of windowRuns(batch, this.timeOf, this.intervalMs)) this.post(run.items, run.windowStart);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private post(items: readonly T[], windowStart: number): void {
    if (items.length === 0) return;
    const chunk = this.encoder.encode(items);
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk.slice(); // the encoder reuses its buffer
    this.stats.items += items.length;
    this.stats.bytes += bytes.length;
    const msg: FromWorker = { type: "chunk", bytes, items: items.length, windowStart };
    this.port.postMessage(msg, [bytes.buffer as ArrayBuffer]);
  }
}
