// `-o DIR -i INTERVAL`: one file per window of INTERVAL aligned to the epoch
// (a 5-minute window starts at :00, :05, ...), named
// `<prefix>-YYYYMMDDTHHMMSSZ.<ext>` after the window's start, under the
// partition directories of level 0-3 (none; YYYY/MM/DD; YYYY/MM/DD/HH;
// YYYY/MM/DD/HH/MM with the minute floored to 5). A file is written as
// `NAME.tmp` and renamed when its window is over (or at close), so readers
// only ever see whole files; a window with no records makes no file. After
// each rename `-x CMD` runs with %f (the file's path), %t (the window's
// start, YYYYMMDDTHHMMSSZ) and %u (the window's start, Unix seconds).
// A failed write counts, drops that file, and the next window starts afresh.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Chunk, FileEncoder, Format } from "../format/formatter.js";
import { emptyOutputStats, type BatchWriter } from "./batch-writer.js";
import { ChunkStream, FILE_STREAM_BUFFER } from "./chunk-stream.js";
import { windowRuns, windowStart } from "./windows.js";

export interface RotatingFilesOptions {
  directory: string;
  intervalMs: number;
  /** 0-3 (see above). */
  level: number;
  prefix: string;
  /** Run after each finished file, through /bin/sh. */
  exec?: string;
  /** Told of each finished file and each failure (logging). */
  onFile?: (path: string) => void;
  onError?: (e: Error) => void;
}

interface OpenFile<T> {
  windowStart: number;
  path: string;
  out: ChunkStream;
  encoder: FileEncoder<T>;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

export function windowStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

export function partitionDirs(ms: number, level: number): string[] {
  const d = new Date(ms);
  const parts = [String(d.getUTCFullYear()), pad(d.getUTCMonth() + 1), pad(d.getUTCDate())];
  if (level >= 2) parts.push(pad(d.getUTCHours()));
  if (level >= 3) parts.push(pad(Math.floor(d.getUTCMinutes() / 5) * 5));
  return level === 0 ? [] : parts;
}

export class RotatingFiles<T> implements BatchWriter<T> {
  readonly stats = emptyOutputStats();
  private current: OpenFile<T> | undefined;
  private readonly hooks = new Set<Promise<void>>();

  /** `timeOf` says when an item arrived (Unix ms): that picks its window, so a capture file rotates by its own times. */
  constructor(private readonly format: Format<T>, private readonly opts: RotatingFilesOptions, private readonly timeOf: (item: T) => number) {
    if (!(opts.intervalMs >= 1000)) throw new RangeError("the rotation interval must be at least 1s");
    if (!Number.isInteger(opts.level) || opts.level < 0 || opts.level > 3) throw new RangeError("the partition level must be 0, 1, 2 or 3");
  }

  async write(batch: readonly T[]): Promise<void> {
    for (const run of windowRuns(batch, this.timeOf, this.opts.intervalMs)) await this.put(run.windowStart, run.items.length, (f) => f.encoder.encode(run.items));
  }

  async writeEncoded(chunk: Uint8Array, items: number, windowStart: number): Promise<void> {
    await this.put(windowStart, items, () => chunk);
  }

  /** `items` items of the window at `windowStart` into its file (the previous window's ends first). */
  private async put(windowStart: number, items: number, bytes: (f: OpenFile<T>) => Chunk): Promise<void> {
    if (this.current && this.current.windowStart !== windowStart) await this.finish();
    try {
      this.current ??= await this.open(windowStart);
      this.stats.items += items;
      this.stats.bytes += await this.current.out.write(bytes(this.current));
    } catch (e) {
      await this.fail(e as Error);
    }
  }

  /** Ends the file of a window that is over, when no batch came to do it. */
  async tick(nowMs: number): Promise<void> {
    if (this.current && windowStart(nowMs, this.opts.intervalMs) > this.current.windowStart) await this.finish();
  }

  async close(): Promise<void> {
    await this.finish();
    await Promise.all(this.hooks);
  }

  private async open(windowStart: number): Promise<OpenFile<T>> {
    const dir = join(this.opts.directory, ...partitionDirs(windowStart, this.opts.level));
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${this.opts.prefix}-${windowStamp(windowStart)}.${this.format.extension}`);
    const out = new ChunkStream(createWriteStream(`${path}.tmp`, { flags: "w", highWaterMark: FILE_STREAM_BUFFER }));
    const encoder = this.format.open();
    const f = { windowStart, path, out, encoder };
    this.stats.bytes += await out.write(encoder.begin());
    return f;
  }

  private async finish(): Promise<void> {
    const f = this.current;
    if (!f) return;
    this.current = undefined;
    try {
      this.stats.bytes += await f.out.write(await f.encoder.end());
      await f.out.finish(true);
      await rename(`${f.path}.tmp`, f.path);
    } catch (e) {
      this.stats.writeErrors++;
      this.opts.onError?.(e as Error);
      await rm(`${f.path}.tmp`, { force: true });
      return;
    }
    this.stats.files++;
    this.opts.onFile?.(f.path);
    if (this.opts.exec) this.runHook(f);
  }

  private async fail(e: Error): Promise<void> {
    this.stats.writeErrors++;
    this.opts.onError?.(e);
    const f = this.current;
    this.current = undefined;
    if (f) {
      await f.out.finish(true).catch(() => undefined);
      await rm(`${f.path}.tmp`, { force: true });
    }
  }

  private runHook(f: OpenFile<T>): void {
    const command = this.opts.exec!.replace(/%[ftu%]/g, (m) =>
      m === "%f" ? shellQuote(f.path) : m === "%t" ? windowStamp(f.windowStart) : m === "%u" ? String(f.windowStart / 1000) : "%",
    );
    const hook = new Promise<void>((resolve) => {
      const child = spawn("/bin/sh", ["-c", command], { stdio: ["ignore", "inherit", "inherit"] });
      child.on("error", (e) => {
        this.opts.onError?.(e);
        resolve();
      });
      child.on("exit", (code) => {
        if (code !== 0) this.opts.onError?.(new Error(`-x command exited ${code}: ${command}`));
        resolve();
      });
    });
    this.hooks.add(hook);
    void hook.finally(() => this.hooks.delete(hook));
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}
