// What the collector's enrichment tests feed it: a pcap of NetFlow v5
// datagrams from one exporter, and a BMP speaker's stream over real TCP
// (a monitored router 192.0.2.1, AS 65001, and one global-instance peer).
import { connect, type Socket } from "node:net";
import type { TestContext } from "node:test";
import { encodeNetflowV5, type NetflowV5Record } from "../../src/netflow-v5/index.js";
import { encodePcap } from "../../src/pcap/index.js";
import { a, cap, cat, initiation, ip, open, peerUp, perPeer, prefixes, routeMonitoring, tlv, update } from "../bmp/builders.js";

export const EXPORTER = "192.0.2.200";

/** One v5 record: defaults for everything but what the test sets. */
export function v5Record(o: Partial<NetflowV5Record> & { srcAddr: string; dstAddr: string }): NetflowV5Record {
  return {
    nextHop: "0.0.0.0", input: 1, output: 2, packets: 1, octets: 100, first: 1000, last: 2000, srcPort: 1000, dstPort: 53, tcpFlags: 0,
    protocol: 17, tos: 0, srcAs: 0, dstAs: 0, srcMask: 0, dstMask: 0, ...o,
  };
}

/** The v5 datagram of the records in an IPv4/UDP frame from EXPORTER (raw IP link type). */
export function v5Datagram(records: NetflowV5Record[], sequence = 1): Uint8Array {
  return encodeNetflowV5({ sysUptime: 5000, unixSecs: 1_700_000_000, unixNsecs: 0, flowSequence: sequence, engineType: 0, engineId: 0, samplingMode: 0, samplingInterval: 0 }, records);
}

export function v5Pcap(datagrams: Uint8Array[]): Uint8Array {
  const u16 = (n: number) => [n >> 8, n & 0xff];
  const src = EXPORTER.split(".").map(Number);
  const frame = (payload: Uint8Array) => {
    const udp = [...u16(2055), ...u16(2055), ...u16(8 + payload.length), 0, 0, ...payload];
    return Uint8Array.from([0x45, 0, ...u16(20 + udp.length), 0, 1, 0, 0, 64, 17, 0, 0, ...src, 127, 0, 0, 1, ...udp]);
  };
  return encodePcap(datagrams.map((p, i) => ({ tsSec: 1_700_000_001 + i, tsNsec: 0, originalLength: p.length + 28, data: frame(p) })), { linkType: 101 });
}

const openOf = (asn: number, id: string) => open({ asn, bgpId: id, capabilities: [cap.multiprotocol(1, 1), cap.multiprotocol(2, 1), cap.fourOctetAs(asn)] });
const PEER = "192.0.2.2";
const peer = perPeer({ address: PEER, asn: 65002, bgpId: PEER });

/** Initiation, the peer's Peer Up, and one Route Monitoring per [prefix, AS path]. */
export function bmpStream(routes: [string, number[]][]): Uint8Array {
  const announce = ([prefix, path]: [string, number[]]) => {
    const v6 = prefix.includes(":");
    const attrs = v6 ? [a.origin(), a.path(...path), a.mpReach(2, 1, ip("2001:db8::2"), prefixes(prefix))] : [a.origin(), a.path(...path), a.nextHop(PEER)];
    return routeMonitoring(peer, update({ attributes: attrs, ...(v6 ? {} : { nlri: prefixes(prefix) }) }));
  };
  return cat(
    initiation(tlv(1, "rfm collect test speaker"), tlv(2, "r1")),
    peerUp(peer, { local: "192.0.2.1", sent: openOf(65001, "192.0.2.1"), received: openOf(65002, PEER) }),
    ...routes.map(announce),
  );
}

/**
 * Connects to a BMP listener, sends the stream and closes its side; resolves
 * once the listener hung up, which it does after reading (and applying)
 * everything before the end of the stream.
 */
export function feedBmp(t: TestContext, host: string, port: number, stream: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock: Socket = connect({ host, port });
    t.after(() => sock.destroy());
    sock.once("error", reject);
    sock.once("close", () => resolve());
    sock.once("connect", () => sock.end(stream));
  });
}
