// NetFlow v9 datagram decoder (RFC 3954) against the IPFIX codec's template
// cache: a pure function over bytes. Never throws and never reads out of
// bounds: every problem becomes a typed error, and whatever else in the
// datagram is decodable is decoded (later FlowSets, earlier records).
import type { FieldValue } from "../ipfix/abstract-types.js";
import type { ElementLookup } from "../ipfix/information-element.js";
import type { TemplateCache } from "../ipfix/template-cache.js";
import type { NetflowV9DataFlowSet, NetflowV9FlowSet, NetflowV9Header, NetflowV9PendingFlowSet } from "./datagram.js";
import { v9Error, type NetflowV9Error } from "./decode-error.js";
import { netflowV9Lookup } from "./field-types.js";
import type { FlowSetContext } from "./flowset-context.js";
import { decodeTemplateFlowSet } from "./template-flowset.js";
import { FLOWSET_HEADER_LENGTH, H, HEADER_LENGTH, MAX_PADDING, MIN_DATA_FLOWSET_ID, OPTIONS_TEMPLATE_FLOWSET_ID, TEMPLATE_FLOWSET_ID, VERSION } from "./wire.js";

export interface NetflowV9DecodeOptions {
  /**
   * The exporter's transport session, as the caller names it (for instance
   * "udp:192.0.2.1:2055"): templates are scoped to it and the source ID, as
   * RFC 3954 section 5.1 tells collectors to separate export streams.
   */
  session: string;
  cache: TemplateCache;
  /** Types of field types; default netflowV9Lookup (1-127 as IPFIX elements, the rest octets). */
  lookup?: ElementLookup;
  /**
   * False: data records are bounds-checked but their values not decoded
   * where nothing can be wrong with them (see NetflowV9DataFlowSet.recordOffsets);
   * options records are always decoded. Default true.
   */
  values?: boolean;
}

export interface NetflowV9Decoded {
  /** Absent when the datagram is too short for a header or not version 9. */
  header?: NetflowV9Header;
  sets: NetflowV9FlowSet[];
  errors: NetflowV9Error[];
}

export function decodeNetflowV9(bytes: Uint8Array, opts: NetflowV9DecodeOptions): NetflowV9Decoded {
  const errors: NetflowV9Error[] = [];
  const sets: NetflowV9FlowSet[] = [];
  if (bytes.length < HEADER_LENGTH) {
    errors.push(v9Error("short_datagram", 0, `${bytes.length} octets, fewer than the 20 of a NetFlow v9 header`));
    return { sets, errors };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(H.version);
  if (version !== VERSION) {
    errors.push(v9Error("bad_version", H.version, `version ${version}, not 9`));
    return { sets, errors };
  }
  const header: NetflowV9Header = {
    version: VERSION,
    count: view.getUint16(H.count),
    sysUptime: view.getUint32(H.sysUptime),
    unixSecs: view.getUint32(H.unixSecs),
    sequenceNumber: view.getUint32(H.sequenceNumber),
    sourceId: view.getUint32(H.sourceId),
  };
  const ctx: FlowSetContext = {
    view,
    bytes,
    session: opts.session,
    sourceId: header.sourceId,
    cache: opts.cache,
    lookup: opts.lookup ?? netflowV9Lookup,
    errors,
    records: 0,
    countable: true,
    values: opts.values ?? true,
  };
  try {
    decodeFlowSets(ctx, sets);
  } catch (e) {
    // Not reachable by design; kept so a bug cannot take the collector down.
    errors.push(v9Error("internal_error", 0, `decoder bug: ${(e as Error)?.message ?? String(e)}`));
    ctx.countable = false;
  }
  if (ctx.countable && ctx.records !== header.count) {
    errors.push(v9Error("count_mismatch", H.count, `the header announces ${header.count} records; the datagram holds ${ctx.records} (templates included)`));
  }
  return { header, sets, errors };
}

function decodeFlowSets(ctx: FlowSetContext, out: NetflowV9FlowSet[]): void {
  const { view, bytes, errors } = ctx;
  const end = bytes.length;
  let p = HEADER_LENGTH;
  while (p < end) {
    if (end - p < FLOWSET_HEADER_LENGTH) {
      errors.push(v9Error("short_flowset", p, `${end - p} octets left: too few for a FlowSet header`));
      ctx.countable = false;
      return;
    }
    const id = view.getUint16(p);
    const length = view.getUint16(p + 2);
    if (length < FLOWSET_HEADER_LENGTH) {
      // Nothing tells where the next FlowSet starts.
      errors.push(v9Error("short_flowset", p, `FlowSet ${id} has length ${length}`, { flowSetId: id }));
      ctx.countable = false;
      return;
    }
    let setEnd = p + length;
    const truncated = setEnd > end;
    if (truncated) {
      // A cut datagram (a snap length, an exporter's bug) keeps what it holds, as v5 keeps its whole records.
      errors.push(v9Error("truncated_flowset", p, `FlowSet ${id} (${length} octets) runs ${setEnd - end} octets past the datagram`, { flowSetId: id }));
      ctx.countable = false;
      setEnd = end;
    }
    if (id === TEMPLATE_FLOWSET_ID || id === OPTIONS_TEMPLATE_FLOWSET_ID) {
      out.push(decodeTemplateFlowSet(ctx, id, p, setEnd, truncated));
    } else if (id >= MIN_DATA_FLOWSET_ID) {
      out.push(decodeDataFlowSet(ctx, id, p, setEnd, truncated, true));
    } else {
      errors.push(v9Error("reserved_flowset_id", p, `FlowSet ID ${id} is reserved`, { flowSetId: id }));
      ctx.countable = false;
    }
    p = setEnd;
  }
}

/**
 * The data FlowSet at `start`..`end`, or a pending one when its template is
 * not known (`countMiss`: a first sight, which the cache's stats count).
 */
function decodeDataFlowSet(ctx: FlowSetContext, id: number, start: number, end: number, truncated: boolean, countMiss: boolean): NetflowV9DataFlowSet | NetflowV9PendingFlowSet {
  const { view, bytes, errors, cache } = ctx;
  const extra = { flowSetId: id, templateId: id };
  const entry = cache.get(ctx.session, ctx.sourceId, id);
  if (!entry) {
    if (countMiss) cache.stats.unknownTemplateSets++;
    errors.push(v9Error("unknown_template", start, `data FlowSet for template ${id}, which is not known: kept undecoded`, extra));
    ctx.countable = false;
    return { kind: "pending", flowSetId: id, offset: start, sourceId: ctx.sourceId, bytes: bytes.slice(start, end) };
  }
  const { template, reader } = entry;
  const n = template.fields.length;
  // Every v9 field has a fixed length: each record is exactly this long (at least 1: empty templates are not cached).
  const length = template.minRecordLength;
  const records: FieldValue[][] = [];
  let p = start + FLOWSET_HEADER_LENGTH;
  let offsets: number[] | undefined;
  if (!ctx.values && !entry.options && !reader.checksValues) {
    offsets = [];
    for (; end - p >= length; p += length) offsets.push(p);
    offsets.push(p);
    ctx.records += offsets.length - 1;
  } else {
    reader.resetBad();
    while (end - p >= length) {
      const values: FieldValue[] = new Array<FieldValue>(n);
      const next = reader.read(view, bytes, p, end, values);
      if (next !== p + length) throw new Error(`template ${id}: a record read ${next - p} octets, not ${length}`);
      records.push(values);
      p = next;
    }
    ctx.records += records.length;
  }
  // A cut datagram's partial record was reported with the FlowSet.
  if (!truncated && end - p > MAX_PADDING) {
    errors.push(v9Error("bad_padding", p, `${end - p} octets after the last whole record of template ${id} (records of ${length})`, extra));
  }
  if (!offsets && reader.badValues > 0) {
    errors.push(v9Error("bad_value", reader.firstBadOffset, `${reader.badValues} value(s) not valid for their type in template ${id}'s records; decoded as null`, extra));
  }
  if (offsets) return { kind: "data", flowSetId: id, offset: start, template, options: false, records, recordOffsets: offsets };
  return { kind: "data", flowSetId: id, offset: start, template, options: entry.options, records };
}

export interface NetflowV9PendingDecoded {
  /** Absent while the template is still not known (keep holding the FlowSet). */
  flowSet?: NetflowV9DataFlowSet;
  /** Offsets are the datagram's, as if the FlowSet were decoded where it arrived. */
  errors: NetflowV9Error[];
}

/**
 * Decodes a FlowSet the decoder returned as pending, against the cache as it
 * is now (its template arrived since). Same session as the datagram it came
 * in; never throws.
 */
export function decodePendingFlowSet(pending: NetflowV9PendingFlowSet, opts: NetflowV9DecodeOptions): NetflowV9PendingDecoded {
  const errors: NetflowV9Error[] = [];
  const { bytes } = pending;
  if (!opts.cache.get(opts.session, pending.sourceId, pending.flowSetId)) return { errors };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ctx: FlowSetContext = {
    view,
    bytes,
    session: opts.session,
    sourceId: pending.sourceId,
    cache: opts.cache,
    lookup: opts.lookup ?? netflowV9Lookup,
    errors,
    records: 0,
    countable: true,
    values: true, // its offsets would be into the held copy, not the datagram
  };
  let flowSet: NetflowV9DataFlowSet | undefined;
  try {
    const declared = bytes.length >= FLOWSET_HEADER_LENGTH ? view.getUint16(2) : 0;
    const set = decodeDataFlowSet(ctx, pending.flowSetId, 0, bytes.length, declared !== bytes.length, false);
    if (set.kind === "data") flowSet = { ...set, offset: pending.offset };
  } catch (e) {
    errors.push(v9Error("internal_error", 0, `decoder bug: ${(e as Error)?.message ?? String(e)}`));
  }
  for (const e of errors) e.offset += pending.offset;
  return { ...(flowSet ? { flowSet } : {}), errors };
}
