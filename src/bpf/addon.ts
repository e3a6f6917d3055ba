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

  /**
   * UDP socket on the calling thread's loop (main or worker), drained with
   * recvmmsg (native/udp.c). `onBatch` gets the same two ArrayBuffers every
   * time: `bytes` (maxDatagrams fixed slots of batchBytes / maxDatagrams
   * octets) and `meta` (`udpMetaWords` uint32 per datagram: offset, length,
   * wire length, flags, 16-octet IPv4-mapped source, port, seconds, ns, IPv6
   * scope id), with
   * `count` datagrams; or count 0 and an errno when reading failed. Read or
   * copy before returning: the next batch overwrites both. Throws a
   * BpfError-shaped error (errno, code such as EADDRINUSE) when the socket
   * cannot be set up or bound.
   */
  udpOpen(opts: UdpOpenOptions, onBatch: (bytes: ArrayBuffer, meta: ArrayBuffer, count: number, errno: number) => void): UdpHandle;
  /** What the socket is bound to (port 0 resolved) and its batch geometry. */
  udpAddress(h: UdpHandle): UdpBoundAddress;
  udpStats(h: UdpHandle): UdpSocketStats;
  /** Closes the socket at once (the port is free on return); idempotent. */
  udpClose(h: UdpHandle): void;
  /** Replaces the process image (execve(2) with the current environment); returns only by throwing. */
  execve(path: string, argv: string[]): never;
  /** uint32 words of metadata per datagram in udpOpen's `meta`. */
  readonly udpMetaWords: number;
}

export type RingHandle = { readonly __brand: "rfm-ring" };
export type NetlinkHandle = { readonly __brand: "rfm-netlink" };
export type UdpHandle = { readonly __brand: "rfm-udp" };

export interface UdpOpenOptions {
  /** IPv4 or IPv6 address to bind; "::" (the default) takes IPv4 too, as ::ffff:a.b.c.d. */
  host?: string;
  /** 0 picks a free port (see udpAddress). */
  port: number;
  /** SO_REUSEPORT: sockets sharing the port, the kernel keeping each source on one of them. */
  reusePort?: boolean;
  /** SO_RCVBUFFORCE, or SO_RCVBUF (capped at net.core.rmem_max) without CAP_NET_ADMIN; absent or 0: the kernel's default. */
  receiveBufferBytes?: number;
  /** Octets of the batch buffer, split into maxDatagrams equal slots (default maxDatagrams * 9216). */
  batchBytes?: number;
  /** Datagrams per batch, 1 to 65536 (default 256). */
  maxDatagrams?: number;
}

export interface UdpBoundAddress {
  address: string;
  port: number;
  family: "IPv4" | "IPv6";
  /** Octets per datagram slot; a longer datagram is cut to it and flagged truncated. */
  slotBytes: number;
  maxDatagrams: number;
}

export interface UdpSocketStats {
  datagrams: number;
  /** onBatch calls that carried datagrams. */
  batches: number;
  /** Datagrams longer than a slot (MSG_TRUNC). */
  truncated: number;
  /** Failed reads (each reported to onBatch with its errno). */
  errors: number;
  /** Datagrams the kernel dropped on this socket (receive buffer full), read now (SO_MEMINFO). */
  kernelDrops: number;
  /** The same count as the latest received datagram carried it (SO_RXQ_OVFL): it lags until a datagram follows the drops. */
  rxqOverflow: number;
  /** The socket's receive buffer as the kernel accounts it (twice what was asked). */
  receiveBufferBytes: number;
  /** What waits in the receive queue now, in the kernel's accounting (0: read empty). */
  queuedBytes: number;
}

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
