// Templates as the encoder takes them: field specifiers (element, length,
// enterprise) and, for options templates, the scope field count.
import { defaultLength, isValidLength, VARIABLE_LENGTH, type AbstractType } from "./abstract-types.js";
import { elementById, elementByName } from "./registry.generated.js";
import { ENTERPRISE_BIT, MIN_DATA_SET_ID } from "./wire.js";

export interface FieldSpec {
  /** Information element ID, 0-32767. */
  readonly id: number;
  /** Octets on the wire, or VARIABLE_LENGTH (65535). */
  readonly length: number;
  /** Private enterprise number; absent or 0 for an IANA element. */
  readonly enterprise?: number;
  /** Absent: the IANA registry's type (raw octets for unknown and enterprise elements). */
  readonly type?: AbstractType;
  /** Absent: the registry's name. Only used in messages. */
  readonly name?: string;
}

export interface Template {
  /** 256-65535; data sets carry it as their set ID. */
  readonly id: number;
  readonly fields: readonly FieldSpec[];
  /** Options templates: the number of leading scope fields (at least 1). Absent or 0: a data template. */
  readonly scopeFieldCount?: number;
}

/** An IANA element by registry name, at its default length or a reduced one. */
export function field(name: string, length?: number): FieldSpec {
  const e = elementByName(name);
  if (!e) throw new RangeError(`unknown IPFIX information element "${name}"`);
  return { id: e.id, length: length ?? defaultLength(e.type) };
}

/** An enterprise-specific element; its type has to be given since no registry knows it. */
export function enterpriseField(enterprise: number, id: number, type: AbstractType, length?: number, name?: string): FieldSpec {
  return { id, enterprise, type, length: length ?? defaultLength(type), ...(name === undefined ? {} : { name }) };
}

export function fieldType(f: FieldSpec): AbstractType {
  if (f.type) return f.type;
  return (!f.enterprise && elementById(f.id)?.type) || "octetArray";
}

export function fieldName(f: FieldSpec): string {
  if (f.name) return f.name;
  if (f.enterprise) return `${f.enterprise}/${f.id}`;
  return elementById(f.id)?.name ?? `element ${f.id}`;
}

export function isOptionsTemplate(t: Template): boolean {
  return (t.scopeFieldCount ?? 0) > 0;
}

/** Bytes of the field specifiers: 4 each, 8 with an enterprise number. */
export function fieldSpecifiersLength(fields: readonly FieldSpec[]): number {
  let n = 0;
  for (const f of fields) n += f.enterprise ? 8 : 4;
  return n;
}

/**
 * Throws a RangeError naming the first thing RFC 7011 does not allow in this
 * template, or a field length its type cannot have. For the encoder: the
 * decoder reports such templates as errors instead.
 */
export function checkTemplate(t: Template): void {
  const where = `template ${t.id}`;
  if (!Number.isInteger(t.id) || t.id < MIN_DATA_SET_ID || t.id > 65535) throw new RangeError(`${where}: template IDs are 256-65535`);
  if (t.fields.length === 0) throw new RangeError(`${where}: no fields (a template with no fields is a withdrawal)`);
  if (t.fields.length > 65535) throw new RangeError(`${where}: more than 65535 fields`);
  const scope = t.scopeFieldCount ?? 0;
  if (!Number.isInteger(scope) || scope < 0 || scope > t.fields.length) {
    throw new RangeError(`${where}: scope field count ${scope} is not between 1 and the field count`);
  }
  let bytes = 0;
  for (const f of t.fields) {
    const name = fieldName(f);
    if (!Number.isInteger(f.id) || f.id < 0 || f.id >= ENTERPRISE_BIT) throw new RangeError(`${where}: ${name}: element IDs are 0-32767`);
    if (f.enterprise !== undefined && (!Number.isInteger(f.enterprise) || f.enterprise < 0 || f.enterprise > 0xffffffff)) {
      throw new RangeError(`${where}: ${name}: enterprise numbers are 32-bit`);
    }
    const type = fieldType(f);
    if (!isValidLength(type, f.length)) throw new RangeError(`${where}: ${name}: a ${type} cannot be ${f.length} octets`);
    bytes += f.length === VARIABLE_LENGTH ? 1 : f.length;
  }
  if (bytes === 0) throw new RangeError(`${where}: its records would have no octets`);
}
