// Byte layouts shared with the kernel side (bpf/rfm_common.h). Every offset
// here must match the C structs; the test-run suite in test/bpf checks every
// field the programs write.

export const PROG_INGRESS = "rfm_tc_ingress";
export const PROG_EGRESS = "rfm_tc_egress";

export const MAP_CONFIG = "rfm_config";
export const MAP_IFACE_STATS = "rfm_iface_stats";
export const MAP_CPU = "rfm_cpu";
export const MAP_EVENTS = "rfm_events";
export const MAP_IFACE_SLOTS = "rfm_iface_slots";

/** struct rfm_config */
export const CONFIG_SIZE = 16;
/** struct rfm_iface_key / rfm_iface_value */
export const IFACE_KEY_SIZE = 8;
export const IFACE_VALUE_SIZE = 16;
/** struct rfm_iface_slot: [dir][other, ipv4, ipv6] values; the array is indexed by ifindex. */
export const IFACE_SLOT_SIZE = 6 * IFACE_VALUE_SIZE;
/** max_entries of rfm_iface_slots (ifindexes at or above it use the hash). */
export const IFACE_SLOTS = 1024;
/** Family of each value in a slot, in order. */
export const SLOT_FAMILIES = [0, 4, 6] as const;

/** struct rfm_cpu_state */
export const CPU_STATE_SIZE = 56;
/** struct rfm_flow_event */
export const EVENT_SIZE = 64;

export const DIR_INGRESS = 0;
export const DIR_EGRESS = 1;
export const FAMILY_OTHER = 0;
export const FAMILY_IPV4 = 4;
export const FAMILY_IPV6 = 6;

/** Bytes one event takes in the ring: the record and its 8-byte header. */
export const RING_RECORD_SIZE = 64 + 8;

/**
 * The power of two of bytes the programs wake the consumer at: the largest
 * not above `wakeupBatch` records, so a wakeup comes at least every
 * `wakeupBatch` events (every event for 1).
 */
export function wakeupShift(wakeupBatch: number): number {
  return Math.max(0, Math.min(63, Math.floor(Math.log2(Math.max(1, wakeupBatch) * RING_RECORD_SIZE))));
}

export function encodeConfig(sampleRate: number, wakeupBatch: number): Uint8Array {
  const b = new Uint8Array(CONFIG_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(0, sampleRate, true);
  v.setUint32(4, wakeupBatch, true);
  v.setUint32(8, wakeupShift(wakeupBatch), true);
  return b;
}

export function decodeConfig(b: Uint8Array): { sampleRate: number; wakeupBatch: number } {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { sampleRate: v.getUint32(0, true), wakeupBatch: v.getUint32(4, true) };
}

/** Offsets inside struct rfm_flow_event. */
export const EV = {
  tstamp: 0,
  ifindex: 8,
  dir: 12,
  proto: 13,
  segs: 14,
  src: 16,
  dst: 32,
  sport: 48,
  dport: 50,
  len: 52,
  l2Len: 56,
  family: 57,
  flags: 58,
  sampleRate: 60,
} as const;

export const EV_FLAG_FRAGMENT = 0x1;
export const EV_FLAG_TRUNCATED = 0x2;
/** The high byte of an event's flags is the namespace tag of the program instance that saw it. */
export const EV_NETNS_SHIFT = 8;
/** `volatile const` in .rodata: the namespace tag of a program instance. */
export const GLOBAL_NETNS_TAG = "rfm_netns_tag";
/** `volatile const` in .rodata: 1 for a CLOCK_BOOTTIME read per event, 0 for one per kernel tick. */
export const GLOBAL_PRECISE_CLOCK = "rfm_precise_clock";
/** Tags fit in a byte: 0 is the agent's own namespace, so 255 others at once. */
export const MAX_NETNS_TAG = 255;
/** Offset of the namespace tag in struct rfm_iface_key. */
export const IFACE_KEY_NETNS = 6;

/** Offsets inside struct rfm_cpu_state (per CPU). */
export const CPU = { ringDrops: 0, submits: 8, ifaceErrors: 16, gsoHdrErrors: 24 } as const;
