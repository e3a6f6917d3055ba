// Streams shaped like what the lab's speakers send (lab.md section 5): FRR 8.4
// (vendor stat 65531, one prefix per Route Monitoring, its own routes as peer
// 0.0.0.0 without a Peer Up, the local AS prepended to Route Monitoring paths)
// and GoBGP 3.10 (Loc-RIB peer type 3). Hand-built from those notes, not
// captured bytes.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { BmpFramer } from "../../src/bmp/framer.js";
import { decodeBmpMessage } from "../../src/bmp/message-decoder.js";
import type { BmpMessage } from "../../src/bmp/messages.js";
import { PeerSessions } from "../../src/bmp/peer-sessions.js";
import type { BmpProblem } from "../../src/bmp/problem.js";
import {
  a,
  cap,
  cat,
  initiation,
  ip,
  notification,
  open,
  peerDown,
  peerUp,
  perPeer,
  prefixes,
  routeMirroring,
  routeMonitoring,
  routeText,
  stats,
  tlv,
  u16,
  u32,
  u64,
  update,
} from "./builders.js";

/** Frames a stream in 97-octet chunks and decodes it as a collector would. */
function collect(stream: Uint8Array): { messages: BmpMessage[]; problems: BmpProblem[] } {
  const framer = new BmpFramer();
  const sessions = new PeerSessions();
  const messages: BmpMessage[] = [];
  const problems: BmpProblem[] = [];
  for (let p = 0; p < stream.length; p += 97) {
    const out = framer.push(stream.subarray(p, p + 97));
    assert.equal(out.error, undefined);
    for (const bytes of out.messages) {
      const d = decodeBmpMessage(bytes, { sessionFor: sessions.lookup });
      problems.push(...d.problems);
      if (d.message) {
        sessions.observe(d.message);
        messages.push(d.message);
      }
    }
  }
  assert.equal(framer.end(), undefined);
  return { messages, problems };
}

describe("an FRR 8.4 style stream", () => {
  const openA = open({ asn: 65001, bgpId: "10.77.0.1", capabilities: [cap.multiprotocol(1, 1), cap.multiprotocol(2, 1), cap.fourOctetAs(65001), cap.raw(2, [])] });
  const openB = open({ asn: 65002, bgpId: "10.77.0.2", capabilities: [cap.multiprotocol(1, 1), cap.fourOctetAs(65002), cap.raw(2, [])] });
  const peerB = (flags = 0) => perPeer({ address: "10.77.0.2", asn: 65002, bgpId: "10.77.0.2", flags });
  const self = perPeer({ address: "0.0.0.0", asn: 65001, bgpId: "10.77.0.1", flags: 0x40 });
  // FRR prepends its own AS (65001) to the path of routes it received from 65002.
  const oneRoute = (p: string) => update({ attributes: [a.origin(), a.path(65001, 65002), a.nextHop("10.77.0.2")], nlri: prefixes(p) });
  const stream = cat(
    initiation(tlv(1, "FRRouting 8.4.4"), tlv(2, "bgpA")),
    peerUp(peerB(), { local: "10.77.0.1", sent: openA, received: openB }),
    routeMonitoring(peerB(), oneRoute("192.0.2.0/24")),
    routeMonitoring(peerB(0x40), oneRoute("192.0.2.0/24")),
    routeMonitoring(peerB(), oneRoute("100.64.10.0/24")),
    routeMonitoring(self, update({ attributes: [a.origin(), a.path(), a.nextHop("0.0.0.0")], nlri: prefixes("198.51.100.0/24") })),
    routeMirroring(peerB(), tlv(0, oneRoute("192.0.2.0/24"))),
    stats(peerB(), [
      [0, u32(0)],
      [1, u32(0)],
      [7, u64(3n)],
      [65531, [0, 0, 0, 0, 0, 0, 0, 2]],
    ]),
    routeMonitoring(peerB(), update({ withdrawn: prefixes("100.64.11.0/24") })),
    peerDown(peerB(), 3, notification(6, 2)),
  );

  test("decodes with no problem, one prefix per Route Monitoring", () => {
    const { messages, problems } = collect(stream);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      messages.map((m) => m.type),
      ["initiation", "peer_up", "route_monitoring", "route_monitoring", "route_monitoring", "route_monitoring", "route_mirroring", "statistics_report", "route_monitoring", "peer_down"],
    );
    const rms = messages.flatMap((m) => (m.type === "route_monitoring" ? [m] : []));
    assert.deepEqual(
      rms.map((m) => [...m.update!.announced.map(routeText), ...m.update!.withdrawn.map((r) => `-${routeText(r)}`)]),
      [["192.0.2.0/24"], ["192.0.2.0/24"], ["100.64.10.0/24"], ["198.51.100.0/24"], ["-100.64.11.0/24"]],
    );
  });

  test("the prepended local AS stays in the path; the origin is still the originating AS", () => {
    const rm = collect(stream).messages.find((m) => m.type === "route_monitoring");
    assert.ok(rm?.type === "route_monitoring");
    assert.deepEqual(rm.update!.attributes!.asPath, [65001, 65002]);
    assert.equal(rm.update!.attributes!.originAsn, 65002);
  });

  test("its own routes come as post-policy peer 0.0.0.0 with an empty path", () => {
    const own = collect(stream).messages.find((m) => m.type === "route_monitoring" && m.peer.asn === 65001);
    assert.ok(own?.type === "route_monitoring");
    assert.equal(own.peer.postPolicy, true);
    assert.deepEqual(own.update!.attributes!.asPath, []);
    assert.equal(own.update!.attributes!.originAsn, 0);
  });

  test("the stats report skips vendor type 65531 and keeps the standard ones", () => {
    const report = collect(stream).messages.find((m) => m.type === "statistics_report");
    assert.ok(report?.type === "statistics_report");
    assert.deepEqual(report.skippedTypes, [65531]);
    assert.deepEqual(
      report.stats.map((s) => [s.type, s.value]),
      [
        [0, 0n],
        [1, 0n],
        [7, 3n],
      ],
    );
  });
});

describe("a GoBGP 3.10 style Loc-RIB stream", () => {
  const locRib = perPeer({ type: 3, address: "0.0.0.0", asn: 65001, bgpId: "10.77.0.1" });
  const stream = cat(
    initiation(tlv(1, "GoBGP"), tlv(2, "10.77.0.1")),
    routeMonitoring(locRib, update({ attributes: [a.origin(), a.path(), a.nextHop("0.0.0.0"), a.communities([65001, 100])], nlri: prefixes("203.0.113.0/25") })),
    routeMonitoring(locRib, update({ attributes: [a.mpReach(2, 1, ip("::"), prefixes("2001:db8:100::/48")), a.origin(), a.path()] })),
    routeMonitoring(locRib, update({ withdrawn: prefixes("198.51.100.0/24") })),
    stats(perPeer({ address: "10.77.0.2" }), [
      [7, u64(3n)],
      [8, u64(3n)],
      [11, u32(0)],
      [12, u32(0)],
    ]),
    peerDown(perPeer({ address: "10.77.0.2" }), 2, u16(1)),
  );

  test("a Loc-RIB route of the router's own, sent without AS_PATH as GoBGP does, is an empty path, not a withdrawal", () => {
    const { messages, problems } = collect(routeMonitoring(locRib, update({ attributes: [a.origin(), a.nextHop("0.0.0.0")], nlri: prefixes("198.51.100.0/24") })));
    assert.deepEqual(problems, []);
    const [rm] = messages.flatMap((m) => (m.type === "route_monitoring" ? [m] : []));
    assert.equal(rm.update!.outcome, "applied");
    assert.deepEqual(rm.update!.announced.map(routeText), ["198.51.100.0/24"]);
    assert.deepEqual(rm.update!.attributes!.asPath, []);
  });

  test("outside a Loc-RIB a missing AS_PATH is still treat-as-withdraw", () => {
    const { messages, problems } = collect(routeMonitoring(perPeer({ address: "10.77.0.2", asn: 65002 }), update({ attributes: [a.origin(), a.nextHop("10.77.0.2")], nlri: prefixes("198.51.100.0/24") })));
    assert.deepEqual(problems.map((p) => p.code), ["missing_attribute"]);
    const [rm] = messages.flatMap((m) => (m.type === "route_monitoring" ? [m] : []));
    assert.equal(rm.update!.outcome, "treat_as_withdraw");
  });

  test("Loc-RIB Route Monitoring without a Peer Up decodes with 4-octet AS numbers", () => {
    const { messages, problems } = collect(stream);
    assert.deepEqual(problems, []);
    const rms = messages.flatMap((m) => (m.type === "route_monitoring" ? [m] : []));
    assert.ok(rms.every((m) => m.peer.peerType === 3 && m.peer.asn === 65001));
    assert.deepEqual(rms[0].update!.announced.map(routeText), ["203.0.113.0/25"]);
    assert.deepEqual(rms[0].update!.attributes!.communities, [[65001, 100]]);
    assert.deepEqual(rms[1].update!.announced.map(routeText), ["2001:db8:100::/48"]);
    assert.deepEqual(rms[2].update!.withdrawn.map(routeText), ["198.51.100.0/24"]);
  });

  test("a Loc-RIB Peer Up with a fabricated ADD-PATH OPEN turns on path IDs for its Route Monitoring", () => {
    const fabricated = open({ asn: 65001, capabilities: [cap.fourOctetAs(65001), cap.addPath([1, 1, 2])] });
    const s = cat(
      peerUp(locRib, { local: "0.0.0.0", localPort: 0, remotePort: 0, sent: fabricated, received: fabricated, info: [tlv(3, "global")] }),
      routeMonitoring(locRib, update({ attributes: [a.origin(), a.path(), a.nextHop("0.0.0.0")], nlri: cat(u32(1), prefixes("203.0.113.0/25"), u32(2), prefixes("203.0.113.0/25")) })),
    );
    const { messages, problems } = collect(s);
    assert.deepEqual(problems, []);
    const rm = messages[1];
    assert.ok(rm.type === "route_monitoring");
    assert.deepEqual(rm.update!.announced.map(routeText), ["203.0.113.0/25#1", "203.0.113.0/25#2"]);
  });
});
