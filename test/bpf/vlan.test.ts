// VLAN tags in the frame (802.1Q 0x8100, 802.1ad 0x88a8): up to two are
// skipped, the family comes from the innermost ethertype, and the tags count
// in l2Len and in the wire bytes.
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { FAMILY_IPV4, FAMILY_IPV6, FAMILY_OTHER } from "../../src/bpf/layout.js";
import { requirePrivileges } from "../harness/privileges.js";
import { ETH_P_8021AD, ETH_P_8021Q, ETH_P_ARP, ETH_P_IP, ETH_P_IPV6, IPPROTO, eth, ipv4, ipv6, tcp, udp } from "./frames.js";
import { ProgRun } from "./prog-run.js";
import { expectEvent } from "./expect-event.js";
import { counter } from "./counter.js";

const udp4 = (tpids: number[]) =>
  eth(ETH_P_IP, ipv4({ src: "10.1.0.1", dst: "10.2.0.2", proto: IPPROTO.UDP, payload: udp(123, 123, 48) }), tpids);
const tcp6 = (tpids: number[]) =>
  eth(ETH_P_IPV6, ipv6({ src: "fd00::1", dst: "fd00::2", proto: IPPROTO.TCP, payload: tcp(179, 33000, 19) }), tpids);

describe("VLAN tags", () => {
  test("one 802.1Q tag: l2Len 18, family from the inner ethertype, tag bytes counted", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const a = udp4([ETH_P_8021Q]);
    const b = tcp6([ETH_P_8021Q]);
    expectEvent(pr.run(a), { proto: IPPROTO.UDP, src: "10.1.0.1", dst: "10.2.0.2", sport: 123, dport: 123, len: a.length, l2Len: 18 });
    expectEvent(pr.run(b), { proto: IPPROTO.TCP, src: "fd00::1", dst: "fd00::2", sport: 179, dport: 33000, len: b.length, l2Len: 18 });
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV4, 1, a.length), counter(FAMILY_IPV6, 1, b.length)]);
  });

  test("two tags (802.1ad outer, 802.1Q inner, or Q-in-Q): l2Len 22", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const ad = tcp6([ETH_P_8021AD, ETH_P_8021Q]);
    const qq = udp4([ETH_P_8021Q, ETH_P_8021Q]);
    expectEvent(pr.run(ad), { proto: IPPROTO.TCP, src: "fd00::1", dst: "fd00::2", sport: 179, dport: 33000, len: ad.length, l2Len: 22 });
    expectEvent(pr.run(qq), { proto: IPPROTO.UDP, src: "10.1.0.1", dst: "10.2.0.2", sport: 123, dport: 123, len: qq.length, l2Len: 22 });
    assert.deepEqual(pr.counters(), [counter(FAMILY_IPV4, 1, qq.length), counter(FAMILY_IPV6, 1, ad.length)]);
  });

  test("a third tag is not looked into: counted as other, no event", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const frame = udp4([ETH_P_8021AD, ETH_P_8021Q, ETH_P_8021Q]);
    assert.deepEqual(pr.run(frame).events, []);
    assert.deepEqual(pr.counters(), [counter(FAMILY_OTHER, 1, frame.length)]);
  });

  test("a tagged non-IP frame (ARP) is counted as other, no event", (t) => {
    if (!requirePrivileges(t)) return;
    const pr = ProgRun.open(t);
    const frame = eth(ETH_P_ARP, Buffer.alloc(28), [ETH_P_8021Q]);
    assert.deepEqual(pr.run(frame).events, []);
    assert.deepEqual(pr.counters(), [counter(FAMILY_OTHER, 1, frame.length)]);
  });
});
