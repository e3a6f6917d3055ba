// The agent's export: its flow records as IPFIX data records, one template
// per address family.
import type { FieldInput } from "./abstract-types.js";
import type { FlowRecord } from "../flow/table.js";
import type { MessageBuilder, TemplateHandle } from "./message-builder.js";
import { field, type FieldSpec, type Template } from "./template.js";

const COMMON_FIELDS: readonly FieldSpec[] = [
  field("sourceTransportPort"),
  field("destinationTransportPort"),
  field("protocolIdentifier"),
  field("ingressInterface"),
  field("egressInterface"),
  field("flowDirection"),
  field("flowStartMilliseconds"),
  field("flowEndMilliseconds"),
  field("packetDeltaCount"),
  field("octetDeltaCount"),
  field("flowEndReason"),
  field("samplingProbability"),
];

export const FLOW_IPV4_TEMPLATE: Template = {
  id: 256,
  fields: [field("sourceIPv4Address"), field("destinationIPv4Address"), ...COMMON_FIELDS],
};

export const FLOW_IPV6_TEMPLATE: Template = {
  id: 257,
  fields: [field("sourceIPv6Address"), field("destinationIPv6Address"), ...COMMON_FIELDS],
};

/**
 * Appends flow records to a message builder. Field by field:
 * addresses from the 16-byte forms; ingressInterface or egressInterface (the
 * other 0) and flowDirection from ifindex and direction; flowStart/End from
 * the wall-clock milliseconds; packetDeltaCount and octetDeltaCount from the
 * estimated packets and IP bytes (octetDeltaCount counts IP header and
 * payload, as `ipBytes` does); flowEndReason as the table's reason (its codes
 * are IANA's); samplingProbability as sampled / estimated packets, which is
 * 1/N when every event was sampled at 1 in N.
 */
export class FlowRecordEncoder {
  private readonly builder: MessageBuilder;
  private readonly v4: TemplateHandle;
  private readonly v6: TemplateHandle;
  // One values array per template, reused for every record.
  private readonly values4: FieldInput[] = new Array(FLOW_IPV4_TEMPLATE.fields.length).fill(0);
  private readonly values6: FieldInput[] = new Array(FLOW_IPV6_TEMPLATE.fields.length).fill(0);

  constructor(builder: MessageBuilder, templates: { ipv4?: Template; ipv6?: Template } = {}) {
    this.builder = builder;
    this.v4 = builder.addTemplate(templates.ipv4 ?? FLOW_IPV4_TEMPLATE);
    this.v6 = builder.addTemplate(templates.ipv6 ?? FLOW_IPV6_TEMPLATE);
  }

  append(r: FlowRecord): void {
    const v = r.family === 6 ? this.values6 : this.values4;
    v[0] = r.src;
    v[1] = r.dst;
    v[2] = r.sport;
    v[3] = r.dport;
    v[4] = r.proto;
    v[5] = r.direction === 0 ? r.ifindex : 0;
    v[6] = r.direction === 0 ? 0 : r.ifindex;
    v[7] = r.direction;
    v[8] = r.startMs;
    v[9] = r.endMs;
    v[10] = r.packets;
    v[11] = r.ipBytes;
    v[12] = r.reason;
    v[13] = r.packets > 0 ? r.sampledPackets / r.packets : 1;
    this.builder.append(r.family === 6 ? this.v6 : this.v4, v);
  }
}
