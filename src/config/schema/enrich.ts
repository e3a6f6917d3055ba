// [agent.enrich]: what flows are annotated with. [agent.enrich.mmdb] names
// MaxMind DB files; [agent.enrich.rib.bmp] is the BMP listener that feeds the
// routing table, and the peer distinguishers whose routes may label flows.
// Paths are only type-checked here: the agent opens the files when it starts,
// so `rfm config check` works on a machine without them.

import * as v from "valibot";
import { parseRouteDistinguisher } from "../../bmp/route-distinguisher.js";
import { expected, integer, string, table } from "../fields.js";

export const BMP_DEFAULT_HOST = "::1";
export const BMP_DEFAULT_PORT = 11019; // RFC 7854 assigns none; GoBGP sends to 11019 by default

const MAX_PORT = 65_535;

const mmdbSchema = table({
  asn_db: v.optional(string(), ""),
  city_db: v.optional(string(), ""),
});

/** Where the BMP listener binds, with the defaults filled in. */
export interface BmpListen {
  host: string;
  port: number;
}

type BmpSwitch = { enabled: true; listen: BmpListen } | { enabled: false; listen: null };

/** A route distinguisher as text ("0", "65500:108", "192.0.2.1:7", ...), as its 64-bit value. */
const distinguisher = v.pipe(
  v.string(expected('a route distinguisher string like "65500:108"')),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    try {
      return parseRouteDistinguisher(dataset.value);
    } catch (err) {
      addIssue({ message: (err as Error).message });
      return NEVER;
    }
  }),
);

// Only the global instance labels by default: a VRF's routes (RD instance
// peers, a VRF's Loc-RIB) describe another routing table than the one most
// traffic here follows.
const distinguishers = v.pipe(
  v.array(distinguisher, expected('a list of route distinguishers like ["0", "65500:108"]')),
  v.minLength(1, 'must list at least one distinguisher ("0" is the global instance)'),
);

// Like agent.ipfix: "" and 0 mean unset, and setting either turns the listener on.
const bmpSchema = v.pipe(
  table({
    host: v.optional(string(), ""),
    port: v.optional(integer(0, MAX_PORT), 0n),
    distinguishers: v.optional(distinguishers, ["0"]),
  }),
  v.transform((bmp): { host: string; port: number; distinguishers: bigint[] } & BmpSwitch => {
    if (bmp.host === "" && bmp.port === 0) return { ...bmp, enabled: false, listen: null };
    return { ...bmp, enabled: true, listen: { host: bmp.host || BMP_DEFAULT_HOST, port: bmp.port || BMP_DEFAULT_PORT } };
  }),
);

const ribSchema = table({
  bmp: v.optional(bmpSchema, {}),
});

export const enrichSchema = table({
  mmdb: v.optional(mmdbSchema, {}),
  rib: v.optional(ribSchema, {}),
});

export type EnrichConfig = v.InferOutput<typeof enrichSchema>;
export type MmdbConfig = EnrichConfig["mmdb"];
export type RibConfig = EnrichConfig["rib"];
export type BmpConfig = RibConfig["bmp"];
