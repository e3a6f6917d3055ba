// What every FlowSet decoder of one datagram shares: the bytes, where
// templates live, where errors go, and the tally the header's count is
// checked against.
import type { ElementLookup } from "../ipfix/information-element.js";
import type { TemplateCache } from "../ipfix/template-cache.js";
import type { NetflowV9Error } from "./decode-error.js";

export interface FlowSetContext {
  view: DataView;
  bytes: Uint8Array;
  session: string;
  /** The header's source ID: the cache's observation domain. */
  sourceId: number;
  cache: TemplateCache;
  lookup: ElementLookup;
  errors: NetflowV9Error[];
  /** Records found so far (template records of every kind included). */
  records: number;
  /** Whether data records' values are decoded (false: only bounded, where nothing can be wrong with them). */
  values: boolean;
  /** False once some FlowSet's records could not all be counted: the header's count is then not checked. */
  countable: boolean;
}
