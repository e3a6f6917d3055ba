// Frame dissection on hand-laid frames: every layer the dissector reads
// (Ethernet, 802.1Q, QinQ, MPLS, IPv4 options and fragments, IPv6 extension
// headers, TCP/UDP/SCTP/ICMP/ICMPv6, Linux cooked and raw links), each frame
// cut at every octet (every field read before the cut kept, the cut header
// named), the caps, and the frame builder writing the same bytes back.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import {
  dissectFrame, emptyLayers, encodeFrame, mplsBottomOfStack, mplsLabel, mplsTrafficClass, mplsTtl, vlanId, vlanPriority, vlanTpid, LINKTYPE_ETHERNET,
  LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW, type FrameLayers,
} from "../../src/packet/index.js";
import { hex } from "../ipfix/hex.js";

/** An Ethernet frame: 802.1Q tag, IPv4 with a 4-octet option, TCP SYN+ACK. */
const VLAN_TCP = hex(`
  001122334455 66778899aabb        # dst, src
  8100 a064                        # 802.1Q: PCP 5, VID 100
  0800
  46 10 002c 1234 4000 40 06 394b  # IPv4, IHL 6, TOS 0x10, total 44, id 0x1234, DF, TTL 64, TCP, checksum
  c0000201 c6336407                # 192.0.2.1 -> 198.51.100.7
  01010100                         # options: NOP, NOP, NOP, EOL
  9c40 01bb 00000001 00000000      # 40000 -> 443
  50 12 ffff 0000 0000             # data offset 5, SYN+ACK
`);

/** QinQ, IPv6 with hop-by-hop and a first-fragment header, ICMPv6 echo request. */
const QINQ_IPV6 = hex(`
  333300000001 020000000001
  88a8 0064                        # S-tag VID 100
  8100 20c8                        # C-tag PCP 1, VID 200
  86dd
  6b812345 0018 00 40              # traffic class 0xb8, flow label 0x12345, payload 24, next: hop-by-hop, hop limit 64
  20010db8000000000000000000000001
  20010db8000000000000000000000002
  2c 00 0104 00000000              # hop-by-hop, next: fragment; PadN
  3a 00 0001 deadbeef              # fragment: next ICMPv6, offset 0, M, id 0xdeadbeef
  80 00 0000 0001 0001             # echo request
`);

/** Two MPLS labels, then IPv4 (told by its version nibble) and UDP. */
const MPLS_UDP = hex(`
  020000000002 020000000001 8847
  00064 0 40                       # label 100, TC 0, TTL 64
  000c8 5 3f                       # label 200, TC 2, bottom of stack, TTL 63
  45 00 0020 0000 0000 3f 11 0000 0a000001 0a000002
  0035 d431 000c 0000              # 53 -> 54321, length 12
  61626364
`);

/** IPv6 with routing and destination options headers, then UDP. */
const IPV6_ROUTING = hex(`
  020000000002 020000000001 86dd
  60000000 0020 2b 40
  20010db8000000000000000000000001
  20010db8000000000000000000000002
  3c 00 0000 00000000              # routing (type 0, segments left 0), next: destination options
  11 00 0104 00000000              # destination options, next UDP
  1388 1389 0010 0000              # 5000 -> 5001, length 16
  6162636465666768
`);

const layers = (over: Partial<FrameLayers>): FrameLayers => ({ ...emptyLayers(), ...over });

describe("frame dissection", () => {
  test("Ethernet, 802.1Q, IPv4 with options, TCP: every field at its offset", () => {
    const l = dissectFrame(VLAN_TCP, LINKTYPE_ETHERNET);
    assert.deepEqual(l, layers({
      stop: "complete", stopOffset: 62, ethernetOffset: 0, vlans: [0x8100a064], etherType: 0x0800,
      ipVersion: 4, ipOffset: 18, srcAddrOffset: 30, dstAddrOffset: 34, ipHeaderLength: 24, ipTotalLength: 44, tos: 0x10, ttl: 64,
      fragmentId: 0x1234, dontFragment: true, protocol: 6, l4Offset: 42, srcPort: 40000, dstPort: 443, tcpFlags: 0x012,
    }));
    assert.deepEqual([vlanTpid(l.vlans[0]!), vlanPriority(l.vlans[0]!), vlanId(l.vlans[0]!)], [0x8100, 5, 100]);
  });

  test("QinQ and IPv6 with hop-by-hop and fragment headers: both tags outer first, the chain walked to ICMPv6", () => {
    const l = dissectFrame(QINQ_IPV6, LINKTYPE_ETHERNET);
    assert.deepEqual(l, layers({
      stop: "complete", stopOffset: 86, ethernetOffset: 0, vlans: [0x88a80064, 0x810020c8], etherType: 0x86dd,
      ipVersion: 6, ipOffset: 22, srcAddrOffset: 30, dstAddrOffset: 46, ipHeaderLength: 56, ipTotalLength: 64, tos: 0xb8, ttl: 64, flowLabel: 0x12345,
      fragmentId: 0xdeadbeef, moreFragments: true, extensionHeaders: [0, 44], protocol: 58, l4Offset: 78, icmpType: 128, icmpCode: 0,
    }));
    assert.deepEqual(l.vlans.map(vlanId), [100, 200]);
  });

  test("an MPLS label stack to its bottom, then IPv4 by the version nibble, and UDP", () => {
    const l = dissectFrame(MPLS_UDP, LINKTYPE_ETHERNET);
    assert.equal(l.etherType, 0x8847);
    assert.deepEqual(l.mpls.map((e) => [mplsLabel(e), mplsTrafficClass(e), mplsBottomOfStack(e), mplsTtl(e)]), [[100, 0, false, 64], [200, 2, true, 63]]);
    assert.deepEqual([l.stop, l.ipVersion, l.ipOffset, l.ttl, l.protocol, l.l4Offset, l.srcPort, l.dstPort, l.stopOffset], ["complete", 4, 22, 63, 17, 42, 53, 54321, 50]);
  });

  test("IPv6 routing and destination options headers are passed to the transport header", () => {
    const l = dissectFrame(IPV6_ROUTING, LINKTYPE_ETHERNET);
    assert.deepEqual([l.stop, l.extensionHeaders, l.ipHeaderLength, l.protocol, l.l4Offset, l.srcPort, l.dstPort], ["complete", [43, 60], 56, 17, 70, 5000, 5001]);
  });

  test("an IPv4 fragment other than the first stops before its payload; the first one still has ports", () => {
    const later = encodeFrame({ ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2", id: 7, fragmentOffset: 1480 }, transport: { protocol: "udp", srcPort: 1, dstPort: 2 } });
    const l = dissectFrame(later, LINKTYPE_ETHERNET);
    assert.deepEqual([l.stop, l.stopOffset, l.fragmentId, l.fragmentOffset, l.moreFragments, l.protocol, l.l4Offset, l.srcPort], ["fragment", 34, 7, 1480, false, 17, -1, 0]);
    const first = encodeFrame({ ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2", moreFragments: true }, transport: { protocol: "udp", srcPort: 1, dstPort: 2 } });
    const f = dissectFrame(first, LINKTYPE_ETHERNET);
    assert.deepEqual([f.stop, f.moreFragments, f.srcPort, f.dstPort], ["complete", true, 1, 2]);
  });

  test("an IPv6 fragment other than the first stops after its fragment header, naming what it carries", () => {
    const frame = encodeFrame({ ip: { version: 6, src: "2001:db8::1", dst: "2001:db8::2", extensions: [{ type: 44, offset: 1232, more: true, id: 9 }] }, transport: { protocol: "tcp", srcPort: 1, dstPort: 2 } });
    const l = dissectFrame(frame, LINKTYPE_ETHERNET);
    assert.deepEqual([l.stop, l.stopOffset, l.fragmentOffset, l.moreFragments, l.fragmentId, l.protocol, l.l4Offset], ["fragment", 62, 1232, true, 9, 6, -1]);
  });

  test("AH is sized in 4-octet units; SCTP has ports; ICMP has type and code", () => {
    const ah = dissectFrame(encodeFrame({ ip: { version: 6, src: "::1", dst: "::2", extensions: [{ type: 51, length: 24 }] }, transport: { protocol: "sctp", srcPort: 7, dstPort: 8 } }), LINKTYPE_ETHERNET);
    assert.deepEqual([ah.stop, ah.extensionHeaders, ah.l4Offset, ah.protocol, ah.srcPort, ah.dstPort], ["complete", [51], 78, 132, 7, 8]);
    const icmp = dissectFrame(encodeFrame({ ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" }, transport: { protocol: "icmp", type: 3, code: 1 } }), LINKTYPE_ETHERNET);
    assert.deepEqual([icmp.stop, icmp.protocol, icmp.icmpType, icmp.icmpCode, icmp.srcPort], ["complete", 1, 3, 1, 0]);
  });

  test("raw IP, IPv4 and IPv6 link types, and Linux cooked v1 and v2 headers", () => {
    const ip4 = VLAN_TCP.subarray(18);
    const ip6 = QINQ_IPV6.subarray(22);
    for (const [frame, link, version] of [[ip4, LINKTYPE_RAW, 4], [ip6, LINKTYPE_RAW, 6], [ip4, LINKTYPE_IPV4, 4], [ip6, LINKTYPE_IPV6, 6]] as const) {
      const l = dissectFrame(frame, link);
      assert.deepEqual([l.stop, l.ipVersion, l.ipOffset, l.ethernetOffset, l.etherType], ["complete", version, 0, -1, -1]);
    }
    const sll = Uint8Array.from([0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00, ...ip4]);
    assert.deepEqual([dissectFrame(sll, LINKTYPE_LINUX_SLL)].map((l) => [l.stop, l.etherType, l.ipOffset, l.srcPort]), [["complete", 0x0800, 16, 40000]]);
    const sll2 = Uint8Array.from([0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, ...ip6]);
    assert.deepEqual([dissectFrame(sll2, LINKTYPE_LINUX_SLL2)].map((l) => [l.stop, l.etherType, l.ipOffset, l.icmpType]), [["complete", 0x86dd, 20, 128]]);
  });

  test("ARP, another link type, and headers no sender writes end the dissection with their reason", () => {
    const arp = encodeFrame({ etherType: 0x0806, payload: 28 });
    assert.deepEqual([dissectFrame(arp, LINKTYPE_ETHERNET)].map((l) => [l.stop, l.stopOffset, l.etherType, l.ipVersion]), [["unknown_ethertype", 14, 0x0806, 0]]);
    assert.equal(dissectFrame(VLAN_TCP, 147).stop, "unknown_link");
    const ihl4 = VLAN_TCP.slice();
    ihl4[18] = 0x44;
    assert.deepEqual([dissectFrame(ihl4, LINKTYPE_ETHERNET)].map((l) => [l.stop, l.stopOffset]), [["bad_header", 18]]);
    const v6in4 = VLAN_TCP.slice();
    v6in4[18] = 0x65;
    assert.equal(dissectFrame(v6in4, LINKTYPE_ETHERNET).stop, "bad_header");
    const pseudowire = MPLS_UDP.slice();
    pseudowire[22] = 0x00; // a control word, not IP
    assert.deepEqual([dissectFrame(pseudowire, LINKTYPE_ETHERNET)].map((l) => [l.stop, l.stopOffset, l.mpls.length]), [["unknown_ethertype", 22, 2]]);
  });

  test("stacks past the caps end as too_many_headers: 5 tags, 17 labels, 9 extension headers", () => {
    const tags = dissectFrame(encodeFrame({ vlans: [1, 2, 3, 4, 5].map((v) => 0x81000000 + v), ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" } }), LINKTYPE_ETHERNET);
    assert.deepEqual([tags.stop, tags.stopOffset, tags.vlans.length], ["too_many_headers", 30, 4]);
    const labels = dissectFrame(encodeFrame({ mpls: Array.from({ length: 17 }, (_, i) => (i << 12) | (i === 16 ? 0x100 : 0)), ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2" } }), LINKTYPE_ETHERNET);
    assert.deepEqual([labels.stop, labels.mpls.length], ["too_many_headers", 16]);
    const exts = dissectFrame(encodeFrame({ ip: { version: 6, src: "::1", dst: "::2", extensions: Array.from({ length: 9 }, () => ({ type: 60 as const })) } }), LINKTYPE_ETHERNET);
    assert.deepEqual([exts.stop, exts.extensionHeaders.length, exts.stopOffset], ["too_many_headers", 8, 14 + 40 + 64]);
  });

  test("each frame cut at every octet: the header the cut falls in is named, every field before it kept", () => {
    // Where each header starts, and what a cut inside it still knows.
    const cases: [string, Uint8Array, number[]][] = [
      ["VLAN_TCP", VLAN_TCP, [0, 14, 18, 42]],
      ["QINQ_IPV6", QINQ_IPV6, [0, 14, 18, 22, 62, 70, 78]],
      ["MPLS_UDP", MPLS_UDP, [0, 14, 18, 22, 42]],
      ["IPV6_ROUTING", IPV6_ROUTING, [0, 14, 54, 62, 70]],
    ];
    for (const [name, frame, starts] of cases) {
      const full = dissectFrame(frame, LINKTYPE_ETHERNET);
      const reused = emptyLayers();
      for (let cut = 0; cut < full.stopOffset; cut++) {
        const l = dissectFrame(frame.subarray(0, cut), LINKTYPE_ETHERNET, reused);
        const at = `${name} cut at ${cut}`;
        assert.equal(l.stop, "truncated", at);
        const header = starts.filter((s) => s <= cut).at(-1)!;
        assert.equal(l.stopOffset, header, at);
        // Every header before the cut one was read whole, as in the full frame.
        if (header > 18 || (name === "MPLS_UDP" && header > 14)) assert.deepEqual(l.vlans, full.vlans, at);
        if (full.ipOffset < header) {
          assert.deepEqual([l.ipVersion, l.srcAddrOffset, l.dstAddrOffset, l.ttl, l.tos], [full.ipVersion, full.srcAddrOffset, full.dstAddrOffset, full.ttl, full.tos], at);
        }
        if (cut >= full.l4Offset + 4 && full.srcPort) assert.deepEqual([l.srcPort, l.dstPort], [full.srcPort, full.dstPort], at);
        if (cut < full.l4Offset || full.l4Offset < 0) assert.deepEqual([l.srcPort, l.dstPort, l.icmpType], [0, 0, -1], at);
      }
    }
  });

  test("a reused result is reset: nothing of the previous frame survives", () => {
    const out = emptyLayers();
    dissectFrame(QINQ_IPV6, LINKTYPE_ETHERNET, out);
    assert.deepEqual(dissectFrame(MPLS_UDP, LINKTYPE_ETHERNET, out), dissectFrame(MPLS_UDP, LINKTYPE_ETHERNET));
    assert.deepEqual(dissectFrame(new Uint8Array(0), LINKTYPE_ETHERNET, out), layers({ stop: "truncated" }));
  });

  test("the frame builder writes the hand-laid frames' bytes (IPv4 checksum computed)", () => {
    const tcp = encodeFrame({
      dstMac: "00:11:22:33:44:55", srcMac: "66:77:88:99:aa:bb", vlans: [0x8100a064],
      ip: { version: 4, src: "192.0.2.1", dst: "198.51.100.7", tos: 0x10, id: 0x1234, dontFragment: true, options: Uint8Array.from([1, 1, 1, 0]) },
      transport: { protocol: "tcp", srcPort: 40000, dstPort: 443, flags: 0x012 },
    });
    assert.deepEqual(tcp, VLAN_TCP);
    const icmp6 = encodeFrame({
      dstMac: "33:33:00:00:00:01", srcMac: "02:00:00:00:00:01", vlans: [0x88a80064, 0x810020c8],
      ip: { version: 6, src: "2001:db8::1", dst: "2001:db8::2", trafficClass: 0xb8, flowLabel: 0x12345, extensions: [{ type: 0 }, { type: 44, offset: 0, more: true, id: 0xdeadbeef }] },
      transport: { protocol: "icmpv6", type: 128, code: 0 },
    });
    assert.deepEqual(icmp6.subarray(0, 78), QINQ_IPV6.subarray(0, 78));
    assert.throws(() => encodeFrame({ ip: { version: 4, src: "2001:db8::1", dst: "10.0.0.1" } }), /src "2001:db8::1" is not an IPv4 address/);
    assert.throws(() => encodeFrame({ ip: { version: 4, src: "10.0.0.1", dst: "10.0.0.2", fragmentOffset: 3 } }), /not a multiple of 8/);
  });
});
