// One enrichment source file and the table built from it, kept current as
// its spec says: `reload=DUR` looks at the file every DUR, `reload=watch`
// watches its directory (so an atomic rename-replace is seen as well as a
// write in place; events settle for 250 ms before the file is read). A
// version is told by inode, size and mtime, read through one descriptor so
// a rename mid-read cannot mix two. A reload builds the whole table before
// it takes the old one's place; one that fails (file gone, unreadable, not
// a table, a truncated database) leaves the old table in service and logs
// one line with the file and the reason, once per failed version. The timer
// and the watcher hold the process until close(): the collector closes its
// enrichment when its input ends.
import { readFailureReason } from "../../read-failure.js";
import { fileSignature, signatureOf } from "../../enrich/file-signature.js";
import { EventEmitter } from "node:events";
import { watch, type FSWatcher } from "node:fs";
import { open } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { ReloadSpec } from "./enrich-spec.js";
import type { TableLoad } from "./table-load.js";

export type LogLine = (line: string) => void;

export interface TableFileOptions {
  path: string;
  /** Builds the table from the file's bytes; throws an Error saying why they are no table. */
  load: (bytes: Uint8Array) => TableLoad;
  reload: ReloadSpec;
  log: LogLine;
  /** How long watch events settle before the file is read (ms). */
  settleMs?: number;
}

const SETTLE_MS = 250;


interface Loaded {
  table: TableLoad;
  signature: string;
  at: Date;
}

async function read(path: string, load: (bytes: Uint8Array) => TableLoad): Promise<Loaded> {
  const handle = await open(path, "r");
  try {
    const st = await handle.stat({ bigint: true });
    if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    const bytes = await handle.readFile();
    return { table: load(bytes), signature: signatureOf(st), at: new Date() };
  } finally {
    await handle.close();
  }
}

function loadedText(t: TableLoad): string {
  const bad = t.badRows?.text() ?? "";
  return `${t.description}${bad ? `; ${bad}` : ""}`;
}

/**
 * Events: "reloaded" (the new TableLoad) after a reload took over, "failed"
 * (the reason) after one did not, "checked" after every look at the file.
 */
export class TableFile extends EventEmitter {
  private loaded: Loaded;
  private failedSignature: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private settle: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  private constructor(private readonly opts: TableFileOptions, loaded: Loaded) {
    super();
    this.loaded = loaded;
  }

  /** Reads the file and starts reloading it as its spec says; throws an Error naming the file and the reason. */
  static async open(opts: TableFileOptions): Promise<TableFile> {
    let loaded: Loaded;
    try {
      loaded = await read(opts.path, opts.load);
    } catch (err) {
      throw new Error(`enrich ${opts.path}: ${readFailureReason(err)}`);
    }
    opts.log(`enrich ${opts.path}: ${loadedText(loaded.table)}`);
    const file = new TableFile(opts, loaded);
    file.start();
    return file;
  }

  get table(): TableLoad {
    return this.loaded.table;
  }

  /** Looks at the file now and reloads it if it changed; resolves when done (and any look asked for meanwhile). */
  check(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      do {
        this.again = false;
        await this.refresh();
      } while (this.again && !this.closed);
    };
    this.running = run().finally(() => (this.running = undefined));
    return this.running;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.settle) clearTimeout(this.settle);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private start(): void {
    const r = this.opts.reload;
    if (r.kind === "interval") {
      this.timer = setInterval(() => void this.check(), r.ms);
    } else if (r.kind === "watch") {
      const name = basename(this.opts.path);
      try {
        this.watcher = watch(dirname(this.opts.path), (_event, filename) => {
          if (filename === null || filename === name) this.settled();
        });
      } catch (err) {
        this.opts.log(`enrich ${this.opts.path}: cannot watch its directory (${readFailureReason(err)}); the table stays as loaded`);
        return;
      }
      this.watcher.on("error", (err) => {
        this.opts.log(`enrich ${this.opts.path}: watching its directory failed (${readFailureReason(err)}); the table stays as it is`);
        this.watcher?.close();
        this.watcher = undefined;
      });
    }
  }

  /** A check once the events of one replacement have settled. */
  private settled(): void {
    if (this.closed) return;
    if (this.settle) clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      this.settle = undefined;
      void this.check();
    }, this.opts.settleMs ?? SETTLE_MS);
  }

  private async refresh(): Promise<void> {
    const path = this.opts.path;
    const current = await fileSignature(path);
    if (this.closed) return;
    if (current === this.loaded.signature || current === this.failedSignature) {
      if (current === this.loaded.signature) this.failedSignature = undefined;
      this.emit("checked");
      return;
    }
    try {
      const loaded = await read(path, this.opts.load);
      if (this.closed) return;
      this.loaded = loaded;
      this.failedSignature = undefined;
      this.opts.log(`enrich ${path}: reloaded ${loadedText(loaded.table)}`);
      this.emit("reloaded", loaded.table);
    } catch (err) {
      if (this.closed) return;
      this.failedSignature = current;
      const reason = readFailureReason(err);
      const old = this.loaded;
      this.opts.log(`enrich ${path}: reload failed: ${reason}; the table loaded ${old.at.toISOString()} (${old.table.description}) stays in service`);
      this.emit("failed", reason);
    }
    this.emit("checked");
  }
}
