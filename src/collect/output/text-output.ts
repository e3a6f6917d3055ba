// Where formatted text goes: standard output or one file. Writes wait for
// the stream to drain, so a slow disk or a closed pipe slows the pipeline
// rather than filling memory.
import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";

export interface TextOutput {
  write(text: string): Promise<void>;
  close(): Promise<void>;
  readonly bytesWritten: number;
}

class StreamOutput implements TextOutput {
  bytesWritten = 0;
  private failure: Error | undefined;

  constructor(private readonly stream: Writable, private readonly ownsStream: boolean) {
    stream.on("error", (e) => (this.failure ??= e));
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (text.length === 0) return;
    this.bytesWritten += Buffer.byteLength(text);
    if (!this.stream.write(text)) {
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
  }

  async close(): Promise<void> {
    if (!this.ownsStream) {
      await new Promise<void>((resolve) => (this.stream.writableNeedDrain ? this.stream.once("drain", resolve) : resolve()));
      return;
    }
    await new Promise<void>((resolve, reject) => this.stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
    if (this.failure) throw this.failure;
  }
}

/** Standard output, or the file at `path` (created or truncated). */
export function openTextOutput(path: string | undefined): TextOutput {
  if (path === undefined || path === "-") return new StreamOutput(process.stdout, false);
  return new StreamOutput(createWriteStream(path, { flags: "w" }), true);
}
