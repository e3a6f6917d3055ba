// What a v9 field's values decode as. Field types 1-127 are IPFIX information
// elements (IANA keeps 1-127 "compatible with NetFlow version 9 field types",
// RFC 3954), so they resolve through the IPFIX registry; the few RFC 3954
// types the registry no longer lists are added here. Other field types are
// vendor-defined in v9 and decode as octets unless the caller's lookup knows
// them (netflowV9IanaLookup reads 128-32767 as IANA's elements, as exporters
// such as softflowd, with flowEndReason 136, use them). Scope fields of options
// templates are not elements at all: their ID is a scope type.
import type { AbstractType } from "../ipfix/abstract-types.js";
import type { ElementLookup } from "../ipfix/information-element.js";
import { elementById } from "../ipfix/registry.generated.js";
import { netflowV9CompatElement } from "../ipfix/netflow-v9-compat.js";
import { SCOPE_CACHE, SCOPE_INTERFACE, SCOPE_LINE_CARD, SCOPE_SYSTEM, SCOPE_TEMPLATE } from "./wire.js";

/** The decoder's default: field types 1-127 as IPFIX elements; everything else unknown (octets). */
export const netflowV9Lookup: ElementLookup = (enterprise, id) => {
  if (enterprise !== 0 || id < 1 || id > 127) return undefined;
  return elementById(id) ?? netflowV9CompatElement(id);
};

/** The default, and 128-32767 as the IANA elements of the same ID (softflowd's flowEndReason 136, say). */
export const netflowV9IanaLookup: ElementLookup = (enterprise, id) =>
  netflowV9Lookup(enterprise, id) ?? (enterprise === 0 && id > 127 && id < 32768 ? elementById(id) : undefined);

const SCOPE_NAMES: Readonly<Record<number, string>> = {
  [SCOPE_SYSTEM]: "scopeSystem",
  [SCOPE_INTERFACE]: "scopeInterface",
  [SCOPE_LINE_CARD]: "scopeLineCard",
  [SCOPE_CACHE]: "scopeCache",
  [SCOPE_TEMPLATE]: "scopeTemplate",
};

/**
 * A scope field's type and name. RFC 3954 gives scope values no format; as
 * Wireshark does, an interface (ifIndex) or line card of 1-4 octets is an
 * unsigned integer and the rest (system, cache, template, unknown scope
 * types, other lengths) are octets.
 */
export function scopeField(scopeType: number, length: number): { type: AbstractType; name?: string } {
  const integer = (scopeType === SCOPE_INTERFACE || scopeType === SCOPE_LINE_CARD) && length >= 1 && length <= 4;
  const name = SCOPE_NAMES[scopeType];
  return { type: integer ? "unsigned32" : "octetArray", ...(name ? { name } : {}) };
}
