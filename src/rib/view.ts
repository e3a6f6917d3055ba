// Views: one per (BMP session, peer address, peer distinguisher, pre/post
// policy). A view's slot (0..maxViews-1) is what routes store; its rank orders
// the views by the best-route rules:
//   1. post-policy before pre-policy;
//   2. lower peer address: IPv4 peers before IPv6 peers, then numerically
//      (bytewise over the 16-byte form, which is numeric within a family);
//   3. lower peer distinguisher (unsigned 64-bit);
//   4. the newer session (a reconnected speaker's routes win over the copies
//      its previous session left behind).
// Inserting or removing a view never changes the order of the others, so the
// per-prefix route lists, kept sorted by rank, stay sorted when ranks are
// renumbered.
import { isV4Mapped } from "../net/address.js";
import { wordAt } from "./address-words.js";
import type { Session } from "./session.js";

/** A BMP peer within a session, as in the per-peer header. */
export interface PeerKey {
  /** 16 bytes; IPv4 as ::ffff:a.b.c.d. Only read during the call. */
  peerAddress: Uint8Array;
  /** Peer distinguisher (route distinguisher for RD-instance peers); default 0. */
  distinguisher?: bigint;
}

export interface ViewKey extends PeerKey {
  session: number;
  /** Post-policy Adj-RIB-In (the L flag); false: pre-policy. */
  postPolicy: boolean;
}

export class View {
  /** Stale views of older sessions of the same speaker with the same key, valid for `olderVersion`. */
  older: View[] = [];
  olderVersion = -1;

  constructor(
    readonly slot: number,
    readonly session: Session,
    readonly peerAddress: Uint8Array,
    readonly distinguisher: bigint,
    readonly postPolicy: boolean,
    readonly hash: number,
  ) {}

  /** Same peer and distinguisher (any session, any policy). */
  samePeer(o: { peerAddress: Uint8Array; distinguisher: bigint }): boolean {
    return this.distinguisher === o.distinguisher && sameBytes(this.peerAddress, o.peerAddress);
  }
}

export class ViewTable {
  /** slot -> rank (lower wins) */
  readonly ranks: Uint16Array;
  /** slot -> routes held (kept by the family tables) */
  readonly routes: Int32Array;
  readonly slots: (View | undefined)[];
  private readonly byHash = new Map<number, View[]>();
  private readonly freeSlots: number[] = [];
  size = 0;

  constructor(readonly max: number) {
    this.ranks = new Uint16Array(max);
    this.routes = new Int32Array(max);
    this.slots = new Array<View | undefined>(max).fill(undefined);
    for (let i = max - 1; i >= 0; i--) this.freeSlots.push(i);
  }

  /** The view of a key; no allocation when the distinguisher is 0 or absent. */
  find(key: ViewKey): View | undefined {
    const bucket = this.byHash.get(keyHash(key));
    if (!bucket) return undefined;
    const d = key.distinguisher ?? 0n;
    for (const v of bucket) {
      if (v.session.id === key.session && v.postPolicy === key.postPolicy && v.distinguisher === d && sameBytes(v.peerAddress, key.peerAddress)) return v;
    }
    return undefined;
  }

  /** A new view, or undefined when all slots are taken. */
  create(key: ViewKey, session: Session): View | undefined {
    const slot = this.freeSlots.pop();
    if (slot === undefined) return undefined;
    const h = keyHash(key);
    const v = new View(slot, session, Uint8Array.from(key.peerAddress), key.distinguisher ?? 0n, key.postPolicy, h);
    this.slots[slot] = v;
    this.routes[slot] = 0;
    const bucket = this.byHash.get(h);
    if (bucket) bucket.push(v);
    else this.byHash.set(h, [v]);
    this.size++;
    this.rerank();
    return v;
  }

  remove(v: View): void {
    const bucket = this.byHash.get(v.hash)!;
    bucket.splice(bucket.indexOf(v), 1);
    if (bucket.length === 0) this.byHash.delete(v.hash);
    this.slots[v.slot] = undefined;
    this.freeSlots.push(v.slot);
    this.size--;
    this.rerank();
  }

  /** Live views, best rank first. */
  ordered(): View[] {
    return this.slots.filter((v): v is View => v !== undefined).sort((a, b) => this.ranks[a.slot]! - this.ranks[b.slot]!);
  }

  private rerank(): void {
    const live = this.slots.filter((v): v is View => v !== undefined).sort(compareViews);
    live.forEach((v, i) => (this.ranks[v.slot] = i));
  }
}

function compareViews(a: View, b: View): number {
  if (a.postPolicy !== b.postPolicy) return a.postPolicy ? -1 : 1;
  const a4 = isV4Mapped(a.peerAddress);
  if (a4 !== isV4Mapped(b.peerAddress)) return a4 ? -1 : 1;
  for (let i = 0; i < 16; i++) if (a.peerAddress[i] !== b.peerAddress[i]) return a.peerAddress[i]! - b.peerAddress[i]!;
  const da = BigInt.asUintN(64, a.distinguisher);
  const db = BigInt.asUintN(64, b.distinguisher);
  if (da !== db) return da < db ? -1 : 1;
  return b.session.seq - a.session.seq;
}

function keyHash(key: ViewKey): number {
  const p = key.peerAddress;
  let h = Math.imul(key.session | 0, 0x9e3779b1) ^ (key.postPolicy ? 0x5bd1e995 : 0);
  for (let i = 0; i < 16; i += 4) h = Math.imul(h ^ (h >>> 15) ^ wordAt(p, i), 0x85ebca6b);
  return (h ^ (h >>> 13)) | 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}
