// Prometheus label tuples over live flows, kept current per event so that a
// scrape reads tuples and never walks the flow table.
//
// A tuple is (namespace tag, ifindex, direction, proto, src/dst ASN, src/dst city). It holds
// gauges over its live flows and counters that never go down when flows leave.
// A new tuple's counters show 0 in its first scrape (so rate() sees their first
// increase), its gauges their values;
// a tuple with no live flow for `retentionMs` leaves; at most `maxTuples`
// exist, flows beyond fold into the tuple with empty enrichment labels.
import type { FlowObserver, FlowTable } from "./table.js";

export interface TupleLabels {
  srcAsn: number;
  dstAsn: number;
  srcCity: string;
  dstCity: string;
}

export const NO_LABELS: TupleLabels = Object.freeze({ srcAsn: 0, dstAsn: 0, srcCity: "", dstCity: "" });

/** A new flow's labels, as the enrichment stage resolved them. */
export type LabelSource = (table: FlowTable, id: number) => TupleLabels;

export interface Tuple {
  ifindex: number;
  /** Namespace tag (0: the agent's own namespace). */
  netns: number;
  direction: number;
  proto: number;
  labels: TupleLabels;
  liveFlows: number;
  /** gauges over live flows: est packets, est bytes, sampled packets, sampled bytes */
  live: Float64Array;
  /** monotonic counters, same order */
  total: Float64Array;
  /** false until a scrape showed the tuple's counters at 0 */
  shown: boolean;
  lastActiveMs: number;
}

export class Rollups implements FlowObserver {
  private readonly tuples = new Map<string | number, Tuple>();
  private readonly byFlow: (Tuple | undefined)[];
  private readonly scratch = new Float64Array(4);
  folded = 0;

  constructor(
    maxFlows: number,
    private readonly maxTuples: number,
    private readonly retentionMs: number,
    private readonly labelSource?: LabelSource,
    private readonly now: () => number = Date.now,
  ) {
    this.byFlow = new Array<Tuple | undefined>(maxFlows);
  }

  get size(): number {
    return this.tuples.size;
  }

  created(id: number, table: FlowTable): void {
    const ifindex = table.ifindexOf(id);
    const netns = table.netnsOf(id);
    const direction = table.directionOf(id);
    const proto = table.protoOf(id);
    let labels = this.labelSource ? this.labelSource(table, id) : NO_LABELS;
    let key = tupleKey(netns, ifindex, direction, proto, labels);
    let t = this.tuples.get(key);
    if (!t && this.tuples.size >= this.maxTuples && labels !== NO_LABELS) {
      this.folded++;
      labels = NO_LABELS;
      key = tupleKey(netns, ifindex, direction, proto, labels);
      t = this.tuples.get(key);
    }
    if (!t) {
      // The unlabelled tuple of an (interface, direction, proto) is always allowed:
      // it is where folding lands, and there are few of them.
      t = {
        ifindex, netns, direction, proto, labels, liveFlows: 0,
        live: new Float64Array(4), total: new Float64Array(4), shown: false, lastActiveMs: this.now(),
      };
      this.tuples.set(key, t);
    }
    t.liveFlows++;
    this.byFlow[id] = t;
  }

  added(id: number, estPackets: number, estBytes: number, packets: number, bytes: number): void {
    const t = this.byFlow[id];
    if (!t) return;
    t.live[0] += estPackets;
    t.live[1] += estBytes;
    t.live[2] += packets;
    t.live[3] += bytes;
    t.total[0] += estPackets;
    t.total[1] += estBytes;
    t.total[2] += packets;
    t.total[3] += bytes;
  }

  removed(id: number, table: FlowTable): void {
    const t = this.byFlow[id];
    if (!t) return;
    this.byFlow[id] = undefined;
    table.totals(id, this.scratch);
    for (let i = 0; i < 4; i++) t.live[i] = Math.max(0, t.live[i] - this.scratch[i]);
    if (--t.liveFlows === 0) {
      t.live.fill(0); // no float residue on an empty tuple
      t.lastActiveMs = this.now();
    }
  }

  /**
   * Forgets the tuples of a namespace tag at once (the namespace is no longer
   * metered and its tag may soon name another). Its flows must be gone already.
   */
  dropNamespace(netns: number): number {
    let dropped = 0;
    for (const [key, t] of this.tuples) {
      if (t.netns === netns && t.liveFlows === 0) {
        this.tuples.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /**
   * The tuples to expose now. Drops tuples idle past retention, and marks new
   * ones shown (the caller prints their counters as 0, `fresh`).
   */
  scrape(visit: (t: Tuple, fresh: boolean) => void): void {
    const cutoff = this.now() - this.retentionMs;
    for (const [key, t] of this.tuples) {
      if (t.liveFlows === 0 && t.lastActiveMs <= cutoff) {
        this.tuples.delete(key);
        continue;
      }
      const fresh = !t.shown;
      t.shown = true;
      visit(t, fresh);
    }
  }
}

function tupleKey(netns: number, ifindex: number, direction: number, proto: number, l: TupleLabels): string | number {
  // At most 2^8 * 2^32 * 2^9 = 2^49: exact in a double.
  const base = (netns * 0x1_0000_0000 + ifindex) * 512 + direction * 256 + proto;
  if (l === NO_LABELS || (l.srcAsn === 0 && l.dstAsn === 0 && !l.srcCity && !l.dstCity)) return base;
  return `${base}|${l.srcAsn}|${l.dstAsn}|${l.srcCity}|${l.dstCity}`;
}
