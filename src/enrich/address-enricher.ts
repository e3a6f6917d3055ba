// The enrichment of one address, shared by both pipelines: the agent resolves
// each new flow's addresses once (FlowEnricher), the collector each record's.
// Origin AS from the sources in order (the live RIB first, the ASN database
// as fallback), city from the city database.

/** Anything that knows an address's origin ASN (0: unknown). Addresses are 16 bytes, IPv4 as ::ffff:a.b.c.d. */
export interface AsnSource {
  lookupAsn(address: Uint8Array): number;
}

export interface CitySource {
  lookupCity(address: Uint8Array): string;
}

export class AddressEnricher {
  constructor(
    private readonly asnSources: readonly AsnSource[],
    private readonly citySource: CitySource | undefined,
  ) {}

  /** The first source's answer that knows the address; 0 when none does. */
  asn(address: Uint8Array): number {
    for (const s of this.asnSources) {
      const n = s.lookupAsn(address);
      if (n) return n;
    }
    return 0;
  }

  /** "" when unknown or no city database is configured. */
  city(address: Uint8Array): string {
    return this.citySource ? this.citySource.lookupCity(address) : "";
  }
}
