// [agent.enrich]: what flows are annotated with. [agent.enrich.mmdb] names
// MaxMind DB files; [agent.enrich.rib.bmp] is the BMP listener that feeds the
// routing table. Paths are only type-checked here: the agent opens the files
// when it starts, so `rfm config check` works on a machine without them.

import * as v from "valibot";
import { integer, string, table } from "../fields.js";

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

// Like agent.ipfix: "" and 0 mean unset, and setting either turns the listener on.
const bmpSchema = v.pipe(
  table({
    host: v.optional(string(), ""),
    port: v.optional(integer(0, MAX_PORT), 0n),
  }),
  v.transform((bmp): { host: string; port: number } & BmpSwitch => {
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
