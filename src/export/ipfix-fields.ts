// The IANA information elements the agent can fill from a flow record, and the
// default record layout (RFM's, which nfdump, pmacct and tshark all decode).

/** Every element `agent.ipfix.fields` may name. Address elements pick the family's template. */
export const FILLABLE_ELEMENTS = [
  "sourceIPv4Address",
  "destinationIPv4Address",
  "sourceIPv6Address",
  "destinationIPv6Address",
  "sourceTransportPort",
  "destinationTransportPort",
  "protocolIdentifier",
  "ipVersion",
  "ingressInterface",
  "egressInterface",
  "observationPointId",
  "flowDirection",
  "flowStartSeconds",
  "flowEndSeconds",
  "flowStartMilliseconds",
  "flowEndMilliseconds",
  "flowStartMicroseconds",
  "flowEndMicroseconds",
  "packetDeltaCount",
  "octetDeltaCount",
  "flowEndReason",
  "samplingProbability",
  "samplingPacketInterval",
  "bgpSourceAsNumber",
  "bgpDestinationAsNumber",
] as const;

export type FillableElement = (typeof FILLABLE_ELEMENTS)[number];

/** The default layout, family-neutral: addresses are expanded per template. */
export const DEFAULT_FIELDS: readonly FillableElement[] = [
  "sourceIPv4Address",
  "destinationIPv4Address",
  "sourceIPv6Address",
  "destinationIPv6Address",
  "sourceTransportPort",
  "destinationTransportPort",
  "protocolIdentifier",
  "ingressInterface",
  "egressInterface",
  "flowDirection",
  "flowStartMilliseconds",
  "flowEndMilliseconds",
  "packetDeltaCount",
  "octetDeltaCount",
  "flowEndReason",
  "samplingProbability",
];
