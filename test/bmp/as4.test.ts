// 2-octet and 4-octet AS paths (RFC 6793): which width applies, and how a
// 2-octet path is rebuilt from AS4_PATH and AS4_AGGREGATOR.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { a, attr, CONFED_SEQ, ip, ipText, prefixes, SEQ, SET, update, type Segment } from "./builders.js";
import { codes, decodeUpdateMessage, session } from "./decode.js";

const TWO_OCTET = session({ fourOctetAsn: false });
const FOUR_OCTET = session({ fourOctetAsn: true });
const A_FLAG = { flags: 0x20 };

/** An UPDATE for 10.0.0.0/8 with a 2-octet AS_PATH and whatever else is given. */
function twoOctetRoute(path: Segment[], ...more: Uint8Array[]) {
  return update({ attributes: [a.origin(), a.asPath2(...path), a.nextHop(), ...more], nlri: prefixes("10.0.0.0/8") });
}

describe("which AS number width applies", () => {
  test("a session where one OPEN lacked capability 65 reads 2-octet AS numbers", () => {
    const { update: u, problems } = decodeUpdateMessage(twoOctetRoute([[SEQ, [65002, 65010]]]), { session: TWO_OCTET });
    assert.deepEqual(problems, []);
    assert.deepEqual(u.attributes!.asPath, [65002, 65010]);
  });

  test("the A flag means 2-octet AS numbers even on a 4-octet session", () => {
    const { update: u, problems } = decodeUpdateMessage(twoOctetRoute([[SEQ, [65002, 65010]]]), { session: FOUR_OCTET, peer: A_FLAG });
    assert.deepEqual(problems, []);
    assert.deepEqual(u.attributes!.asPath, [65002, 65010]);
  });

  test("without a Peer Up and without the A flag, AS numbers are 4 octets", () => {
    const { update: u, problems } = decodeUpdateMessage(update({ attributes: [a.origin(), a.path(4200000000), a.nextHop()], nlri: prefixes("10.0.0.0/8") }));
    assert.deepEqual(problems, []);
    assert.equal(u.attributes!.originAsn, 4200000000);
  });

  test("a path that only parses at the other width is read at that width and reported", () => {
    // A speaker that rewrote the path to 4 octets on a 2-octet session (RFC 7854 allows it, with the A flag clear).
    const { update: u, problems } = decodeUpdateMessage(update({ attributes: [a.origin(), a.path(65002, 4200000000), a.nextHop()], nlri: prefixes("10.0.0.0/8") }), {
      session: TWO_OCTET,
    });
    assert.deepEqual(codes(problems), ["as_path_width_guessed:ignored"]);
    assert.equal(u.outcome, "applied");
    assert.deepEqual(u.attributes!.asPath, [65002, 4200000000]);

    // And the reverse: a 2-octet path where 4 octets were expected.
    const { update: v, problems: p2 } = decodeUpdateMessage(twoOctetRoute([[SEQ, [65002]]]), { session: FOUR_OCTET });
    assert.deepEqual(codes(p2), ["as_path_width_guessed:ignored"]);
    assert.deepEqual(v.attributes!.asPath, [65002]);
  });

  test("AS_TRANS in a 2-octet path with no AS4_PATH stays AS_TRANS", () => {
    const { update: u } = decodeUpdateMessage(twoOctetRoute([[SEQ, [65002, 23456]]]), { session: TWO_OCTET });
    assert.deepEqual(u.attributes!.asPath, [65002, 23456]);
    assert.equal(u.attributes!.originAsn, 23456);
  });

  test("AGGREGATOR is 6 octets with 2-octet AS numbers, 8 with 4", () => {
    const { update: two, problems: p2 } = decodeUpdateMessage(twoOctetRoute([[SEQ, [65002]]], a.aggregator2(65010, "10.1.1.1")), { session: TWO_OCTET });
    assert.deepEqual(p2, []);
    assert.equal(two.attributes!.aggregator?.asn, 65010);
    assert.equal(ipText(two.attributes!.aggregator!.address), "10.1.1.1");

    const { update: four, problems: p4 } = decodeUpdateMessage(update({ attributes: [a.origin(), a.path(65002), a.nextHop(), a.aggregator2(65010, "10.1.1.1")], nlri: prefixes("10.0.0.0/8") }));
    assert.deepEqual(codes(p4), ["bad_aggregator:attribute_discard"]);
    assert.equal(four.outcome, "applied");
    assert.equal(four.attributes!.aggregator, undefined);
  });
});

describe("AS4_PATH merge (RFC 6793 section 4.2.3)", () => {
  test("AS_TRANS entries are replaced by the AS4_PATH's 4-octet AS numbers", () => {
    const { update: u, problems } = decodeUpdateMessage(twoOctetRoute([[SEQ, [65002, 23456, 23456]]], a.as4Path([SEQ, [4200000001, 4200000002]])), { session: TWO_OCTET });
    assert.deepEqual(problems, []);
    assert.deepEqual(u.attributes!.asPath, [65002, 4200000001, 4200000002]);
    assert.equal(u.attributes!.originAsn, 4200000002);
  });

  test("the same merge applies under the A flag", () => {
    const { update: u } = decodeUpdateMessage(twoOctetRoute([[SEQ, [65002, 23456]]], a.as4Path([SEQ, [4200000001]])), { session: FOUR_OCTET, peer: A_FLAG });
    assert.deepEqual(u.attributes!.asPath, [65002, 4200000001]);
  });

  test("an AS4_PATH longer than the AS_PATH is ignored", () => {
    const { update: u } = decodeUpdateMessage(twoOctetRoute([[SEQ, [65002, 23456]]], a.as4Path([SEQ, [4200000000, 4200000001, 4200000002]])), { session: TWO_OCTET });
    assert.deepEqual(u.attributes!.asPath, [65002, 23456]);
  });

  test("an AS_SET counts as one AS when comparing lengths", () => {
    // AS_PATH counts 2 + 1 = 3, AS4_PATH 1 + 1 = 2: one AS (65002) comes from the AS_PATH.
    const { update: u } = decodeUpdateMessage(twoOctetRoute([[SEQ, [65002, 23456]], [SET, [23456, 64500]]], a.as4Path([SEQ, [4200000001]], [SET, [4200000002, 64500]])), {
      session: TWO_OCTET,
    });
    assert.deepEqual(u.attributes!.asPath, [65002, 4200000001, 4200000002, 64500]);
    assert.equal(u.attributes!.originAsn, 0);
    assert.equal(u.attributes!.originAsSet, true);
  });

  test("an AS_SET counts as one even when the two sets differ in size", () => {
    // An OLD speaker's AS_SET holds AS_TRANS once for two 4-octet members.
    const { update: u } = decodeUpdateMessage(twoOctetRoute([[SEQ, [65002]], [SET, [23456]]], a.as4Path([SET, [4200000001, 4200000002]])), { session: TWO_OCTET });
    assert.deepEqual(u.attributes!.asPath, [65002, 4200000001, 4200000002]);
  });

  test("with equal lengths the AS4_PATH is the whole path", () => {
    const { update: u } = decodeUpdateMessage(twoOctetRoute([[SEQ, [23456, 23456]]], a.as4Path([SEQ, [4200000001, 4200000002]])), { session: TWO_OCTET });
    assert.deepEqual(u.attributes!.asPath, [4200000001, 4200000002]);
  });

  test("a leading confederation segment of the AS_PATH is kept and not counted", () => {
    const { update: u } = decodeUpdateMessage(twoOctetRoute([[CONFED_SEQ, [65100]], [SEQ, [65002, 23456]]], a.as4Path([SEQ, [4200000001]])), { session: TWO_OCTET });
    assert.deepEqual(u.attributes!.asPath, [65100, 65002, 4200000001]);
  });

  test("confederation segments inside AS4_PATH are dropped and the rest is used", () => {
    const { update: u, problems } = decodeUpdateMessage(twoOctetRoute([[SEQ, [65002, 23456]]], a.as4Path([CONFED_SEQ, [65100]], [SEQ, [4200000001]])), { session: TWO_OCTET });
    assert.deepEqual(codes(problems), ["as4_path_confed:ignored"]);
    assert.deepEqual(u.attributes!.asPath, [65002, 4200000001]);
  });

  test("a malformed AS4_PATH is discarded and the AS_PATH stands", () => {
    const broken = attr(0xc0, 17, [2, 2, 0, 0, 0xfa, 0x56]); // says 2 ASes, holds 1
    const { update: u, problems } = decodeUpdateMessage(twoOctetRoute([[SEQ, [65002, 23456]]], broken), { session: TWO_OCTET });
    assert.deepEqual(codes(problems), ["bad_as4_path:attribute_discard"]);
    assert.equal(u.outcome, "applied");
    assert.deepEqual(u.attributes!.asPath, [65002, 23456]);
  });

  test("an empty AS4_PATH is malformed", () => {
    const { problems } = decodeUpdateMessage(twoOctetRoute([[SEQ, [65002]]], attr(0xc0, 17, [])), { session: TWO_OCTET });
    assert.deepEqual(codes(problems), ["bad_as4_path:attribute_discard"]);
  });

  test("AS4_PATH and AS4_AGGREGATOR on a 4-octet path are discarded (RFC 6793 section 4.1)", () => {
    const { update: u, problems } = decodeUpdateMessage(
      update({ attributes: [a.origin(), a.path(65002, 65003), a.nextHop(), a.as4Path([SEQ, [4200000009]]), a.aggregator4(65003, "10.0.0.3"), a.as4Aggregator(4200000009, "10.0.0.9")], nlri: prefixes("10.0.0.0/8") }),
    );
    assert.deepEqual(codes(problems), ["as4_from_new_speaker:attribute_discard", "as4_from_new_speaker:attribute_discard"]);
    assert.deepEqual(u.attributes!.asPath, [65002, 65003]);
    assert.equal(u.attributes!.aggregator?.asn, 65003);
  });
});

describe("AS4_AGGREGATOR (RFC 6793 section 4.2.3)", () => {
  test("with AGGREGATOR AS_TRANS, AS4_AGGREGATOR is the aggregator and AS4_PATH is merged", () => {
    const { update: u, problems } = decodeUpdateMessage(
      twoOctetRoute([[SEQ, [65002, 23456]]], a.aggregator2(23456, "10.0.0.1"), a.as4Aggregator(4200000001, "10.0.0.9"), a.as4Path([SEQ, [4200000001]])),
      { session: TWO_OCTET },
    );
    assert.deepEqual(problems, []);
    assert.equal(u.attributes!.aggregator?.asn, 4200000001);
    assert.equal(ipText(u.attributes!.aggregator!.address), "10.0.0.9");
    assert.deepEqual(u.attributes!.asPath, [65002, 4200000001]);
  });

  test("with AGGREGATOR not AS_TRANS, both AS4 attributes are stale and ignored", () => {
    const { update: u, problems } = decodeUpdateMessage(
      twoOctetRoute([[SEQ, [65002, 23456]]], a.aggregator2(65002, "10.0.0.2"), a.as4Aggregator(4200000001, "10.0.0.9"), a.as4Path([SEQ, [4200000001]])),
      { session: TWO_OCTET },
    );
    assert.deepEqual(problems, []);
    assert.equal(u.attributes!.aggregator?.asn, 65002);
    assert.deepEqual(u.attributes!.asPath, [65002, 23456]);
  });

  test("a malformed AS4_AGGREGATOR is discarded; AGGREGATOR and the merge stand", () => {
    const bad = attr(0xc0, 18, [...ip("10.0.0.9"), 1, 2, 3]); // 7 octets
    const { update: u, problems } = decodeUpdateMessage(twoOctetRoute([[SEQ, [65002, 23456]]], a.aggregator2(23456, "10.0.0.1"), bad, a.as4Path([SEQ, [4200000001]])), {
      session: TWO_OCTET,
    });
    assert.deepEqual(codes(problems), ["bad_as4_aggregator:attribute_discard"]);
    assert.equal(u.attributes!.aggregator?.asn, 23456);
    assert.deepEqual(u.attributes!.asPath, [65002, 4200000001]);
  });
});
