// The sFlow v5 codec: pure functions over bytes, encoder beside decoder,
// shared by the collector (decodeSflow) and the generator and tests
// (encodeSflow). Sampled headers are dissected by src/packet.
export { decodeSflow, type SflowDecoded } from "./decoder.js";
export {
  encodeSflow, type SflowDatagramInput, type SflowFlowRecordInput, type SflowFlowSampleInput, type SflowHeaderInput, type SflowSampleInput,
  type SflowSampledHeaderInput,
} from "./encoder.js";
export type {
  SflowAsPathSegment, SflowCounterRecord, SflowCountersSample, SflowEthernetCounters, SflowExtendedGateway, SflowExtendedRouter, SflowExtendedSwitch,
  SflowExtendedUrl, SflowExtendedUser, SflowFlowRecord, SflowFlowSample, SflowGenericInterface, SflowHeader, SflowOpaque, SflowOpaqueSample,
  SflowProcessorCounters, SflowSample, SflowSampledEthernet, SflowSampledHeader, SflowSampledIpv4, SflowSampledIpv6, SflowVlanCounters,
} from "./datagram.js";
export type { SflowError, SflowErrorCode } from "./decode-error.js";
export { headerLinkType, MAX_RECORDS, MAX_SAMPLES } from "./wire.js";
