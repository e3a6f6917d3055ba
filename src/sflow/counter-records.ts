// Counter records of enterprise 0, all fixed-size structures, read from the
// span of their record; one shorter than its structure is a bad_record.
import type { SflowCounterRecord } from "./datagram.js";
import type { SflowError } from "./decode-error.js";
import {
  COUNTERS_ETHERNET, COUNTERS_GENERIC_INTERFACE, COUNTERS_PROCESSOR, COUNTERS_VLAN, ETHERNET_COUNTERS_LENGTH, GENERIC_INTERFACE_LENGTH, PROCESSOR_LENGTH,
  VLAN_COUNTERS_LENGTH,
} from "./wire.js";
import type { XdrReader } from "./xdr-reader.js";

const short = (name: string, r: XdrReader, need: number): SflowError => ({
  code: "bad_record",
  offset: r.pos,
  message: `${name}: ${r.left} octets, fewer than its ${need}`,
});

/** Reads the record of `format` at the cursor; an error when it does not fit, undefined for a format not read here. */
export function readCounterRecord(r: XdrReader, format: number): SflowCounterRecord | SflowError | undefined {
  switch (format) {
    case COUNTERS_GENERIC_INTERFACE:
      if (!r.has(GENERIC_INTERFACE_LENGTH)) return short("generic_interface", r, GENERIC_INTERFACE_LENGTH);
      // Object literal properties evaluate in order: the reads follow the spec's field order.
      return {
        type: "generic_interface",
        ifIndex: r.u32(),
        ifType: r.u32(),
        ifSpeed: r.u64(),
        ifDirection: r.u32(),
        ifStatus: r.u32(),
        ifInOctets: r.u64(),
        ifInUcastPkts: r.u32(),
        ifInMulticastPkts: r.u32(),
        ifInBroadcastPkts: r.u32(),
        ifInDiscards: r.u32(),
        ifInErrors: r.u32(),
        ifInUnknownProtos: r.u32(),
        ifOutOctets: r.u64(),
        ifOutUcastPkts: r.u32(),
        ifOutMulticastPkts: r.u32(),
        ifOutBroadcastPkts: r.u32(),
        ifOutDiscards: r.u32(),
        ifOutErrors: r.u32(),
        ifPromiscuousMode: r.u32(),
      };
    case COUNTERS_ETHERNET:
      if (!r.has(ETHERNET_COUNTERS_LENGTH)) return short("ethernet_interface", r, ETHERNET_COUNTERS_LENGTH);
      return {
        type: "ethernet_interface",
        alignmentErrors: r.u32(),
        fcsErrors: r.u32(),
        singleCollisionFrames: r.u32(),
        multipleCollisionFrames: r.u32(),
        sqeTestErrors: r.u32(),
        deferredTransmissions: r.u32(),
        lateCollisions: r.u32(),
        excessiveCollisions: r.u32(),
        internalMacTransmitErrors: r.u32(),
        carrierSenseErrors: r.u32(),
        frameTooLongs: r.u32(),
        internalMacReceiveErrors: r.u32(),
        symbolErrors: r.u32(),
      };
    case COUNTERS_VLAN:
      if (!r.has(VLAN_COUNTERS_LENGTH)) return short("vlan", r, VLAN_COUNTERS_LENGTH);
      return { type: "vlan", vlanId: r.u32(), octets: r.u64(), ucastPkts: r.u32(), multicastPkts: r.u32(), broadcastPkts: r.u32(), discards: r.u32() };
    case COUNTERS_PROCESSOR:
      if (!r.has(PROCESSOR_LENGTH)) return short("processor", r, PROCESSOR_LENGTH);
      return { type: "processor", cpu5s: r.u32(), cpu1m: r.u32(), cpu5m: r.u32(), totalMemory: r.u64(), freeMemory: r.u64() };
    default:
      return undefined;
  }
}
