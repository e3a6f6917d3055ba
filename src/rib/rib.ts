// The RIB fed by BMP: routes per view (BMP peer x policy), the best route per
// prefix across views, and the longest-prefix match flows are labelled with.
// Sessions, views and their retirement live here; storage is the family
// tables' (typed arrays) and the attribute store's (interned sets).
//
// Only views of the peer distinguishers that label (the global instance, 0,
// unless configured) go into the tables lookups read. A VRF's routes (an RD
// instance peer, a VRF's Loc-RIB) would otherwise label global traffic with
// whatever its more specific prefixes say; they go into tables of their own,
// held and counted like the others, that no lookup ever sees.
//
// Lifecycle of a speaker's routes:
//   - sessionEnded: the views stay and keep serving (stale);
//   - a newer session of the same speaker re-announcing a (peer, policy)
//     replaces the stale copies prefix by prefix (each announce or withdraw in
//     the new view removes the prefix from them) and wholesale at its
//     End-of-RIB (per address family, as speakers send it);
//   - whatever is left of a stale view goes once a newer session of the
//     speaker has stayed open for staleViewMs (5 min) without interruption
//     (`tick`), re-announced or not;
//   - peerDown removes the peer's views of the session, and their stale copies
//     once this session had reported the peer up (a speaker's first report of
//     a peer not yet established leaves them to the rules above);
//   - at maxViews, the stale view of the session that ended first makes room
//     for a view of an open session.
import { formatAddress } from "../net/address.js";
import { fromHostOrder, isMappedWords, wordAt } from "./address-words.js";
import { AttributeStore } from "./attribute-store.js";
import { Announced, type FamilyTable } from "./family-table.js";
import { FamilyPair } from "./family-pair.js";
import {
  DEFAULT_MAX_ROUTES,
  DEFAULT_MAX_VIEWS,
  DEFAULT_STALE_VIEW_MS,
  type RibCounters,
  type RibOptions,
  zeroCounters,
} from "./limits.js";
import { type Prefix, prefixKey } from "./prefix.js";
import type { Route, RouteAttributes, RouteDetail, ViewDescription } from "./route.js";
import { replacedSince, Session } from "./session.js";
import { type PeerKey, type View, type ViewKey, ViewTable } from "./view.js";

export type { Prefix } from "./prefix.js";
export type { Route, RouteAttributes, RouteDetail, ViewDescription } from "./route.js";
export type { PeerKey, ViewKey } from "./view.js";
export type { RibCounters, RibOptions } from "./limits.js";

export interface RibSummary {
  /** Prefixes flows are labelled from. */
  prefixes: { ipv4: number; ipv6: number };
  /** Every route held, labelling or not. */
  routes: number;
  views: number;
  /** Routes held for peer distinguishers that do not label flows: those that hold any, lowest distinguisher first. */
  excluded: { distinguisher: bigint; routes: number }[];
  attributeSets: number;
  sessions: { open: number; ended: number };
  /** BMP peers reported up (peerUp without peerDown) in open sessions. */
  peersUp: number;
  /** Nodes of the longest-prefix-match tries (none when no prefix is longer than /16). */
  trieNodes: { ipv4: number; ipv6: number };
  /** Typed arrays held (the bulk of the RIB's memory). */
  bytes: number;
}

export class Rib {
  readonly counters: RibCounters = zeroCounters();
  readonly maxRoutes: number;
  readonly maxViews: number;
  readonly staleViewMs: number;
  private readonly now: () => number;
  private readonly attrs = new AttributeStore();
  private readonly viewTable: ViewTable;
  /** The routes of views whose distinguisher labels: what lookups read. */
  private readonly labelling: FamilyPair;
  /** The routes of every other view: held, never looked up. */
  private readonly excluded: FamilyPair;
  private readonly labels: ReadonlySet<bigint>;
  private readonly sessions = new Map<number, Session>();
  private sessionSeq = 0;
  /** Bumped whenever the set of stale views changes: invalidates View.older. */
  private staleVersion = 0;
  private readonly key = new Uint32Array(4);
  private readonly dying: Uint8Array;

  constructor(opts: RibOptions = {}) {
    this.maxRoutes = opts.maxRoutes ?? DEFAULT_MAX_ROUTES;
    // Routes store view slots in 16 bits.
    this.maxViews = Math.min(opts.maxViews ?? DEFAULT_MAX_VIEWS, 65535);
    this.staleViewMs = opts.staleViewMs ?? DEFAULT_STALE_VIEW_MS;
    this.now = opts.now ?? Date.now;
    this.viewTable = new ViewTable(this.maxViews);
    this.dying = new Uint8Array(this.maxViews);
    this.labelling = new FamilyPair(this.viewTable.ranks, this.viewTable.routes, this.attrs, true);
    this.excluded = new FamilyPair(this.viewTable.ranks, this.viewTable.routes, this.attrs, false);
    this.labels = new Set((opts.labelDistinguishers ?? [0n]).map((d) => BigInt.asUintN(64, d)));
  }

  // ---- sessions and peers ----

  /** A BMP session started; `speaker` identifies the monitoring router across reconnections. Ids must be unique. */
  sessionOpened(session: number, speaker: string): void {
    if (this.sessions.has(session)) {
      this.counters.sessionErrors++;
      return;
    }
    this.sessions.set(session, new Session(session, speaker, ++this.sessionSeq, this.now()));
  }

  /** The BMP session closed: its routes stay (see the lifecycle above). */
  sessionEnded(session: number): void {
    const s = this.openSession(session);
    if (!s) return;
    s.endedAt = this.now();
    if (s.views.size === 0) this.sessions.delete(session);
    else this.staleVersion++;
  }

  /** Bookkeeping only (summary): routes need no peer up, and views appear with their first route. */
  peerUp(session: number, peer: PeerKey): void {
    const s = this.openSession(session);
    if (s && this.validPeer(peer)) s.peersUp.add(peerText(peer));
  }

  /**
   * Withdraws every route of the peer's views in the session; and, when the
   * session had reported the peer up, of their stale copies from older
   * sessions. A peer down for a peer this session never reported up is the
   * speaker's state at session start (FRR reports every configured peer not
   * yet established): the routes kept from the last session wait for the
   * peer's new routes, its End-of-RIB or the stale timer. Returns how many went.
   */
  peerDown(session: number, peer: PeerKey): number {
    const s = this.openSession(session);
    if (!s || !this.validPeer(peer)) return 0;
    const wasUp = s.peersUp.delete(peerText(peer));
    const key = { peerAddress: peer.peerAddress, distinguisher: peer.distinguisher ?? 0n };
    const gone = this.viewTable.ordered().filter(
      (v) => v.samePeer(key) && v.session.speaker === s.speaker && (v.session === s || (wasUp && !v.session.open && v.session.seq < s.seq)),
    );
    return this.dropViews(gone);
  }

  /**
   * Retires stale views whose speaker has had a newer session open for
   * staleViewMs; returns how many views went. Call it every few seconds.
   */
  tick(nowMs: number = this.now()): number {
    const gone: View[] = [];
    for (const s of this.sessions.values()) {
      if (s.open || nowMs - replacedSince(s, this.sessions.values()) < this.staleViewMs) continue;
      gone.push(...s.views);
    }
    if (gone.length === 0) return 0;
    this.counters.viewsExpired += gone.length;
    this.dropViews(gone);
    return gone.length;
  }

  // ---- routes ----

  /** Sets the route of (view, prefix, route.pathId). False when dropped (counted). */
  announce(view: ViewKey, prefix: Prefix, route: Route): boolean {
    const table = this.keyed(view, prefix);
    const v = table && this.viewOf(view);
    if (!table || !v) return false;
    const len = prefix.length;
    this.replaceOlder(v, table, len);
    const attr = this.attrs.intern(route, v.peerAddress, this.counters);
    const mayAdd = this.labelling.routes + this.excluded.routes < this.maxRoutes;
    if (table.announce(this.key, len, v.slot, (route.pathId ?? 0) >>> 0, attr, mayAdd) === Announced.Refused) {
      this.attrs.release(attr);
      this.counters.routesRejected++;
      return false;
    }
    return true;
  }

  /** Removes the route of (view, prefix, pathId), and the prefix from the view's stale copies; false when none was there. */
  withdraw(view: ViewKey, prefix: Prefix, pathId = 0): boolean {
    const table = this.keyed(view, prefix);
    if (!table) return false;
    const v = this.viewTable.find(view);
    const copies = v ? this.olderViews(v) : this.staleCopies(view, this.sessions.get(view.session)!);
    let removed = 0;
    for (const u of copies) removed += table.withdrawView(this.key, prefix.length, u.slot);
    return (v !== undefined && table.withdraw(this.key, prefix.length, v.slot, pathId >>> 0)) || removed > 0;
  }

  /**
   * The view's initial dump is complete (End-of-RIB): what is left of its stale
   * copies from older sessions goes. With `family` (EoR comes per address
   * family), only that family's routes go; a copy left without routes goes
   * whole. Returns how many views went.
   */
  endOfRib(view: ViewKey, family?: 4 | 6): number {
    const s = this.openSession(view.session);
    if (!s || !this.validPeer(view)) return 0;
    const v = this.viewTable.find(view);
    const copies = [...(v ? this.olderViews(v) : this.staleCopies(view, s))];
    if (copies.length === 0) return 0;
    if (family !== undefined) {
      for (const u of copies) this.dying[u.slot] = 1;
      this.pairOf(view).of(family).dropViews(this.dying);
      for (const u of copies) this.dying[u.slot] = 0;
    }
    const gone = family === undefined ? copies : copies.filter((u) => this.viewTable.routes[u.slot] === 0);
    this.counters.viewsReplaced += gone.length;
    this.dropViews(gone);
    return gone.length;
  }

  // ---- lookups ----

  /**
   * Attribute set of the best route of the longest prefix covering the 16-byte
   * address at `address[offset..]` (IPv4 mapped), or -1. /0 never matches.
   * The id is valid until the RIB next changes. No allocation.
   */
  lookup(address: Uint8Array, offset = 0): number {
    const w0 = wordAt(address, offset);
    const w1 = wordAt(address, offset + 4);
    const w2 = wordAt(address, offset + 8);
    const w3 = wordAt(address, offset + 12);
    return isMappedWords(w0, w1, w2) ? this.labelling.v4.lookup4(w3) : this.labelling.v6.lookup6(w0, w1, w2, w3);
  }

  /** `lookup` over the flow table's key words: four words read in host order over the address bytes. */
  lookupWords(words: Uint32Array, offset: number): number {
    const w0 = fromHostOrder(words[offset]!);
    const w1 = fromHostOrder(words[offset + 1]!);
    const w2 = fromHostOrder(words[offset + 2]!);
    const w3 = fromHostOrder(words[offset + 3]!);
    return isMappedWords(w0, w1, w2) ? this.labelling.v4.lookup4(w3) : this.labelling.v6.lookup6(w0, w1, w2, w3);
  }

  /** Origin ASN of a looked-up attribute set (0: AS_SET or unknown). */
  origin(ref: number): number {
    return this.attrs.origin(ref);
  }

  peerAs(ref: number): number {
    return this.attrs.peerAs(ref);
  }

  attributes(ref: number): RouteAttributes {
    return this.attrs.describe(ref);
  }

  /** Everything about the route a flow to `address` would be labelled with (control plane). */
  lookupDetail(address: Uint8Array): RouteDetail | null {
    if (!validAddress(address)) return null;
    const w0 = wordAt(address, 0);
    const w1 = wordAt(address, 4);
    const w2 = wordAt(address, 8);
    const w3 = wordAt(address, 12);
    const table = this.labelling.of(isMappedWords(w0, w1, w2) ? 4 : 6);
    const pid = table.match(w0, w1, w2, w3);
    if (pid < 0) return null;
    const best = table.bestOf(pid);
    return {
      prefix: table.prefixText(pid),
      pathId: best.pathId,
      ...this.attrs.describe(best.attr),
      view: this.describeView(this.viewTable.slots[best.view]!),
    };
  }

  // ---- state ----

  summary(): RibSummary {
    let open = 0;
    let peersUp = 0;
    for (const s of this.sessions.values()) {
      if (!s.open) continue;
      open++;
      peersUp += s.peersUp.size;
    }
    return {
      prefixes: { ipv4: this.labelling.v4.prefixes, ipv6: this.labelling.v6.prefixes },
      routes: this.labelling.routes + this.excluded.routes,
      views: this.viewTable.size,
      excluded: this.excludedRoutes(),
      attributeSets: this.attrs.size,
      sessions: { open, ended: this.sessions.size - open },
      peersUp,
      trieNodes: { ipv4: this.labelling.v4.trieNodes, ipv6: this.labelling.v6.trieNodes },
      bytes: this.labelling.bytes + this.excluded.bytes + this.attrs.bytes,
    };
  }

  /** Views in best-first order. */
  views(): ViewDescription[] {
    return this.viewTable.ordered().map((v) => this.describeView(v));
  }

  // ---- internals ----

  /** Checks the session, the peer and the prefix; keys the prefix into this.key and returns the view's table of its family. */
  private keyed(view: ViewKey, prefix: Prefix): FamilyTable | undefined {
    if (!this.openSession(view.session)) return undefined;
    if (!this.validPeer(view)) return undefined;
    const family = prefixKey(prefix, this.key);
    if (family === 0) {
      this.counters.invalidInputs++;
      return undefined;
    }
    return this.pairOf(view).of(family);
  }

  /** The tables of a peer's views (a view's stale copies have its distinguisher, so the same tables). */
  private pairOf(peer: PeerKey): FamilyPair {
    const d = peer.distinguisher ?? 0n;
    return this.labels.has(d < 0n ? BigInt.asUintN(64, d) : d) ? this.labelling : this.excluded;
  }

  private excludedRoutes(): RibSummary["excluded"] {
    const routes = new Map<bigint, number>();
    for (const v of this.viewTable.ordered()) {
      const d = BigInt.asUintN(64, v.distinguisher);
      const n = this.viewTable.routes[v.slot]!;
      if (n > 0 && !this.labels.has(d)) routes.set(d, (routes.get(d) ?? 0) + n);
    }
    return [...routes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([distinguisher, n]) => ({ distinguisher, routes: n }));
  }

  private validPeer(peer: PeerKey): boolean {
    if (validAddress(peer.peerAddress)) return true;
    this.counters.invalidInputs++;
    return false;
  }

  /** The view of an open session's key, created on first use (undefined at the view limit). */
  private viewOf(key: ViewKey): View | undefined {
    return this.viewTable.find(key) ?? this.createView(key, this.sessions.get(key.session)!);
  }

  private openSession(id: number): Session | undefined {
    const s = this.sessions.get(id);
    if (s && s.open) return s;
    this.counters.sessionErrors++;
    return undefined;
  }

  private createView(key: ViewKey, s: Session): View | undefined {
    let v = this.viewTable.create(key, s);
    if (!v && this.evictOldestStaleView()) v = this.viewTable.create(key, s);
    if (!v) {
      this.counters.viewsRejected++;
      return undefined;
    }
    s.views.add(v);
    return v;
  }

  /**
   * At maxViews, live routes beat stale ones: a view of the session that ended
   * first makes room (a speaker reconnecting in a loop would otherwise fill
   * the table with stale copies and lock its own new routes out).
   */
  private evictOldestStaleView(): boolean {
    let oldest: View | undefined;
    for (const v of this.viewTable.ordered()) {
      if (!v.session.open && (!oldest || v.session.endedAt < oldest.session.endedAt)) oldest = v;
    }
    if (!oldest) return false;
    this.dropViews([oldest]);
    this.counters.viewsEvicted++;
    return true;
  }

  /** Stale views of older sessions of s's speaker with the key's peer and policy. */
  private staleCopies(key: ViewKey | View, s: Session): View[] {
    const peer = { peerAddress: key.peerAddress, distinguisher: key.distinguisher ?? 0n };
    return this.viewTable.ordered().filter(
      (u) => !u.session.open && u.session.speaker === s.speaker && u.session.seq < s.seq && u.postPolicy === key.postPolicy && u.samePeer(peer),
    );
  }

  /** `staleCopies` of a view, cached until the set of stale views changes (announce asks on every route). */
  private olderViews(v: View): View[] {
    if (v.olderVersion !== this.staleVersion) {
      v.older = this.staleCopies(v, v.session);
      v.olderVersion = this.staleVersion;
    }
    return v.older;
  }

  /** The prefix keyed in this.key leaves v's stale copies. */
  private replaceOlder(v: View, table: FamilyTable, len: number): void {
    const older = this.olderViews(v);
    for (let i = 0; i < older.length; i++) table.withdrawView(this.key, len, older[i]!.slot);
  }

  /** Removes views with all their routes; returns routes removed. */
  private dropViews(gone: View[]): number {
    if (gone.length === 0) return 0;
    for (const v of gone) this.dying[v.slot] = 1;
    const removed = this.labelling.dropViews(this.dying) + this.excluded.dropViews(this.dying);
    for (const v of gone) {
      this.dying[v.slot] = 0;
      this.viewTable.remove(v);
      v.session.views.delete(v);
      if (!v.session.open && v.session.views.size === 0) this.sessions.delete(v.session.id);
    }
    this.staleVersion++;
    return removed;
  }

  private describeView(v: View): ViewDescription {
    return {
      session: v.session.id,
      speaker: v.session.speaker,
      peerAddress: formatAddress(v.peerAddress),
      distinguisher: v.distinguisher,
      postPolicy: v.postPolicy,
      routes: this.viewTable.routes[v.slot]!,
      stale: !v.session.open,
    };
  }
}

function validAddress(a: Uint8Array): boolean {
  return a instanceof Uint8Array && a.length === 16;
}

function peerText(p: PeerKey): string {
  return `${formatAddress(p.peerAddress)}/${p.distinguisher ?? 0n}`;
}
