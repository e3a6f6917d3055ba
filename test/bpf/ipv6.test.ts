// IPv6 through the datapath at sample rate 1: transports, the extension
// header chain (the program walks at most 6 headers) and fragments.
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { FAMILY_IPV6, EV_FLAG_FRAGMENT, EV_FLAG_TRUNCATED } from "../../src/bpf/layout.js";
import { requirePrivileges } from "../harness/privileges.js";
import { ETH_P_IPV6, IPPROTO, ah, dstOpts, eth, fragment, hopByHop, icmp, ipv6, routing, sctp, tcp, udp, type ExtHeader } from "./frames.js";
import { ProgRun } from "./prog-run.js";
import { expectEvent } from "./expect-event.js";
import { counter } from "./counter.js";

const SRC = "2001:db8:1::10";
const DST = "2001:db8:2::20";

const v6 = (proto: number, payload: Uint8Array, ext: ExtHeader[] = []) =>
  eth(ETH_P_IPV6, ipv6({ src: SRC, dst: DST, proto, payload, ext }));

/** Six headers in RFC 8200 order; a fragment header with offset 0 and M clear is an atomic fragment, not a fragment. */
const SIX_HEADERS = (): ExtHeader[] => [hopByHop(1), dstOpts(0), routing(2), fragment(0, false), ah(3), dstOpts(1)];

describe("IPv6", () => {
  test("TCP, UDP and SCTP events carry both addresses, both ports, the protocol and the wire length", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const cases = [
      { proto: IPPROTO.TCP, frame: v6(IPPROTO.TCP, tcp(40001, 443, 100, 3)), sport: 40001, dport: 443 },
      { proto: IPPROTO.UDP, frame: v6(IPPROTO.UDP, udp(5353, 53, 30)), sport: 5353, dport: 53 },
      { proto: IPPROTO.SCTP, frame: v6(IPPROTO.SCTP, sctp(2905, 3868, 8)), sport: 2905, dport: 3868 },
    ];
    for (const c of cases) {
      expectEvent(pr.run(c.frame), { proto: c.proto, src: SRC, dst: DST, sport: c.sport, dport: c.dport, len: c.frame.length });
    }
    const bytes = cases.reduce((n, c) => n + c.frame.length, 0);
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV6, 3, bytes)]);
  });

  test("ICMPv6 carries type * 256 + code as the destination port and 0 as the source port", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    for (const [type, code] of [[128, 0], [129, 0], [1, 4], [135, 0], [3, 1]]) {
      const frame = v6(IPPROTO.ICMPV6, icmp(type, code));
      expectEvent(pr.run(frame), { proto: IPPROTO.ICMPV6, src: SRC, dst: DST, sport: 0, dport: type * 256 + code, len: frame.length });
    }
  });

  test("0 to 6 extension headers are walked to the transport header", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    for (let n = 0; n <= 6; n++) {
      const frame = v6(IPPROTO.UDP, udp(7000 + n, 8000 + n, 12), SIX_HEADERS().slice(0, n));
      expectEvent(pr.run(frame), { proto: IPPROTO.UDP, src: SRC, dst: DST, sport: 7000 + n, dport: 8000 + n, len: frame.length });
    }
  });

  test("each header kind alone is skipped by its own length rule", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const kinds: [string, ExtHeader][] = [
      ["hop-by-hop, 8 + 8*3 bytes", hopByHop(3)],
      ["routing, 8 + 8*1 bytes", routing(1)],
      ["destination options, 8 + 8*5 bytes", dstOpts(5)],
      ["fragment, always 8 bytes", fragment(0, false)],
      ["AH with a 4-byte ICV: 16 bytes, length field 2", ah(1)],
      ["AH with a 12-byte ICV: 24 bytes, length field 4", ah(3)],
    ];
    for (const [what, h] of kinds) {
      const frame = v6(IPPROTO.TCP, tcp(1111, 2222), [h]);
      const run = pr.run(frame);
      assert.equal(run.events.length, 1, what);
      assert.deepEqual([run.events[0].proto, run.events[0].sport, run.events[0].dport], [IPPROTO.TCP, 1111, 2222], what);
    }
  });

  test("headers past the first KiB (a 1,208-byte hop-by-hop header) are still read; cut there, TRUNCATED", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const frame = v6(IPPROTO.UDP, udp(6000, 6001, 8), [hopByHop(150)]);
    expectEvent(pr.run(frame), { proto: IPPROTO.UDP, src: SRC, dst: DST, sport: 6000, dport: 6001, len: frame.length });
    const cut = frame.subarray(0, 14 + 40 + 1208 + 2);
    expectEvent(pr.run(cut), { proto: IPPROTO.UDP, src: SRC, dst: DST, flags: EV_FLAG_TRUNCATED, len: cut.length });
  });

  test("with 7 extension headers the walk stops: the seventh header's type is the protocol, ports 0", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const frame = v6(IPPROTO.UDP, udp(1, 2, 12), [...SIX_HEADERS(), dstOpts(0)]);
    expectEvent(pr.run(frame), { proto: IPPROTO.DSTOPTS, src: SRC, dst: DST, len: frame.length });
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV6, 1, frame.length)]);
  });

  test("a first fragment keeps its ports; later fragments have ports 0, keep the protocol and are flagged FRAGMENT", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const midPayload = Buffer.alloc(48, 0x77);
    const first = v6(IPPROTO.UDP, udp(4500, 4501, 40), [fragment(0, true)]);
    const middle = v6(IPPROTO.UDP, midPayload, [fragment(6, true)]);
    const last = v6(IPPROTO.UDP, midPayload, [hopByHop(0), fragment(12, false)]);
    expectEvent(pr.run(first), { proto: IPPROTO.UDP, src: SRC, dst: DST, sport: 4500, dport: 4501, len: first.length });
    expectEvent(pr.run(middle), { proto: IPPROTO.UDP, src: SRC, dst: DST, flags: EV_FLAG_FRAGMENT, len: middle.length });
    expectEvent(pr.run(last), { proto: IPPROTO.UDP, src: SRC, dst: DST, flags: EV_FLAG_FRAGMENT, len: last.length });
  });

  test("after a later fragment's header the walk stops: payload bytes are never read as headers", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    // Next header says destination options, but in a later fragment what follows
    // is the middle of the original payload; here it looks like a header leading to TCP.
    const looksLikeHeaders = Buffer.alloc(48, 0);
    looksLikeHeaders[0] = IPPROTO.TCP;
    looksLikeHeaders.writeUInt16BE(80, 8);
    looksLikeHeaders.writeUInt16BE(8080, 10);
    const frame = eth(ETH_P_IPV6, ipv6({ src: SRC, dst: DST, proto: IPPROTO.DSTOPTS, payload: looksLikeHeaders, ext: [fragment(9, true)] }));
    expectEvent(pr.run(frame), { proto: IPPROTO.DSTOPTS, src: SRC, dst: DST, flags: EV_FLAG_FRAGMENT, len: frame.length });
  });
});
