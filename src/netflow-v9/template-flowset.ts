// Template and options template FlowSets (RFC 3954 sections 5.2 and 6.1):
// each definition is resolved to a DecodedTemplate and goes into the cache,
// replacing any earlier one of the same (session, source ID, template ID).
import { isValidLength, type AbstractType } from "../ipfix/abstract-types.js";
import type { DecodedTemplate, TemplateField, WireField } from "../ipfix/decoded-template.js";
import type { ElementLookup } from "../ipfix/information-element.js";
import type { NetflowV9TemplateFlowSet } from "./datagram.js";
import { v9Error } from "./decode-error.js";
import { scopeField } from "./field-types.js";
import type { FlowSetContext } from "./flowset-context.js";
import {
  FIELD_SPECIFIER_LENGTH,
  FLOWSET_HEADER_LENGTH,
  MAX_PADDING,
  MAX_RECORD_LENGTH,
  MIN_DATA_FLOWSET_ID,
  OPTIONS_TEMPLATE_FLOWSET_ID,
  OPTIONS_TEMPLATE_RECORD_HEADER_LENGTH,
  TEMPLATE_RECORD_HEADER_LENGTH,
} from "./wire.js";

/**
 * A template's fields with the types their values decode as: the leading
 * `scopeCount` by scope type, the others through `lookup` (octets when it
 * does not know the type, or when the length does not suit it, which
 * `onBadLength` hears of). Every length is a fixed length: v9 has no
 * variable-length fields, so minRecordLength is the record's length.
 */
export function resolveV9Template(
  id: number,
  wire: readonly WireField[],
  scopeCount: number,
  lookup: ElementLookup,
  onBadLength: (index: number, type: AbstractType) => void,
): DecodedTemplate {
  let length = 0;
  const fields = wire.map((w, i): TemplateField => {
    length += w.length;
    if (i < scopeCount) return { id: w.id, enterprise: 0, length: w.length, ...scopeField(w.id, w.length) };
    const e = lookup(0, w.id);
    let type: AbstractType = e?.type ?? "octetArray";
    if (!isValidLength(type, w.length)) {
      onBadLength(i, type);
      type = "octetArray";
    }
    return { id: w.id, enterprise: 0, length: w.length, type, ...(e ? { name: e.name } : {}) };
  });
  return { id, fields, scopeFieldCount: scopeCount, minRecordLength: length };
}

/**
 * Decodes the (options) template FlowSet whose header is at `start` and which
 * ends at `end`; `truncated` when the datagram ended before the FlowSet's
 * length did (the cut record was reported with the FlowSet).
 */
export function decodeTemplateFlowSet(ctx: FlowSetContext, flowSetId: 0 | 1, start: number, end: number, truncated: boolean): NetflowV9TemplateFlowSet {
  const { view, errors } = ctx;
  const options = flowSetId === OPTIONS_TEMPLATE_FLOWSET_ID;
  const headerLength = options ? OPTIONS_TEMPLATE_RECORD_HEADER_LENGTH : TEMPLATE_RECORD_HEADER_LENGTH;
  const out: NetflowV9TemplateFlowSet = { kind: "templates", flowSetId, offset: start, templates: [] };
  let p = start + FLOWSET_HEADER_LENGTH;
  // Fewer octets than a record header left: padding.
  while (end - p >= headerLength) {
    const at = p;
    const id = view.getUint16(p);
    const extra = { flowSetId, templateId: id };
    // Options templates give their two lists' lengths in octets, templates a field count.
    const scopeLength = options ? view.getUint16(p + 2) : 0;
    const fieldsLength = options ? scopeLength + view.getUint16(p + 4) : view.getUint16(p + 2) * FIELD_SPECIFIER_LENGTH;
    const recordEnd = p + headerLength + fieldsLength;
    if (recordEnd > end) {
      if (!truncated) errors.push(v9Error("template_overrun", at, `template ${id} runs ${recordEnd - end} octets past the end of its FlowSet`, extra));
      ctx.countable = false;
      return out;
    }
    ctx.records++;
    p = recordEnd;
    if (scopeLength % FIELD_SPECIFIER_LENGTH !== 0 || fieldsLength % FIELD_SPECIFIER_LENGTH !== 0) {
      errors.push(v9Error("bad_option_lengths", at, `options template ${id}: scope length ${scopeLength} and option length ${fieldsLength - scopeLength} are not whole field specifiers of 4 octets`, extra));
      continue;
    }
    const scopeCount = scopeLength / FIELD_SPECIFIER_LENGTH;
    const fieldCount = fieldsLength / FIELD_SPECIFIER_LENGTH;
    if (id < MIN_DATA_FLOWSET_ID) {
      errors.push(v9Error("bad_template_id", at, `template ID ${id} (IDs below 256 are reserved)`, extra));
      continue;
    }
    const wire: WireField[] = new Array<WireField>(fieldCount);
    for (let k = 0, q = at + headerLength; k < fieldCount; k++, q += FIELD_SPECIFIER_LENGTH) {
      wire[k] = { id: view.getUint16(q), enterprise: 0, length: view.getUint16(q + 2) };
    }
    const template = resolveV9Template(id, wire, scopeCount, ctx.lookup, (i, type) => {
      errors.push(v9Error("bad_field_length", at, `template ${id} field ${i} (type ${wire[i].id}): a ${type} cannot be ${wire[i].length} octets; read as octets`, extra));
    });
    if (template.minRecordLength === 0) {
      errors.push(v9Error("empty_template", at, `template ${id}: ${fieldCount === 0 ? "no fields" : "every field is 0 octets long"} (v9 has no template withdrawal)`, extra));
      continue;
    }
    if (template.minRecordLength > MAX_RECORD_LENGTH) {
      errors.push(v9Error("oversized_template", at, `template ${id}: records of ${template.minRecordLength} octets do not fit a FlowSet (at most ${MAX_RECORD_LENGTH})`, extra));
      continue;
    }
    ctx.cache.set(ctx.session, ctx.sourceId, template, options);
    out.templates.push(template);
  }
  if (!truncated && end - p > MAX_PADDING) {
    errors.push(v9Error("bad_padding", p, `${end - p} octets after the last template of the FlowSet`, { flowSetId }));
  }
  return out;
}
