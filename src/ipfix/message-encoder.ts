// One whole message from a description of its sets: for tests, generators and
// tools that want exact control over what goes where. Exporters use
// MessageBuilder, which packs records into size-limited messages.
import type { FieldInput } from "./abstract-types.js";
import { RecordWriter } from "./record-writer.js";
import { checkTemplate, isOptionsTemplate, type Template } from "./template.js";
import { templateRecordLength, writeTemplateRecord, writeWithdrawalRecord } from "./template-record.js";
import {
  IPFIX_VERSION,
  MAX_MESSAGE_LENGTH,
  MESSAGE_HEADER_LENGTH,
  OPTIONS_TEMPLATE_SET_ID,
  SET_HEADER_LENGTH,
  TEMPLATE_RECORD_HEADER_LENGTH,
  TEMPLATE_SET_ID,
} from "./wire.js";

export interface TemplateSetSpec {
  kind: "templates";
  /** An options template set (set ID 3) rather than a template set (2). */
  options?: boolean;
  templates?: readonly Template[];
  /** Template IDs to withdraw; the set's own ID (2 or 3) withdraws all of its kind. */
  withdrawals?: readonly number[];
  /** Zero octets after the records (RFC 7011 wants fewer than the smallest record). */
  padding?: number;
}

export interface DataSetSpec {
  kind: "data";
  template: Template;
  /** Values in template field order. */
  records: readonly ArrayLike<FieldInput>[];
  padding?: number;
}

export type SetSpec = TemplateSetSpec | DataSetSpec;

export interface MessageSpec {
  exportTime?: number;
  sequenceNumber?: number;
  observationDomainId?: number;
  sets: readonly SetSpec[];
}

/** Encodes the message; throws a RangeError when something does not fit the format. */
export function encodeMessage(spec: MessageSpec): Uint8Array {
  const buf = new Uint8Array(MAX_MESSAGE_LENGTH);
  const view = new DataView(buf.buffer);
  let p = MESSAGE_HEADER_LENGTH;
  const room = (n: number) => {
    if (p + n > MAX_MESSAGE_LENGTH) throw new RangeError(`message longer than ${MAX_MESSAGE_LENGTH} octets`);
  };
  for (const set of spec.sets) {
    const start = p;
    room(SET_HEADER_LENGTH);
    p += SET_HEADER_LENGTH;
    if (set.kind === "templates") {
      const setId = set.options ? OPTIONS_TEMPLATE_SET_ID : TEMPLATE_SET_ID;
      view.setUint16(start, setId);
      for (const t of set.templates ?? []) {
        checkTemplate(t);
        if (isOptionsTemplate(t) !== Boolean(set.options)) {
          throw new RangeError(`template ${t.id}: ${set.options ? "a data template in an options" : "an options template in a"} template set`);
        }
        room(templateRecordLength(t));
        p = writeTemplateRecord(view, p, t);
      }
      for (const id of set.withdrawals ?? []) {
        room(TEMPLATE_RECORD_HEADER_LENGTH);
        p = writeWithdrawalRecord(view, p, id);
      }
    } else {
      view.setUint16(start, set.template.id);
      const writer = new RecordWriter(set.template);
      for (const values of set.records) {
        const end = writer.write(view, buf, p, MAX_MESSAGE_LENGTH, values);
        if (end < 0) throw new RangeError(`message longer than ${MAX_MESSAGE_LENGTH} octets`);
        p = end;
      }
    }
    const pad = set.padding ?? 0;
    room(pad);
    buf.fill(0, p, p + pad);
    p += pad;
    view.setUint16(start + 2, p - start);
  }
  view.setUint16(0, IPFIX_VERSION);
  view.setUint16(2, p);
  view.setUint32(4, spec.exportTime ?? 0);
  view.setUint32(8, spec.sequenceNumber ?? 0);
  view.setUint32(12, spec.observationDomainId ?? 0);
  return buf.slice(0, p);
}
