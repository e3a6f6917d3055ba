// One IPFIX collector over UDP: its socket (bound and connected, redialled with
// backoff from 1 s to 30 s), its message builder with the templates, and its
// counters. The agent keeps counting while a collector is unreachable.
import { createSocket, type Socket } from "node:dgram";
import { isIPv6, isIPv4 } from "node:net";
import { lookup } from "node:dns/promises";
import { MessageBuilder, type TemplateHandle } from "../ipfix/index.js";
import { SAMPLING_OPTIONS_TEMPLATE, samplingOptionValues, type IpfixLayout } from "./ipfix-layout.js";
import { log } from "../log/logger.js";

export interface CollectorTarget {
  host: string;
  port: number;
  bind: { host: string; port: number } | null;
  observation_domain_id: number;
}

/** Errors after which the socket cannot be trusted again: close it and redial. */
const FATAL_SEND_ERRORS = new Set(["ENETUNREACH", "EHOSTUNREACH", "ENETDOWN", "EADDRNOTAVAIL", "EPIPE", "ENOTCONN", "EBADF", "EINVAL"]);

/**
 * Why flow records did not reach a collector. All but `refused` were never
 * sent; `refused` counts records that were sent (so also in records) and came
 * back refused: nobody listened (ICMP port unreachable).
 */
export const DROP_REASONS = ["queue_full", "unconnected", "encode", "send", "refused"] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export class CollectorLink {
  readonly name: string;
  readonly builder: MessageBuilder;
  readonly handles = new Map<number, TemplateHandle>();
  private readonly samplingHandle: TemplateHandle;
  private socket: Socket | undefined;
  private dialing = false;
  private backoffMs = 0;
  private redialTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Local and remote address of the connected socket (self-export exclusion). */
  local: { address: string; port: number } | undefined;
  remote: { address: string; port: number } | undefined;
  /** The collector refused a datagram (nobody listened): send the templates again with the next data. */
  private refused = false;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  /**
   * Flow records of the last datagram sent, until an error owns up to it. A
   * refusal (ECONNREFUSED) reports the datagram before it: from a collector on
   * this host, before the next send returns, so the count is exact; from a
   * remote one, a datagram or so later.
   */
  private lastSentRecords = 0;

  readonly stats = {
    dials: 0,
    dialErrors: 0,
    messages: 0,
    records: 0,
    dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
    sendErrors: new Map<string, number>(),
  };

  constructor(
    readonly target: CollectorTarget,
    layout: IpfixLayout,
    maxMessageSize: number,
    private sampleRate: number,
    private readonly onError: () => void,
  ) {
    this.name = `${isIPv6(target.host) ? `[${target.host}]` : target.host}:${target.port}`;
    this.builder = new MessageBuilder({
      observationDomainId: target.observation_domain_id,
      maxMessageSize,
      onMessage: (m) => this.send(m),
    });
    for (const t of layout.templates()) this.handles.set(t.id, this.builder.addTemplate(t));
    this.samplingHandle = this.builder.addTemplate(SAMPLING_OPTIONS_TEMPLATE);
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.dialing;
  }

  /** Starts dialling; never throws (failures are counted and retried). */
  start(): void {
    void this.dial();
  }

  /** Queues the templates (and the sampling record) again: on every new socket and every template_refresh. */
  refreshTemplates(): void {
    this.builder.resendTemplates();
    this.appendSampling();
  }

  setSampleRate(rate: number): void {
    this.sampleRate = rate;
    this.appendSampling();
  }

  flush(): void {
    this.builder.flush();
  }

  /**
   * Call before appending data: after a refused datagram (nobody listened), the
   * templates go out again first, so a collector that starts or restarts late
   * can decode the very next data it gets.
   */
  prepare(): void {
    if (this.refused) {
      this.refused = false;
      this.refreshTemplates();
    }
  }

  /** Resolves when every datagram handed to the socket has been sent (or failed). */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  close(): void {
    this.closed = true;
    if (this.redialTimer) clearTimeout(this.redialTimer);
    this.socket?.close();
    this.socket = undefined;
  }

  private appendSampling(): void {
    this.builder.append(this.samplingHandle, samplingOptionValues(this.target.observation_domain_id, this.sampleRate));
  }

  private async dial(): Promise<void> {
    if (this.closed || this.dialing) return;
    this.dialing = true;
    this.stats.dials++;
    let sock: Socket | undefined;
    try {
      const address = isIPv4(this.target.host) || isIPv6(this.target.host) ? this.target.host : (await lookup(this.target.host)).address;
      sock = createSocket({ type: isIPv6(address) ? "udp6" : "udp4" });
      const s = sock;
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.bind({ address: this.target.bind?.host || undefined, port: this.target.bind?.port ?? 0, exclusive: true }, () => {
          s.off("error", reject);
          resolve();
        });
      });
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.connect(this.target.port, address, () => {
          s.off("error", reject);
          resolve();
        });
      });
      if (this.closed) {
        s.close();
        return;
      }
      // ICMP errors for a connected UDP socket surface here, not in send callbacks.
      // Attached only now: a failed bind or connect is a dial error, not a send error.
      s.on("error", (e) => this.onSocketError(s, e as NodeJS.ErrnoException));
      this.local = s.address();
      const remote = s.remoteAddress();
      this.remote = { address: remote.address, port: remote.port };
      this.socket = s;
      this.backoffMs = 0;
      this.dialing = false;
      log.info("ipfix collector connected", { collector: this.name, local: `${this.local.address}:${this.local.port}` });
      // Templates first on every new socket, before any data.
      this.refreshTemplates();
      this.builder.flush();
    } catch (e) {
      sock?.close();
      this.dialing = false;
      this.stats.dialErrors++;
      this.onError();
      this.backoffMs = this.backoffMs ? Math.min(this.backoffMs * 2, 30_000) : 1000;
      log.warn("ipfix dial failed, will retry", { collector: this.name, error: (e as Error).message, retry_ms: this.backoffMs });
      this.redialTimer = setTimeout(() => void this.dial(), this.backoffMs);
      this.redialTimer.unref();
    }
  }

  private onSocketError(s: Socket, e: NodeJS.ErrnoException): void {
    const code = e.code ?? "other";
    this.stats.sendErrors.set(code, (this.stats.sendErrors.get(code) ?? 0) + 1);
    this.onError();
    if (code === "ECONNREFUSED") {
      this.refused = true;
      this.stats.dropped.refused += this.lastSentRecords;
      this.lastSentRecords = 0;
    } else log.warn("ipfix socket error", { collector: this.name, error: e.message });
    if (FATAL_SEND_ERRORS.has(code) && this.socket === s) {
      this.socket = undefined;
      s.close();
      void this.dial();
    }
  }

  private send(message: Uint8Array): void {
    const records = this.recordsIn(message);
    const s = this.socket;
    if (!s || this.dialing) {
      this.stats.dropped.unconnected += records;
      return;
    }
    this.inFlight++;
    // The builder reuses its buffer: the socket needs its own copy.
    s.send(Buffer.from(message), (err) => {
      this.inFlight--;
      if (err) {
        this.stats.dropped.send += records;
        this.onSocketError(s, err as NodeJS.ErrnoException);
      } else {
        this.stats.messages++;
        this.stats.records += records;
        this.lastSentRecords = records;
      }
      if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    });
  }

  /** Flow records in a finished message (data sets of the fixed-length flow templates). */
  private recordsIn(m: Uint8Array): number {
    const v = new DataView(m.buffer, m.byteOffset, m.byteLength);
    let off = 16;
    let n = 0;
    while (off + 4 <= m.length) {
      const id = v.getUint16(off);
      const len = v.getUint16(off + 2);
      if (len < 4) break;
      if (id >= 256 && id !== SAMPLING_OPTIONS_TEMPLATE.id) {
        const h = this.handles.get(id);
        const size = h ? h.writer.minLength : 0;
        if (size > 0) n += Math.floor((len - 4) / size);
      }
      off += len;
    }
    return n;
  }
}
