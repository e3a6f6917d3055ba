// Chunks (text or bytes) onto a Node stream, waiting for it to drain, so a
// slow disk or a slow reader of a pipe slows the pipeline instead of filling
// memory.
import type { Writable } from "node:stream";
import type { Chunk } from "../format/formatter.js";

/**
 * How much a file stream takes before a write waits for it to drain: a few
 * batches, so encoding goes on while the disk writes (with Node's 16 KiB
 * default every batch waited for its own write, and `-o FILE` ran at two
 * thirds of the speed of `-s discard` for the waiting alone).
 */
export const FILE_STREAM_BUFFER = 8 << 20;

/** Copy buffers kept for reuse, and the least size of one. */
const MAX_SPARE_BUFFERS = 8;
const MIN_COPY_BUFFER = 1 << 20;

export class ChunkStream {
  private failure: Error | undefined;
  /** Copy buffers whose writes are done, for the next chunks. */
  private readonly spare: Buffer[] = [];

  constructor(private readonly stream: Writable) {
    stream.on("error", (e) => (this.failure ??= e));
  }

  /** Writes `chunk`; resolves with its length in octets once the stream can take more. */
  async write(chunk: Chunk): Promise<number> {
    if (this.failure) throw this.failure;
    const bytes = typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    if (bytes === 0) return 0;
    if (!(typeof chunk === "string" ? this.stream.write(chunk) : this.writeCopy(chunk))) {
      await new Promise<void>((resolve, reject) => {
        const done = (e?: Error) => {
          this.stream.off("drain", done);
          this.stream.off("error", done);
          if (e) reject(e);
          else resolve();
        };
        this.stream.on("drain", done).on("error", done);
      });
    }
    return bytes;
  }

  /**
   * Encoders reuse their buffer for the next batch, and a stream holds what
   * it was given until the write is done: it gets a copy, in a buffer that
   * comes back for another chunk once its write is done. A new buffer per
   * batch cost more than the copying (large allocations outside the heap
   * drive V8's collections): `-s ndjson` ran 30% faster with them reused.
   */
  private writeCopy(chunk: Uint8Array): boolean {
    let full = this.spare.pop();
    if (!full || full.length < chunk.length) full = Buffer.allocUnsafeSlow(Math.max(chunk.length, MIN_COPY_BUFFER));
    full.set(chunk);
    const done = full;
    return this.stream.write(full.subarray(0, chunk.length), () => {
      if (this.spare.length < MAX_SPARE_BUFFERS) this.spare.push(done);
    });
  }

  /** Ends the stream (`own`) or only waits for what was written to drain. */
  async finish(own: boolean): Promise<void> {
    if (!own) {
      if (this.stream.writableNeedDrain) await new Promise<void>((resolve) => this.stream.once("drain", resolve));
    } else {
      await new Promise<void>((resolve, reject) => this.stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
    }
    if (this.failure) throw this.failure;
  }
}
