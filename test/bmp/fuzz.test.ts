// Fuzz: 100,000 mutations of valid messages (bit flips, octets overwritten,
// inserted and removed, cuts, 16- and 32-bit length fields rewritten) through
// the decoder under random session options, and the mutated stream through
// the framer. Nothing may throw or hang, and every output must be well-formed.
// Seeded, so a failure reproduces.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { BmpFramer } from "../../src/bmp/framer.js";
import { decodeBmpMessage, type DecodedBmpMessage } from "../../src/bmp/message-decoder.js";
import type { BmpProblemCode, ProblemAction } from "../../src/bmp/problem.js";
import { MAX_LIST_ENTRIES } from "../../src/bmp/route-attributes.js";
import type { Route } from "../../src/bmp/prefix.js";
import { CORPUS } from "./corpus.js";
import { session } from "./decode.js";

const ITERATIONS = 100_000;
const SEED = 0xb3f7;

/** xorshift32: enough to choose mutations, and reproducible. */
function prng(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

const CODES: Record<BmpProblemCode, true> = {
  short_message: true,
  bad_version: true,
  length_mismatch: true,
  unknown_message_type: true,
  tlv_overrun: true,
  bad_tlv_length: true,
  stat_count_mismatch: true,
  bad_peer_down_reason: true,
  bad_bgp_header: true,
  unexpected_bgp_type: true,
  trailing_bytes: true,
  bad_open: true,
  bad_capability: true,
  bad_update_lengths: true,
  bad_nlri: true,
  attribute_overrun: true,
  duplicate_attribute: true,
  duplicate_mp_attribute: true,
  bad_attribute_flags: true,
  missing_attribute: true,
  bad_origin: true,
  bad_as_path: true,
  bad_next_hop: true,
  bad_med: true,
  bad_local_pref: true,
  bad_atomic_aggregate: true,
  bad_aggregator: true,
  bad_communities: true,
  bad_large_communities: true,
  bad_as4_path: true,
  bad_as4_aggregator: true,
  as4_path_confed: true,
  as4_from_new_speaker: true,
  as_path_width_guessed: true,
  bad_mp_reach: true,
  bad_mp_unreach: true,
  no_nlri_with_error: true,
  internal_error: true,
};
const ACTIONS = new Set<ProblemAction>(["ignored", "message_discarded", "attribute_discard", "treat_as_withdraw", "session_reset"]);

type Rng = ReturnType<typeof prng>;

function mutate(src: Uint8Array, r: Rng): Uint8Array {
  let b = src.slice();
  const rounds = 1 + r.int(3);
  for (let k = 0; k < rounds; k++) {
    const at = b.length ? r.int(b.length) : 0;
    switch (r.int(8)) {
      case 0: // bit flip
        if (b.length) b[at] ^= 1 << r.int(8);
        break;
      case 1: // an interesting octet
        if (b.length) b[at] = [0, 1, 0x7f, 0x80, 0xfe, 0xff, 32, 33, 128, 129][r.int(10)];
        break;
      case 2: // a random octet
        if (b.length) b[at] = r.int(256);
        break;
      case 3: {
        // insert octets
        const n = 1 + r.int(8);
        const ins = Uint8Array.from({ length: n }, () => r.int(256));
        b = Uint8Array.from([...b.subarray(0, at), ...ins, ...b.subarray(at)]);
        break;
      }
      case 4: // remove octets
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1 + r.int(8))]);
        break;
      case 5: // cut
        b = b.slice(0, at);
        break;
      case 6: // a 16-bit length somewhere
        if (b.length >= 2) new DataView(b.buffer).setUint16(r.int(b.length - 1), [0, 1, 2, 3, 4, 5, 255, 256, 0xffff, r.int(65536)][r.int(10)]);
        break;
      default: // keep the common header's length in step, or not
        if (b.length >= 5) new DataView(b.buffer).setUint32(1, r.int(4) === 0 ? r.int(0x100000) : b.length);
    }
  }
  return b;
}

function checkRoute(r: Route, where: string): void {
  const width = r.family === "ipv4" ? 4 : 16;
  assert.equal(r.prefix.length, width, where);
  assert.ok(Number.isInteger(r.length) && r.length >= 0 && r.length <= width * 8, where);
  if (r.pathId !== undefined) assert.ok(Number.isInteger(r.pathId) && r.pathId >= 0 && r.pathId <= 0xffffffff, where);
}

function check(d: DecodedBmpMessage, input: Uint8Array, where: string): void {
  for (const p of d.problems) {
    assert.ok(CODES[p.code], `${where}: unknown code ${p.code}`);
    assert.notEqual(p.code, "internal_error", `${where}: ${p.message}`);
    assert.ok(ACTIONS.has(p.action), where);
    assert.ok(p.offset >= 0 && p.offset <= input.length, `${where}: offset ${p.offset}`);
  }
  const m = d.message;
  if (m?.type !== "route_monitoring" || !m.update) return;
  const u = m.update;
  for (const r of u.withdrawn) checkRoute(r, where);
  for (const r of u.announced) checkRoute(r, where);
  if (u.outcome === "session_reset") assert.equal(u.announced.length + u.withdrawn.length, 0, where);
  if (u.outcome === "treat_as_withdraw") assert.equal(u.announced.length, 0, where);
  assert.equal(u.attributes !== undefined, u.announced.length > 0, where);
  if (u.attributes) {
    const at = u.attributes;
    assert.ok(at.asPath.length <= MAX_LIST_ENTRIES && at.communities.length <= MAX_LIST_ENTRIES && at.largeCommunities.length <= MAX_LIST_ENTRIES, where);
    assert.ok(!(at.originAsSet && at.originAsn !== 0), where);
  }
}

test(`${ITERATIONS} mutated messages decode without a throw and with well-formed results`, () => {
  const r = prng(SEED);
  const stream: Uint8Array[] = [];
  let decoded = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const entry = CORPUS[r.int(CORPUS.length)];
    const input = mutate(entry.bytes, r);
    const s = session({ fourOctetAsn: r.int(2) === 0, addPathReceived: r.int(2) === 0 ? [[1, 1], [2, 1]] : [], addPathSent: [[1, 1]] });
    const d = decodeBmpMessage(input, { sessionFor: () => s });
    check(d, input, `iteration ${i} (${entry.name})`);
    if (d.message) decoded++;
    if (i % 50 === 0) stream.push(input);
  }
  // Mutations must leave most messages decodable, or the fuzz only exercises the header checks.
  assert.ok(decoded > ITERATIONS / 2, `only ${decoded} decoded`);

  // The framer over the mutated messages back to back, in random chunks: it stops at the first bad header.
  const framer = new BmpFramer();
  const all = Uint8Array.from(stream.flatMap((m) => [...m]));
  for (let p = 0; p < all.length && !framer.failed; ) {
    const n = 1 + r.int(3000);
    for (const m of framer.push(all.subarray(p, p + n)).messages) check(decodeBmpMessage(m), m, "framed");
    assert.ok(framer.bufferedBytes <= framer.maxMessageLength);
    p += n;
  }
});
