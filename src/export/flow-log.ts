// Completed flow records as JSON lines (linux-flow-exporter's log output),
// rotated by size: PATH is renamed PATH.1, PATH.1 PATH.2 ... up to max_files.
// Writes are synchronous and batched per sink call (a sweep's worth), so a
// record handed to the sink is on disk before the agent exits. A write that
// fails (ENOSPC: the disk is full) loses only the records it could not write,
// counted by errno: the file keeps whole lines, the agent and its other sinks
// go on, and logging resumes with the first write that succeeds.
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import type { InterfaceNamer } from "../flow/table.js";
import { endReasonName, type AgentFlowRecord } from "../flow-record/index.js";
import type { ErrorCounters } from "../metrics/errors.js";
import { TextWriter, renderLabels } from "../metrics/exposition.js";
import { formatAddress } from "../net/address.js";
import { log } from "../log/logger.js";

export interface FlowLogOptions {
  path: string;
  maxSize: number;
  maxFiles: number;
  /** Interface name and, when namespaces are in use, the namespace name. */
  iface: InterfaceNamer;
  /** Each failed write or rotation counts once in rfm_errors_total{subsystem="flow_log"}. */
  errors: ErrorCounters;
}

const NEWLINE = 0x0a;

export class FlowLog {
  /** -1 after a rotation failed to reopen the file: the next write tries again. */
  private fd: number;
  private size: number;
  /** Records written, as whole lines. */
  written = 0;
  /** Records lost to failed writes, by errno. */
  readonly dropped = new Map<string, number>();
  /** The errno of the failure in progress: logged once, and once more when writes succeed again. */
  private failing: string | undefined;

  constructor(private readonly opts: FlowLogOptions) {
    this.fd = openSync(opts.path, "a", 0o640);
    this.size = fstatSync(this.fd).size;
  }

  readonly sink = (records: AgentFlowRecord[]): void => {
    // One write per file: a batch larger than what is left of max_size is
    // split at the line that would not fit, and the file rotated there.
    let text = "";
    let bytes = 0;
    let lines = 0;
    for (const r of records) {
      const line = `${JSON.stringify(toJson(r, this.opts.iface))}\n`;
      const n = Buffer.byteLength(line);
      if (this.size + bytes > 0 && this.size + bytes + n > this.opts.maxSize) {
        this.write(text, lines);
        this.rotate();
        text = "";
        bytes = 0;
        lines = 0;
      }
      text += line;
      bytes += n;
      lines++;
    }
    this.write(text, lines);
  };

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  metrics(w: TextWriter): void {
    w.header("rfm_flow_log_records_total", "counter", "flow records written to agent.log.path");
    w.sample("rfm_flow_log_records_total", "", this.written);
    w.header("rfm_flow_log_dropped_records_total", "counter", "flow records the flow log failed to write, by errno (ENOSPC: disk full)");
    for (const [errno, n] of this.dropped) w.sample("rfm_flow_log_dropped_records_total", renderLabels([["errno", errno]]), n);
  }

  private write(text: string, lines: number): void {
    if (lines === 0) return;
    const buf = Buffer.from(text);
    let done = 0;
    try {
      if (this.fd < 0) this.reopen();
      // A write may be short (the disk filled up mid-way): go on until it fails or all is written.
      while (done < buf.length) done += writeSync(this.fd, buf, done, buf.length - done);
    } catch (e) {
      this.failed(e, this.keepWholeLines(buf, done, lines));
      return;
    }
    this.size += buf.length;
    this.written += lines;
    this.succeeded();
  }

  /**
   * After a failed write of `buf`, of which `done` bytes made it: cuts the
   * partial last line (it would garble the next one) and keeps the whole
   * lines before it. Returns the records lost.
   */
  private keepWholeLines(buf: Buffer, done: number, lines: number): number {
    const keep = done === 0 ? 0 : buf.lastIndexOf(NEWLINE, done - 1) + 1;
    if (keep < done) {
      try {
        ftruncateSync(this.fd, this.size + keep);
      } catch {
        // The partial line stays; the count below still says what was lost.
      }
    }
    let kept = 0;
    for (let i = 0; i < keep; i++) if (buf[i] === NEWLINE) kept++;
    this.size += keep;
    this.written += kept;
    return lines - kept;
  }

  private rotate(): void {
    const { path, maxFiles } = this.opts;
    try {
      this.close();
      rmSync(`${path}.${maxFiles}`, { force: true });
      for (let i = maxFiles - 1; i >= 1; i--) if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      renameSync(path, `${path}.1`);
      this.reopen();
    } catch (e) {
      // Writing goes on into whatever PATH is now (reopened by the next write).
      this.failed(e, 0);
    }
  }

  private reopen(): void {
    this.fd = openSync(this.opts.path, "a", 0o640);
    this.size = fstatSync(this.fd).size;
  }

  private failed(e: unknown, lost: number): void {
    const errno = (e as NodeJS.ErrnoException).code ?? "other";
    if (lost > 0) this.dropped.set(errno, (this.dropped.get(errno) ?? 0) + lost);
    this.opts.errors.inc("flow_log");
    if (this.failing === errno) return;
    this.failing = errno;
    log.warn("flow log write failed; records are dropped until a write succeeds", { path: this.opts.path, error: (e as Error).message });
  }

  private succeeded(): void {
    if (this.failing === undefined) return;
    this.failing = undefined;
    log.info("flow log writes again", { path: this.opts.path, dropped: [...this.dropped.values()].reduce((a, b) => a + b, 0) });
  }
}

/** One record as logged: estimates (scaled by the sample rate), wall-clock ms times. */
export function toJson(r: AgentFlowRecord, iface: InterfaceNamer) {
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
    reason: endReasonName(r.reason),
  };
}
