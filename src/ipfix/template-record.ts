// Template records and template withdrawals as bytes (RFC 7011 sections 3.4.1,
// 3.4.2 and 8.1).
import { fieldSpecifiersLength, isOptionsTemplate, type Template } from "./template.js";
import { ENTERPRISE_BIT, OPTIONS_TEMPLATE_RECORD_HEADER_LENGTH, TEMPLATE_RECORD_HEADER_LENGTH } from "./wire.js";

/** Bytes of the template's record in a (options) template set. */
export function templateRecordLength(t: Template): number {
  const header = isOptionsTemplate(t) ? OPTIONS_TEMPLATE_RECORD_HEADER_LENGTH : TEMPLATE_RECORD_HEADER_LENGTH;
  return header + fieldSpecifiersLength(t.fields);
}

/** Writes the template record at `p` (the caller checked it fits); returns the offset after it. */
export function writeTemplateRecord(view: DataView, p: number, t: Template): number {
  view.setUint16(p, t.id);
  view.setUint16(p + 2, t.fields.length);
  p += 4;
  if (isOptionsTemplate(t)) {
    view.setUint16(p, t.scopeFieldCount!);
    p += 2;
  }
  for (const f of t.fields) {
    if (f.enterprise) {
      view.setUint16(p, f.id | ENTERPRISE_BIT);
      view.setUint16(p + 2, f.length);
      view.setUint32(p + 4, f.enterprise);
      p += 8;
    } else {
      view.setUint16(p, f.id);
      view.setUint16(p + 2, f.length);
      p += 4;
    }
  }
  return p;
}

/**
 * Writes a withdrawal record (template ID, field count 0) at `p`. The set's own
 * ID as template ID withdraws every template of that set's kind.
 */
export function writeWithdrawalRecord(view: DataView, p: number, templateId: number): number {
  view.setUint16(p, templateId);
  view.setUint16(p + 2, 0);
  return p + TEMPLATE_RECORD_HEADER_LENGTH;
}
