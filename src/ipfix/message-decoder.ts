// Decodes one IPFIX message against a template cache. Never throws and never
// reads out of bounds: every problem becomes a typed error, and whatever else
// in the message is still decodable is decoded (other sets, earlier records).
import type { FieldValue } from "./abstract-types.js";
import { decodeError, type DecodeError } from "./decode-error.js";
import { ianaLookup, type DecodedTemplate } from "./decoded-template.js";
import type { ElementLookup } from "./information-element.js";
import type { CachedTemplate, TemplateCache } from "./template-cache.js";
import { decodeTemplateSet, type DecodedTemplateSet, type SetContext } from "./template-set-decoder.js";
import {
  IPFIX_VERSION,
  MESSAGE_HEADER_LENGTH,
  MIN_DATA_SET_ID,
  OPTIONS_TEMPLATE_SET_ID,
  SET_HEADER_LENGTH,
  TEMPLATE_SET_ID,
  type MessageHeader,
} from "./wire.js";

export interface DecodedDataSet {
  kind: "data";
  /** The template ID. */
  setId: number;
  /** Offset of the set header in the message. */
  offset: number;
  template: DecodedTemplate;
  /** True when the template came from an options template set. */
  options: boolean;
  /** One array per record, values in template field order (see FieldValue for the types); empty when `recordOffsets` is set. */
  records: FieldValue[][];
  /**
   * With `values: false`, for a data (not options) set whose records hold no
   * value that could be invalid: where each record starts in the message,
   * and after the last one where it ends (records + 1 entries). The caller
   * reads the fields it wants straight from the bytes.
   */
  recordOffsets?: number[];
}

export type DecodedSet = DecodedTemplateSet | DecodedDataSet;

export interface DecodedMessage {
  /** Absent when the message is too short for a header or not version 10. */
  header?: MessageHeader;
  sets: DecodedSet[];
  errors: DecodeError[];
}

export interface DecodeOptions {
  /**
   * The exporter's transport session, as the caller names it (for instance
   * "udp:192.0.2.1:4739"): templates are scoped to it.
   */
  session: string;
  cache: TemplateCache;
  /** Types of elements; default: the IANA registry (enterprise elements decode as octets). */
  lookup?: ElementLookup;
  /**
   * False: data records are bounds-checked but their values not decoded
   * where nothing can be wrong with them (see DecodedDataSet.recordOffsets);
   * options records are always decoded. Default true.
   */
  values?: boolean;
}

export function decodeMessage(bytes: Uint8Array, opts: DecodeOptions): DecodedMessage {
  const errors: DecodeError[] = [];
  const sets: DecodedSet[] = [];
  if (bytes.length < MESSAGE_HEADER_LENGTH) {
    errors.push(decodeError("short_message", 0, `${bytes.length} octets: an IPFIX message header needs 16`));
    return { sets, errors };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(0);
  if (version !== IPFIX_VERSION) {
    errors.push(decodeError("bad_version", 0, `version ${version}, not 10`));
    return { sets, errors };
  }
  const header: MessageHeader = {
    length: view.getUint16(2),
    exportTime: view.getUint32(4),
    sequenceNumber: view.getUint32(8),
    observationDomainId: view.getUint32(12),
  };
  let end = bytes.length;
  if (header.length !== bytes.length) {
    errors.push(decodeError("length_mismatch", 2, `header says ${header.length} octets, ${bytes.length} given`));
    if (header.length >= MESSAGE_HEADER_LENGTH && header.length < end) end = header.length;
  }
  const ctx: SetContext = {
    view,
    bytes,
    session: opts.session,
    domain: header.observationDomainId,
    cache: opts.cache,
    lookup: opts.lookup ?? ianaLookup,
    errors,
  };
  try {
    decodeSets(ctx, end, sets, opts.values ?? true);
  } catch (e) {
    // Not reachable by design; kept so a bug cannot take the collector down.
    errors.push(decodeError("internal_error", 0, `decoder bug: ${(e as Error)?.message ?? String(e)}`));
  }
  return { header, sets, errors };
}

function decodeSets(ctx: SetContext, end: number, sets: DecodedSet[], values: boolean): void {
  const { view, errors } = ctx;
  let p = MESSAGE_HEADER_LENGTH;
  while (p < end) {
    if (end - p < SET_HEADER_LENGTH) {
      errors.push(decodeError("short_set", p, `${end - p} octets left: too few for a set header`));
      return;
    }
    const setId = view.getUint16(p);
    const length = view.getUint16(p + 2);
    if (length < SET_HEADER_LENGTH) {
      errors.push(decodeError("short_set", p, `set ${setId} has length ${length}`, { setId }));
      return;
    }
    if (p + length > end) {
      errors.push(decodeError("set_overrun", p, `set ${setId} (${length} octets) runs ${p + length - end} octets past the message`, { setId }));
      return;
    }
    const setEnd = p + length;
    if (setId === TEMPLATE_SET_ID || setId === OPTIONS_TEMPLATE_SET_ID) {
      sets.push(decodeTemplateSet(ctx, setId, p, setEnd));
    } else if (setId >= MIN_DATA_SET_ID) {
      const set = decodeDataSet(ctx, setId, p, setEnd, values);
      if (set) sets.push(set);
    } else {
      errors.push(decodeError("reserved_set_id", p, `set ID ${setId} is reserved`, { setId }));
    }
    p = setEnd;
  }
}

function decodeDataSet(ctx: SetContext, setId: number, start: number, end: number, values: boolean): DecodedDataSet | undefined {
  const { view, bytes, errors, cache } = ctx;
  const entry = cache.get(ctx.session, ctx.domain, setId);
  if (!entry) {
    cache.stats.unknownTemplateSets++;
    errors.push(decodeError("unknown_template", start, `data set for template ${setId}, which is not known`, { setId, templateId: setId }));
    return undefined;
  }
  const { template, reader } = entry;
  if (!values && !entry.options && !reader.checksValues) return recordsOf(ctx, entry, setId, start, end);
  const n = template.fields.length;
  const min = template.minRecordLength; // at least 1: empty templates are not cached
  const records: FieldValue[][] = [];
  reader.resetBad();
  let p = start + SET_HEADER_LENGTH;
  // Fewer octets than the smallest record left: padding.
  while (end - p >= min) {
    const values: FieldValue[] = new Array(n);
    const next = reader.read(view, bytes, p, end, values);
    if (next < 0) {
      errors.push(decodeError("field_overrun", p, `record ${records.length} of template ${setId} runs past the end of its set`, { setId, templateId: setId }));
      break;
    }
    records.push(values);
    p = next;
  }
  if (reader.badValues > 0) {
    errors.push(
      decodeError("bad_value", reader.firstBadOffset, `${reader.badValues} value(s) not valid for their type in template ${setId}'s records; decoded as null`, {
        setId,
        templateId: setId,
      }),
    );
  }
  return { kind: "data", setId, offset: start, template, options: entry.options, records };
}

/** A data set's record boundaries, for a caller that reads the values it wants itself. */
function recordsOf(ctx: SetContext, entry: CachedTemplate, setId: number, start: number, end: number): DecodedDataSet {
  const { view, bytes } = ctx;
  const min = entry.template.minRecordLength;
  const offsets: number[] = [];
  let p = start + SET_HEADER_LENGTH;
  while (end - p >= min) {
    const next = entry.reader.skip(view, bytes, p, end);
    if (next < 0) {
      ctx.errors.push(decodeError("field_overrun", p, `record ${offsets.length} of template ${setId} runs past the end of its set`, { setId, templateId: setId }));
      break;
    }
    offsets.push(p);
    p = next;
  }
  offsets.push(p);
  return { kind: "data", setId, offset: start, template: entry.template, options: false, records: [], recordOffsets: offsets };
}
