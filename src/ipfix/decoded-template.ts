// Templates as the decoder keeps them: each field resolved to the element and
// abstract type its values decode as.
import { isValidLength, VARIABLE_LENGTH, type AbstractType } from "./abstract-types.js";
import type { ElementLookup } from "./information-element.js";
import { elementById } from "./registry.generated.js";

export interface TemplateField {
  readonly id: number;
  /** 0 for IANA elements. */
  readonly enterprise: number;
  /** Octets, or VARIABLE_LENGTH. */
  readonly length: number;
  /** What values decode as: the element's type, or octetArray when the element is unknown or the length does not suit its type. */
  readonly type: AbstractType;
  /** The element's name, when known. */
  readonly name?: string;
}

/** Assignable to `Template`, so a decoded template can be encoded again. */
export interface DecodedTemplate {
  readonly id: number;
  readonly fields: readonly TemplateField[];
  /** Leading scope fields of an options template; 0 for a data template. */
  readonly scopeFieldCount: number;
  /** Octets of the smallest record (a variable-length field counts 1). */
  readonly minRecordLength: number;
}

export interface WireField {
  id: number;
  enterprise: number;
  length: number;
}

/** IANA elements by ID; nothing for enterprise elements. */
export const ianaLookup: ElementLookup = (enterprise, id) => (enterprise === 0 ? elementById(id) : undefined);

/**
 * Resolves the fields of a template record. `onBadLength` hears of each field
 * whose length its element's type cannot have; such a field decodes as octets.
 */
export function resolveTemplate(
  id: number,
  wire: readonly WireField[],
  scopeFieldCount: number,
  lookup: ElementLookup,
  onBadLength: (index: number, type: AbstractType) => void,
): DecodedTemplate {
  let min = 0;
  const fields = wire.map((w, i): TemplateField => {
    const e = lookup(w.enterprise, w.id);
    let type: AbstractType = e?.type ?? "octetArray";
    if (!isValidLength(type, w.length)) {
      onBadLength(i, type);
      type = "octetArray";
    }
    min += w.length === VARIABLE_LENGTH ? 1 : w.length;
    return { id: w.id, enterprise: w.enterprise, length: w.length, type, ...(e ? { name: e.name } : {}) };
  });
  return { id, fields, scopeFieldCount, minRecordLength: min };
}
