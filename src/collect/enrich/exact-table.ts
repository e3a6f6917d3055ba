// Exact match on one common field (`type=exact`): the field's text as the
// common format writes it, looked up in a map from the table's key column.
// Keys are written the way the field is: a number field's keys as decimal
// integers ("06" is 6), an address field's as rfm writes addresses
// ("2001:DB8::1" is 2001:db8::1), MACs in lower case; a key that cannot be the
// field's value is a bad row.
import type { FlowRecord } from "../../flow-record/index.js";
import { formatAddress, parseAddress } from "../../net/address.js";
import { COMMON_COLUMNS, type Column } from "../format/common-columns.js";

const ADDRESS_FIELDS: ReadonlySet<string> = new Set(["src_addr", "dst_addr", "next_hop", "bgp_next_hop", "sampler_address"]);
const MAC_FIELDS: ReadonlySet<string> = new Set(["src_mac", "dst_mac"]);

/** The key as the field's text, or an Error saying why it cannot be one. */
export type KeyNormaliser = (text: string) => string | Error;

export function keyNormaliser(field: string): KeyNormaliser {
  const column = COMMON_COLUMNS.find((c) => c.name === field);
  if (!column) throw new RangeError(`not a common field: ${field}`);
  if (column.kind === "number") {
    return (t) => (/^\d+$/.test(t) ? t.replace(/^0+(?=\d)/, "") : new Error(`${JSON.stringify(t)} is not a ${field} (a whole number)`));
  }
  if (ADDRESS_FIELDS.has(field)) {
    return (t) => {
      try {
        return formatAddress(parseAddress(t));
      } catch {
        return new Error(`${JSON.stringify(t)} is not a ${field} (an IP address)`);
      }
    };
  }
  if (MAC_FIELDS.has(field)) return (t) => t.toLowerCase();
  return (t) => t;
}

export class ExactTable<V> {
  private readonly map = new Map<string, V>();
  private readonly column: Column;

  constructor(readonly field: string) {
    const column = COMMON_COLUMNS.find((c) => c.name === field);
    if (!column) throw new RangeError(`not a common field: ${field}`);
    this.column = column;
  }

  get size(): number {
    return this.map.size;
  }

  /** Adds a key already normalised; false when the table holds it already (the first value stays). */
  add(key: string, value: V): boolean {
    if (this.map.has(key)) return false;
    this.map.set(key, value);
    return true;
  }

  /** The value for the record's field, or undefined (no such key, or the field unset). */
  lookup(f: FlowRecord): V | undefined {
    const text = this.column.text(f);
    return text === undefined ? undefined : this.map.get(text);
  }
}
