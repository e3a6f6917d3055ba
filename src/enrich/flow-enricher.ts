// Labels for each new flow, resolved once when the flow is created and kept
// with it: ASN from the RIB first, the ASN database as fallback; city from the
// city database. Prometheus tuples, IPFIX records and the control plane all
// read them from here.
import type { FlowTable, FlowRecord } from "../flow/table.js";
import { NO_LABELS, type TupleLabels } from "../flow/rollups.js";

/** Anything that knows an address's origin ASN (0: unknown). */
export interface AsnSource {
  lookupAsn(address: Uint8Array): number;
}

export interface CitySource {
  lookupCity(address: Uint8Array): string;
}

export class FlowEnricher {
  private readonly srcAsn: Uint32Array;
  private readonly dstAsn: Uint32Array;
  private readonly srcCity: string[];
  private readonly dstCity: string[];
  // Scratch: the key words of an address, seen as the 16 bytes they were copied from.
  private readonly words = new Uint32Array(4);
  private readonly bytes = new Uint8Array(this.words.buffer);

  constructor(
    maxFlows: number,
    private readonly asn: AsnSource[],
    private readonly city: CitySource | undefined,
  ) {
    this.srcAsn = new Uint32Array(maxFlows);
    this.dstAsn = new Uint32Array(maxFlows);
    this.srcCity = new Array<string>(maxFlows).fill("");
    this.dstCity = new Array<string>(maxFlows).fill("");
  }

  /** Resolves and stores the labels of flow `id` (call once, when it is created). */
  resolve(table: FlowTable, id: number): TupleLabels {
    const { keys, src, dst } = table.addressWords(id);
    this.srcAsn[id] = this.lookupAsn(keys, src);
    this.dstAsn[id] = this.lookupAsn(keys, dst);
    this.srcCity[id] = this.lookupCity(keys, src);
    this.dstCity[id] = this.lookupCity(keys, dst);
    if (!this.srcAsn[id] && !this.dstAsn[id] && !this.srcCity[id] && !this.dstCity[id]) return NO_LABELS;
    return { srcAsn: this.srcAsn[id], dstAsn: this.dstAsn[id], srcCity: this.srcCity[id], dstCity: this.dstCity[id] };
  }

  /** Copies flow `id`'s labels into an outgoing record. */
  annotate(id: number, r: FlowRecord): void {
    r.srcAsn = this.srcAsn[id];
    r.dstAsn = this.dstAsn[id];
    r.srcCity = this.srcCity[id];
    r.dstCity = this.dstCity[id];
  }

  private address(keys: Uint32Array, at: number): Uint8Array {
    for (let i = 0; i < 4; i++) this.words[i] = keys[at + i];
    return this.bytes;
  }

  private lookupAsn(keys: Uint32Array, at: number): number {
    const a = this.address(keys, at);
    for (const s of this.asn) {
      const n = s.lookupAsn(a);
      if (n) return n;
    }
    return 0;
  }

  private lookupCity(keys: Uint32Array, at: number): string {
    return this.city ? this.city.lookupCity(this.address(keys, at)) : "";
  }
}
