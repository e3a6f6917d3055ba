// NetFlow v9 data FlowSets that came before their template (RFC 3954 lets
// an exporter send them apart), held briefly and decoded once the template
// arrives. Bounded by count, octets and age: past a bound the oldest goes,
// counted, and so does one that waited longer than `maxAgeMs` (looked at
// whenever a FlowSet is held or a template arrives).
import type { NetflowV9PendingFlowSet } from "../../netflow-v9/index.js";

interface Held {
  session: string;
  pending: NetflowV9PendingFlowSet;
  heldAtMs: number;
}

export interface PendingStats {
  held: number;
  decodedLate: number;
  /** Dropped for a bound (count, octets) or for age: data whose template never came in time. */
  dropped: number;
  /** Of those, dropped for age. */
  expired: number;
}

export class PendingFlowSets {
  readonly stats: PendingStats = { held: 0, decodedLate: 0, dropped: 0, expired: 0 };
  private readonly queue: Held[] = [];
  private octets = 0;

  constructor(private readonly maxFlowSets = 1024, private readonly maxOctets = 4 << 20, private readonly maxAgeMs = 10_000) {}

  get size(): number {
    return this.queue.length;
  }

  /** Octets of the FlowSets held. */
  get heldOctets(): number {
    return this.octets;
  }

  hold(session: string, pending: NetflowV9PendingFlowSet, nowMs: number): void {
    this.dropExpired(nowMs);
    this.queue.push({ session, pending, heldAtMs: nowMs });
    this.octets += pending.bytes.length;
    this.stats.held++;
    while (this.queue.length > this.maxFlowSets || this.octets > this.maxOctets) this.dropOldest();
  }

  /**
   * Hands each held FlowSet of `session` to `attempt`, which returns true
   * when it could decode it (its template is there now); those are let go.
   * Held ones past their age go first.
   */
  retry(session: string, nowMs: number, attempt: (p: NetflowV9PendingFlowSet) => boolean): void {
    this.dropExpired(nowMs);
    for (let i = 0; i < this.queue.length; ) {
      const h = this.queue[i]!;
      if (h.session === session && attempt(h.pending)) {
        this.queue.splice(i, 1);
        this.octets -= h.pending.bytes.length;
        this.stats.decodedLate++;
      } else i++;
    }
  }

  private dropExpired(nowMs: number): void {
    while (this.queue.length > 0 && nowMs - this.queue[0]!.heldAtMs > this.maxAgeMs) {
      this.dropOldest();
      this.stats.expired++;
    }
  }

  private dropOldest(): void {
    const h = this.queue.shift()!;
    this.octets -= h.pending.bytes.length;
    this.stats.dropped++;
  }
}
