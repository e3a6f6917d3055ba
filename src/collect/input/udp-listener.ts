// The UDP input (`-H HOST -p PORT`): the addon's batched receiver (one JS
// call per batch of datagrams, never one per datagram). Each batch is
// copied out of the receiver's reused buffer into one buffer of its own,
// because the pipeline after it is asynchronous (the output may wait for a
// disk); batches wait in a bounded queue, and what arrives while it is full
// is dropped and counted, never buffered without limit. A batch goes to the
// pipeline in pieces of at most `pieceOctets` of payload, since what one
// step of it builds grows with the records (a datagram of 1-octet records
// holds thousands of them).
import { UdpReceiver, type UdpBatch, type UdpReceiverStats } from "../../net/udp-receiver.js";
import type { Datagram } from "../datagram.js";

/**
 * The socket's receive buffer asked for: exporters send in bursts (a router
 * flushing its cache), and the kernel's default (~200 KiB) drops a burst
 * the pipeline would have caught up with. Granted in full to root
 * (SO_RCVBUFFORCE), else up to net.core.rmem_max.
 */
const DEFAULT_RECEIVE_BUFFER = 32 << 20;

/**
 * Payload octets handed to the pipeline at a time (a datagram longer than
 * this goes alone). A full batch of datagrams of common size (256 of 1,400
 * octets, 350 KiB) goes in two pieces; one of 9,000-octet datagrams of
 * 1-octet records (2.3 million records) in nine, each building at most
 * 262,144 records.
 */
const DEFAULT_PIECE_OCTETS = 256 << 10;

export interface UdpListenerOptions {
  host: string;
  port: number;
  /** Share the port with other listeners (one per worker). */
  reusePort?: boolean;
  receiveBufferBytes?: number;
  /** Batches waiting for the pipeline before new ones are dropped (default 64). */
  maxQueuedBatches?: number;
  /** Payload octets the pipeline gets at a time (default 256 KiB; one datagram at least). */
  pieceOctets?: number;
  onDatagrams: (batch: readonly Datagram[]) => Promise<void>;
  onError?: (e: Error) => void;
}

export interface UdpListenerStats {
  socket: UdpReceiverStats;
  /** Datagrams dropped because the pipeline was behind (queue full). */
  queueDrops: number;
}

export class UdpListener {
  private readonly receiver: UdpReceiver;
  /** Batches received, each in its pieces. */
  private readonly queue: Datagram[][][] = [];
  private running: Promise<void> | undefined;
  queueDrops = 0;

  private constructor(private readonly opts: UdpListenerOptions) {
    this.receiver = UdpReceiver.open(
      {
        host: opts.host, port: opts.port, ...(opts.reusePort ? { reusePort: true } : {}),
        receiveBufferBytes: opts.receiveBufferBytes ?? DEFAULT_RECEIVE_BUFFER,
        ...(opts.onError ? { onError: opts.onError } : {}),
      },
      (batch) => this.take(batch),
    );
  }

  static open(opts: UdpListenerOptions): UdpListener {
    return new UdpListener(opts);
  }

  get address(): { address: string; port: number } {
    return this.receiver.address;
  }

  stats(): UdpListenerStats {
    return { socket: this.receiver.stats(), queueDrops: this.queueDrops };
  }

  /**
   * Drains what the socket holds (up to `drainMs`: an exporter still sending
   * could keep it busy for ever), then stops receiving and resolves once every
   * queued batch went through the pipeline. What the socket still held is
   * left in `undrainedBytes`.
   */
  async close(drainMs = 5000): Promise<void> {
    const until = Date.now() + drainMs;
    while (!this.receiver.closed && this.receiver.stats().queuedBytes > 0 && Date.now() < until) {
      await (this.running ?? new Promise((r) => setTimeout(r, 5)));
    }
    if (!this.receiver.closed) this.undrainedBytes = this.receiver.stats().queuedBytes;
    this.receiver.close();
    await this.running;
  }

  /** Octets left in the socket when it closed (the drain ran out of time). */
  undrainedBytes = 0;

  private take(batch: UdpBatch): void {
    if (this.queue.length >= (this.opts.maxQueuedBatches ?? 64)) {
      this.queueDrops += batch.count;
      return;
    }
    let total = 0;
    for (let i = 0; i < batch.count; i++) total += batch.length(i);
    const copy = new Uint8Array(total);
    const out: Datagram[] = new Array<Datagram>(batch.count);
    let at = 0;
    for (let i = 0; i < batch.count; i++) {
      const n = batch.length(i);
      copy.set(batch.bytes(i), at);
      const sec = batch.receivedSeconds(i);
      const ns = batch.receivedNanoseconds(i);
      out[i] = {
        bytes: copy.subarray(at, at + n), exporter: batch.address(i), exporterPort: batch.port(i),
        receivedMs: sec * 1000 + Math.floor(ns / 1e6), receivedNs: ns % 1e6,
      };
      at += n;
    }
    this.queue.push(pieces(out, total, this.opts.pieceOctets ?? DEFAULT_PIECE_OCTETS));
    this.running ??= this.drain();
  }

  private async drain(): Promise<void> {
    for (let b = this.queue.shift(); b; b = this.queue.shift()) {
      for (const piece of b) {
        try {
          await this.opts.onDatagrams(piece);
        } catch (e) {
          this.opts.onError?.(e as Error);
        }
      }
    }
    this.running = undefined;
  }
}

/** The batch cut into runs of at most `max` payload octets (a longer datagram alone). */
export function pieces(batch: Datagram[], total: number, max: number): Datagram[][] {
  if (total <= max) return [batch];
  const out: Datagram[][] = [];
  let from = 0;
  let octets = 0;
  for (let i = 0; i < batch.length; i++) {
    const n = batch[i]!.bytes.length;
    if (i > from && octets + n > max) {
      out.push(batch.slice(from, i));
      from = i;
      octets = 0;
    }
    octets += n;
  }
  out.push(batch.slice(from));
  return out;
}
