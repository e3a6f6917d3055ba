// RFC 7606 error handling: each malformed case is reported as a typed problem
// with the approach the RFC gives it, and the UPDATE's outcome follows the
// strongest one.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { a, attr, basics, bgp, cat, ip, prefixes, update, u16 } from "./builders.js";
import { announced, codes, decodeUpdateMessage, withdrawn } from "./decode.js";

const NLRI = prefixes("10.0.0.0/8", "192.0.2.0/24");

/** An UPDATE announcing NLRI with the mandatory attributes, one of them replaced or one more added. */
function routeWith(...attributes: Uint8Array[]) {
  return update({ attributes, nlri: NLRI });
}

function assertTreatAsWithdraw(bgpUpdate: Uint8Array, expected: string[]) {
  const { update: u, problems } = decodeUpdateMessage(bgpUpdate);
  assert.deepEqual(codes(problems), expected);
  assert.equal(u.outcome, "treat_as_withdraw");
  assert.deepEqual(u.announced, []);
  assert.equal(u.attributes, undefined);
  assert.deepEqual(withdrawn(u), ["10.0.0.0/8", "192.0.2.0/24"]);
}

function assertDiscarded(bgpUpdate: Uint8Array, expected: string[]) {
  const { update: u, problems } = decodeUpdateMessage(bgpUpdate);
  assert.deepEqual(codes(problems), expected);
  assert.equal(u.outcome, "applied");
  assert.deepEqual(announced(u), ["10.0.0.0/8", "192.0.2.0/24"]);
  return u;
}

function assertSessionReset(bgpUpdate: Uint8Array, expected: string[]) {
  const { update: u, problems } = decodeUpdateMessage(bgpUpdate);
  assert.deepEqual(codes(problems), expected);
  assert.equal(u.outcome, "session_reset");
  assert.deepEqual(u.announced, []);
  assert.deepEqual(u.withdrawn, []);
}

describe("treat-as-withdraw", () => {
  test("ORIGIN of the wrong length or an undefined value", () => {
    assertTreatAsWithdraw(routeWith(attr(0x40, 1, [0, 0]), a.path(65002), a.nextHop()), ["bad_origin:treat_as_withdraw"]);
    assertTreatAsWithdraw(routeWith(a.origin(3), a.path(65002), a.nextHop()), ["bad_origin:treat_as_withdraw"]);
  });

  test("AS_PATH that parses at neither width", () => {
    assertTreatAsWithdraw(routeWith(a.origin(), attr(0x40, 2, [7, 1, 0, 0, 0xfd, 0xea]), a.nextHop()), ["bad_as_path:treat_as_withdraw"]); // segment type 7
    assertTreatAsWithdraw(routeWith(a.origin(), attr(0x40, 2, [2, 0]), a.nextHop()), ["bad_as_path:treat_as_withdraw"]); // zero-length segment
    assertTreatAsWithdraw(routeWith(a.origin(), attr(0x40, 2, [2, 3, 0, 0, 0xfd, 0xea]), a.nextHop()), ["bad_as_path:treat_as_withdraw"]); // overrun
    assertTreatAsWithdraw(routeWith(a.origin(), attr(0x40, 2, [2]), a.nextHop()), ["bad_as_path:treat_as_withdraw"]); // one octet
  });

  test("NEXT_HOP, MULTI_EXIT_DISC and LOCAL_PREF of the wrong length", () => {
    assertTreatAsWithdraw(routeWith(a.origin(), a.path(65002), attr(0x40, 3, [192, 0, 2, 1, 0])), ["bad_next_hop:treat_as_withdraw"]);
    assertTreatAsWithdraw(routeWith(...basics(), attr(0x80, 4, [0, 0, 1])), ["bad_med:treat_as_withdraw"]);
    assertTreatAsWithdraw(routeWith(...basics(), attr(0x40, 5, [0, 100])), ["bad_local_pref:treat_as_withdraw"]);
  });

  test("COMMUNITIES whose length is not a non-zero multiple of 4", () => {
    assertTreatAsWithdraw(routeWith(...basics(), attr(0xc0, 8, [0xfd, 0xe9, 0, 100, 0, 1])), ["bad_communities:treat_as_withdraw"]);
    assertTreatAsWithdraw(routeWith(...basics(), attr(0xc0, 8, [])), ["bad_communities:treat_as_withdraw"]);
  });

  test("LARGE_COMMUNITIES whose length is not a non-zero multiple of 12", () => {
    assertTreatAsWithdraw(routeWith(...basics(), attr(0xc0, 32, new Array(8).fill(1))), ["bad_large_communities:treat_as_withdraw"]);
    assertTreatAsWithdraw(routeWith(...basics(), attr(0xc0, 32, [])), ["bad_large_communities:treat_as_withdraw"]);
  });

  test("a missing well-known mandatory attribute (RFC 7606 section 3(d))", () => {
    assertTreatAsWithdraw(routeWith(a.path(65002), a.nextHop()), ["missing_attribute:treat_as_withdraw"]);
    assertTreatAsWithdraw(routeWith(a.origin(), a.nextHop()), ["missing_attribute:treat_as_withdraw"]);
    assertTreatAsWithdraw(routeWith(a.origin(), a.path(65002)), ["missing_attribute:treat_as_withdraw"]);
  });

  test("NEXT_HOP is not needed when routes come only in MP_REACH_NLRI", () => {
    const { update: u, problems } = decodeUpdateMessage(update({ attributes: [a.origin(), a.path(65002), a.mpReach(1, 1, ip("192.0.2.1"), prefixes("10.0.0.0/8"))] }));
    assert.deepEqual(problems, []);
    assert.deepEqual(announced(u), ["10.0.0.0/8"]);
  });

  test("the Optional or Transitive bit in conflict with the attribute (section 3(c))", () => {
    assertTreatAsWithdraw(routeWith(attr(0xc0, 1, [0]), a.path(65002), a.nextHop()), ["bad_attribute_flags:treat_as_withdraw"]);
    assertTreatAsWithdraw(routeWith(...basics(), attr(0xc0, 4, [0, 0, 0, 1])), ["bad_attribute_flags:treat_as_withdraw"]);
  });

  test("an attribute that runs past the path attributes (section 4): the NLRI is still found", () => {
    const attrs = cat(...basics(), [0xc0, 8, 200, 0, 0, 0, 1]); // COMMUNITIES says 200 octets, 4 are left
    const body = cat(u16(0), u16(attrs.length), attrs, NLRI);
    assertTreatAsWithdraw(bgp(2, body), ["attribute_overrun:treat_as_withdraw"]);
  });

  test("fewer than 3 octets left for an attribute header (section 4)", () => {
    const attrs = cat(...basics(), [0x40, 6]);
    assertTreatAsWithdraw(bgp(2, cat(u16(0), u16(attrs.length), attrs, NLRI)), ["attribute_overrun:treat_as_withdraw"]);
  });

  test("withdrawals in the same UPDATE stay withdrawals", () => {
    const { update: u } = decodeUpdateMessage(update({ withdrawn: prefixes("172.16.0.0/12"), attributes: [a.origin(9), a.path(65002), a.nextHop()], nlri: NLRI }));
    assert.equal(u.outcome, "treat_as_withdraw");
    assert.deepEqual(withdrawn(u), ["172.16.0.0/12", "10.0.0.0/8", "192.0.2.0/24"]);
  });

  test("MP_REACH_NLRI routes are withdrawn too", () => {
    const { update: u } = decodeUpdateMessage(update({ attributes: [a.mpReach(2, 1, ip("2001:db8::1"), prefixes("2001:db8::/32")), a.origin(), a.path(65002), attr(0x40, 5, [1])] }));
    assert.equal(u.outcome, "treat_as_withdraw");
    assert.deepEqual(withdrawn(u), ["2001:db8::/32"]);
  });
});

describe("attribute discard", () => {
  test("ATOMIC_AGGREGATE with a value", () => {
    const u = assertDiscarded(routeWith(...basics(), attr(0x40, 6, [1])), ["bad_atomic_aggregate:attribute_discard"]);
    assert.equal(u.attributes!.atomicAggregate, false);
  });

  test("AGGREGATOR of the wrong length", () => {
    const u = assertDiscarded(routeWith(...basics(), attr(0xc0, 7, [0, 0, 1, 2, 10])), ["bad_aggregator:attribute_discard"]);
    assert.equal(u.attributes!.aggregator, undefined);
  });

  test("AGGREGATOR with conflicting flags is discarded like any malformed AGGREGATOR", () => {
    assertDiscarded(routeWith(...basics(), attr(0x80, 7, [0, 0, 0xfd, 0xea, 10, 0, 0, 1])), ["bad_attribute_flags:attribute_discard"]);
  });

  test("a repeated attribute: the first copy is used, the later dropped (section 3(g))", () => {
    const u = assertDiscarded(routeWith(...basics(), a.communities([65001, 1]), a.communities([65001, 2])), ["duplicate_attribute:attribute_discard"]);
    assert.deepEqual(u.attributes!.communities, [[65001, 1]]);
  });

  test("a discard next to a treat-as-withdraw: the stronger wins", () => {
    assertTreatAsWithdraw(routeWith(...basics(), attr(0x40, 6, [1]), attr(0x80, 4, [1])), ["bad_atomic_aggregate:attribute_discard", "bad_med:treat_as_withdraw"]);
  });
});

describe("session reset", () => {
  test("Withdrawn Routes Length or Total Path Attribute Length past the message", () => {
    assertSessionReset(bgp(2, u16(50), [8, 10], u16(0)), ["bad_update_lengths:session_reset"]);
    assertSessionReset(bgp(2, u16(0), u16(60), a.origin()), ["bad_update_lengths:session_reset"]);
    assertSessionReset(bgp(2, [0, 0, 0]), ["bad_update_lengths:session_reset"]);
  });

  test("an NLRI or withdrawn prefix that cannot be parsed (section 5.3)", () => {
    assertSessionReset(update({ attributes: basics(), nlri: [33, 10, 0, 0, 0, 0] }), ["bad_nlri:session_reset"]);
    assertSessionReset(update({ attributes: basics(), nlri: [24, 10, 0] }), ["bad_nlri:session_reset"]);
    assertSessionReset(update({ withdrawn: [16, 10] }), ["bad_nlri:session_reset"]);
  });

  test("MP_REACH_NLRI that cannot be parsed", () => {
    assertSessionReset(update({ attributes: [a.origin(), a.path(65002), a.mpReach(2, 1, [1, 2, 3, 4, 5], prefixes("2001:db8::/32"))] }), ["bad_mp_reach:session_reset"]); // next hop length
    assertSessionReset(update({ attributes: [a.origin(), a.path(65002), a.mpReach(2, 1, ip("2001:db8::1"), [129, ...new Array(17).fill(0)])] }), ["bad_mp_reach:session_reset"]);
    assertSessionReset(update({ attributes: [a.origin(), a.path(65002), attr(0x80, 14, [0, 2, 1, 16])] }), ["bad_mp_reach:session_reset"]); // under 5 octets
    assertSessionReset(update({ attributes: [a.origin(), a.path(65002), attr(0x80, 14, [0, 2, 1, 40, 0, 0])] }), ["bad_mp_reach:session_reset"]); // next hop past the end
  });

  test("MP_UNREACH_NLRI that cannot be parsed", () => {
    assertSessionReset(update({ attributes: [attr(0x80, 15, [0, 2])] }), ["bad_mp_unreach:session_reset"]);
    assertSessionReset(update({ attributes: [a.mpUnreach(2, 1, [64, 0x20, 0x01])] }), ["bad_mp_unreach:session_reset"]);
  });

  test("MP_REACH_NLRI with conflicting flags", () => {
    const mp = a.mpReach(2, 1, ip("2001:db8::1"), prefixes("2001:db8::/32"));
    mp[0] = 0xc0; // optional transitive: it is optional non-transitive
    assertSessionReset(update({ attributes: [a.origin(), a.path(65002), mp] }), ["bad_attribute_flags:session_reset"]);
  });

  test("MP_REACH_NLRI or MP_UNREACH_NLRI twice (section 3(g))", () => {
    const reach = a.mpReach(2, 1, ip("2001:db8::1"), prefixes("2001:db8::/32"));
    assertSessionReset(update({ attributes: [a.origin(), a.path(65002), reach, reach] }), ["duplicate_mp_attribute:session_reset"]);
    const unreach = a.mpUnreach(2, 1, prefixes("2001:db8::/32"));
    assertSessionReset(update({ attributes: [unreach, unreach] }), ["duplicate_mp_attribute:session_reset"]);
  });

  test("attributes without NLRI and an error stronger than discard (section 5.2)", () => {
    assertSessionReset(update({ withdrawn: prefixes("10.0.0.0/8"), attributes: [a.origin(7), a.path(65002)] }), ["bad_origin:treat_as_withdraw", "no_nlri_with_error:session_reset"]);
  });

  test("attributes without NLRI and only a discard are fine", () => {
    const { update: u, problems } = decodeUpdateMessage(update({ withdrawn: prefixes("10.0.0.0/8"), attributes: [a.origin(), a.path(65002), attr(0x40, 6, [1])] }));
    assert.deepEqual(codes(problems), ["bad_atomic_aggregate:attribute_discard"]);
    assert.equal(u.outcome, "applied");
    assert.deepEqual(withdrawn(u), ["10.0.0.0/8"]);
  });

  test("a session reset outranks a treat-as-withdraw in the same UPDATE", () => {
    const reach = a.mpReach(2, 1, ip("2001:db8::1"), prefixes("2001:db8::/32"));
    assertSessionReset(routeWith(a.origin(5), a.path(65002), a.nextHop(), reach, reach), ["bad_origin:treat_as_withdraw", "duplicate_mp_attribute:session_reset"]);
  });
});
