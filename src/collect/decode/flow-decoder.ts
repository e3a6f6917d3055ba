// The decode stage: each datagram to its protocol's codec by the version in
// its first two octets (`-t netflow`: NetFlow v5, v9 and IPFIX on one
// socket). Template state lives here, scoped per exporter (address and
// port) as RFC 7011 section 8 and RFC 3954 section 5 ask, bounded by the
// template cache's cap.
import { decodeMessage, TemplateCache, type DecodedMessage, type ElementLookup } from "../../ipfix/index.js";
import { decodeNetflowV5, type NetflowV5Datagram, type NetflowV5Error } from "../../netflow-v5/index.js";
import type { Datagram } from "../datagram.js";

export type FlowProtocol = "netflow" | "sflow";

export type DecodedDatagram =
  | { kind: "netflow_v5"; datagram: Datagram; message: NetflowV5Datagram | undefined; errors: NetflowV5Error[] }
  | { kind: "ipfix"; datagram: Datagram; session: string; message: DecodedMessage }
  | { kind: "unknown_version"; datagram: Datagram; version: number };

export interface FlowDecoderOptions {
  protocol: FlowProtocol;
  /** Templates kept across all exporters (default 4096). */
  maxTemplates?: number;
  lookup?: ElementLookup;
}

export class FlowDecoder {
  readonly templates: TemplateCache;

  constructor(private readonly opts: FlowDecoderOptions) {
    this.templates = new TemplateCache({ maxTemplates: opts.maxTemplates ?? 4096 });
  }

  decode(d: Datagram): DecodedDatagram {
    const b = d.bytes;
    const version = b.length >= 2 ? (b[0]! << 8) | b[1]! : -1;
    if (this.opts.protocol === "netflow") {
      if (version === 5) {
        const r = decodeNetflowV5(b);
        return { kind: "netflow_v5", datagram: d, message: r.datagram, errors: r.errors };
      }
      if (version === 10) {
        const session = `${d.exporter}:${d.exporterPort}`;
        return { kind: "ipfix", datagram: d, session, message: decodeMessage(b, { session, cache: this.templates, ...(this.opts.lookup ? { lookup: this.opts.lookup } : {}) }) };
      }
    }
    return { kind: "unknown_version", datagram: d, version };
  }
}
