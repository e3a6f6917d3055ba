// The loaded kernel side of the agent: one BPF object with its two programs
// and maps, sized from the config. Attaching to interfaces is the watcher's job.
import { mkdirSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { loadAddon, isBpfError, type NativeAddon, type ObjectHandle } from "./addon.js";
import { packagePath } from "../paths.js";
import {
  GLOBAL_NETNS_TAG, GLOBAL_PRECISE_CLOCK, IFACE_KEY_NETNS, MAX_NETNS_TAG,
  MAP_CONFIG, MAP_CPU, MAP_EVENTS, MAP_IFACE_STATS, PROG_EGRESS, PROG_INGRESS, encodeConfig, decodeConfig, CONFIG_SIZE,
  IFACE_KEY_SIZE, IFACE_VALUE_SIZE, IFACE_SLOT_SIZE, IFACE_SLOTS, SLOT_FAMILIES, MAP_IFACE_SLOTS, CPU_STATE_SIZE, CPU, DIR_INGRESS, DIR_EGRESS, FAMILY_OTHER, FAMILY_IPV4, FAMILY_IPV6,
} from "./layout.js";

export interface IfaceCounter {
  ifindex: number;
  /** Namespace tag of the program instance that counted it (0: the agent's own namespace). */
  netns: number;
  dir: number;
  family: number;
  packets: number;
  bytes: number;
}

export const BPF_OBJECT_PATH = packagePath("dist", "bpf", "rfm_tc.o");

export interface DatapathOptions {
  objectPath?: string;
  ringBufSize: number;
  ifaceStatsSize: number;
  sampleRate: number;
  wakeupBatch: number;
  /** bpffs directory where the interface counters are pinned and reused. */
  pinPath?: string;
  /** Interfaces with ifindex below this count in array slots, the rest in the hash (tests lower it). */
  ifaceSlots?: number;
  /** Event timestamps read per event (true) or once per kernel tick and CPU (false, the default: ~40 ns less per event). */
  preciseClock?: boolean;
}

/** The two programs of one instance: what gets attached to an interface. */
export interface Programs {
  readonly ingressFd: number;
  readonly egressFd: number;
}

/** A program instance for another network namespace; close() unloads it (once detached everywhere). */
export interface NamespacePrograms extends Programs {
  readonly tag: number;
  close(): void;
}

export class Datapath implements Programs {
  readonly ingressFd: number;
  readonly egressFd: number;
  readonly configFd: number;
  readonly ifaceStatsFd: number;
  readonly ifaceSlotsFd: number;
  /** max_entries of the slot array: ifindexes below it are counted there. */
  readonly ifaceSlots: number;
  readonly cpuFd: number;
  readonly eventsFd: number;
  private handle: ObjectHandle | undefined;
  private lockFd = -1;
  /** Stride of per-CPU map values. */
  readonly cpus: number;

  private objectPath = BPF_OBJECT_PATH;
  private preciseClock = 0;

  private constructor(private readonly addon: NativeAddon, handle: ObjectHandle) {
    this.handle = handle;
    this.ingressFd = addon.programFd(handle, PROG_INGRESS);
    this.egressFd = addon.programFd(handle, PROG_EGRESS);
    this.configFd = addon.mapFd(handle, MAP_CONFIG);
    this.ifaceStatsFd = addon.mapFd(handle, MAP_IFACE_STATS);
    this.ifaceSlotsFd = addon.mapFd(handle, MAP_IFACE_SLOTS);
    this.ifaceSlots = addon.mapInfo(this.ifaceSlotsFd).maxEntries;
    this.cpuFd = addon.mapFd(handle, MAP_CPU);
    this.eventsFd = addon.mapFd(handle, MAP_EVENTS);
    this.cpus = addon.possibleCpus();
  }

  /** Loads the object into the kernel (the verifier runs here) and writes the runtime config. */
  static open(opts: DatapathOptions): Datapath {
    const addon = loadAddon();
    const lockFd = opts.pinPath ? lockPinPath(opts.pinPath) : -1;
    let handle: ObjectHandle;
    try {
      handle = addon.objectOpen(opts.objectPath ?? BPF_OBJECT_PATH, {
        maxEntries: { [MAP_EVENTS]: opts.ringBufSize, [MAP_IFACE_STATS]: opts.ifaceStatsSize, [MAP_IFACE_SLOTS]: opts.ifaceSlots ?? IFACE_SLOTS },
        // Set only when not the object's default, so builds without it (benchmark baselines) still load.
        ...(opts.preciseClock ? { globals: { [GLOBAL_PRECISE_CLOCK]: 1 } } : {}),
        ...(opts.pinPath ? { pinPath: opts.pinPath, pinMaps: [MAP_IFACE_STATS, MAP_IFACE_SLOTS] } : {}),
      });
    } catch (e) {
      if (lockFd >= 0) addon.closeFd(lockFd);
      if (opts.pinPath && isBpfError(e) && /reuse pinned map/.test(e.verifierLog ?? "")) {
        const pinned = [MAP_IFACE_STATS, MAP_IFACE_SLOTS].map((m) => join(opts.pinPath!, m));
        throw new Error(
          `the pinned interface counters at ${pinned[0]} do not fit this configuration (another iface_stats_size or an older rfm): ` +
            `remove the pins (rm ${pinned.join(" ")}; the counters restart from 0) or set agent.bpf.iface_stats_size back to the size it was pinned with`,
        );
      }
      throw e;
    }
    const dp = new Datapath(addon, handle);
    dp.lockFd = lockFd;
    dp.objectPath = opts.objectPath ?? BPF_OBJECT_PATH;
    dp.preciseClock = opts.preciseClock ? 1 : 0;
    try {
      dp.setConfig(opts.sampleRate, opts.wakeupBatch);
    } catch (e) {
      dp.close();
      throw e;
    }
    return dp;
  }

  /**
   * Loads another instance of the programs for a network namespace, tagged
   * `tag` (1..255) and sharing every map with this one: counters, events and
   * the runtime config stay in one place, told apart by the tag. The load
   * runs on the libuv pool.
   */
  async openNamespacePrograms(tag: number): Promise<NamespacePrograms> {
    if (!Number.isInteger(tag) || tag < 1 || tag > MAX_NETNS_TAG) throw new RangeError(`namespace tag must be 1..${MAX_NETNS_TAG}, got ${tag}`);
    // The verifier takes tens of ms: off the event loop, so the ring keeps being drained meanwhile.
    const h = await this.addon.objectOpenAsync(this.objectPath, {
      reuseMaps: {
        [MAP_CONFIG]: this.configFd,
        [MAP_IFACE_STATS]: this.ifaceStatsFd,
        [MAP_IFACE_SLOTS]: this.ifaceSlotsFd,
        [MAP_CPU]: this.cpuFd,
        [MAP_EVENTS]: this.eventsFd,
      },
      globals: { [GLOBAL_NETNS_TAG]: tag, ...(this.preciseClock ? { [GLOBAL_PRECISE_CLOCK]: 1 } : {}) },
    });
    const addon = this.addon;
    return {
      tag,
      ingressFd: addon.programFd(h, PROG_INGRESS),
      egressFd: addon.programFd(h, PROG_EGRESS),
      close: () => addon.objectClose(h),
    };
  }

  /** Rewrites sample rate and wakeup batch in the running programs, no reload. */
  setConfig(sampleRate: number, wakeupBatch: number): void {
    this.addon.mapUpdate(this.configFd, new Uint8Array(4), encodeConfig(sampleRate, wakeupBatch));
  }

  readConfig(): { sampleRate: number; wakeupBatch: number } {
    const b = this.addon.mapLookup(this.configFd, new Uint8Array(4), CONFIG_SIZE);
    if (!b) throw new Error("rfm_config map has no entry 0");
    return decodeConfig(b);
  }

  /**
   * Every interface counter, summed over CPUs: the per-ifindex slots and the
   * hash (for large ifindexes), each read whole in a few batch syscalls.
   */
  readIfaceCounters(): IfaceCounter[] {
    const out: IfaceCounter[] = [];
    const cpus = this.cpus;
    const slotStride = IFACE_SLOT_SIZE;
    const slots = this.addon.mapLookupBatch(this.ifaceSlotsFd, 4, slotStride * cpus, this.ifaceSlots);
    for (let i = 0; i < slots.count; i++) {
      const ifindex = slots.keys.readUInt32LE(i * 4);
      const base = i * slotStride * cpus;
      for (let dir = 0; dir < 2; dir++) {
        for (let fi = 0; fi < 3; fi++) {
          const off = (dir * 3 + fi) * IFACE_VALUE_SIZE;
          let packets = 0;
          let bytes = 0;
          for (let c = 0; c < cpus; c++) {
            packets += Number(slots.values.readBigUInt64LE(base + c * slotStride + off));
            bytes += Number(slots.values.readBigUInt64LE(base + c * slotStride + off + 8));
          }
          if (packets > 0) out.push({ ifindex, netns: 0, dir, family: SLOT_FAMILIES[fi], packets, bytes });
        }
      }
    }
    const stride = IFACE_VALUE_SIZE;
    const max = this.addon.mapInfo(this.ifaceStatsFd).maxEntries;
    const hash = this.addon.mapLookupBatch(this.ifaceStatsFd, IFACE_KEY_SIZE, stride * cpus, max);
    for (let i = 0; i < hash.count; i++) {
      const key = hash.keys.subarray(i * IFACE_KEY_SIZE, (i + 1) * IFACE_KEY_SIZE);
      const base = i * stride * cpus;
      let packets = 0;
      let bytes = 0;
      for (let c = 0; c < cpus; c++) {
        packets += Number(hash.values.readBigUInt64LE(base + c * stride));
        bytes += Number(hash.values.readBigUInt64LE(base + c * stride + 8));
      }
      out.push({ ifindex: key.readUInt32LE(0), netns: key[IFACE_KEY_NETNS], dir: key[4], family: key[5], packets, bytes });
    }
    return out;
  }

  /**
   * Per-CPU datapath counters, summed. Every sampled packet is either a
   * submitted event or a ring drop: `submits + ringDrops` is what was sampled.
   */
  readCpuState(): { ringDrops: number; submits: number; ifaceErrors: number; gsoHdrErrors: number } {
    const stride = CPU_STATE_SIZE;
    const v = this.addon.mapLookup(this.cpuFd, new Uint8Array(4), stride * this.cpus);
    const r = { ringDrops: 0, submits: 0, ifaceErrors: 0, gsoHdrErrors: 0 };
    if (!v) return r;
    for (let c = 0; c < this.cpus; c++) {
      r.ringDrops += Number(v.readBigUInt64LE(c * stride + CPU.ringDrops));
      r.submits += Number(v.readBigUInt64LE(c * stride + CPU.submits));
      r.ifaceErrors += Number(v.readBigUInt64LE(c * stride + CPU.ifaceErrors));
      r.gsoHdrErrors += Number(v.readBigUInt64LE(c * stride + CPU.gsoHdrErrors));
    }
    return r;
  }

  /** Drops an interface's counters (it went away): every direction and family. */
  deleteIfaceCounters(ifindex: number, netns = 0): void {
    if (netns === 0 && ifindex < this.ifaceSlots) {
      const key = new Uint8Array(4);
      new DataView(key.buffer).setUint32(0, ifindex, true);
      this.addon.mapUpdate(this.ifaceSlotsFd, key, new Uint8Array(IFACE_SLOT_SIZE * this.cpus));
    }
    const key = new Uint8Array(IFACE_KEY_SIZE);
    new DataView(key.buffer).setUint32(0, ifindex, true);
    key[IFACE_KEY_NETNS] = netns;
    for (const dir of [DIR_INGRESS, DIR_EGRESS]) {
      for (const family of [FAMILY_OTHER, FAMILY_IPV4, FAMILY_IPV6]) {
        key[4] = dir;
        key[5] = family;
        this.addon.mapDelete(this.ifaceStatsFd, key);
      }
    }
  }

  /** Drops every counter of a namespace tag (the namespace went away, or its tag is stale after a restart). */
  deleteNamespaceCounters(netns: number): number {
    const max = this.addon.mapInfo(this.ifaceStatsFd).maxEntries;
    const hash = this.addon.mapLookupBatch(this.ifaceStatsFd, IFACE_KEY_SIZE, IFACE_VALUE_SIZE * this.cpus, max);
    let deleted = 0;
    for (let i = 0; i < hash.count; i++) {
      const key = hash.keys.subarray(i * IFACE_KEY_SIZE, (i + 1) * IFACE_KEY_SIZE);
      if (key[IFACE_KEY_NETNS] === netns && this.addon.mapDelete(this.ifaceStatsFd, key)) deleted++;
    }
    return deleted;
  }

  close(): void {
    if (this.handle) this.addon.objectClose(this.handle);
    this.handle = undefined;
    if (this.lockFd >= 0) this.addon.closeFd(this.lockFd);
    this.lockFd = -1;
  }
}

/** Loads the object into the kernel and unloads it: the verifier's verdict. */
export function verifyObject(path: string = BPF_OBJECT_PATH): { programs: string[] } {
  const addon = loadAddon();
  const h = addon.objectOpen(path, {});
  try {
    return { programs: addon.programNames(h) };
  } finally {
    addon.objectClose(h);
  }
}

const BPF_FS_MAGIC = 0xcafe4a11;

/**
 * Creates the pin directory on bpffs and takes its lock, so a second agent on
 * the same pin_path is refused instead of sharing (and double counting) maps.
 */
function lockPinPath(pinPath: string): number {
  mkdirSync(pinPath, { recursive: true, mode: 0o750 });
  if (statfsSync(pinPath).type !== BPF_FS_MAGIC) {
    throw new Error(`agent.bpf.pin_path ${pinPath} is not on a bpffs mount: mount one (mount -t bpf bpf /sys/fs/bpf) and use a directory below it`);
  }
  try {
    return loadAddon().lockDir(pinPath);
  } catch (e) {
    if (isBpfError(e) && (e.code === "EAGAIN" || e.code === "EWOULDBLOCK")) {
      throw new Error(`another rfm agent is running with pin_path ${pinPath} (its lock is held); stop it first or give each agent its own pin_path`);
    }
    throw e;
  }
}
