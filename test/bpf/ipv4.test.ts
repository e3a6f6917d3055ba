// IPv4 through the datapath at sample rate 1: what every event carries and
// how the interface counters move, for each transport, header options and
// fragments.
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { FAMILY_IPV4, EV_FLAG_FRAGMENT } from "../../src/bpf/layout.js";
import { requirePrivileges } from "../harness/privileges.js";
import { ETH_P_IP, IPPROTO, eth, icmp, ipv4, sctp, tcp, udp } from "./frames.js";
import { ProgRun } from "./prog-run.js";
import { expectEvent, expectEvents } from "./expect-event.js";
import { counter } from "./counter.js";

const SRC = "192.0.2.10";
const DST = "198.51.100.20";

const v4 = (proto: number, payload: Uint8Array, o: { ihl?: number; fragOffset?: number; moreFragments?: boolean } = {}) =>
  eth(ETH_P_IP, ipv4({ src: SRC, dst: DST, proto, payload, ...o }));

describe("IPv4", () => {
  test("TCP, UDP and SCTP events carry v4-mapped addresses, both ports, the protocol and the wire length", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const cases = [
      { proto: IPPROTO.TCP, frame: v4(IPPROTO.TCP, tcp(40001, 443, 100)), sport: 40001, dport: 443 },
      { proto: IPPROTO.UDP, frame: v4(IPPROTO.UDP, udp(5353, 53, 30)), sport: 5353, dport: 53 },
      { proto: IPPROTO.SCTP, frame: v4(IPPROTO.SCTP, sctp(2905, 3868, 8)), sport: 2905, dport: 3868 },
    ];
    for (const c of cases) {
      expectEvent(pr.run(c.frame), { proto: c.proto, src: SRC, dst: DST, sport: c.sport, dport: c.dport, len: c.frame.length });
    }
    const bytes = cases.reduce((n, c) => n + c.frame.length, 0);
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV4, 3, bytes)]);
  });

  test("ICMP carries type * 256 + code as the destination port and 0 as the source port", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    for (const [type, code] of [[8, 0], [0, 0], [3, 3], [11, 1], [255, 255]]) {
      const frame = v4(IPPROTO.ICMP, icmp(type, code));
      expectEvent(pr.run(frame), { proto: IPPROTO.ICMP, src: SRC, dst: DST, sport: 0, dport: type * 256 + code, len: frame.length });
    }
  });

  test("a protocol without ports (GRE) is an event with its protocol number and ports 0", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const frame = v4(IPPROTO.GRE, Buffer.from([0x00, 0x00, 0x08, 0x00, 0xaa, 0xbb, 0xcc, 0xdd]));
    expectEvent(pr.run(frame), { proto: IPPROTO.GRE, src: SRC, dst: DST, len: frame.length });
  });

  test("header options (IHL 6 to 15) move the transport header; its ports are still found", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    let bytes = 0;
    for (let ihl = 6; ihl <= 15; ihl++) {
      const frame = v4(IPPROTO.UDP, udp(1000 + ihl, 2000 + ihl, 4), { ihl });
      bytes += frame.length;
      expectEvent(pr.run(frame), { proto: IPPROTO.UDP, src: SRC, dst: DST, sport: 1000 + ihl, dport: 2000 + ihl, len: frame.length });
    }
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV4, 10, bytes)]);
  });

  test("an IHL below 5 is counted as IPv4 but gives no event", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    let bytes = 0;
    for (let ihl = 0; ihl < 5; ihl++) {
      const frame = v4(IPPROTO.UDP, udp(1, 2, 20), { ihl });
      bytes += frame.length;
      assert.deepEqual(pr.run(frame).events, [], `IHL ${ihl}`);
    }
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV4, 5, bytes)]);
    assert.equal(pr.dp.readCpuState().gsoHdrErrors, 0, "not GSO: no header error");
  });

  test("a first fragment keeps its ports; later fragments have ports 0, keep the protocol and are flagged FRAGMENT", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    // A later fragment starts mid-payload: these bytes must not be read as ports.
    const midPayload = Buffer.alloc(64, 0x77);
    const first = v4(IPPROTO.UDP, udp(4500, 4501, 56), { moreFragments: true });
    const middle = v4(IPPROTO.UDP, midPayload, { fragOffset: 8, moreFragments: true });
    const last = v4(IPPROTO.UDP, midPayload, { fragOffset: 16 });
    const icmpLater = v4(IPPROTO.ICMP, midPayload, { fragOffset: 185 });
    expectEvent(pr.run(first), { proto: IPPROTO.UDP, src: SRC, dst: DST, sport: 4500, dport: 4501, len: first.length });
    expectEvent(pr.run(middle), { proto: IPPROTO.UDP, src: SRC, dst: DST, flags: EV_FLAG_FRAGMENT, len: middle.length });
    expectEvent(pr.run(last), { proto: IPPROTO.UDP, src: SRC, dst: DST, flags: EV_FLAG_FRAGMENT, len: last.length });
    expectEvent(pr.run(icmpLater), { proto: IPPROTO.ICMP, src: SRC, dst: DST, flags: EV_FLAG_FRAGMENT, len: icmpLater.length });
  });

  test("a fragment with options: the offset, not the header length, decides", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const first = v4(IPPROTO.TCP, tcp(22, 50000, 40), { ihl: 8, moreFragments: true });
    const later = v4(IPPROTO.TCP, Buffer.alloc(40, 0x55), { ihl: 8, fragOffset: 7 });
    expectEvents(pr.run(first), [{ proto: IPPROTO.TCP, src: SRC, dst: DST, sport: 22, dport: 50000, len: first.length }]);
    expectEvents(pr.run(later), [{ proto: IPPROTO.TCP, src: SRC, dst: DST, flags: EV_FLAG_FRAGMENT, len: later.length }]);
  });
});
