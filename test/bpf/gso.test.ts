// A GSO/GRO skb stands for several wire packets, each with its own copy of
// the headers. Test-run takes shinfo's gso_segs and gso_size from the ctx, so
// the program's wire accounting can be checked here: packets = segs and
// bytes = skb bytes + (segs - 1) * header bytes (L2 + L3 + L4).
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { FAMILY_IPV4, FAMILY_IPV6, FAMILY_OTHER } from "../../src/bpf/layout.js";
import { requirePrivileges } from "../harness/privileges.js";
import { ETH_P_8021Q, ETH_P_IP, ETH_P_IPV6, IPPROTO, arp, eth, hopByHop, ipv4, ipv6, tcp, udp } from "./frames.js";
import { ProgRun } from "./prog-run.js";
import { expectEvent } from "./expect-event.js";
import { counter } from "./counter.js";

const S4 = "10.20.0.1";
const D4 = "10.20.0.2";
const S6 = "fd20::1";
const D6 = "fd20::2";

/** TCP with 12 bytes of options (timestamps): 32-byte header. */
const tcp4 = (payload: number) => eth(ETH_P_IP, ipv4({ src: S4, dst: D4, proto: IPPROTO.TCP, payload: tcp(443, 50000, payload, 3) }));
const TCP4_HDR = 14 + 20 + 32;

describe("GSO packets", () => {
  test("TCP over IPv4: gso_segs wire packets, each with its own headers", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const frame = tcp4(2 * 1448);
    const wire = 2 * (TCP4_HDR + 1448);
    assert.equal(frame.length + TCP4_HDR, wire);
    expectEvent(pr.run(frame, { gsoSegs: 2, gsoSize: 1448 }), {
      proto: IPPROTO.TCP, src: S4, dst: D4, sport: 443, dport: 50000, segs: 2, len: wire,
    });
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV4, 2, wire)]);
    assert.equal(pr.dp.readCpuState().gsoHdrErrors, 0);
  });

  test("UDP over IPv6 (UDP GSO): the header is 8 bytes of UDP after the IPv6 header", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const frame = eth(ETH_P_IPV6, ipv6({ src: S6, dst: D6, proto: IPPROTO.UDP, payload: udp(4433, 443, 3 * 1000) }));
    const hdr = 14 + 40 + 8;
    const wire = 3 * (hdr + 1000);
    expectEvent(pr.run(frame, { gsoSegs: 3, gsoSize: 1000, dir: "egress" }), {
      proto: IPPROTO.UDP, src: S6, dst: D6, sport: 4433, dport: 443, segs: 3, len: wire, dir: "egress",
    });
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV6, 3, wire, { dir: "egress" })]);
  });

  test("VLAN tags and IPv6 extension headers are part of every segment's headers", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const frame = eth(
      ETH_P_IPV6,
      ipv6({ src: S6, dst: D6, proto: IPPROTO.TCP, payload: tcp(22, 60000, 4 * 500), ext: [hopByHop(0)] }),
      [ETH_P_8021Q],
    );
    const hdr = 18 + 40 + 8 + 20;
    const wire = 4 * (hdr + 500);
    expectEvent(pr.run(frame, { gsoSegs: 4, gsoSize: 500 }), {
      proto: IPPROTO.TCP, src: S6, dst: D6, sport: 22, dport: 60000, segs: 4, len: wire, l2Len: 18,
    });
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV6, 4, wire)]);
  });

  test("gso_segs 0: segments derived from gso_size, the last one short", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const exact = tcp4(3000); // 3 segments of 1000
    const ragged = tcp4(3001); // 3 of 1000 and one of 1
    expectEvent(pr.run(exact, { gsoSegs: 0, gsoSize: 1000 }), {
      proto: IPPROTO.TCP, src: S4, dst: D4, sport: 443, dport: 50000, segs: 3, len: 3 * TCP4_HDR + 3000,
    });
    expectEvent(pr.run(ragged, { gsoSegs: 0, gsoSize: 1000 }), {
      proto: IPPROTO.TCP, src: S4, dst: D4, sport: 443, dport: 50000, segs: 4, len: 4 * TCP4_HDR + 3001,
    });
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV4, 7, 7 * TCP4_HDR + 6001)]);
  });

  test("headers that do not parse (IHL below 5): one packet, skb bytes, a gso header error, no event", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const frame = eth(ETH_P_IP, ipv4({ src: S4, dst: D4, proto: IPPROTO.TCP, ihl: 4, payload: tcp(1, 2, 2000) }));
    assert.deepEqual(pr.run(frame, { gsoSegs: 2, gsoSize: 1000 }).events, []);
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV4, 1, frame.length)]);
    assert.equal(pr.dp.readCpuState().gsoHdrErrors, 1);
  });

  test("a transport header cut before its ports: one packet, a gso header error, no event", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const frame = tcp4(0).subarray(0, 14 + 20 + 3);
    assert.deepEqual(pr.run(frame, { gsoSegs: 5, gsoSize: 1000 }).events, []);
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV4, 1, frame.length)]);
    assert.equal(pr.dp.readCpuState().gsoHdrErrors, 1);
  });

  test("a non-IP frame marked GSO is one packet of its own bytes, not a header error", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    assert.deepEqual(pr.run(arp(), { gsoSegs: 3, gsoSize: 10 }).events, []);
    assert.deepEqual(pr.counters(), [counter(FAMILY_OTHER, 1, arp().length)]);
    assert.equal(pr.dp.readCpuState().gsoHdrErrors, 0);
  });
});
