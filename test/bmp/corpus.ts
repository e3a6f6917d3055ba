// Valid messages of every type, as the truncation and fuzz tests start from.
// Each decodes without a problem (the corpus test checks that).
import {
  a,
  basics,
  bmp,
  cap,
  cat,
  CONFED_SEQ,
  initiation,
  ip,
  notification,
  open,
  peerDown,
  peerUp,
  perPeer,
  prefix,
  prefixes,
  routeMirroring,
  routeMonitoring,
  SEQ,
  SET,
  stats,
  termination,
  tlv,
  u16,
  u32,
  u64,
  update,
} from "./builders.js";

const fourOctet = open({ asn: 23456, capabilities: [cap.multiprotocol(1, 1), cap.multiprotocol(2, 1), cap.fourOctetAs(4200000001), cap.addPath([1, 1, 3], [2, 1, 3])] });
const legacy = open({ asn: 65002, bgpId: "10.0.0.3", capabilities: [cap.multiprotocol(1, 1)] });

export interface CorpusEntry {
  name: string;
  bytes: Uint8Array;
  /** Decode with ADD-PATH for IPv4 and IPv6 unicast received routes. */
  addPath?: boolean;
  /** Decode with a 2-octet session. */
  twoOctet?: boolean;
}

export const CORPUS: CorpusEntry[] = [
  { name: "initiation", bytes: initiation(tlv(1, "FRRouting 8.4.4"), tlv(2, "bgpA"), tlv(0, "x")) },
  { name: "termination", bytes: termination(tlv(0, "bye"), tlv(1, u16(1))) },
  { name: "peer up v4", bytes: peerUp(perPeer(), { sent: fourOctet, received: fourOctet, info: [tlv(0, "hello")] }) },
  { name: "peer up v6 legacy", bytes: peerUp(perPeer({ flags: 0x80, address: "2001:db8::2" }), { local: "2001:db8::1", sent: fourOctet, received: legacy }) },
  { name: "peer down notification", bytes: peerDown(perPeer(), 1, notification(6, 4, [1, 2])) },
  { name: "peer down fsm", bytes: peerDown(perPeer(), 2, u16(5)) },
  { name: "peer down loc-rib", bytes: peerDown(perPeer({ type: 3, address: "0.0.0.0" }), 6, tlv(3, "global")) },
  {
    name: "stats",
    bytes: stats(perPeer(), [
      [0, u32(1)],
      [7, u64(99n)],
      [10, [...u16(1), 1, ...u64(5n)]],
      [65531, [0, 0, 0, 1]],
    ]),
  },
  { name: "mirroring", bytes: routeMirroring(perPeer(), tlv(1, u16(0))) },
  {
    name: "rm v4 full",
    bytes: routeMonitoring(
      perPeer({ flags: 0x40 }),
      update({
        withdrawn: prefixes("172.16.0.0/12"),
        attributes: [
          a.origin(1),
          a.asPath4([CONFED_SEQ, [65100]], [SEQ, [65002, 4200000000]], [SET, [64500, 64501]]),
          a.nextHop(),
          a.med(10),
          a.localPref(100),
          a.atomicAggregate(),
          a.aggregator4(65002, "10.0.0.2"),
          a.communities([65001, 1], [65001, 2]),
          a.largeCommunities([4200000000, 1, 2]),
        ],
        nlri: prefixes("10.0.0.0/8", "192.0.2.0/24", "198.51.100.128/25"),
      }),
    ),
  },
  {
    name: "rm v6 mp",
    bytes: routeMonitoring(
      perPeer({ flags: 0x80, address: "2001:db8::2" }),
      update({ attributes: [a.mpReach(2, 1, cat(ip("2001:db8::2"), ip("fe80::2")), prefixes("2001:db8:100::/48", "2001:db8::/32")), a.origin(), a.path(65002), a.mpUnreach(2, 1, prefixes("2001:db8:200::/40"))] }),
    ),
  },
  {
    name: "rm add-path",
    addPath: true,
    bytes: routeMonitoring(
      perPeer(),
      update({ withdrawn: prefix("10.9.0.0/16", 3), attributes: [...basics(), a.mpReach(2, 1, ip("2001:db8::1"), prefix("2001:db8::/32", 8))], nlri: cat(prefix("10.0.0.0/8", 1), prefix("10.0.0.0/8", 2)) }),
    ),
  },
  {
    name: "rm as4 merge",
    twoOctet: true,
    bytes: routeMonitoring(
      perPeer({ flags: 0x20 }),
      update({
        attributes: [a.origin(), a.asPath2([SEQ, [65002, 23456, 23456]]), a.nextHop(), a.aggregator2(23456, "10.0.0.1"), a.as4Path([SEQ, [4200000001, 4200000002]]), a.as4Aggregator(4200000002, "10.0.0.9")],
        nlri: prefixes("10.0.0.0/8"),
      }),
    ),
  },
  { name: "rm loc-rib", bytes: routeMonitoring(perPeer({ type: 3, address: "0.0.0.0", asn: 65001 }), update({ attributes: [a.origin(), a.path(), a.nextHop("0.0.0.0")], nlri: prefixes("203.0.113.0/25") })) },
  { name: "rm vpn skipped", bytes: routeMonitoring(perPeer(), update({ attributes: [a.origin(), a.path(65002), a.mpReach(1, 128, new Array(12).fill(0), [0x58, 0, 0, 0, 0, 0, 0, 0, 1, 10])] })) },
  { name: "rm end-of-rib", bytes: routeMonitoring(perPeer(), update()) },
  { name: "rm withdraw", bytes: routeMonitoring(perPeer(), update({ withdrawn: prefixes("10.0.0.0/8", "0.0.0.0/0") })) },
  { name: "empty termination", bytes: bmp(5) },
];
