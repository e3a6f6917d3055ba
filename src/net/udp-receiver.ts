// Batched UDP receive for the flow collectors, over the addon's recvmmsg
// socket (native/udp.c): one callback per batch of datagrams, never one per
// datagram, and nothing allocated per datagram unless the caller asks for it
// (a subarray, the address text, an exact bigint time).
//
// The batch lives in two buffers the addon reuses for every batch: read or
// copy what you keep before the callback returns. After it returns the batch
// is empty (count 0) and its accessors throw.
import { constants } from "node:os";
import { loadAddon, type NativeAddon, type UdpBoundAddress, type UdpHandle, type UdpSocketStats } from "../bpf/addon.js";
import { formatAddress } from "./address.js";

/** uint32 words per datagram in the metadata, as native/udp.c lays them out. */
export const UDP_META_WORDS = 12;
const W_OFFSET = 0;
const W_LENGTH = 1;
const W_WIRE_LENGTH = 2;
const W_FLAGS = 3;
const W_ADDRESS = 4;
const W_PORT = 8;
const W_SEC = 9;
const W_NSEC = 10;
const W_SCOPE = 11;
const FLAG_TRUNCATED = 1;

export interface UdpReceiverOptions {
  /** Address to bind: IPv4 (an IPv4 socket) or IPv6; "::" (the default) takes IPv4 too, shown as IPv4. */
  host?: string;
  /** 0 picks a free port; `address.port` says which. */
  port: number;
  /** SO_REUSEPORT, so several receivers (one per worker) share the port; the kernel keeps each source on one. */
  reusePort?: boolean;
  /** Receive buffer to ask for (SO_RCVBUFFORCE, else SO_RCVBUF capped at net.core.rmem_max); default: the kernel's. */
  receiveBufferBytes?: number;
  /** Octets of the batch buffer, split into `maxDatagrams` equal slots (default maxDatagrams * 9216). */
  batchBytes?: number;
  /** Datagrams per batch, 1 to 65536 (default 256). */
  maxDatagrams?: number;
  /** A failed read (the socket stays open); without it failures are only counted in stats().errors. */
  onError?: (err: UdpReceiveError) => void;
}

export interface UdpReceiveError extends Error {
  errno: number;
  code: string;
}

export type UdpReceiverStats = UdpSocketStats;

/**
 * One batch of datagrams, valid only during the onBatch call. The same
 * object comes back for every batch; per-index accessors read straight from
 * the addon's buffers.
 */
export class UdpBatch {
  /** Datagrams in the batch; 0 outside the onBatch call. */
  count = 0;
  /** The whole batch buffer: datagram i is `buffer[offset(i), offset(i) + length(i))`, for decoders that take an offset. */
  buffer: Uint8Array = new Uint8Array(0);
  private meta: Uint32Array = new Uint32Array(0);
  private metaBytes: Uint8Array = new Uint8Array(0);
  private bytesAb: ArrayBuffer | undefined;
  private metaAb: ArrayBuffer | undefined;

  /** @internal Points the views at the addon's buffers (made again only if the addon replaced them). */
  attach(bytes: ArrayBuffer, meta: ArrayBuffer, count: number): void {
    if (bytes !== this.bytesAb) {
      this.bytesAb = bytes;
      this.buffer = new Uint8Array(bytes);
    }
    if (meta !== this.metaAb) {
      this.metaAb = meta;
      this.meta = new Uint32Array(meta);
      this.metaBytes = new Uint8Array(meta);
    }
    this.count = count;
  }

  private at(i: number): number {
    if (i >>> 0 !== i || i >= this.count) throw new RangeError(`datagram ${i} of a batch of ${this.count} (a batch is read inside its callback only)`);
    return i * UDP_META_WORDS;
  }

  /** Where datagram i starts in `buffer`. */
  offset(i: number): number {
    return this.meta[this.at(i) + W_OFFSET];
  }

  /** Octets of datagram i in the buffer (at most the slot size). */
  length(i: number): number {
    return this.meta[this.at(i) + W_LENGTH];
  }

  /** Octets datagram i had on the wire (more than length(i) when truncated). */
  wireLength(i: number): number {
    return this.meta[this.at(i) + W_WIRE_LENGTH];
  }

  /** Datagram i was longer than a slot and is cut to it. */
  truncated(i: number): boolean {
    return (this.meta[this.at(i) + W_FLAGS] & FLAG_TRUNCATED) !== 0;
  }

  /** Datagram i's octets: a view into the reused buffer (copy it to keep it). */
  bytes(i: number): Uint8Array {
    const w = this.at(i);
    const off = this.meta[w + W_OFFSET];
    return this.buffer.subarray(off, off + this.meta[w + W_LENGTH]);
  }

  /** Source port of datagram i. */
  port(i: number): number {
    return this.meta[this.at(i) + W_PORT];
  }

  /** The source is IPv4 (an IPv4 socket, or IPv4-mapped on a dual-stack one). */
  isIPv4(i: number): boolean {
    const a = this.at(i) * 4 + W_ADDRESS * 4;
    const m = this.metaBytes;
    for (let k = 0; k < 10; k++) if (m[a + k] !== 0) return false;
    return m[a + 10] === 0xff && m[a + 11] === 0xff;
  }

  /** Source address text of datagram i: dotted quad for IPv4 (mapped or not), RFC 5952 for IPv6. Allocates. */
  address(i: number): string {
    const a = this.at(i) * 4 + W_ADDRESS * 4;
    return formatAddress(this.metaBytes.subarray(a, a + 16));
  }

  /** Scope (interface index) of a link-local IPv6 source, else 0. */
  scopeId(i: number): number {
    return this.meta[this.at(i) + W_SCOPE];
  }

  /** Copies datagram i's 16-octet source address (IPv4 mapped) into `out` at `outOffset`, without allocating. */
  copyAddress(i: number, out: Uint8Array, outOffset = 0): void {
    const a = this.at(i) * 4 + W_ADDRESS * 4;
    out.set(this.metaBytes.subarray(a, a + 16), outOffset);
  }

  /** Receive time of datagram i (the kernel's SO_TIMESTAMPNS, CLOCK_REALTIME): whole seconds since the Unix epoch. */
  receivedSeconds(i: number): number {
    return this.meta[this.at(i) + W_SEC];
  }

  /** The nanoseconds within receivedSeconds(i). */
  receivedNanoseconds(i: number): number {
    return this.meta[this.at(i) + W_NSEC];
  }

  /** Receive time of datagram i in ns since the epoch as a number (exact to 256 ns today; receivedNsBigInt is exact). */
  receivedNs(i: number): number {
    const w = this.at(i);
    return this.meta[w + W_SEC] * 1e9 + this.meta[w + W_NSEC];
  }

  /** Receive time of datagram i in ns since the epoch, exact. Allocates a bigint. */
  receivedNsBigInt(i: number): bigint {
    const w = this.at(i);
    return BigInt(this.meta[w + W_SEC]) * 1_000_000_000n + BigInt(this.meta[w + W_NSEC]);
  }
}

const errnoNames = new Map(Object.entries(constants.errno).map(([name, no]) => [no, name]));

/**
 * A UDP socket whose datagrams arrive in batches on this thread's loop.
 * Works on the main thread and in worker threads; with `reusePort` one
 * receiver per worker shares a port.
 */
export class UdpReceiver {
  /** Bound address and port (port 0 resolved), the slot size and batch capacity. */
  readonly address: UdpBoundAddress;
  private handle: UdpHandle | undefined;
  private finalStats: UdpReceiverStats | undefined;

  private constructor(
    private readonly addon: NativeAddon,
    handle: UdpHandle,
  ) {
    this.handle = handle;
    this.address = addon.udpAddress(handle);
  }

  /**
   * Binds and starts receiving. `onBatch` runs once per drained batch (up to
   * maxDatagrams datagrams) and must read or copy before returning. Bind
   * failures throw with `code` (EADDRINUSE, EADDRNOTAVAIL, EACCES...) and `errno`.
   */
  static open(opts: UdpReceiverOptions, onBatch: (batch: UdpBatch) => void, addon: NativeAddon = loadAddon()): UdpReceiver {
    if (addon.udpMetaWords !== UDP_META_WORDS) throw new Error(`native addon lays out ${addon.udpMetaWords} metadata words per datagram, expected ${UDP_META_WORDS}: rebuild it`);
    const batch = new UdpBatch();
    const { onError } = opts;
    const handle = addon.udpOpen(
      {
        host: opts.host,
        port: opts.port,
        reusePort: opts.reusePort,
        receiveBufferBytes: opts.receiveBufferBytes,
        batchBytes: opts.batchBytes,
        maxDatagrams: opts.maxDatagrams,
      },
      (bytes, meta, count, errno) => {
        if (count > 0) {
          batch.attach(bytes, meta, count);
          try {
            onBatch(batch);
          } finally {
            batch.count = 0;
          }
        }
        if (errno !== 0 && onError) {
          const code = errnoNames.get(errno) ?? "EUNKNOWN";
          onError(Object.assign(new Error(`UDP receive failed: ${code}`), { errno, code }));
        }
      },
    );
    return new UdpReceiver(addon, handle);
  }

  get closed(): boolean {
    return this.handle === undefined;
  }

  /** Counters; after close, the last ones read before closing. */
  stats(): UdpReceiverStats {
    return this.handle ? this.addon.udpStats(this.handle) : (this.finalStats as UdpReceiverStats);
  }

  /** Closes the socket now (the port is free on return); no batch follows. Idempotent. */
  close(): void {
    if (!this.handle) return;
    const h = this.handle;
    this.finalStats = this.addon.udpStats(h);
    this.handle = undefined;
    this.addon.udpClose(h);
  }
}
