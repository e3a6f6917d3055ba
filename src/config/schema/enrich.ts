// [agent.enrich]: what flows are annotated with. [agent.enrich.mmdb] names
// MaxMind DB files; [agent.enrich.rib.bmp] is the BMP listener that feeds the
// routing table. Paths are only type-checked here: the agent opens the files
// when it starts, so `rfm config check` works on a machine without them.

import type { z } from "zod";
import { integer, string, table } from "../fields.js";

export const BMP_DEFAULT_HOST = "::1";
export const BMP_DEFAULT_PORT = 11019; // RFC 7854 assigns none; GoBGP sends to 11019 by default

const MAX_PORT = 65_535;

const mmdbSchema = table({
  asn_db: string().default(""),
  city_db: string().default(""),
});

/** Where the BMP listener binds, with the defaults filled in. */
export interface BmpListen {
  host: string;
  port: number;
}

type BmpSwitch = { enabled: true; listen: BmpListen } | { enabled: false; listen: null };

// Like agent.ipfix: "" and 0 mean unset, and setting either turns the listener on.
const bmpSchema = table({
  host: string().default(""),
  port: integer(0, MAX_PORT).default(0),
}).transform((bmp): { host: string; port: number } & BmpSwitch => {
  if (bmp.host === "" && bmp.port === 0) return { ...bmp, enabled: false, listen: null };
  return { ...bmp, enabled: true, listen: { host: bmp.host || BMP_DEFAULT_HOST, port: bmp.port || BMP_DEFAULT_PORT } };
});

const ribSchema = table({
  bmp: bmpSchema.prefault({}),
});

export const enrichSchema = table({
  mmdb: mmdbSchema.prefault({}),
  rib: ribSchema.prefault({}),
});

export type EnrichConfig = z.output<typeof enrichSchema>;
export type MmdbConfig = EnrichConfig["mmdb"];
export type RibConfig = EnrichConfig["rib"];
export type BmpConfig = RibConfig["bmp"];
