// The decode stage: each datagram to its protocol's codec by its version
// (`-t netflow`: NetFlow v5, v9 and IPFIX on one socket, by the first two
// octets; `-t sflow`: sFlow v5, by the first four). Template state lives here, scoped per exporter (address and
// port) as RFC 7011 section 8 and RFC 3954 section 5 ask, bounded by the
// template cache's cap.
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

export interface FlowDecoderOptions {
  protocol: FlowProtocol;
  /** Templates kept across all exporters (default 4096). */
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
    this.templates = new TemplateCache({ maxTemplates: opts.maxTemplates ?? 4096, maxAgeMs: opts.templateTimeoutMs ?? 30 * 60_000 });
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
