// The IPv4 and IPv6 tables of one group of views. The RIB keeps two groups:
// the routes flows are labelled from, and the routes it holds without ever
// matching an address against them (views of peer distinguishers that do not
// label: VRFs, unless configured), which therefore need no trie.
import type { AttributeStore } from "./attribute-store.js";
import { FamilyTable } from "./family-table.js";

export class FamilyPair {
  readonly v4: FamilyTable;
  readonly v6: FamilyTable;

  constructor(ranks: Uint16Array, viewRoutes: Int32Array, attrs: AttributeStore, lookups: boolean) {
    this.v4 = new FamilyTable(4, ranks, viewRoutes, attrs, lookups);
    this.v6 = new FamilyTable(6, ranks, viewRoutes, attrs, lookups);
  }

  of(family: 4 | 6): FamilyTable {
    return family === 4 ? this.v4 : this.v6;
  }

  get routes(): number {
    return this.v4.routes + this.v6.routes;
  }

  get bytes(): number {
    return this.v4.bytes + this.v6.bytes;
  }

  /** Removes every route of the views flagged in `dying` (by slot); returns how many. */
  dropViews(dying: Uint8Array): number {
    return this.v4.dropViews(dying) + this.v6.dropViews(dying);
  }
}
