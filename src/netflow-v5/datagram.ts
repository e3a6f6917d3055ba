// A NetFlow v5 datagram as values: what the decoder returns and the encoder takes.

export interface NetflowV5Header {
  version: 5;
  /** Records the header announces (the datagram may hold fewer: see the decoder's errors). */
  count: number;
  /** Milliseconds since the exporter booted, when it sent the datagram. */
  sysUptime: number;
  unixSecs: number;
  unixNsecs: number;
  /** Flows the exporter had sent before this datagram (wraps at 2^32). */
  flowSequence: number;
  engineType: number;
  engineId: number;
  /** The header's top two bits: 0 none, 1 deterministic 1-in-N, 2 random 1-in-N (Cisco's values). */
  samplingMode: number;
  /** The low 14 bits: N, or 0 when the exporter did not sample. */
  samplingInterval: number;
}

export interface NetflowV5Record {
  /** Dotted quads. */
  srcAddr: string;
  dstAddr: string;
  nextHop: string;
  /** SNMP ifIndex in and out. */
  input: number;
  output: number;
  packets: number;
  /** Layer-3 octets (IP header and payload). */
  octets: number;
  /** sysUptime (ms) at the flow's first and last packet. */
  first: number;
  last: number;
  srcPort: number;
  dstPort: number;
  /** Cumulative OR of the flow's TCP flags. */
  tcpFlags: number;
  protocol: number;
  tos: number;
  srcAs: number;
  dstAs: number;
  srcMask: number;
  dstMask: number;
}

export interface NetflowV5Datagram {
  header: NetflowV5Header;
  records: NetflowV5Record[];
}
