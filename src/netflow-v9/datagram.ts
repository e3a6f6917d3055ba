// A NetFlow v9 datagram as the decoder returns it: the header, then one entry
// per FlowSet in datagram order. Templates and records are the IPFIX codec's
// own types (DecodedTemplate, FieldValue), since v9 field types are IPFIX
// information elements.
import type { FieldValue } from "../ipfix/abstract-types.js";
import type { DecodedTemplate } from "../ipfix/decoded-template.js";

export interface NetflowV9Header {
  version: 9;
  /** Records the header announces: template, options template, data and options data records together (RFC 3954 section 5.1). */
  count: number;
  /** Milliseconds since the exporter booted, when it sent the datagram. */
  sysUptime: number;
  /** Seconds since 1970 when the datagram left the exporter. */
  unixSecs: number;
  /** Datagrams (not records, unlike v5 and IPFIX) this source sent before this one, modulo 2^32. */
  sequenceNumber: number;
  /** The exporter's observation domain: template IDs are unique per (exporter, source ID). */
  sourceId: number;
}

export interface NetflowV9TemplateFlowSet {
  kind: "templates";
  /** 0: templates; 1: options templates. */
  flowSetId: 0 | 1;
  /** Offset of the FlowSet header in the datagram. */
  offset: number;
  /**
   * Templates defined (and now cached), in order. Options templates list
   * their scope fields first (`scopeFieldCount` of them; a scope field's `id`
   * is its scope type, 1 system to 5 template, not an element ID).
   */
  templates: DecodedTemplate[];
}

export interface NetflowV9DataFlowSet {
  kind: "data";
  /** The template ID. */
  flowSetId: number;
  offset: number;
  template: DecodedTemplate;
  /** True when the template came from an options template FlowSet (these are options data records). */
  options: boolean;
  /** One array per record, values in template field order (see FieldValue for the types); empty when `recordOffsets` is set. */
  records: FieldValue[][];
  /**
   * With `values: false`, for a data (not options) FlowSet whose records hold
   * no value that could be invalid: where each record starts in the datagram,
   * and after the last one where it ends (records + 1 entries).
   */
  recordOffsets?: number[];
}

/**
 * A data FlowSet whose template is not (yet) known: kept whole, so a caller
 * can hold it and decode it with decodePendingFlowSet once the template
 * arrives (RFC 3954: a collector must not assume a data FlowSet and its
 * template come in the same datagram).
 */
export interface NetflowV9PendingFlowSet {
  kind: "pending";
  flowSetId: number;
  offset: number;
  /** The header's source ID: which templates it needs, with the session. */
  sourceId: number;
  /** The FlowSet's octets, header included (a copy); shorter than its length field says when the datagram was cut. */
  bytes: Uint8Array;
}

export type NetflowV9FlowSet = NetflowV9TemplateFlowSet | NetflowV9DataFlowSet | NetflowV9PendingFlowSet;
