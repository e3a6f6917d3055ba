// Completed flow records as JSON lines (linux-flow-exporter's log output),
// rotated by size: PATH is renamed PATH.1, PATH.1 PATH.2 ... up to max_files.
// Writes are synchronous and batched per sink call (a sweep's worth), so a
// record handed to the sink is on disk before the agent exits.
import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import type { FlowRecord, InterfaceNamer } from "../flow/table.js";
import { formatAddress } from "../net/address.js";

export interface FlowLogOptions {
  path: string;
  maxSize: number;
  maxFiles: number;
  /** Interface name and, when namespaces are in use, the namespace name. */
  iface: InterfaceNamer;
}

const REASONS: Record<number, string> = { 1: "idle", 2: "active", 3: "end", 4: "forced", 5: "lack_of_resources" };

export class FlowLog {
  private fd: number;
  private size: number;
  written = 0;

  constructor(private readonly opts: FlowLogOptions) {
    this.fd = openSync(opts.path, "a", 0o640);
    this.size = fstatSync(this.fd).size;
  }

  readonly sink = (records: FlowRecord[]): void => {
    // One write per file: a batch larger than what is left of max_size is
    // split at the line that would not fit, and the file rotated there.
    let text = "";
    let bytes = 0;
    for (const r of records) {
      const line = `${JSON.stringify(toJson(r, this.opts.iface))}\n`;
      const n = Buffer.byteLength(line);
      if (this.size + bytes > 0 && this.size + bytes + n > this.opts.maxSize) {
        this.write(text, bytes);
        this.rotate();
        text = "";
        bytes = 0;
      }
      text += line;
      bytes += n;
    }
    this.write(text, bytes);
    this.written += records.length;
  };

  close(): void {
    closeSync(this.fd);
  }

  private write(text: string, bytes: number): void {
    if (bytes === 0) return;
    writeSync(this.fd, text);
    this.size += bytes;
  }

  private rotate(): void {
    closeSync(this.fd);
    const { path, maxFiles } = this.opts;
    rmSync(`${path}.${maxFiles}`, { force: true });
    for (let i = maxFiles - 1; i >= 1; i--) if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
    renameSync(path, `${path}.1`);
    this.fd = openSync(path, "a", 0o640);
    this.size = 0;
  }
}

/** One record as logged: estimates (scaled by the sample rate), wall-clock ms times. */
export function toJson(r: FlowRecord, iface: InterfaceNamer) {
  const { ifname, netns } = iface(r.ifindex, r.netns);
  return {
    src: formatAddress(r.src),
    dst: formatAddress(r.dst),
    proto: r.proto,
    sport: r.sport,
    dport: r.dport,
    ifname,
    ...(netns === undefined ? {} : { netns }),
    direction: r.direction === 0 ? "ingress" : "egress",
    packets: r.packets,
    bytes: r.bytes,
    start: new Date(r.startMs).toISOString(),
    end: new Date(r.endMs).toISOString(),
    reason: REASONS[r.reason] ?? String(r.reason),
  };
}
