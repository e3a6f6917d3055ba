// The NetFlow v5 codec: pure functions over bytes, encoder beside decoder,
// shared by the collector (decodeNetflowV5) and the generator (encodeNetflowV5).
export { decodeNetflowV5, type NetflowV5Decoded } from "./decoder.js";
export { encodeNetflowV5, type NetflowV5HeaderInput } from "./encoder.js";
export type { NetflowV5Datagram, NetflowV5Header, NetflowV5Record } from "./datagram.js";
export type { NetflowV5Error, NetflowV5ErrorCode } from "./decode-error.js";
export { exportUnixMs, uptimeToUnixMs } from "./uptime.js";
export { HEADER_LENGTH, MAX_RECORDS, RECORD_LENGTH } from "./wire.js";
