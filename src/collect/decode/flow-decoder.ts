// The decode stage: each datagram to its protocol's codec by its version
// (`-t netflow`: NetFlow v5, v9 and IPFIX on one socket, by the first two
// octets; `-t sflow`: sFlow v5, by the first four). Template state lives here, scoped per exporter (address and
// port) as RFC 7011 section 8 and RFC 3954 section 5 ask, bounded by the
// template cache's caps: in all and per exporter, in templates and in their
// fields (what a template weighs grows with its fields).
import { decodeMessage, ianaLookupWithV9Compat, TemplateCache, type DecodedMessage, type ElementLookup, type InformationElement } from "../../ipfix/index.js";
import { withMapping } from "./ie-mapping.js";
import { decodeNetflowV5, type NetflowV5Datagram, type NetflowV5Error } from "../../netflow-v5/index.js";
import { decodeNetflowV9, decodePendingFlowSet, netflowV9IanaLookup, type NetflowV9Decoded } from "../../netflow-v9/index.js";
import { decodeSflow, type SflowDecoded } from "../../sflow/index.js";
import type { Datagram } from "../datagram.js";
import { PendingFlowSets } from "./pending-flowsets.js";

export type FlowProtocol = "netflow" | "sflow";

export type DecodedDatagram =
  | { kind: "netflow_v5"; datagram: Datagram; message: NetflowV5Datagram | undefined; errors: NetflowV5Error[] }
  | { kind: "netflow_v9"; datagram: Datagram; session: string; message: NetflowV9Decoded }
  | { kind: "ipfix"; datagram: Datagram; session: string; message: DecodedMessage }
  | { kind: "sflow"; datagram: Datagram; message: SflowDecoded }
  | { kind: "unknown_version"; datagram: Datagram; version: number };

/** Templates kept across all exporters, and their fields added up (64 a template on average). */
export const MAX_TEMPLATES = 4096;
export const MAX_TEMPLATE_FIELDS = 64 * MAX_TEMPLATES;
/** What one exporter (address and port; v9 and IPFIX apart) may hold of those: a quarter. */
export const MAX_TEMPLATES_PER_EXPORTER = 1024;
export const MAX_TEMPLATE_FIELDS_PER_EXPORTER = 65_536;

/** What the decode stage holds beyond the template count, and what its caps let go, for the metrics. */
export interface DecoderHeld {
  /** Fields of the templates held, added up. */
  templateFields: number;
  /** Templates evicted because their exporter held its most (also in the template evictions). */
  templateExporterEvictions: number;
  /** Templates not defined again within the template timeout. */
  templateExpirations: number;
  /** v9 data FlowSets held for their template, and their octets. */
  heldFlowSets: number;
  heldOctets: number;
  /** Held FlowSets dropped: past the count or octet cap (full), or past their age (expired). */
  heldDroppedFull: number;
  heldDroppedExpired: number;
}

export interface FlowDecoderOptions {
  protocol: FlowProtocol;
  /** Templates kept across all exporters (default 4096); the other template caps follow it (a quarter per exporter, 64 fields a template). */
  maxTemplates?: number;
  /** A template not sent again within this long expires (`--template-timeout`; default 30 minutes). */
  templateTimeoutMs?: number;
  /** Elements added or overridden (`--ie-mapping`), for IPFIX and v9 alike. */
  mapping?: ReadonlyMap<string, InformationElement>;
  /** False: IPFIX and v9 data records are only bounded, for a normaliser that reads them itself (see DecodedDataSet.recordOffsets). Default true. */
  values?: boolean;
}

export class FlowDecoder {
  readonly templates: TemplateCache;
  /** v9 data that came before its template. */
  readonly pending = new PendingFlowSets();

  private readonly ipfixLookup: ElementLookup;
  private readonly v9Lookup: ElementLookup;

  constructor(private readonly opts: FlowDecoderOptions) {
    // IPFIX as IANA has it, with the IDs it keeps for v9 compatibility (samplingInterval in IPFIX options).
    this.ipfixLookup = opts.mapping ? withMapping(opts.mapping, ianaLookupWithV9Compat) : ianaLookupWithV9Compat;
    this.v9Lookup = opts.mapping ? withMapping(opts.mapping, netflowV9IanaLookup) : netflowV9IanaLookup;
    const max = opts.maxTemplates ?? MAX_TEMPLATES;
    const fields = (MAX_TEMPLATE_FIELDS / MAX_TEMPLATES) * max;
    this.templates = new TemplateCache({
      maxTemplates: max, maxFields: fields,
      maxTemplatesPerSession: Math.min(MAX_TEMPLATES_PER_EXPORTER, max), maxFieldsPerSession: Math.min(MAX_TEMPLATE_FIELDS_PER_EXPORTER, fields),
      maxAgeMs: opts.templateTimeoutMs ?? 30 * 60_000,
    });
  }

  held(): DecoderHeld {
    const t = this.templates.stats;
    const p = this.pending.stats;
    return {
      templateFields: this.templates.fields, templateExporterEvictions: t.sessionEvictions, templateExpirations: t.expirations,
      heldFlowSets: this.pending.size, heldOctets: this.pending.heldOctets, heldDroppedFull: p.dropped - p.expired, heldDroppedExpired: p.expired,
    };
  }

  decode(d: Datagram): DecodedDatagram {
    const b = d.bytes;
    this.templates.now = d.receivedMs; // template lifetimes run on arrival times (a capture's own)
    const version = b.length >= 2 ? (b[0]! << 8) | b[1]! : -1;
    if (this.opts.protocol === "netflow") {
      if (version === 5) {
        const r = decodeNetflowV5(b);
        return { kind: "netflow_v5", datagram: d, message: r.datagram, errors: r.errors };
      }
      if (version === 9) {
        // Its own session name: an exporter sending v9 and IPFIX from one port keeps two sets of templates.
        const session = `v9 ${d.exporter}:${d.exporterPort}`;
        return { kind: "netflow_v9", datagram: d, session, message: this.decodeV9(d, session) };
      }
      if (version === 10) {
        const session = `${d.exporter}:${d.exporterPort}`;
        return { kind: "ipfix", datagram: d, session, message: decodeMessage(b, { session, cache: this.templates, lookup: this.ipfixLookup, values: this.opts.values ?? true }) };
      }
    }
    else {
      // sFlow's version is a 32-bit word.
      const v32 = b.length >= 4 ? ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0 : -1;
      if (v32 === 5) return { kind: "sflow", datagram: d, message: decodeSflow(b) };
      return { kind: "unknown_version", datagram: d, version: v32 };
    }
    return { kind: "unknown_version", datagram: d, version };
  }

  /** A v9 datagram; FlowSets held for their template join it once this one brought it. */
  private decodeV9(d: Datagram, session: string): NetflowV9Decoded {
    const opts = { session, cache: this.templates, lookup: this.v9Lookup };
    const m = decodeNetflowV9(d.bytes, { ...opts, values: this.opts.values ?? true });
    let templates = false;
    for (const s of m.sets) {
      if (s.kind === "pending") this.pending.hold(session, s, d.receivedMs);
      else if (s.kind === "templates") templates = true;
    }
    if (templates && this.pending.size > 0) {
      this.pending.retry(session, d.receivedMs, (p) => {
        const late = decodePendingFlowSet(p, opts);
        if (!late.flowSet) return false;
        m.sets.push(late.flowSet);
        return true;
      });
    }
    return m;
  }
}
