// Loader for the Node-API bridge in native/ (built by `npm run build` into
// build/Release/rfm_native.node). Everything kernel-facing goes through here.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { packagePath } from "../paths.js";

/** Opaque handle to a loaded BPF object (held by the addon). */
export type ObjectHandle = { readonly __brand: "rfm-bpf-object" };

export interface OpenOptions {
  /** Map name -> max_entries override, applied before load. */
  maxEntries?: Record<string, number>;
  /** Directory in bpffs: maps named in `pinMaps` are reused from / pinned to it. */
  pinPath?: string;
  pinMaps?: string[];
  /** Map name -> fd of an existing map to share instead of creating one. */
  reuseMaps?: Record<string, number>;
  /** `volatile const` globals (.rodata) to set before load: name -> value. */
  globals?: Record<string, number>;
}

export interface NativeAddon {
  /** libbpf version string, e.g. "1.1". */
  libbpfVersion(): string;
  /** Opens and loads a BPF ELF object into the kernel. Throws a BpfError-shaped error. */
  objectOpen(path: string, opts: OpenOptions): ObjectHandle;
  /** objectOpen with the load (the verifier) on the libuv pool; bad options throw at once. */
  objectOpenAsync(path: string, opts: OpenOptions): Promise<ObjectHandle>;
  objectClose(h: ObjectHandle): void;
  programFd(h: ObjectHandle, name: string): number;
  mapFd(h: ObjectHandle, name: string): number;
  /** Writes key/value bytes into a map (BPF_ANY). */
  mapUpdate(fd: number, key: Uint8Array, value: Uint8Array): void;
  /** Reads a map value; per-CPU maps return nCPU * value_size bytes. null when absent. */
  mapLookup(fd: number, key: Uint8Array, valueSize: number): Buffer | null;
  mapDelete(fd: number, key: Uint8Array): boolean;
  /** The whole map in a few BPF_MAP_LOOKUP_BATCH calls; valueSize includes every CPU for per-CPU maps. */
  mapLookupBatch(fd: number, keySize: number, valueSize: number, maxEntries: number): { keys: Buffer; values: Buffer; count: number };
  mapInfo(fd: number): { type: number; keySize: number; valueSize: number; maxEntries: number; id: number; name: string };
  programNames(h: ObjectHandle): string[];
  /** Number of possible CPUs (the stride of per-CPU values). */
  possibleCpus(): number;
  closeFd(fd: number): void;
  /** clock_gettime(CLOCK_BOOTTIME) in ns: the clock of event timestamps. */
  bootTimeNs(): bigint;
  /** Exclusive non-blocking flock on a directory; the fd holds it (EAGAIN: someone else does). */
  lockDir(path: string): number;
  /** TCX link; closing the returned fd detaches it. */
  tcxAttach(progFd: number, ifindex: number, dir: "ingress" | "egress", position: "head" | "tail", netnsPath?: string): number;
  /** clsact fallback for kernels without TCX. */
  tcAttach(progFd: number, ifindex: number, dir: "ingress" | "egress"): { handle: number; priority: number; createdQdisc: boolean };
  tcDetach(ifindex: number, dir: "ingress" | "egress", handle: number, priority: number, destroyQdisc?: boolean): void;
  /** BPF_PROG_TEST_RUN over one frame, `repeat` times; ctx is a struct __sk_buff image. */
  testRun(progFd: number, frame: Uint8Array, repeat: number, ctx?: Uint8Array): { retval: number; durationNs: number; ctx?: Buffer };

  /**
   * Ring buffer consumer on Node's loop. `onBatch` gets the same Buffer every
   * time with `count` fixed-size records in it (read it before returning), or
   * count 0 and an errno when consuming failed.
   */
  ringOpen(mapFd: number, recordSize: number, batchRecords: number, onBatch: (batch: Buffer, count: number, errno: number) => void): RingHandle;
  /** Consumes whatever is in the ring now (events below the wakeup batch); returns records consumed. */
  ringDrain(h: RingHandle): number;
  ringStats(h: RingHandle): { records: number; batches: number; badRecords: number };
  ringClose(h: RingHandle): void;

  /** rtnetlink socket subscribed to link events, in netnsPath's namespace ("" = ours). */
  netlinkOpen(netnsPath: string, onMessages: (batch: Buffer | null, errno: number) => void): NetlinkHandle;
  /** Asks for a dump of every link; the answer arrives through onMessages. Returns its sequence number. */
  netlinkDumpLinks(h: NetlinkHandle): number;
  netlinkClose(h: NetlinkHandle): void;
}

export type RingHandle = { readonly __brand: "rfm-ring" };
export type NetlinkHandle = { readonly __brand: "rfm-netlink" };

/** Error thrown by the addon: errno plus, for verifier rejections, the tail of the log. */
export interface BpfError extends Error {
  errno: number;
  code: string;
  verifierLog?: string;
}

export function isBpfError(e: unknown): e is BpfError {
  return e instanceof Error && typeof (e as Partial<BpfError>).errno === "number";
}

export const ADDON_PATH = packagePath("build", "Release", "rfm_native.node");

let cached: NativeAddon | undefined;

/** Loads the addon once; a missing build gets a message naming the fix. */
export function loadAddon(): NativeAddon {
  if (cached) return cached;
  if (!existsSync(ADDON_PATH)) {
    throw new Error(`native addon not built (${ADDON_PATH} missing): run \`npm run build\` (needs the Debian packages clang, libbpf-dev, pkg-config)`);
  }
  const require = createRequire(import.meta.url);
  cached = require(ADDON_PATH) as NativeAddon;
  return cached;
}
