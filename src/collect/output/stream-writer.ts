// One stream for the whole run: standard output, or the file at `-o PATH`
// without `-i`. The format's begin goes first (even with no records, so a
// CSV always has its header), its end at close.
import { createWriteStream } from "node:fs";
import type { Format } from "../format/formatter.js";
import { emptyOutputStats, type BatchWriter } from "./batch-writer.js";
import { ChunkStream, FILE_STREAM_BUFFER } from "./chunk-stream.js";

export class StreamWriter<T> implements BatchWriter<T> {
  readonly stats = emptyOutputStats();
  private readonly out: ChunkStream;
  private readonly own: boolean;
  private readonly encoder;
  private begun = false;

  /** `path` undefined or "-": standard output. */
  constructor(format: Format<T>, path: string | undefined) {
    this.own = path !== undefined && path !== "-";
    this.out = new ChunkStream(this.own ? createWriteStream(path!, { flags: "w", highWaterMark: FILE_STREAM_BUFFER }) : process.stdout);
    this.encoder = format.open();
    this.stats.files = this.own ? 1 : 0;
  }

  async write(batch: readonly T[]): Promise<void> {
    await this.begin();
    if (batch.length === 0) return;
    this.stats.items += batch.length;
    this.stats.bytes += await this.out.write(this.encoder.encode(batch));
  }

  async writeEncoded(chunk: Uint8Array, items: number): Promise<void> {
    await this.begin();
    this.stats.items += items;
    this.stats.bytes += await this.out.write(chunk);
  }

  async close(): Promise<void> {
    await this.begin();
    this.stats.bytes += await this.out.write(await this.encoder.end());
    await this.out.finish(this.own);
  }

  private async begin(): Promise<void> {
    if (this.begun) return;
    this.begun = true;
    this.stats.bytes += await this.out.write(this.encoder.begin());
  }
}
