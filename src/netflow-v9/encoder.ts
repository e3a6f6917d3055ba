// One NetFlow v9 datagram from a description of its FlowSets, the decoder's
// mirror: for tests, fuzz seeds and the generator. Templates take the IPFIX
// codec's Template shape (an options template lists its scope fields first,
// `scopeFieldCount` of them, each with its scope type as `id`), and records
// are written by its RecordWriter. What does not fit the format is a
// RangeError (or the writer's TypeError for a value of the wrong kind).
import { isValidLength, type AbstractType, type FieldInput } from "../ipfix/abstract-types.js";
import { RecordWriter } from "../ipfix/record-writer.js";
import type { FieldSpec, Template } from "../ipfix/template.js";
import { netflowV9Lookup, scopeField } from "./field-types.js";
import {
  FIELD_SPECIFIER_LENGTH,
  FLOWSET_HEADER_LENGTH,
  H,
  HEADER_LENGTH,
  MAX_DATAGRAM_LENGTH,
  MAX_RECORD_LENGTH,
  MIN_DATA_FLOWSET_ID,
  OPTIONS_TEMPLATE_FLOWSET_ID,
  OPTIONS_TEMPLATE_RECORD_HEADER_LENGTH,
  TEMPLATE_FLOWSET_ID,
  TEMPLATE_RECORD_HEADER_LENGTH,
  VERSION,
} from "./wire.js";

export interface NetflowV9TemplateFlowSetSpec {
  kind: "templates";
  /** An options template FlowSet (ID 1) rather than a template FlowSet (ID 0). */
  options?: boolean;
  templates: readonly Template[];
  /** Zero octets after the records; default: up to the next 4-octet boundary. */
  padding?: number;
}

export interface NetflowV9DataFlowSetSpec {
  kind: "data";
  template: Template;
  /** Values in template field order (scope fields first); see the IPFIX codec's FieldInput. */
  records: readonly ArrayLike<FieldInput>[];
  /**
   * Zero octets after the records; default: up to the next 4-octet boundary
   * (RFC 3954 sections 5.3 and 6.2), or none when that padding would be as
   * long as a record and so read as one (RFC 3954 erratum 2096).
   */
  padding?: number;
}

export type NetflowV9FlowSetSpec = NetflowV9TemplateFlowSetSpec | NetflowV9DataFlowSetSpec;

export interface NetflowV9DatagramSpec {
  sysUptime?: number;
  unixSecs?: number;
  sequenceNumber?: number;
  sourceId?: number;
  /** Default: the records written, template records included (RFC 3954 section 5.1); another value builds a wrong header. */
  count?: number;
  sets: readonly NetflowV9FlowSetSpec[];
}

function uint(name: string, value: number, bits: number): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) throw new RangeError(`NetFlow v9 ${name} ${value} does not fit ${bits} bits`);
  return value;
}

function isScope(t: Template, i: number): boolean {
  return i < (t.scopeFieldCount ?? 0);
}

/** The type a field's values are written as: its own, else what the decoder's default lookup will read. */
function typeOf(t: Template, i: number): AbstractType {
  const f = t.fields[i];
  if (f.type) return f.type;
  return isScope(t, i) ? scopeField(f.id, f.length).type : (netflowV9Lookup(0, f.id)?.type ?? "octetArray");
}

function labelOf(t: Template, i: number): string {
  const f = t.fields[i];
  return f.name ?? (isScope(t, i) ? `scope type ${f.id}` : (netflowV9Lookup(0, f.id)?.name ?? `field type ${f.id}`));
}

/** Throws a RangeError naming the first thing RFC 3954 does not allow in `t` (`options`: it goes in an options template FlowSet). */
function checkV9Template(t: Template, options: boolean): void {
  const where = `NetFlow v9 template ${t.id}`;
  if (!Number.isInteger(t.id) || t.id < MIN_DATA_FLOWSET_ID || t.id > 65535) throw new RangeError(`${where}: template IDs are 256-65535`);
  if (t.fields.length === 0) throw new RangeError(`${where}: no fields`);
  const scope = t.scopeFieldCount ?? 0;
  if (!options && scope !== 0) throw new RangeError(`${where}: scope fields in a template FlowSet (options templates go in FlowSet 1)`);
  if (!Number.isInteger(scope) || scope < 0 || scope > t.fields.length) throw new RangeError(`${where}: scope field count ${scope} of ${t.fields.length} fields`);
  const specifiers = (options ? OPTIONS_TEMPLATE_RECORD_HEADER_LENGTH : TEMPLATE_RECORD_HEADER_LENGTH) + t.fields.length * FIELD_SPECIFIER_LENGTH;
  if (FLOWSET_HEADER_LENGTH + specifiers > 65535) throw new RangeError(`${where}: ${t.fields.length} fields do not fit a FlowSet`);
  let length = 0;
  t.fields.forEach((f: FieldSpec, i) => {
    const name = `${where} field ${i} (${labelOf(t, i)})`;
    if (f.enterprise) throw new RangeError(`${name}: v9 has no enterprise numbers`);
    if (!Number.isInteger(f.id) || f.id < 0 || f.id > 65535) throw new RangeError(`${name}: field types are 16-bit`);
    if (!Number.isInteger(f.length) || f.length < 0 || f.length > 65535) throw new RangeError(`${name}: lengths are 16-bit`);
    const type = typeOf(t, i);
    if (!isValidLength(type, f.length)) throw new RangeError(`${name}: a ${type} cannot be ${f.length} octets`);
    length += f.length;
  });
  if (length === 0) throw new RangeError(`${where}: its records would have no octets`);
  if (length > MAX_RECORD_LENGTH) throw new RangeError(`${where}: records of ${length} octets do not fit a FlowSet (v9 has no variable-length fields)`);
}

/** Writes the template record at `p` (the caller checked it fits); returns the offset after it. */
function writeTemplateRecord(view: DataView, p: number, t: Template, options: boolean): number {
  view.setUint16(p, t.id);
  if (options) {
    const scope = t.scopeFieldCount ?? 0;
    view.setUint16(p + 2, scope * FIELD_SPECIFIER_LENGTH);
    view.setUint16(p + 4, (t.fields.length - scope) * FIELD_SPECIFIER_LENGTH);
    p += OPTIONS_TEMPLATE_RECORD_HEADER_LENGTH;
  } else {
    view.setUint16(p + 2, t.fields.length);
    p += TEMPLATE_RECORD_HEADER_LENGTH;
  }
  for (const f of t.fields) {
    view.setUint16(p, f.id);
    view.setUint16(p + 2, f.length);
    p += FIELD_SPECIFIER_LENGTH;
  }
  return p;
}

/**
 * The IPFIX record writer for a v9 template. It checks IPFIX's 15-bit element
 * IDs, but only ever uses a field's type and length: v9 field and scope types
 * (16-bit, not all elements) go to it resolved, under their labels.
 */
function writerFor(t: Template): RecordWriter {
  return new RecordWriter({ id: t.id, fields: t.fields.map((f, i) => ({ id: 0, length: f.length, type: typeOf(t, i), name: labelOf(t, i) })) });
}

/** Encodes the datagram; throws a RangeError when something does not fit the format. */
export function encodeNetflowV9(spec: NetflowV9DatagramSpec): Uint8Array {
  const buf = new Uint8Array(MAX_DATAGRAM_LENGTH);
  const view = new DataView(buf.buffer);
  const writers = new Map<Template, RecordWriter>();
  let p = HEADER_LENGTH;
  let records = 0;
  const room = (n: number) => {
    if (p + n > MAX_DATAGRAM_LENGTH) throw new RangeError(`NetFlow v9 datagram longer than ${MAX_DATAGRAM_LENGTH} octets`);
  };
  for (const set of spec.sets) {
    const start = p;
    room(FLOWSET_HEADER_LENGTH);
    p += FLOWSET_HEADER_LENGTH;
    // Padding may not be as long as the smallest record (it would read as one).
    let smallest: number;
    if (set.kind === "templates") {
      const options = Boolean(set.options);
      view.setUint16(start, options ? OPTIONS_TEMPLATE_FLOWSET_ID : TEMPLATE_FLOWSET_ID);
      for (const t of set.templates) {
        checkV9Template(t, options);
        room((options ? OPTIONS_TEMPLATE_RECORD_HEADER_LENGTH : TEMPLATE_RECORD_HEADER_LENGTH) + t.fields.length * FIELD_SPECIFIER_LENGTH);
        p = writeTemplateRecord(view, p, t, options);
        records++;
      }
      smallest = options ? OPTIONS_TEMPLATE_RECORD_HEADER_LENGTH : TEMPLATE_RECORD_HEADER_LENGTH;
    } else {
      const t = set.template;
      checkV9Template(t, (t.scopeFieldCount ?? 0) > 0);
      view.setUint16(start, t.id);
      let writer = writers.get(t);
      if (!writer) writers.set(t, (writer = writerFor(t)));
      const limit = Math.min(MAX_DATAGRAM_LENGTH, start + 65535);
      for (const values of set.records) {
        const end = writer.write(view, buf, p, limit, values);
        if (end < 0) throw new RangeError(`NetFlow v9 FlowSet of template ${t.id} longer than 65535 octets, or the datagram than ${MAX_DATAGRAM_LENGTH}`);
        p = end;
        records++;
      }
      smallest = writer.minLength;
    }
    let pad = set.padding ?? (4 - (p % 4)) % 4;
    if (set.padding === undefined && pad >= smallest) pad = 0;
    if (!Number.isInteger(pad) || pad < 0) throw new RangeError(`NetFlow v9 padding ${pad}`);
    room(pad);
    buf.fill(0, p, p + pad);
    p += pad;
    if (p - start > 65535) throw new RangeError(`NetFlow v9 FlowSet of ${p - start} octets: lengths are 16-bit`);
    view.setUint16(start + 2, p - start);
  }
  view.setUint16(H.version, VERSION);
  view.setUint16(H.count, uint("count", spec.count ?? records, 16));
  view.setUint32(H.sysUptime, uint("sysUptime", spec.sysUptime ?? 0, 32));
  view.setUint32(H.unixSecs, uint("unixSecs", spec.unixSecs ?? 0, 32));
  view.setUint32(H.sequenceNumber, uint("sequenceNumber", spec.sequenceNumber ?? 0, 32));
  view.setUint32(H.sourceId, uint("sourceId", spec.sourceId ?? 0, 32));
  return buf.slice(0, p);
}
