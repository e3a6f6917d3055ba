// A network lab for one test: throwaway namespaces joined by veth pairs, and
// the processes run inside them. Everything it creates is removed by
// cleanup(), which createLab() registers with t.after() and withLab() runs in
// `finally`; a process 'exit'/SIGINT/SIGTERM hook catches what those miss, and
// sweepStale() the leftovers of runs that were SIGKILLed.
import { spawnSync } from "node:child_process";
import type { TestContext } from "node:test";
import { execIn, execOk, NetnsProcess, type ExecOptions, type ExecResult, type Netns, type SpawnOptions } from "./exec.js";
import { ip, ipBatch, ipJson } from "./ip.js";
import { linkInfo } from "./links.js";
import { uniqueName } from "./names.js";
import { addNetns, deleteNetns, sweepStale } from "./netns.js";

export interface VethEnd {
  /** Namespace for this end; HOST_NS (null) for the namespace the tests run in. */
  ns: Netns;
  /** Interface name (default: a unique rfmt-<pid>-<n>). Must be unique in the host namespace. */
  name?: string;
}

export interface VethOptions {
  /** N in 10.77.N.0/24 and fd77:N::/64 (hex); default: one unused here and in the host namespace. */
  subnet?: number;
  mtu?: number;
  /**
   * Permanent ARP/NDP entries for the peer (default true): no resolution
   * traffic, and no datagrams dropped while a neighbour resolves.
   */
  staticNeighbors?: boolean;
  /**
   * No packets but the test's own (default true): no IPv6 link-local address
   * (so no DAD, router solicitations or their MLD reports) and IFF_NOARP (so
   * no solicited-node group, hence no MLD report for the global address
   * either). Needs staticNeighbors. Enabling forwarding in a namespace still
   * joins ff02::2 and reports it.
   */
  quiet?: boolean;
}

export interface Iface {
  ns: Netns;
  name: string;
  ifindex: number;
  mac: string;
  /** Addresses without prefix ("10.77.5.1", "fd77:5::1") and with it. */
  ipv4: string;
  ipv6: string;
  cidr4: string;
  cidr6: string;
}

export interface VethPair {
  a: Iface;
  b: Iface;
  subnet: number;
}

/** Addresses of end `host` (1 or 2) of subnet n. */
function subnetAddresses(n: number, host: 1 | 2): Pick<Iface, "ipv4" | "ipv6" | "cidr4" | "cidr6"> {
  const ipv4 = `10.77.${n}.${host}`;
  const ipv6 = `fd77:${n.toString(16)}::${host}`;
  return { ipv4, ipv6, cidr4: `${ipv4}/24`, cidr6: `${ipv6}/64` };
}

async function hostSubnetsInUse(): Promise<Set<number>> {
  const links = await ipJson<{ addr_info?: { local: string }[] }[]>(null, ["addr", "show"]);
  const used = new Set<number>();
  for (const a of links.flatMap((l) => l.addr_info ?? [])) {
    const m = /^10\.77\.(\d+)\./.exec(a.local) ?? /^fd77:([0-9a-f]+)::/i.exec(a.local);
    if (m?.[1]) used.add(m[0].includes(":") ? parseInt(m[1], 16) : Number(m[1]));
  }
  return used;
}

const live = new Set<Lab>();
let hooksInstalled = false;
let swept: Promise<unknown> | undefined;

export class Lab {
  private readonly namespaces: string[] = [];
  private readonly hostLinks: string[] = [];
  private readonly processes = new Set<NetnsProcess>();
  private readonly subnets = new Set<number>();
  private cleaning: Promise<void> | undefined;
  /** Setup steps in flight: cleanup waits for them so nothing appears after it. */
  private readonly pending = new Set<Promise<unknown>>();

  constructor() {
    live.add(this);
    installExitHooks();
  }

  /** Namespaces created so far, in creation order. */
  get netnsNames(): readonly string[] {
    return this.namespaces;
  }

  get closed(): boolean {
    return this.cleaning !== undefined;
  }

  private assertOpen(): void {
    // A test body still running after its timeout must not recreate what cleanup removed.
    if (this.closed) throw new Error("lab already cleaned up");
  }

  private step<T>(run: () => Promise<T>): Promise<T> {
    this.assertOpen();
    const p = run();
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p)).catch(() => undefined);
    return p;
  }

  /** A new namespace with lo up. */
  async netns(): Promise<string> {
    return this.step(() => this.createNetns());
  }

  private async createNetns(): Promise<string> {
    const name = uniqueName();
    this.namespaces.push(name); // before creation: a half-made namespace still gets deleted
    await addNetns(name);
    return name;
  }

  /** A veth pair between two namespaces (or one and the host), up, with IPv4 and IPv6 (nodad). */
  async veth(a: VethEnd, b: VethEnd, opts: VethOptions = {}): Promise<VethPair> {
    return this.step(() => this.createVeth(a, b, opts));
  }

  private async createVeth(a: VethEnd, b: VethEnd, opts: VethOptions): Promise<VethPair> {
    if (a.ns === null && b.ns === null) throw new Error("at least one veth end must be in a lab namespace");
    const subnet = opts.subnet ?? (await this.freeSubnet());
    this.subnets.add(subnet);
    const nameA = a.name ?? uniqueName();
    const nameB = b.name ?? uniqueName();
    const where = (ns: Netns) => (ns === null ? [] : ["netns", ns]);
    // Record host ends first so cleanup deletes them even if setup fails midway.
    if (a.ns === null) this.hostLinks.push(nameA);
    if (b.ns === null) this.hostLinks.push(nameB);
    await ip(null, ["link", "add", nameA, ...where(a.ns), "type", "veth", "peer", "name", nameB, ...where(b.ns)]);

    const quiet = opts.quiet ?? true;
    const staticNeighbors = opts.staticNeighbors ?? true;
    if (quiet && !staticNeighbors) throw new Error("a quiet veth (IFF_NOARP) needs staticNeighbors");
    const ends = [
      { ns: a.ns, name: nameA, addrs: subnetAddresses(subnet, 1) },
      { ns: b.ns, name: nameB, addrs: subnetAddresses(subnet, 2) },
    ] as const;
    for (const end of ends) {
      await ipBatch(end.ns, [
        ...(opts.mtu ? [["link", "set", "dev", end.name, "mtu", String(opts.mtu)]] : []),
        // Before "up": the link-local address is generated when the link comes up.
        ...(quiet ? [["link", "set", "dev", end.name, "addrgenmode", "none", "arp", "off"]] : []),
        ["addr", "add", end.addrs.cidr4, "dev", end.name],
        ["addr", "add", end.addrs.cidr6, "dev", end.name, "nodad"],
        ["link", "set", "dev", end.name, "up"],
      ]);
    }
    const [infoA, infoB] = await Promise.all(ends.map((e) => linkInfo(e.ns, e.name)));
    if (!infoA || !infoB) throw new Error("veth ends vanished during setup");
    const pair: VethPair = {
      a: { ns: a.ns, name: nameA, ifindex: infoA.ifindex, mac: infoA.mac, ...ends[0].addrs },
      b: { ns: b.ns, name: nameB, ifindex: infoB.ifindex, mac: infoB.mac, ...ends[1].addrs },
      subnet,
    };
    if (staticNeighbors) {
      for (const [self, peer] of [[pair.a, pair.b], [pair.b, pair.a]] as const) {
        await ipBatch(self.ns, [
          ["neigh", "replace", peer.ipv4, "lladdr", peer.mac, "dev", self.name, "nud", "permanent"],
          ["neigh", "replace", peer.ipv6, "lladdr", peer.mac, "dev", self.name, "nud", "permanent"],
        ]);
      }
    }
    return pair;
  }

  private async freeSubnet(): Promise<number> {
    const used = await hostSubnetsInUse();
    // Start from the pid so parallel test processes rarely race for the same subnet.
    for (let i = 0; i < 254; i++) {
      const n = ((process.pid + i) % 254) + 1;
      if (!used.has(n) && !this.subnets.has(n)) return n;
    }
    throw new Error("no free 10.77.N.0/24 subnet");
  }

  /** Runs argv in `ns` to completion; the child dies with the lab if still running. */
  async exec(ns: Netns, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.assertOpen();
    return execIn(ns, argv, { ...opts, onSpawn: (p) => this.track(p) });
  }

  /** Like exec, throwing ExecError on a non-zero exit or timeout. */
  async execOk(ns: Netns, argv: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.assertOpen();
    return execOk(ns, argv, { ...opts, onSpawn: (p) => this.track(p) });
  }

  /** Starts a long-running process in `ns`; cleanup kills its process group. */
  spawn(ns: Netns, argv: string[], opts: SpawnOptions = {}): NetnsProcess {
    this.assertOpen();
    const proc = new NetnsProcess(ns, argv, opts);
    this.track(proc);
    return proc;
  }

  private track(proc: NetnsProcess): void {
    this.processes.add(proc);
    void proc.exited.finally(() => this.processes.delete(proc)).catch(() => undefined);
  }

  /** Kills the lab's processes, deletes its host links and namespaces. Idempotent. */
  cleanup(): Promise<void> {
    this.cleaning ??= this.doCleanup();
    return this.cleaning;
  }

  private async doCleanup(): Promise<void> {
    const errors: unknown[] = [];
    await Promise.allSettled([...this.pending]);
    const procs = [...this.processes];
    for (const p of procs) p.kill("SIGKILL");
    await Promise.all(procs.map((p) => p.exited.catch(() => undefined)));
    for (const link of this.hostLinks) {
      // Usually already gone with its peer's namespace; only a failure other than "missing" matters.
      const r = await execIn(null, ["ip", "link", "del", link], { timeoutMs: 15_000 });
      if (r.code !== 0 && !/Cannot find device|does not exist/.test(r.stderr)) errors.push(new Error(r.stderr.trim()));
    }
    for (const ns of this.namespaces) {
      try {
        await deleteNetns(ns);
      } catch (e) {
        errors.push(e);
      }
    }
    live.delete(this);
    if (errors.length > 0) throw new AggregateError(errors, "lab cleanup failed");
  }

  /** Last resort from the 'exit' hook: no event loop, so everything synchronous. */
  cleanupSync(): void {
    for (const p of this.processes) p.kill("SIGKILL");
    for (const link of this.hostLinks) spawnSync("ip", ["link", "del", link], { stdio: "ignore" });
    for (const ns of this.namespaces) {
      const pids = spawnSync("ip", ["netns", "pids", ns], { encoding: "utf8" }).stdout ?? "";
      for (const pid of pids.split("\n").filter(Boolean)) killQuietly(Number(pid));
      spawnSync("ip", ["netns", "del", ns], { stdio: "ignore" });
    }
    live.delete(this);
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // gone already
  }
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", () => {
    for (const lab of [...live]) lab.cleanupSync();
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const lab of [...live]) lab.cleanupSync();
      // Die of the same signal, as without this hook.
      process.kill(process.pid, signal);
    });
  }
}

async function newLab(): Promise<Lab> {
  // Once per process: the leftovers of earlier crashed runs.
  swept ??= sweepStale().catch(() => undefined);
  await swept;
  return new Lab();
}

/** A lab removed when the test ends (including failure and timeout). */
export async function createLab(t: TestContext): Promise<Lab> {
  const lab = await newLab();
  t.after(() => lab.cleanup());
  return lab;
}

export const DEFAULT_LAB_TIMEOUT_MS = 120_000;

/** Runs fn with a lab that is cleaned up afterwards, also on throw or timeout. */
export async function withLab<T>(fn: (lab: Lab) => Promise<T>, opts: { timeoutMs?: number } = {}): Promise<T> {
  const lab = await newLab();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_LAB_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`lab timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([fn(lab), timeout]);
  } finally {
    clearTimeout(timer);
    await lab.cleanup();
  }
}
