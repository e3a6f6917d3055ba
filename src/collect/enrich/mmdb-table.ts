// A MaxMind DB enrichment source (`source=FILE.mmdb`): the whole file in
// memory behind rfm's MMDB reader (which refuses a truncated or foreign file
// with the reason), the spec's dotted paths read out of the record of the
// key address. Lookups never throw: a corrupt record answers nothing, and
// only its first failure is reported.
import { MmdbReader } from "../../enrich/mmdb-reader.js";
import type { PrefixLookupSpec } from "./enrich-spec.js";
import { compilePath, valueAt } from "./mmdb-paths.js";
import { addressOf } from "./record-keys.js";
import type { TableLoad } from "./table-load.js";

export function loadMmdbTable(bytes: Uint8Array, spec: PrefixLookupSpec, onLookupError: (address: string, err: Error) => void): TableLoad {
  const reader = new MmdbReader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), onLookupError);
  const paths = spec.fields.map((f) => compilePath(f.from));
  const address = addressOf(spec.key);
  // Reused per lookup: the enrichment stage copies the values out before the next one.
  const values: (string | undefined)[] = paths.map(() => undefined);
  return {
    lookup: {
      values: (f) => {
        const a = address(f);
        if (a === undefined) return undefined;
        const record = reader.record(a);
        if (record === null || record === undefined) return undefined;
        for (let i = 0; i < paths.length; i++) values[i] = valueAt(record, paths[i]!);
        return values;
      },
    },
    description: `${reader.databaseType} built ${reader.buildEpoch.toISOString().slice(0, 10)}`,
  };
}
