// Keeps the datapath attached to exactly the links of one network namespace
// that match the configured patterns, plus those attached by hand (`rfm meter
// attach`): an initial rtnetlink dump, then RTM_NEWLINK/RTM_DELLINK as links
// come, change name and go. Failed attaches retry with backoff.
import { loadAddon, isBpfError, type NetlinkHandle } from "../bpf/addon.js";
import { parseNetlink, ARPHRD_ETHER, ARPHRD_LOOPBACK, type LinkMessage } from "../netlink/messages.js";
import type { ErrorCounters } from "../metrics/errors.js";
import { log } from "../log/logger.js";
import type { InterfaceMatcher } from "../config/interface-matcher.js";

export interface WatcherOptions {
  /** The configured patterns that apply in this namespace. */
  interfaces: InterfaceMatcher;
  attach(ifindex: number, netnsPath: string): void;
  detach(ifindex: number, netnsPath: string): void;
  /** A link went away: drop whatever was kept for it (counters). */
  removed?(ifindex: number, netnsPath: string): void;
  errors: ErrorCounters;
  /** Network namespace to watch, as a path like /run/netns/NAME; "" = the agent's own. */
  netnsPath?: string;
  minRetryMs?: number;
  maxRetryMs?: number;
}

/** Why a link is attached: a config pattern matched it, or `rfm meter attach` asked. */
export type AttachedBy = "config" | "manual";

export interface AttachedLink {
  ifindex: number;
  name: string;
  by: AttachedBy;
}

interface LinkState {
  name: string;
  /** Attached by hand: stays attached across renames, until detached by hand or gone. */
  manual: boolean;
  linkType: number;
  attached: boolean;
  unsuitableWarned: boolean;
  retryDelayMs: number;
  retryTimer?: NodeJS.Timeout;
}

const VANISHED = new Set(["ENODEV", "ENXIO", "ENOENT"]);
/** Removed links whose names are kept for the records and metrics of their last flows. */
const GONE_NAMES = 1024;

export class InterfaceWatcher {
  private readonly addon = loadAddon();
  private readonly links = new Map<number, LinkState>();
  /** Names of links that went away, oldest first, at most GONE_NAMES. */
  private readonly goneNames = new Map<number, string>();
  private readonly netnsPath: string;
  private nl: NetlinkHandle | undefined;
  private dumpSeq = 0;
  private dumpSeen: Set<number> | undefined;
  private firstDump: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private stopped = false;

  constructor(private readonly opts: WatcherOptions) {
    this.netnsPath = opts.netnsPath ?? "";
  }

  /** Opens the subscription and resolves once the initial dump has been applied. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstDump = { resolve, reject };
      try {
        this.nl = this.addon.netlinkOpen(this.netnsPath, (batch, errno) => this.onBatch(batch, errno));
        this.requestDump();
      } catch (e) {
        this.firstDump = undefined;
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  /** The links currently attached. */
  attachedLinks(): AttachedLink[] {
    return [...this.links.entries()]
      .filter(([, s]) => s.attached)
      .map(([ifindex, s]) => ({ ifindex, name: s.name, by: this.matches(s.name) ? "config" : "manual" }));
  }

  /** Links attached by hand, attached or still retrying. */
  get manualCount(): number {
    let n = 0;
    for (const s of this.links.values()) if (s.manual) n++;
    return n;
  }

  /**
   * Attaches the link named `name` by hand, at once: an error is thrown to the
   * caller instead of retried. Attaching a link that is already attached
   * (by pattern or by hand) is a no-op that reports it.
   */
  attachManual(name: string): AttachedLink {
    const found = this.byName(name);
    if (!found) throw new Error(`no interface ${name}${this.where()}`);
    const [ifindex, s] = found;
    if (s.attached) {
      const by: AttachedBy = this.matches(s.name) ? "config" : "manual";
      if (by === "manual") s.manual = true;
      return { ifindex, name, by };
    }
    if (s.linkType !== ARPHRD_ETHER && s.linkType !== ARPHRD_LOOPBACK) {
      throw new Error(`${name}${this.where()} has no Ethernet header (link type ${s.linkType}); rfm attaches to Ethernet-like interfaces only`);
    }
    if (s.retryTimer) clearTimeout(s.retryTimer);
    s.retryTimer = undefined;
    this.opts.attach(ifindex, this.netnsPath);
    s.attached = true;
    s.manual = true;
    s.retryDelayMs = 0;
    log.info("attached by hand", { ifname: name, ifindex, netns: this.netnsPath || undefined });
    return { ifindex, name, by: "manual" };
  }

  /** Detaches a link attached by hand. One a config pattern matches is refused: the config would attach it again. */
  detachManual(name: string): AttachedLink {
    const found = this.byName(name);
    if (!found) throw new Error(`no interface ${name}${this.where()}`);
    const [ifindex, s] = found;
    if (this.matches(s.name)) {
      const p = this.opts.interfaces.find(s.name)!;
      throw new Error(`${name}${this.where()} is attached by the config pattern "${p.source}"; change agent.interfaces to stop metering it`);
    }
    if (!s.manual) throw new Error(`${name}${this.where()} is not attached`);
    s.manual = false;
    if (s.retryTimer) clearTimeout(s.retryTimer);
    s.retryTimer = undefined;
    if (s.attached) this.safeDetach(ifindex, s);
    log.info("detached by hand", { ifname: name, ifindex, netns: this.netnsPath || undefined });
    return { ifindex, name, by: "manual" };
  }

  /**
   * `*`: attaches by hand every Ethernet link there now but loopback (links
   * that appear later are not); one already attached is reported as it is.
   */
  attachManualAll(): AttachedLink[] {
    const names = [...this.links.values()].filter((s) => s.linkType === ARPHRD_ETHER).map((s) => s.name);
    return names.map((name) => this.attachManual(name));
  }

  /** `*`: detaches every link attached by hand; throws when there is none. */
  detachManualAll(): AttachedLink[] {
    const names = [...this.links.values()].filter((s) => s.manual && !this.matches(s.name)).map((s) => s.name);
    if (names.length === 0) throw new Error(`nothing is attached by hand${this.where()}`);
    return names.map((name) => this.detachManual(name));
  }

  private byName(name: string): [number, LinkState] | undefined {
    for (const e of this.links) if (e[1].name === name) return e;
    return undefined;
  }

  private where(): string {
    return this.netnsPath ? ` in network namespace ${this.netnsPath}` : "";
  }

  /** Name of a link, or of one that went away recently (its flows are still being exported). */
  nameOf(ifindex: number): string | undefined {
    return this.links.get(ifindex)?.name ?? this.goneNames.get(ifindex);
  }

  /** Stops watching and detaches every link; names stay known, for the records of flows still in the table. */
  stop(): void {
    this.stopped = true;
    if (this.nl) this.addon.netlinkClose(this.nl);
    this.nl = undefined;
    for (const [ifindex, s] of this.links) {
      if (s.retryTimer) clearTimeout(s.retryTimer);
      s.retryTimer = undefined;
      if (s.attached) this.safeDetach(ifindex, s);
    }
  }

  private requestDump(): void {
    if (!this.nl) return;
    this.dumpSeen = new Set();
    this.dumpSeq = this.addon.netlinkDumpLinks(this.nl);
  }

  private onBatch(batch: Buffer | null, errno: number): void {
    if (this.stopped) return;
    if (batch) {
      for (const item of parseNetlink(batch)) {
        if (item.type === "link") this.onLink(item.link);
        else if (item.type === "done" && item.seq === this.dumpSeq) this.onDumpDone();
        else if (item.type === "error" && item.errno !== 0) {
          this.opts.errors.inc("netlink");
          log.warn("netlink error answer", { errno: item.errno, seq: item.seq });
          if (item.seq === this.dumpSeq) this.onDumpDone();
        } else if (item.type === "bad") {
          this.opts.errors.inc("netlink");
          log.warn("netlink message did not parse", { reason: item.reason });
        }
      }
    }
    if (errno) {
      // ENOBUFS: the kernel dropped events; a fresh dump puts us back in step.
      this.opts.errors.inc("netlink");
      log.warn("netlink receive failed, resynchronising with a link dump", { errno });
      try {
        this.requestDump();
      } catch (e) {
        log.warn("netlink dump request failed", { error: (e as Error).message });
      }
    }
  }

  private onDumpDone(): void {
    const seen = this.dumpSeen;
    this.dumpSeen = undefined;
    if (seen) {
      // Links we knew that the dump no longer lists went away unnoticed.
      for (const ifindex of [...this.links.keys()]) if (!seen.has(ifindex)) this.onGone(ifindex);
    }
    if (this.firstDump) {
      const names = [...this.links.values()].map((s) => s.name);
      for (const p of this.opts.interfaces.patterns) {
        if (!names.some((n) => p.iface.test(n))) log.warn("interface pattern matches no link yet", { pattern: p.source, netns: this.netnsPath || undefined });
      }
      const done = this.firstDump;
      this.firstDump = undefined;
      done.resolve();
    }
  }

  private matches(name: string): boolean {
    return this.opts.interfaces.matches(name);
  }

  private onLink(link: LinkMessage): void {
    if (link.kind === "del") {
      this.onGone(link.ifindex);
      return;
    }
    this.dumpSeen?.add(link.ifindex);
    let s = this.links.get(link.ifindex);
    if (!s) {
      this.goneNames.delete(link.ifindex); // the ifindex is taken again
      s = { name: link.name, manual: false, linkType: link.linkType, attached: false, unsuitableWarned: false, retryDelayMs: 0 };
      this.links.set(link.ifindex, s);
    }
    s.name = link.name;
    s.linkType = link.linkType;
    if (!this.matches(link.name) && !s.manual) {
      // Renamed out of the patterns.
      if (s.retryTimer) clearTimeout(s.retryTimer);
      s.retryTimer = undefined;
      if (s.attached) this.safeDetach(link.ifindex, s);
      return;
    }
    if (link.linkType !== ARPHRD_ETHER && link.linkType !== ARPHRD_LOOPBACK) {
      if (!s.unsuitableWarned) {
        log.warn("skipping interface without an Ethernet header", { ifname: link.name, link_type: link.linkType, kind: link.infoKind });
        s.unsuitableWarned = true;
      }
      return;
    }
    if (!s.attached && !s.retryTimer) this.tryAttach(link.ifindex);
  }

  private onGone(ifindex: number): void {
    const s = this.links.get(ifindex);
    if (!s) return;
    this.links.delete(ifindex);
    this.goneNames.delete(ifindex);
    this.goneNames.set(ifindex, s.name);
    if (this.goneNames.size > GONE_NAMES) this.goneNames.delete(this.goneNames.keys().next().value!);
    if (s.retryTimer) clearTimeout(s.retryTimer);
    if (s.attached) {
      this.safeDetach(ifindex, s);
      log.info("detached from removed interface", { ifname: s.name, ifindex });
    }
    this.opts.removed?.(ifindex, this.netnsPath);
  }

  private tryAttach(ifindex: number): void {
    const s = this.links.get(ifindex);
    if (!s || this.stopped) return;
    s.retryTimer = undefined;
    try {
      this.opts.attach(ifindex, this.netnsPath);
      s.attached = true;
      s.retryDelayMs = 0;
      log.info("attached", { ifname: s.name, ifindex, netns: this.netnsPath || undefined });
    } catch (e) {
      if (isBpfError(e) && VANISHED.has(e.code)) {
        log.warn("interface vanished during attach", { ifname: s.name, ifindex });
        this.links.delete(ifindex);
        return;
      }
      this.opts.errors.inc("attach");
      const min = this.opts.minRetryMs ?? 100;
      const max = this.opts.maxRetryMs ?? 30_000;
      s.retryDelayMs = s.retryDelayMs ? Math.min(s.retryDelayMs * 2, max) : min;
      log.warn("attach failed, will retry", { ifname: s.name, ifindex, error: (e as Error).message, retry_ms: s.retryDelayMs });
      s.retryTimer = setTimeout(() => this.tryAttach(ifindex), s.retryDelayMs);
      s.retryTimer.unref();
    }
  }

  private safeDetach(ifindex: number, s: LinkState): void {
    s.attached = false;
    try {
      this.opts.detach(ifindex, this.netnsPath);
    } catch (e) {
      this.opts.errors.inc("attach");
      log.warn("detach failed", { ifname: s.name, ifindex, error: (e as Error).message });
    }
  }
}
