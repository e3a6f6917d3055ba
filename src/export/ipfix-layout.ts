// The agent's IPFIX records: templates built from the configured element list
// (one per address family) and the code that fills a data record from a flow
// record. Counts are what was sampled; the sampling options record tells the
// collector how to renormalise (pmacct does, with nfacctd_renormalize; nfdump
// 1.7 does not read PSAMP n-out-of-N), so nothing is scaled twice.
import { field, type FieldInput, type Template, type TemplateHandle, type MessageBuilder } from "../ipfix/index.js";
import type { AgentFlowRecord } from "../flow-record/index.js";
import type { FillableElement } from "./ipfix-fields.js";

export const TEMPLATE_IPV4 = 256;
export const TEMPLATE_IPV6 = 257;
export const TEMPLATE_SAMPLING = 258;

const V4_ONLY = new Set<string>(["sourceIPv4Address", "destinationIPv4Address"]);
const V6_ONLY = new Set<string>(["sourceIPv6Address", "destinationIPv6Address"]);

type Filler = (r: AgentFlowRecord) => FieldInput;

const FILLERS: Record<FillableElement, Filler> = {
  sourceIPv4Address: (r) => r.src,
  destinationIPv4Address: (r) => r.dst,
  sourceIPv6Address: (r) => r.src,
  destinationIPv6Address: (r) => r.dst,
  sourceTransportPort: (r) => r.sport,
  destinationTransportPort: (r) => r.dport,
  protocolIdentifier: (r) => r.proto,
  ipVersion: (r) => r.family,
  ingressInterface: (r) => (r.direction === 0 ? r.ifindex : 0),
  egressInterface: (r) => (r.direction === 0 ? 0 : r.ifindex),
  // The interface, unique across network namespaces: namespace tag * 2^32 + ifindex (the ifindex alone in the agent's own).
  observationPointId: (r) => r.netns * 0x1_0000_0000 + r.ifindex,
  flowDirection: (r) => r.direction,
  flowStartSeconds: (r) => Math.floor(r.startMs / 1000),
  flowEndSeconds: (r) => Math.floor(r.endMs / 1000),
  flowStartMilliseconds: (r) => Math.floor(r.startMs),
  flowEndMilliseconds: (r) => Math.floor(r.endMs),
  flowStartMicroseconds: (r) => r.startMs * 1000,
  flowEndMicroseconds: (r) => r.endMs * 1000,
  packetDeltaCount: (r) => r.sampledPackets,
  // RFC 7012: octetDeltaCount counts IP header and payload, not the L2 header.
  octetDeltaCount: (r) => r.sampledIpBytes,
  flowEndReason: (r) => r.reason,
  samplingProbability: (r) => (r.packets > 0 ? r.sampledPackets / r.packets : 1),
  samplingPacketInterval: (r) => (r.sampledPackets > 0 ? Math.max(1, Math.round(r.packets / r.sampledPackets)) : 1),
  bgpSourceAsNumber: (r) => r.srcAsn ?? 0,
  bgpDestinationAsNumber: (r) => r.dstAsn ?? 0,
};

interface FamilyLayout {
  template: Template;
  fillers: Filler[];
  values: FieldInput[];
}

/** The record layout for both families; a family without address elements is not exported. */
export class IpfixLayout {
  readonly v4: FamilyLayout | null;
  readonly v6: FamilyLayout | null;

  constructor(elements: readonly FillableElement[]) {
    this.v4 = family(TEMPLATE_IPV4, elements.filter((e) => !V6_ONLY.has(e)));
    this.v6 = family(TEMPLATE_IPV6, elements.filter((e) => !V4_ONLY.has(e)));
  }

  templates(): Template[] {
    return [this.v4, this.v6].filter((l): l is FamilyLayout => l !== null).map((l) => l.template);
  }

  /** The layout for a record's family, or null when the configured fields cannot carry it. */
  forFamily(family: number): FamilyLayout | null {
    return family === 6 ? this.v6 : this.v4;
  }
}

function family(id: number, elements: FillableElement[]): FamilyLayout | null {
  const hasAddress = elements.some((e) => V4_ONLY.has(e) || V6_ONLY.has(e));
  if (!hasAddress) return null;
  return {
    template: { id, fields: elements.map((e) => field(e)) },
    fillers: elements.map((e) => FILLERS[e]),
    values: new Array<FieldInput>(elements.length).fill(0),
  };
}

/** Fills the family's reused values array and appends it. False: the family is not exported. */
export function appendRecord(builder: MessageBuilder, handles: Map<number, TemplateHandle>, layout: IpfixLayout, r: AgentFlowRecord): boolean {
  const fam = layout.forFamily(r.family);
  if (!fam) return false;
  const handle = handles.get(fam.template.id);
  if (!handle) return false;
  const { fillers, values } = fam;
  for (let i = 0; i < fillers.length; i++) values[i] = fillers[i](r);
  builder.append(handle, values);
  return true;
}

/**
 * Options template announcing the sampling with the PSAMP selector elements
 * (RFC 5477; the older samplingInterval/samplingAlgorithm are deprecated and
 * gone from the IANA registry). Scope: the observation domain.
 */
export const SAMPLING_OPTIONS_TEMPLATE: Template = {
  id: TEMPLATE_SAMPLING,
  scopeFieldCount: 1,
  fields: [
    field("observationDomainId"),
    field("selectorId"),
    field("selectorAlgorithm"),
    field("samplingPacketInterval"),
    field("samplingPacketSpace"),
  ],
};

/** Values of the sampling options record for 1 in `rate`: random n-out-of-N (selector algorithm 3). */
export function samplingOptionValues(observationDomainId: number, rate: number): FieldInput[] {
  return [observationDomainId, 1, 3, 1, rate - 1];
}
