// The agent's enrichment stage: each new flow's labels, resolved once when
// the flow table creates it and kept with it. Prometheus tuples, IPFIX
// records and the control plane all read them from here.
import type { FlowEnrichment, FlowTable } from "../flow/table.js";
import type { AgentFlowRecord } from "../flow-record/index.js";
import { NO_LABELS, type TupleLabels } from "../flow/rollups.js";
import type { AddressEnricher } from "./address-enricher.js";

export class FlowEnricher implements FlowEnrichment {
  private readonly srcAsn: Uint32Array;
  private readonly dstAsn: Uint32Array;
  private readonly srcCity: string[];
  private readonly dstCity: string[];
  // Scratch: the key words of an address, seen as the 16 bytes they were copied from.
  private readonly words = new Uint32Array(4);
  private readonly bytes = new Uint8Array(this.words.buffer);

  constructor(
    maxFlows: number,
    private readonly enricher: AddressEnricher,
  ) {
    this.srcAsn = new Uint32Array(maxFlows);
    this.dstAsn = new Uint32Array(maxFlows);
    this.srcCity = new Array<string>(maxFlows).fill("");
    this.dstCity = new Array<string>(maxFlows).fill("");
  }

  /** Resolves and stores the labels of flow `id` (once, when it is created). */
  resolve(id: number, table: FlowTable): void {
    const { keys, src, dst } = table.addressWords(id);
    const a = this.address(keys, src);
    this.srcAsn[id] = this.enricher.asn(a);
    this.srcCity[id] = this.enricher.city(a);
    const b = this.address(keys, dst);
    this.dstAsn[id] = this.enricher.asn(b);
    this.dstCity[id] = this.enricher.city(b);
  }

  /** Flow `id`'s labels as resolved (NO_LABELS when nothing is known). */
  labels(id: number): TupleLabels {
    if (!this.srcAsn[id] && !this.dstAsn[id] && !this.srcCity[id] && !this.dstCity[id]) return NO_LABELS;
    return { srcAsn: this.srcAsn[id]!, dstAsn: this.dstAsn[id]!, srcCity: this.srcCity[id]!, dstCity: this.dstCity[id]! };
  }

  /** Copies flow `id`'s labels into an outgoing record. */
  annotate(id: number, r: AgentFlowRecord): void {
    r.srcAsn = this.srcAsn[id];
    r.dstAsn = this.dstAsn[id];
    r.srcCity = this.srcCity[id];
    r.dstCity = this.dstCity[id];
  }

  private address(keys: Uint32Array, at: number): Uint8Array {
    for (let i = 0; i < 4; i++) this.words[i] = keys[at + i]!;
    return this.bytes;
  }
}
