// The IDs IANA keeps "assigned for NetFlow v9 compatibility" (34-35, 38-39,
// 48-50) without a type, so the registry here has no entry for them. They
// are RFC 3954's field types, and exporters send them in IPFIX too
// (pmacct's nfprobe announces samplerRandomInterval, 50, in its IPFIX
// options): a collector reads them under IANA's names and RFC 3954's types.
import type { ElementLookup, InformationElement } from "./information-element.js";
import { ianaLookup } from "./decoded-template.js";

const COMPAT: ReadonlyMap<number, InformationElement> = new Map(
  (
    [
      [34, "samplingInterval", "unsigned32"],
      [35, "samplingAlgorithm", "unsigned8"],
      [38, "engineType", "unsigned8"],
      [39, "engineId", "unsigned8"],
      [48, "samplerId", "unsigned8"],
      [49, "samplerMode", "unsigned8"],
      [50, "samplerRandomInterval", "unsigned32"],
    ] as const
  ).map(([id, name, type]) => [id, { id, name, type }]),
);

/** One of those elements, by ID. */
export function netflowV9CompatElement(id: number): InformationElement | undefined {
  return COMPAT.get(id);
}

/** The IANA registry, and those elements for IPFIX messages that carry them. */
export const ianaLookupWithV9Compat: ElementLookup = (enterprise, id) => ianaLookup(enterprise, id) ?? (enterprise === 0 ? COMPAT.get(id) : undefined);
