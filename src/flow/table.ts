// The flow table: sampled events aggregated per (ifindex, direction, protocol,
// addresses, ports). Built for the event rate of the ring: typed arrays, an
// open-addressing index of entry ids, keys compared as 32-bit words straight
// from the ring's batch buffer, no allocation and no string per event.
import { EVENT_SIZE } from "../bpf/layout.js";
import { EndReason } from "../flow-record/end-reason.js";
import type { AgentFlowRecord } from "../flow-record/flow-record.js";

export type FlowSink = (records: AgentFlowRecord[]) => void;

/** Names a record's interface for people: its name and, only when namespaces are in use, its namespace's ("" for the agent's own). */
export type InterfaceNamer = (ifindex: number, netns: number) => { ifname: string; netns?: string };

/** Called once per new flow and once per removed flow (rollups, enrichment). */
export interface FlowObserver {
  created(id: number, table: FlowTable): void;
  /** Per event, with the estimated and sampled increments. */
  added(id: number, estPackets: number, estBytes: number, packets: number, bytes: number): void;
  removed(id: number, table: FlowTable): void;
}

export interface FlowTableOptions {
  maxFlows: number;
  evictionTimeoutMs: number;
  /** 0 disables interval records. */
  activeTimeoutMs: number;
  sink: FlowSink;
  /** The enrichment stage: resolves a new flow's labels, before the observer sees the flow. */
  enrich?: FlowEnrichment;
  observer?: FlowObserver;
}

/** Enrichment as the table drives it: once per new flow, then into each record built for it. */
export interface FlowEnrichment {
  resolve(id: number, table: FlowTable): void;
  annotate(id: number, r: AgentFlowRecord): void;
}

const KEY_WORDS = 11;
// Float64 fields per entry.
const F_PK = 0; // sampled wire packets
const F_BY = 1; // sampled wire bytes
const F_IPB = 2; // sampled IP bytes
const F_EPK = 3; // estimated packets
const F_EBY = 4; // estimated wire bytes
const F_EIPB = 5; // estimated IP bytes
const F_FIRST = 6;
const F_LAST = 7;
const F_SPK = 8; // values at the last record (deltas start here)
const F_SBY = 9;
const F_SEPK = 10;
const F_SEBY = 11;
const F_SEIPB = 12;
const F_IFIRST = 13; // first event of the current interval (NaN: none yet)
const F_ISTART = 14; // when the current active interval began (ms)
const F_SIPB = 15; // sampled IP bytes at the last record
const FIELDS = 16;

const NIL = -1;
const TWO32_MS = 4294967296 / 1e6;

export class FlowTable {
  readonly maxFlows: number;
  private readonly mask: number;
  /** index slot -> entry id + 1 (0 = empty) */
  private readonly index: Int32Array;
  private readonly keys: Uint32Array;
  private readonly hashes: Uint32Array;
  private readonly f: Float64Array;
  private readonly family: Uint8Array;
  // Entries in last-seen order (idle and forced eviction) ...
  private readonly lruPrev: Int32Array;
  private readonly lruNext: Int32Array;
  private lruHead = NIL;
  private lruTail = NIL;
  // ... and in interval-start order (active timeout).
  private readonly actPrev: Int32Array;
  private readonly actNext: Int32Array;
  private actHead = NIL;
  private actTail = NIL;
  private readonly freeIds: Int32Array;
  private freeTop: number;
  private live = 0;

  forcedEvictions = 0;
  /** Events read from the ring (rfm_collector_events_total); with the ring drops, every sampled packet. */
  eventsIngested = 0;

  private readonly opts: FlowTableOptions;
  private lastBatch: Uint8Array | undefined;
  private lastWords: Uint32Array | undefined;

  constructor(opts: FlowTableOptions) {
    if (!Number.isInteger(opts.maxFlows) || opts.maxFlows < 1) throw new RangeError("maxFlows must be a positive integer");
    this.opts = opts;
    const n = opts.maxFlows;
    this.maxFlows = n;
    let cap = 1;
    while (cap < n * 2) cap <<= 1;
    this.mask = cap - 1;
    this.index = new Int32Array(cap);
    this.keys = new Uint32Array(n * KEY_WORDS);
    this.hashes = new Uint32Array(n);
    this.f = new Float64Array(n * FIELDS);
    this.family = new Uint8Array(n);
    this.lruPrev = new Int32Array(n);
    this.lruNext = new Int32Array(n);
    this.actPrev = new Int32Array(n);
    this.actNext = new Int32Array(n);
    this.freeIds = new Int32Array(n);
    for (let i = 0; i < n; i++) this.freeIds[i] = n - 1 - i;
    this.freeTop = n;
  }

  get size(): number {
    return this.live;
  }

  /**
   * Aggregates `count` ring events from `batch` (64 bytes each). Boot-clock
   * timestamps become wall clock through `bootOffsetMs` (wall - boot).
   */
  ingest(batch: Uint8Array, count: number, bootOffsetMs: number): void {
    let w = this.lastWords;
    if (this.lastBatch !== batch || !w) {
      // The addon reuses one batch buffer: build the word view once.
      w = new Uint32Array(batch.buffer, batch.byteOffset, batch.byteLength >>> 2);
      this.lastBatch = batch;
      this.lastWords = w;
    }
    const f = this.f;
    const observer = this.opts.observer;
    const enrich = this.opts.enrich;
    for (let i = 0; i < count; i++) {
      const b = i << 4; // 16 words per event
      const wdp = w[b + 3]!;
      const segs = wdp >>> 16;
      const len = w[b + 13]!;
      const byteBase = i * EVENT_SIZE;
      const l2 = batch[byteBase + 56]!;
      const rate = w[b + 15]! || 1;
      const tms = w[b]! / 1e6 + w[b + 1]! * TWO32_MS + bootOffsetMs;

      // Key word 1 is derived (direction, protocol, namespace tag): once per event.
      const k1 = keyWord1(w, b);
      let h = hashEvent(w, b, k1);
      let id = this.find(w, b, k1, h);
      if (id < 0) {
        if (this.live >= this.maxFlows) this.evictForResources();
        id = this.insert(w, b, k1, h, batch[byteBase + 57]!, tms);
        if (enrich) enrich.resolve(id, this);
        if (observer) observer.created(id, this);
      } else {
        this.lruTouch(id);
      }
      h = id * FIELDS;
      const ipb = len - segs * l2;
      f[h + F_PK] += segs;
      f[h + F_BY] += len;
      f[h + F_IPB] += ipb;
      f[h + F_EPK] += segs * rate;
      f[h + F_EBY] += len * rate;
      f[h + F_EIPB] += ipb * rate;
      if (tms > f[h + F_LAST]!) f[h + F_LAST] = tms;
      if (tms < f[h + F_FIRST]!) f[h + F_FIRST] = tms;
      if (f[h + F_IFIRST] !== f[h + F_IFIRST]) f[h + F_IFIRST] = tms; // NaN check
      if (observer) observer.added(id, segs * rate, len * rate, segs, len);
    }
    this.eventsIngested += count;
  }

  /**
   * Idle eviction and active-timeout interval records as of `nowMs` (wall
   * clock), at most `limit` records per call so a big sweep can be spread over
   * event-loop turns (the ring is drained between them). Returns true when
   * more is due.
   */
  sweep(nowMs: number, limit = Infinity): boolean {
    const out: AgentFlowRecord[] = [];
    const idleCutoff = nowMs - this.opts.evictionTimeoutMs;
    const f = this.f;
    let budget = limit;
    while (this.lruHead !== NIL && f[this.lruHead * FIELDS + F_LAST]! <= idleCutoff) {
      if (budget-- <= 0) break;
      const id = this.lruHead;
      this.emit(id, EndReason.Idle, out);
      this.remove(id);
    }
    const active = this.opts.activeTimeoutMs;
    if (active > 0) {
      const cutoff = nowMs - active;
      while (this.actHead !== NIL && f[this.actHead * FIELDS + F_ISTART]! <= cutoff) {
        if (budget-- <= 0) break;
        const id = this.actHead;
        this.emit(id, EndReason.Active, out);
        f[id * FIELDS + F_ISTART] = nowMs;
        this.actUnlink(id);
        this.actAppend(id);
      }
    }
    if (out.length) this.opts.sink(out);
    return budget < 0;
  }

  /** Every live flow leaves with `reason` (shutdown: Forced). */
  flushAll(reason: EndReason = EndReason.Forced): number {
    return this.flushWhere(() => true, reason);
  }

  /** Removes the flows `pred` selects, exporting each with `reason`. */
  flushWhere(pred: (id: number) => boolean, reason: EndReason = EndReason.Forced): number {
    const out: AgentFlowRecord[] = [];
    let id = this.lruHead;
    while (id !== NIL) {
      const next = this.lruNext[id]!;
      if (pred(id)) {
        this.emit(id, reason, out);
        this.remove(id);
      }
      id = next;
    }
    if (out.length) this.opts.sink(out);
    return out.length;
  }

  /** Visits live flows, least recently seen first. */
  forEach(fn: (id: number) => void): void {
    for (let id = this.lruHead; id !== NIL; id = this.lruNext[id]!) fn(id);
  }

  /** A snapshot of one live flow (control plane, tests): cumulative, not deltas. */
  describe(id: number): AgentFlowRecord {
    const r = this.record(id, EndReason.Forced, false);
    return r;
  }

  /** Cumulative estimated and sampled packets/bytes of a live flow, into `out[0..3]`. */
  totals(id: number, out: Float64Array): void {
    const o = id * FIELDS;
    out[0] = this.f[o + F_EPK];
    out[1] = this.f[o + F_EBY];
    out[2] = this.f[o + F_PK];
    out[3] = this.f[o + F_BY];
  }

  ifindexOf(id: number): number {
    return this.keys[id * KEY_WORDS]!;
  }
  directionOf(id: number): number {
    return this.keys[id * KEY_WORDS + 1]! & 0xff;
  }
  protoOf(id: number): number {
    return (this.keys[id * KEY_WORDS + 1]! >>> 8) & 0xff;
  }
  /** Namespace tag (0: the agent's own namespace). */
  netnsOf(id: number): number {
    return (this.keys[id * KEY_WORDS + 1]! >>> 16) & 0xff;
  }
  /** Address words (4 each) for enrichment without copying. */
  addressWords(id: number): { keys: Uint32Array; src: number; dst: number } {
    return { keys: this.keys, src: id * KEY_WORDS + 2, dst: id * KEY_WORDS + 6 };
  }
  // ---- internals ----

  private find(w: Uint32Array, b: number, k1: number, h: number): number {
    const idx = this.index;
    const keys = this.keys;
    const mask = this.mask;
    const k0 = w[b + 2]!;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = idx[s]!;
      if (e === 0) return -1;
      const id = e - 1;
      if (this.hashes[id] !== h) continue;
      const k = id * KEY_WORDS;
      if (
        keys[k] === k0 && keys[k + 1] === k1 &&
        keys[k + 2] === w[b + 4] && keys[k + 3] === w[b + 5] && keys[k + 4] === w[b + 6] && keys[k + 5] === w[b + 7] &&
        keys[k + 6] === w[b + 8] && keys[k + 7] === w[b + 9] && keys[k + 8] === w[b + 10] && keys[k + 9] === w[b + 11] &&
        keys[k + 10] === w[b + 12]
      ) return id;
    }
  }

  private insert(w: Uint32Array, b: number, k1: number, h: number, family: number, tms: number): number {
    const id = this.freeIds[--this.freeTop]!;
    const k = id * KEY_WORDS;
    const keys = this.keys;
    keys[k] = w[b + 2]!;
    keys[k + 1] = k1;
    for (let j = 0; j < 8; j++) keys[k + 2 + j] = w[b + 4 + j]!;
    keys[k + 10] = w[b + 12]!;
    this.hashes[id] = h;
    this.family[id] = family;
    const f = this.f;
    const o = id * FIELDS;
    for (let j = 0; j < FIELDS; j++) f[o + j] = 0;
    f[o + F_FIRST] = tms;
    f[o + F_LAST] = tms;
    f[o + F_IFIRST] = NaN;
    f[o + F_ISTART] = tms;
    const idx = this.index;
    const mask = this.mask;
    let s = h & mask;
    while (idx[s] !== 0) s = (s + 1) & mask;
    idx[s] = id + 1;
    this.live++;
    this.lruAppend(id);
    this.actAppend(id);
    return id;
  }

  private remove(id: number): void {
    this.opts.observer?.removed(id, this);
    // Backward-shift deletion keeps probe chains intact without tombstones.
    const idx = this.index;
    const mask = this.mask;
    let s = this.hashes[id]! & mask;
    while (idx[s] !== id + 1) s = (s + 1) & mask;
    let hole = s;
    for (let j = (hole + 1) & mask; idx[j] !== 0; j = (j + 1) & mask) {
      const home = this.hashes[idx[j]! - 1]! & mask;
      // Move j into the hole unless its home lies cyclically in (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!inRange) {
        idx[hole] = idx[j]!;
        hole = j;
      }
    }
    idx[hole] = 0;
    this.lruUnlink(id);
    this.actUnlink(id);
    this.freeIds[this.freeTop++] = id;
    this.live--;
  }

  private evictForResources(): void {
    const id = this.lruHead;
    if (id === NIL) return;
    const out: AgentFlowRecord[] = [];
    this.emit(id, EndReason.LackOfResources, out);
    this.remove(id);
    this.forcedEvictions++;
    if (out.length) this.opts.sink(out);
  }

  /** Appends the flow's pending deltas (if any) as a record and marks them sent. */
  private emit(id: number, reason: EndReason, out: AgentFlowRecord[]): void {
    const o = id * FIELDS;
    const f = this.f;
    if (f[o + F_EPK]! <= f[o + F_SEPK]!) return; // nothing new since the last record
    out.push(this.record(id, reason, true));
    f[o + F_SPK] = f[o + F_PK]!;
    f[o + F_SBY] = f[o + F_BY]!;
    f[o + F_SEPK] = f[o + F_EPK]!;
    f[o + F_SEBY] = f[o + F_EBY]!;
    f[o + F_SEIPB] = f[o + F_EIPB]!;
    f[o + F_SIPB] = f[o + F_IPB]!;
    f[o + F_IFIRST] = NaN;
  }

  private record(id: number, reason: EndReason, delta: boolean): AgentFlowRecord {
    const o = id * FIELDS;
    const f = this.f;
    const k = id * KEY_WORDS;
    const keys = this.keys;
    // Byte by byte: small typed arrays stay on V8's heap, where reaching for
    // their .buffer (a Uint32Array view) would move each to a malloc'd store.
    const src = new Uint8Array(16);
    const dst = new Uint8Array(16);
    for (let j = 0; j < 4; j++) {
      const s = keys[k + 2 + j]!;
      const d = keys[k + 6 + j]!;
      const b = j << 2;
      src[b] = s;
      src[b + 1] = s >>> 8;
      src[b + 2] = s >>> 16;
      src[b + 3] = s >>> 24;
      dst[b] = d;
      dst[b + 1] = d >>> 8;
      dst[b + 2] = d >>> 16;
      dst[b + 3] = d >>> 24;
    }
    const ports = keys[k + 10]!;
    const intervalFirst = f[o + F_IFIRST]!;
    const r: AgentFlowRecord = {
      ifindex: keys[k]!,
      netns: (keys[k + 1]! >>> 16) & 0xff,
      direction: keys[k + 1]! & 0xff,
      proto: (keys[k + 1]! >>> 8) & 0xff,
      family: this.family[id]!,
      src,
      dst,
      sport: ports & 0xffff,
      dport: ports >>> 16,
      packets: f[o + F_EPK]! - (delta ? f[o + F_SEPK]! : 0),
      bytes: f[o + F_EBY]! - (delta ? f[o + F_SEBY]! : 0),
      ipBytes: f[o + F_EIPB]! - (delta ? f[o + F_SEIPB]! : 0),
      sampledPackets: f[o + F_PK]! - (delta ? f[o + F_SPK]! : 0),
      sampledBytes: f[o + F_BY]! - (delta ? f[o + F_SBY]! : 0),
      sampledIpBytes: f[o + F_IPB]! - (delta ? f[o + F_SIPB]! : 0),
      startMs: delta && intervalFirst === intervalFirst ? intervalFirst : f[o + F_FIRST]!,
      endMs: f[o + F_LAST]!,
      reason,
    };
    this.opts.enrich?.annotate(id, r);
    return r;
  }

  private lruAppend(id: number): void {
    this.lruPrev[id] = this.lruTail;
    this.lruNext[id] = NIL;
    if (this.lruTail !== NIL) this.lruNext[this.lruTail] = id;
    else this.lruHead = id;
    this.lruTail = id;
  }
  private lruUnlink(id: number): void {
    const p = this.lruPrev[id]!;
    const n = this.lruNext[id]!;
    if (p !== NIL) this.lruNext[p] = n;
    else this.lruHead = n;
    if (n !== NIL) this.lruPrev[n] = p;
    else this.lruTail = p;
  }
  private lruTouch(id: number): void {
    if (this.lruTail === id) return;
    this.lruUnlink(id);
    this.lruAppend(id);
  }
  private actAppend(id: number): void {
    this.actPrev[id] = this.actTail;
    this.actNext[id] = NIL;
    if (this.actTail !== NIL) this.actNext[this.actTail] = id;
    else this.actHead = id;
    this.actTail = id;
  }
  private actUnlink(id: number): void {
    const p = this.actPrev[id]!;
    const n = this.actNext[id]!;
    if (p !== NIL) this.actNext[p] = n;
    else this.actHead = n;
    if (n !== NIL) this.actPrev[n] = p;
    else this.actTail = p;
  }
}

/**
 * Key word 1: direction, protocol and the namespace tag (the high byte of the
 * event's flags), so equal ifindexes in two namespaces stay two flows.
 */
function keyWord1(w: Uint32Array, b: number): number {
  return (w[b + 3]! & 0xffff) | ((w[b + 14]! >>> 24) << 16);
}

/** Mixes the 11 key words of the event at word offset b (murmur-style). */
function hashEvent(w: Uint32Array, b: number, k1: number): number {
  let h = 0x9747b28c;
  h = mix(h, w[b + 2]!);
  h = mix(h, k1);
  for (let j = 4; j <= 12; j++) h = mix(h, w[b + j]!);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
