// One flow-export datagram as an input hands it on: its bytes, the exporter
// it came from, and when it arrived.
export interface Datagram {
  bytes: Uint8Array;
  /** The exporter's address as text (IPv4 dotted, IPv6 RFC 5952) and its source port. */
  exporter: string;
  exporterPort: number;
  /** Arrival: Unix ms and the nanoseconds within that ms (0..999,999). */
  receivedMs: number;
  receivedNs: number;
}
