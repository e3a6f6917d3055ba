// One output for several inputs (`[[collect.listeners]]`): every call to the
// writer goes through one queue, so a stream, the rotated files or a Parquet
// file's row groups never see two writes at once, whichever listener (or
// worker pool) they come from. Each input gets a view whose close only waits
// for what was queued; the run closes the writer itself, once, after every
// input stopped, and ticks it on its own timer.
import type { BatchWriter } from "./batch-writer.js";

export class SharedWriter<T> {
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly writer: BatchWriter<T>) {}

  private serially(fn: () => Promise<void>): Promise<void> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** An input's side: writes queued; no tick (the run's); close resolves once its writes are out, leaving the writer open. */
  view(): BatchWriter<T> {
    const w = this.writer;
    const view: BatchWriter<T> = {
      stats: w.stats,
      write: (batch) => this.serially(() => w.write(batch)),
      close: () => this.queue,
    };
    // Offered only when the writer takes encoded chunks, since worker pools ask.
    if (w.writeEncoded) view.writeEncoded = (chunk, items, windowStart) => this.serially(() => w.writeEncoded!(chunk, items, windowStart));
    return view;
  }

  /** Ends what a window that is over left open (rotated files). */
  tick(nowMs: number): Promise<void> {
    const w = this.writer;
    return w.tick ? this.serially(() => w.tick!(nowMs)) : Promise.resolve();
  }

  /** After what is queued: every file finished. */
  close(): Promise<void> {
    return this.serially(() => this.writer.close());
  }
}
