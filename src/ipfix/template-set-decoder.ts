// Template sets and options template sets: definitions go into the cache,
// withdrawals come out of it (RFC 7011 sections 3.4 and 8.1).
import { decodeError, type DecodeError } from "./decode-error.js";
import { resolveTemplate, type DecodedTemplate, type WireField } from "./decoded-template.js";
import type { ElementLookup } from "./information-element.js";
import type { TemplateCache } from "./template-cache.js";
import { ENTERPRISE_BIT, MIN_DATA_SET_ID, OPTIONS_TEMPLATE_SET_ID, SET_HEADER_LENGTH, TEMPLATE_RECORD_HEADER_LENGTH } from "./wire.js";

export interface TemplateWithdrawal {
  /** The withdrawn ID, or the set's ID (2 or 3) for "every template of this kind". */
  templateId: number;
  all: boolean;
}

export interface DecodedTemplateSet {
  kind: "templates";
  /** 2: template set; 3: options template set. */
  setId: number;
  /** Offset of the set header in the message. */
  offset: number;
  /** Templates defined (and now cached), in order. */
  templates: DecodedTemplate[];
  withdrawals: TemplateWithdrawal[];
}

export interface SetContext {
  view: DataView;
  bytes: Uint8Array;
  session: string;
  domain: number;
  cache: TemplateCache;
  lookup: ElementLookup;
  errors: DecodeError[];
}

/** Decodes the template set whose header is at `start` and which ends at `end`. */
export function decodeTemplateSet(ctx: SetContext, setId: number, start: number, end: number): DecodedTemplateSet {
  const { view, cache, session, domain, errors } = ctx;
  const options = setId === OPTIONS_TEMPLATE_SET_ID;
  const out: DecodedTemplateSet = { kind: "templates", setId, offset: start, templates: [], withdrawals: [] };
  let p = start + SET_HEADER_LENGTH;
  // Fewer octets than a record header left: padding.
  while (end - p >= TEMPLATE_RECORD_HEADER_LENGTH) {
    const at = p;
    const id = view.getUint16(p);
    const count = view.getUint16(p + 2);
    p += TEMPLATE_RECORD_HEADER_LENGTH;
    const extra = { setId, templateId: id };
    if (count === 0) {
      // A withdrawal; the set's own ID withdraws every template of its kind.
      if (id === setId) {
        cache.withdrawAll(session, domain, options);
        out.withdrawals.push({ templateId: id, all: true });
      } else if (id < MIN_DATA_SET_ID) {
        errors.push(decodeError("bad_template_id", at, `withdrawal of template ID ${id} (IDs below 256 are reserved)`, extra));
      } else if (cache.withdraw(session, domain, id)) {
        out.withdrawals.push({ templateId: id, all: false });
      } else {
        errors.push(decodeError("withdraw_unknown", at, `withdrawal of template ${id}, which is not known`, extra));
      }
      continue;
    }
    let scope = 0;
    if (options) {
      if (p + 2 > end) {
        errors.push(decodeError("template_overrun", at, `options template ${id} runs past the end of its set`, extra));
        break;
      }
      scope = view.getUint16(p);
      p += 2;
    }
    const wire: WireField[] = [];
    let overrun = false;
    for (let k = 0; k < count; k++) {
      if (p + 4 > end) {
        overrun = true;
        break;
      }
      const raw = view.getUint16(p);
      const length = view.getUint16(p + 2);
      p += 4;
      let enterprise = 0;
      if (raw & ENTERPRISE_BIT) {
        if (p + 4 > end) {
          overrun = true;
          break;
        }
        enterprise = view.getUint32(p);
        p += 4;
      }
      wire.push({ id: raw & ~ENTERPRISE_BIT, enterprise, length });
    }
    if (overrun) {
      errors.push(decodeError("template_overrun", at, `template ${id} (${count} fields) runs past the end of its set`, extra));
      break;
    }
    if (id < MIN_DATA_SET_ID) {
      errors.push(decodeError("bad_template_id", at, `template ID ${id} (IDs below 256 are reserved)`, extra));
      continue;
    }
    if (options && (scope === 0 || scope > count)) {
      errors.push(decodeError("bad_scope_count", at, `options template ${id}: scope field count ${scope} of ${count} fields`, extra));
      continue;
    }
    const template = resolveTemplate(id, wire, scope, ctx.lookup, (i, type) => {
      const f = wire[i];
      errors.push(decodeError("bad_field_length", at, `template ${id} field ${i}: a ${type} cannot be ${f.length} octets; read as octets`, extra));
    });
    if (template.minRecordLength === 0) {
      errors.push(decodeError("empty_template", at, `template ${id}: every field is 0 octets long`, extra));
      continue;
    }
    cache.set(session, domain, template, options);
    out.templates.push(template);
  }
  return out;
}
