// Which interfaces are metered, across network namespaces: the agent's own
// namespace always has a watcher; named namespaces (/run/netns) get one while
// a `NETNS_REGEX/IF_REGEX` pattern matches their name or an interface in them
// was attached by hand (`rfm meter attach --netns`). Each other namespace runs
// its own instance of the programs, tagged so that its ifindexes (which repeat
// across namespaces) count and aggregate apart.
import type { Datapath, NamespacePrograms, Programs } from "../bpf/datapath.js";
import { isBpfError } from "../bpf/addon.js";
import type { Attachments } from "../bpf/links.js";
import { MAX_NETNS_TAG } from "../bpf/layout.js";
import type { InterfaceMatcher } from "../config/interface-matcher.js";
import type { ErrorCounters } from "../metrics/errors.js";
import { log } from "../log/logger.js";
import { InterfaceWatcher, type AttachedLink } from "./interface-watcher.js";
import { NamespaceDirectory, namespaceId, ownNamespaceId, validNamespaceName, type NamedNamespace } from "./namespace-directory.js";
import { join } from "node:path";

export interface MeteringOptions {
  datapath: Datapath;
  attachments: Attachments;
  /** `agent.interfaces`: which links of which namespaces to meter. */
  interfaces: InterfaceMatcher;
  errors: ErrorCounters;
  /** Where named namespaces live (tests may point elsewhere). */
  netnsDir?: string;
  scanIntervalMs?: number;
  /** An interface went away: drop what is kept for it (counters). */
  linkRemoved(ifindex: number, tag: number): void;
  /** A namespace is no longer metered: drop its counters and flows before its tag is reused. */
  namespaceReleased(tag: number): void;
}

/** One metered link, as `rfm meter status` and `rfm status` show it. */
export interface MeteredLink extends AttachedLink {
  /** Namespace name; "" for the agent's own. */
  netns: string;
}

interface Namespace {
  name: string;
  id: string;
  tag: number;
  programs: NamespacePrograms;
  watcher: InterfaceWatcher;
  hasPatterns: boolean;
}

export class Metering {
  readonly own: InterfaceWatcher;
  private readonly byName = new Map<string, Namespace>();
  private readonly byTag = new Map<number, Namespace>();
  /** Namespaces being opened, so a scan and a meter command do not open one twice. */
  private readonly opening = new Map<string, Promise<Namespace>>();
  private readonly directory: NamespaceDirectory;
  private nextTag = 1;
  /** Tags of program instances still loading (not yet in byTag). */
  private readonly loadingTags = new Set<number>();
  private directoryStarted = false;
  private usedByHand = false;
  private stopped = false;

  constructor(private readonly opts: MeteringOptions) {
    this.own = this.watcher("", opts.datapath, opts.interfaces.inNamespace(""), 0);
    this.directory = new NamespaceDirectory({
      ...(opts.netnsDir ? { dir: opts.netnsDir } : {}),
      ...(opts.scanIntervalMs ? { intervalMs: opts.scanIntervalMs } : {}),
      onAdd: (ns) => this.namespaceAdded(ns),
      onRemove: (ns) => this.namespaceRemoved(ns),
    });
  }

  /** Whether namespaces are in use (namespace patterns, or an attach by hand into one): then metrics carry a `netns` label. */
  get namespacesInUse(): boolean {
    return this.opts.interfaces.namesNamespaces || this.usedByHand;
  }

  /** Starts the own namespace's watcher and, with namespace patterns, the named ones; resolves once the first dumps are applied. */
  async start(): Promise<void> {
    await this.own.start();
    if (this.opts.interfaces.namesNamespaces) {
      this.startDirectory();
      await Promise.all([...this.opening.values()].map((p) => p.catch(() => undefined)));
    }
  }

  stop(): void {
    this.stopped = true;
    this.directory.stop();
    this.own.stop();
    for (const ns of [...this.byName.values()]) this.close(ns);
  }

  /** Interface name of (tag, ifindex), if metered or seen. */
  nameOf(tag: number, ifindex: number): string | undefined {
    return tag === 0 ? this.own.nameOf(ifindex) : this.byTag.get(tag)?.watcher.nameOf(ifindex);
  }

  /** Namespace name of a tag: "" for the agent's own, undefined for a tag no longer in use. */
  netnsOf(tag: number): string | undefined {
    return tag === 0 ? "" : this.byTag.get(tag)?.name;
  }

  /** Every attached link: the agent's namespace first, then by namespace and interface name. */
  links(): MeteredLink[] {
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    const out: MeteredLink[] = this.own.attachedLinks().sort(byName).map((l) => ({ ...l, netns: "" }));
    for (const ns of [...this.byName.values()].sort(byName)) {
      for (const l of ns.watcher.attachedLinks().sort(byName)) out.push({ ...l, netns: ns.name });
    }
    return out;
  }

  /** Tag of a metered namespace ("" is the agent's own, tag 0). */
  tagOf(netns: string): number | undefined {
    return netns === "" ? 0 : this.byName.get(netns)?.tag;
  }

  /** `rfm meter attach [--netns NS] -i DEV`; DEV `*` is every Ethernet link of the namespace but loopback. */
  async attach(netns: string, ifname: string): Promise<MeteredLink[]> {
    const ns = await this.resolve(netns, true);
    const w = ns?.watcher ?? this.own;
    if (ns) this.usedByHand = true;
    try {
      const links = ifname === "*" ? w.attachManualAll() : [w.attachManual(ifname)];
      return links.map((l) => ({ ...l, netns: ns?.name ?? "" }));
    } finally {
      if (ns) this.closeIfUnused(ns);
    }
  }

  /** `rfm meter detach [--netns NS] -i DEV`; DEV `*` is every link attached by hand there. */
  async detach(netns: string, ifname: string): Promise<MeteredLink[]> {
    const ns = await this.resolve(netns, false);
    const w = ns?.watcher ?? this.own;
    try {
      const links = ifname === "*" ? w.detachManualAll() : [w.detachManual(ifname)];
      return links.map((l) => ({ ...l, netns: ns?.name ?? "" }));
    } finally {
      if (ns) this.closeIfUnused(ns);
    }
  }

  /**
   * The metered namespace called `netns` (undefined: the agent's own). With
   * `open`, a named namespace not yet metered is opened for an attach by hand.
   */
  private async resolve(netns: string, open: boolean): Promise<Namespace | undefined> {
    if (netns === "") return undefined;
    if (!validNamespaceName(netns)) throw new Error(`invalid network namespace name ${JSON.stringify(netns)}`);
    const path = join(this.directory.dir, netns);
    const id = namespaceId(path);
    if (id === undefined) throw new Error(`no network namespace ${netns} (${path} is not a network namespace mount)`);
    if (id === ownNamespaceId()) return undefined;
    const known = this.byName.get(netns);
    if (known && known.id === id) return known;
    // Deleted and created again under the same name since the last scan: let the old one go.
    if (known) this.close(known);
    if (!open) throw new Error(`nothing is attached in network namespace ${netns}`);
    // Watch the directory from now on, so the namespace is let go when it is deleted.
    this.startDirectory();
    return this.open({ name: netns, path, id });
  }

  private startDirectory(): void {
    if (this.directoryStarted || this.stopped) return;
    this.directoryStarted = true;
    this.directory.start();
  }

  private namespaceAdded(ns: NamedNamespace): void {
    if (this.opts.interfaces.inNamespace(ns.name).patterns.length === 0 || this.byName.has(ns.name)) return;
    this.open(ns).catch(() => undefined); // logged and counted in open()
  }

  private namespaceRemoved(ns: NamedNamespace): void {
    const open = this.byName.get(ns.name);
    if (open && open.id === ns.id) {
      log.info("network namespace deleted, no longer metered", { netns: ns.name });
      this.close(open);
    }
  }

  private open(nn: NamedNamespace): Promise<Namespace> {
    const pending = this.opening.get(nn.name);
    if (pending) return pending;
    const p = this.doOpen(nn).finally(() => this.opening.delete(nn.name));
    this.opening.set(nn.name, p);
    return p;
  }

  private async doOpen(nn: NamedNamespace): Promise<Namespace> {
    const tag = this.allocateTag();
    if (tag === undefined) {
      this.opts.errors.inc("attach");
      const err = new Error(`too many network namespaces metered at once (at most ${MAX_NETNS_TAG}); ${nn.name} is not metered`);
      log.warn(err.message, { netns: nn.name });
      throw err;
    }
    let programs: NamespacePrograms;
    this.loadingTags.add(tag);
    try {
      programs = await this.opts.datapath.openNamespacePrograms(tag);
    } catch (e) {
      this.opts.errors.inc("attach");
      log.warn("loading the programs for a network namespace failed", { netns: nn.name, error: (e as Error).message });
      throw e;
    } finally {
      this.loadingTags.delete(tag);
    }
    if (this.stopped) {
      programs.close();
      throw new Error("the agent is stopping");
    }
    const interfaces = this.opts.interfaces.inNamespace(nn.name);
    const ns: Namespace = { name: nn.name, id: nn.id, tag, programs, watcher: this.watcher(nn.path, programs, interfaces, tag), hasPatterns: interfaces.patterns.length > 0 };
    this.byName.set(ns.name, ns);
    this.byTag.set(tag, ns);
    try {
      await ns.watcher.start();
    } catch (e) {
      this.opts.errors.inc("netlink");
      log.warn("watching a network namespace failed", { netns: nn.name, error: (e as Error).message });
      this.close(ns);
      if (isBpfError(e) && e.code === "EPERM") throw new Error(`entering network namespace ${nn.name} needs CAP_SYS_ADMIN (${e.message})`);
      throw e;
    }
    if (this.stopped) this.close(ns);
    log.info("metering network namespace", { netns: ns.name, tag });
    return ns;
  }

  private watcher(netnsPath: string, programs: Programs, interfaces: InterfaceMatcher, tag: number): InterfaceWatcher {
    return new InterfaceWatcher({
      netnsPath,
      interfaces,
      attach: (ifindex, path) => this.opts.attachments.attach(ifindex, path, programs),
      detach: (ifindex, path) => this.opts.attachments.detach(ifindex, path),
      removed: (ifindex) => {
        this.opts.linkRemoved(ifindex, tag);
        // A namespace metered only for links attached by hand is let go with the last of them.
        const ns = this.byTag.get(tag);
        if (ns) setImmediate(() => this.closeIfUnused(ns));
      },
      errors: this.opts.errors,
    });
  }

  private closeIfUnused(ns: Namespace): void {
    if (!ns.hasPatterns && ns.watcher.manualCount === 0 && this.byName.get(ns.name) === ns) this.close(ns);
  }

  private close(ns: Namespace): void {
    if (this.byName.get(ns.name) === ns) this.byName.delete(ns.name);
    if (this.byTag.get(ns.tag) !== ns) return;
    ns.watcher.stop();
    ns.programs.close();
    // While the tag still names the namespace: its flows leave with their interface names.
    this.opts.namespaceReleased(ns.tag);
    this.byTag.delete(ns.tag);
  }

  /** Round robin over 1..255, so a released tag is reused as late as possible. */
  private allocateTag(): number | undefined {
    for (let i = 0; i < MAX_NETNS_TAG; i++) {
      const tag = ((this.nextTag - 1 + i) % MAX_NETNS_TAG) + 1;
      if (!this.byTag.has(tag) && !this.loadingTags.has(tag)) {
        this.nextTag = (tag % MAX_NETNS_TAG) + 1;
        return tag;
      }
    }
    return undefined;
  }
}
