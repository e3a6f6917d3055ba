// The collector's enrichment stage: origin AS for records whose exporter
// sent none, from the same sources the agent uses (the live BMP RIB first,
// then the ASN database), and the city from the city database.
import type { AddressEnricher } from "../../enrich/address-enricher.js";
import type { FlowRecord } from "../../flow-record/index.js";

export class RecordEnrichment {
  constructor(private readonly enricher: AddressEnricher) {}

  enrich(f: FlowRecord): void {
    if (f.src && !f.srcAsn) f.srcAsn = this.enricher.asn(f.src);
    if (f.dst && !f.dstAsn) f.dstAsn = this.enricher.asn(f.dst);
  }
}
