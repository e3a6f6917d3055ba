// BMP as the listener takes it: the bytes of a session through BmpFramer in
// random chunks, every framed message through decodeBmpMessage with the
// session options PeerSessions learnt from the Peer Ups before it; and the
// input decoded whole as one message under random session options (4-octet
// AS or not, ADD-PATH or not), so mutated common headers and BGP UPDATEs
// reach the decoder even where the framer would stop. Seeds: the messages of
// GoBGP's and FRR's streams (captured) alone and in runs, and the built
// corpus of every message type.
// Contract: neither throws; framing errors are FramingErrors and the framer
// never holds more than its cap; decode problems are BmpProblems with
// documented codes and actions (never internal_error) at offsets inside the
// message; routes are well-formed and agree with the UPDATE's outcome.
import { BmpFramer, type FramingErrorCode } from "../../../src/bmp/framer.js";
import { decodeBmpMessage, type DecodedBmpMessage } from "../../../src/bmp/message-decoder.js";
import { PeerSessions } from "../../../src/bmp/peer-sessions.js";
import type { Route } from "../../../src/bmp/prefix.js";
import type { BmpProblemCode, ProblemAction } from "../../../src/bmp/problem.js";
import { MAX_LIST_ENTRIES } from "../../../src/bmp/route-attributes.js";
import type { SessionOptions } from "../../../src/bmp/session-options.js";
import { CORPUS } from "../../bmp/corpus.js";
import { session } from "../../bmp/decode.js";
import { capture } from "../captures.js";
import type { Seed } from "../mutator.js";
import type { Prng } from "../prng.js";
import { count, violation, type FuzzTarget } from "../target.js";
import { bmpLengthFields } from "./bmp-length-fields.js";

const CODES: Record<Exclude<BmpProblemCode, "internal_error">, true> = {
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
};
const ACTIONS = new Set<ProblemAction>(["ignored", "message_discarded", "attribute_discard", "treat_as_withdraw", "session_reset"]);
const FRAMING = new Set<FramingErrorCode>(["bad_version", "bad_length", "truncated_stream"]);

/** Messages of a stream capture, and runs of RUN of them (so Peer Ups set the options the messages after them decode with). */
const RUN = 4;

function streamSeeds(file: string): Seed[] {
  const stream = capture(file);
  const framed = new BmpFramer().push(stream);
  if (framed.error) throw new Error(`${file}: ${framed.error.message}`);
  const seeds: Seed[] = [];
  let at = 0;
  const starts = framed.messages.map((m) => ((at += m.length), at - m.length));
  framed.messages.forEach((m, i) => {
    seeds.push({ name: `${file} #${i}`, bytes: m, lengthFields: bmpLengthFields(m) });
    if (i % RUN !== 0) return;
    const run = stream.subarray(starts[i], i + RUN < starts.length ? starts[i + RUN] : stream.length);
    seeds.push({ name: `${file} #${i}..`, bytes: run, lengthFields: bmpLengthFields(run) });
  });
  seeds.push({ name: `${file} whole`, bytes: stream, lengthFields: bmpLengthFields(stream) });
  return seeds;
}

export function bmpTarget(): FuzzTarget {
  const seeds: Seed[] = [
    ...streamSeeds("gobgp-bmp.bin"),
    ...streamSeeds("frr-bmp.bin"),
    ...CORPUS.map((e) => ({ name: `corpus ${e.name}`, bytes: e.bytes, lengthFields: bmpLengthFields(e.bytes) })),
  ];
  const reached = new Map<string, number>();
  // A few fixed session option sets: building them per case would be most of a case's allocations.
  const sessions: SessionOptions[] = [];
  for (const fourOctetAsn of [true, false]) {
    for (const addPath of [false, true]) sessions.push(session({ fourOctetAsn, addPathReceived: addPath ? [[1, 1], [2, 1]] : [], addPathSent: [[1, 1]] }));
  }

  const check = (d: DecodedBmpMessage, input: Uint8Array): void => {
    for (const p of d.problems) {
      if (!(p.code in CODES)) violation(`problem code ${p.code}: ${p.message}`);
      if (!ACTIONS.has(p.action)) violation(`action ${p.action} for ${p.code}`);
      if (!(p.offset >= 0 && p.offset <= input.length)) violation(`${p.code} at offset ${p.offset} of ${input.length}`);
      count(reached, p.code);
    }
    const m = d.message;
    if (!m) return;
    count(reached, m.type);
    if (m.type !== "route_monitoring" || !m.update) return;
    const u = m.update;
    for (const r of u.withdrawn) checkRoute(r);
    for (const r of u.announced) checkRoute(r);
    count(reached, u.outcome);
    if (u.outcome === "session_reset" && u.announced.length + u.withdrawn.length > 0) violation("routes from an UPDATE whose outcome is session_reset");
    if (u.outcome === "treat_as_withdraw" && u.announced.length > 0) violation("announcements from an UPDATE treated as withdraw");
    if ((u.attributes !== undefined) !== u.announced.length > 0) violation(`attributes ${u.attributes ? "with" : "without"} announced routes`);
    const at = u.attributes;
    if (at) {
      if (at.asPath.length > MAX_LIST_ENTRIES || at.communities.length > MAX_LIST_ENTRIES || at.largeCommunities.length > MAX_LIST_ENTRIES) violation("a list over MAX_LIST_ENTRIES");
      if (at.originAsSet && at.originAsn !== 0) violation(`an AS_SET origin with origin AS ${at.originAsn}`);
    }
  };

  /** The input as a session's bytes, cut into chunks of 1 to 3000 octets. */
  const framed = (input: Uint8Array, rng: Prng): boolean => {
    const framer = new BmpFramer();
    const peers = new PeerSessions();
    let messages = 0;
    for (let p = 0; p < input.length && !framer.failed; ) {
      const n = 1 + rng.int(rng.chance(0.5) ? 64 : 3000);
      const out = framer.push(input.subarray(p, p + n));
      for (const m of out.messages) {
        const len = ((m[1] << 24) >>> 0) + (m[2] << 16) + (m[3] << 8) + m[4];
        if (m[0] !== 3 || len !== m.length) violation(`framed a message of ${m.length} octets with version ${m[0]} and length ${len}`);
        const d = decodeBmpMessage(m, { sessionFor: peers.lookup });
        check(d, m);
        if (d.message) peers.observe(d.message);
        messages++;
      }
      if (framer.bufferedBytes > framer.maxMessageLength) violation(`the framer holds ${framer.bufferedBytes} octets, its cap is ${framer.maxMessageLength}`);
      p += n;
    }
    const error = framer.end();
    if (error) {
      if (!FRAMING.has(error.code)) violation(`framing error code ${error.code}`);
      count(reached, `framing ${error.code}`);
    }
    return messages === 1 && !error;
  };

  return {
    name: "bmp",
    contract: "BmpFramer and decodeBmpMessage never throw; problems are BmpProblems with documented codes and actions at offsets inside the message",
    seeds,
    mutator: { maxLength: 70_000 },
    epoch: 1,
    reached,
    reset() {},
    run(input, rng) {
      const whole = framed(input, rng);
      // What the framer took as one whole message was decoded already; anything else also goes in whole.
      if (!whole) check(decodeBmpMessage(input, { sessionFor: () => rng.pick(sessions) }), input);
    },
  };
}

function checkRoute(r: Route): void {
  const width = r.family === "ipv4" ? 4 : 16;
  if (r.prefix.length !== width) violation(`${r.family} prefix of ${r.prefix.length} octets`);
  if (!(Number.isInteger(r.length) && r.length >= 0 && r.length <= width * 8)) violation(`${r.family} prefix length ${r.length}`);
  if (r.pathId !== undefined && !(Number.isInteger(r.pathId) && r.pathId >= 0 && r.pathId <= 0xffffffff)) violation(`path ID ${r.pathId}`);
}
