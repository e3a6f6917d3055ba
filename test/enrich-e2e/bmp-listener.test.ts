// The agent's BMP listener over real TCP, fed crafted streams (no speakers):
// the session limit, framing errors that end one session only, a stream cut
// inside a message, the Peer Up / Route Monitoring / Peer Down sequence, and
// 10,000 random chunks the agent survives while it keeps serving.
import { tempDir } from "../harness/temp-dir.js";
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { requirePrivileges } from "../harness/privileges.js";
import { until } from "../agent/agent-lab.js";
import { announce, bmpAgent, hello, HOST, peerUpOf, Speaker } from "./bmp-speaker.js";
import { runCli } from "../cli/run-cli.js";
import { join } from "node:path";
import { parseAddress } from "../../src/net/address.js";
import type { Agent } from "../../src/agent/agent.js";
import { MAX_BMP_SESSIONS } from "../../src/enrich/bmp-listener.js";
import {
  a,
  bmp,
  cat,
  notification,
  peerDown,
  perPeer,
  prefixes,
  routeMirroring,
  routeMonitoring,
  stats,
  termination,
  tlv,
  u16,
  u32,
  u64,
  update,
} from "../bmp/builders.js";

function origin(agent: Agent, addr: string): number {
  const ref = agent.rib!.lookup(parseAddress(addr));
  return ref < 0 ? -1 : agent.rib!.origin(ref);
}

function bmpErrorsIn(scrape: string): number {
  const m = /^rfm_errors_total\{subsystem="bmp"\} (\d+)$/m.exec(scrape);
  assert.ok(m, "rfm_errors_total{subsystem=\"bmp\"} is exposed");
  return Number(m[1]);
}

// The streams: a monitored router 192.0.2.1 (AS 65001) and its global instance peers.
const peerOf = (address: string, asn = 65002, post = false) => perPeer({ address, asn, bgpId: address, flags: post ? 0x40 : 0 });
const up = (address: string, asn = 65002) => peerUpOf(peerOf(address, asn), address, asn);
function withdraw(peer: Uint8Array, prefix: string): Uint8Array {
  return routeMonitoring(peer, prefix.includes(":") ? update({ attributes: [a.mpUnreach(2, 1, prefixes(prefix))] }) : update({ withdrawn: prefixes(prefix) }));
}
/** A message whose version octet is not 3. */
const badVersion = (m: Uint8Array) => cat([2], m.subarray(1));

describe("BMP listener over TCP", () => {
  test(`the ${MAX_BMP_SESSIONS + 1}th concurrent session is refused and counted; the ${MAX_BMP_SESSIONS} others go on`, async (t) => {
    if (!requirePrivileges(t)) return;
    const { agent, port, scrape } = await bmpAgent(t);
    const speakers: Speaker[] = [];
    for (let i = 0; i < MAX_BMP_SESSIONS; i++) {
      const s = await Speaker.connect(t, port);
      await s.send(hello);
      speakers.push(s);
    }
    await until(() => agent.bmp!.openSessions === MAX_BMP_SESSIONS, 5000, "16 sessions open");
    assert.equal(agent.errors.get("bmp"), 0);

    const extra = await Speaker.connect(t, port); // TCP accepts; the agent hangs up at once
    await extra.send(hello, announce(peerOf("192.0.2.99"), "198.51.100.0/24", [65002, 64999]));
    await extra.ended;
    assert.equal(agent.bmp!.stats.rejectedSessions, 1);
    assert.equal(agent.errors.get("bmp"), 1);
    assert.equal(bmpErrorsIn(await scrape()), 1, "the refusal shows in rfm_errors_total{subsystem=\"bmp\"}");
    assert.equal(agent.bmp!.openSessions, MAX_BMP_SESSIONS);
    assert.equal(origin(agent, "198.51.100.1"), -1, "nothing of the refused session applied");

    // All 16 keep working.
    await Promise.all(speakers.map((s, i) => s.send(announce(peerOf(`192.0.2.${10 + i}`), `100.64.${i}.0/24`, [65002, 64500 + i]))));
    await until(() => speakers.every((_, i) => origin(agent, `100.64.${i}.1`) === 64500 + i), 5000, "routes of all 16 sessions");
    assert.ok(speakers.every((s) => !s.closed));

    // One leaves: a new session fits again.
    await speakers[0].end();
    await until(() => agent.bmp!.openSessions === MAX_BMP_SESSIONS - 1, 5000, "a session ended");
    const next = await Speaker.connect(t, port);
    await next.send(hello, announce(peerOf("192.0.2.99"), "198.51.100.0/24", [65002, 64999]));
    await until(() => origin(agent, "198.51.100.1") === 64999, 5000, "the new session's route");
    assert.equal(agent.bmp!.openSessions, MAX_BMP_SESSIONS);
    assert.equal(agent.bmp!.stats.rejectedSessions, 1);
    assert.equal(agent.errors.get("bmp"), 1);
  });

  test("a wrong version ends that session only and is counted; its earlier routes stay, the other session goes on", async (t) => {
    if (!requirePrivileges(t)) return;
    const { agent, port } = await bmpAgent(t);
    const x = await Speaker.connect(t, port);
    const y = await Speaker.connect(t, port);
    await y.send(hello, announce(peerOf("192.0.2.20"), "192.0.2.0/24", [65002, 64510]));
    await until(() => origin(agent, "192.0.2.7") === 64510, 5000, "Y's first route");

    const px = peerOf("192.0.2.30");
    // After a bad header nothing can be trusted: the valid message behind it is not applied.
    await x.send(hello, announce(px, "198.51.100.0/24", [65002, 64520]), badVersion(announce(px, "203.0.113.0/24", [65002, 64521])), announce(px, "100.64.1.0/24", [65002, 64522]));
    await x.ended;
    assert.equal(agent.errors.get("bmp"), 1);
    assert.equal(agent.bmp!.stats.framingErrors, 1);
    assert.equal(origin(agent, "198.51.100.1"), 64520, "routes applied before the bad message stay");
    assert.equal(origin(agent, "203.0.113.1"), -1);
    assert.equal(origin(agent, "100.64.1.1"), -1);

    assert.equal(agent.bmp!.openSessions, 1);
    await y.send(announce(peerOf("192.0.2.20"), "2001:db8:30::/48", [65002, 64511]));
    await until(() => origin(agent, "2001:db8:30::1") === 64511, 5000, "Y's route after X's failure");
    assert.equal(y.closed, false);
    assert.equal(agent.errors.get("bmp"), 1);
  });

  test("a stream cut inside a message: the routes before it stay, the cut is counted", async (t) => {
    if (!requirePrivileges(t)) return;
    const { agent, port } = await bmpAgent(t);
    const s = await Speaker.connect(t, port);
    const pb = peerOf("192.0.2.2");
    const cut = announce(pb, "203.0.113.0/24", [65002, 64503]);
    await s.send(hello, up("192.0.2.2"), announce(pb, "198.51.100.0/24", [65002, 64501]), announce(pb, "2001:db8:1::/48", [65002, 64502]), cut.subarray(0, 40));
    await s.end();
    await until(() => agent.bmp!.openSessions === 0, 5000, "session end");
    assert.equal(origin(agent, "198.51.100.1"), 64501);
    assert.equal(origin(agent, "2001:db8:1::1"), 64502);
    assert.equal(origin(agent, "203.0.113.1"), -1, "the cut message is not applied");
    assert.equal(agent.bmp!.stats.messages, 4);
    assert.equal(agent.bmp!.stats.framingErrors, 1);
    assert.equal(agent.errors.get("bmp"), 1, "a stream that ends inside a message is counted");
  });

  test("Peer Up, Route Monitoring and Peer Down update the RIB", async (t) => {
    if (!requirePrivileges(t)) return;
    const { agent, port } = await bmpAgent(t);
    const s = await Speaker.connect(t, port);
    const pb = peerOf("192.0.2.2");
    const pc = peerOf("192.0.2.3", 65003);
    await s.send(
      hello,
      up("192.0.2.2"),
      up("192.0.2.3", 65003),
      announce(pb, "203.0.113.0/24", [65002, 64496]),
      announce(pb, "203.0.113.128/25", [65002, 64497, 64498]),
      announce(pb, "2001:db8:10::/48", [65002, 64499]),
      announce(pc, "198.51.100.0/24", [65003, 64500]),
    );
    await until(() => origin(agent, "203.0.113.200") === 64498 && origin(agent, "2001:db8:10::1") === 64499 && origin(agent, "198.51.100.1") === 64500, 5000, "routes");
    assert.equal(origin(agent, "203.0.113.1"), 64496);
    const d = agent.rib!.lookupDetail(parseAddress("203.0.113.200"))!;
    assert.deepEqual([d.prefix, d.asPath, d.peerAs, d.peerAddress], ["203.0.113.128/25", [65002, 64497, 64498], 65002, "192.0.2.2"]);

    // A withdrawal: the covering /24 answers again.
    await s.send(withdraw(pb, "203.0.113.128/25"));
    await until(() => origin(agent, "203.0.113.200") === 64496, 5000, "withdrawal of the /25");

    // Peer Down of B (its session ended by a Cease): all of B's routes go, C's stay.
    await s.send(peerDown(pb, 3, notification(6, 2)));
    await until(() => origin(agent, "203.0.113.1") === -1 && origin(agent, "2001:db8:10::1") === -1, 5000, "B's routes gone");
    assert.equal(origin(agent, "198.51.100.1"), 64500);
    assert.equal(agent.bmp!.openSessions, 1, "the BMP session itself goes on");
    assert.equal(agent.errors.get("bmp"), 0);
    await s.end();
    assert.equal(agent.errors.get("bmp"), 0, "a stream closed between messages is no error");
  });

  test("a reconnected speaker's End-of-RIB per family drops the routes it did not announce again", async (t) => {
    if (!requirePrivileges(t)) return;
    const { agent, port } = await bmpAgent(t);
    const pb = peerOf("192.0.2.2");
    const first = await Speaker.connect(t, port);
    await first.send(
      hello,
      up("192.0.2.2"),
      announce(pb, "203.0.113.0/24", [65002, 64496]),
      announce(pb, "198.51.100.0/24", [65002, 64501]),
      announce(pb, "2001:db8:10::/48", [65002, 64499]),
    );
    await until(() => origin(agent, "2001:db8:10::1") === 64499, 5000, "first session's routes");
    await first.end();
    assert.equal(origin(agent, "198.51.100.1"), 64501, "routes outlive their BMP session");

    // The speaker comes back and dumps again: 198.51.100.0/24 went away while it was disconnected.
    const second = await Speaker.connect(t, port);
    await second.send(hello, up("192.0.2.2"), announce(pb, "203.0.113.0/24", [65002, 64510]));
    await until(() => origin(agent, "203.0.113.1") === 64510, 5000, "re-announced route");
    assert.equal(origin(agent, "198.51.100.1"), 64501, "before End-of-RIB the stale copy still answers");
    await second.send(routeMonitoring(pb, update())); // IPv4 unicast End-of-RIB: an empty UPDATE
    await until(() => origin(agent, "198.51.100.1") === -1, 5000, "IPv4 End-of-RIB drops the stale IPv4 route");
    assert.equal(origin(agent, "2001:db8:10::1"), 64499, "IPv6 stale routes wait for the IPv6 End-of-RIB");
    await second.send(routeMonitoring(pb, update({ attributes: [a.mpUnreach(2, 1, [])] })));
    await until(() => origin(agent, "2001:db8:10::1") === -1, 5000, "IPv6 End-of-RIB");
    assert.equal(origin(agent, "203.0.113.1"), 64510);
    assert.equal(agent.rib!.views().some((v) => v.stale), false, "no stale view left");
    assert.equal(agent.errors.get("bmp"), 0);
  });

  test("rfm rib summary and rib lookup print the RIB through the control socket", async (t) => {
    if (!requirePrivileges(t)) return;
    const dir = tempDir("rfm-rib-", t);
    const sock = join(dir, "rfm.sock");
    const { agent, port } = await bmpAgent(t, { control: { socket: sock } });
    const s = await Speaker.connect(t, port);
    const pb = peerOf("192.0.2.2");
    await s.send(hello, up("192.0.2.2"), announce(pb, "203.0.113.0/24", [65002, 64496]), announce(pb, "2001:db8:10::/48", [65002, 64499]));
    await until(() => origin(agent, "2001:db8:10::1") === 64499, 5000, "routes");
    const S = ["--socket", sock];
    const summary = await runCli(["rib", "summary", ...S]);
    assert.equal(summary.stdout, `${HOST}:${port}: 1 ipv4 and 1 ipv6 prefixes, 2 routes in 1 views\n`);
    const lookup = await runCli(["rib", "lookup", "203.0.113.9", ...S]);
    assert.equal(lookup.code, 0, lookup.stderr);
    assert.match(lookup.stdout, /^prefix +203\.0\.113\.0\/24$/m);
    assert.match(lookup.stdout, /^origin +AS64496$/m);
    assert.match(lookup.stdout, /^as path +65002 64496$/m);
    assert.match(lookup.stdout, /^peer +192\.0\.2\.2 AS65002 \(pre policy\)$/m);
    assert.match(lookup.stdout, /^view +BMP session \d+ from 127\.0\.0\.1, 2 routes$/m);
    const status = await runCli(["status", ...S]);
    assert.match(status.stdout, new RegExp(`^rib +${HOST.replace(/\./g, "\\.")}:${port}: 1 ipv4 and 1 ipv6 prefixes, 2 routes in 1 views$`, "m"));
    const none = await runCli(["rib", "lookup", "198.51.100.1", ...S]);
    assert.deepEqual([none.code, none.stderr], [1, "rfm: no route for 198.51.100.1\n"]);
    const bad = await runCli(["rib", "lookup", "not-an-address", ...S]);
    assert.deepEqual([bad.code, bad.stderr], [1, 'rfm: not an IP address: "not-an-address"\n']);
    const mmdb = await runCli(["reload", "mmdb", ...S]);
    assert.deepEqual([mmdb.code, mmdb.stderr], [1, "rfm: mmdb not configured, set agent.enrich.mmdb\n"]);
  });

  test("10,000 random chunks never crash the agent; it keeps serving", async (t) => {
    if (!requirePrivileges(t)) return;
    const { agent, port, scrape } = await bmpAgent(t);
    const rng = prng(0x5eed1);
    const corpus = fuzzCorpus();
    const CHUNKS = 10_000;
    const PARALLEL = 8;
    let left = CHUNKS;
    let sessions = 0;
    const worker = async () => {
      while (left > 0) {
        const s = await Speaker.connect(t, port);
        sessions++;
        while (left > 0 && !s.closed) {
          for (const chunk of nextChunks(rng, corpus)) {
            if (s.closed) break;
            left--;
            await s.send(chunk);
            // One event-loop turn per chunk: the agent reads it, and a hang-up reaches us.
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
        if (!s.closed) await s.end();
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    await until(() => agent.bmp!.openSessions === 0, 10_000, "every fuzz session ended");
    const st = agent.bmp!.stats;
    assert.ok(st.framingErrors > 0 && st.problems > 0, `the fuzz reached both the framer and the decoder: ${JSON.stringify(st)}`);
    assert.equal(st.sessions, sessions);
    assert.equal(agent.errors.get("bmp"), st.framingErrors + st.problems + st.rejectedSessions);

    // Still serving: a new session's route lands, the scrape answers with the same count.
    const s = await Speaker.connect(t, port);
    await s.send(hello, up("192.0.2.250", 65250), announce(peerOf("192.0.2.250", 65250, true), "100.100.0.0/16", [65250, 64777]));
    await until(() => origin(agent, "100.100.1.1") === 64777, 5000, "a route after the fuzz");
    assert.equal(bmpErrorsIn(await scrape()), agent.errors.get("bmp"));
    await s.end();
  });
});

/** xorshift32: reproducible chunks. */
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}
type Rng = ReturnType<typeof prng>;

/** Valid messages of every type, for the fuzz to cut, mutate and mix. */
function fuzzCorpus(): Uint8Array[] {
  const pb = peerOf("192.0.2.2");
  const post = peerOf("192.0.2.2", 65002, true);
  const v6peer = perPeer({ flags: 0x80, address: "2001:db8::2", asn: 65004, bgpId: "10.0.0.4" });
  const locRib = perPeer({ type: 3, address: "0.0.0.0", asn: 65001, bgpId: "192.0.2.1" });
  return [
    hello,
    up("192.0.2.2"),
    announce(pb, "203.0.113.0/24", [65002, 64496]),
    announce(post, "198.51.100.0/24", [65002, 64497]),
    announce(pb, "2001:db8:10::/48", [65002, 64499]),
    announce(v6peer, "2001:db8:20::/48", [65004, 64500]),
    routeMonitoring(locRib, update({ attributes: [a.origin(), a.path(), a.nextHop("0.0.0.0"), a.communities([65001, 100]), a.largeCommunities([65001, 1, 2])], nlri: prefixes("192.0.2.0/25", "192.0.2.128/25") })),
    withdraw(pb, "203.0.113.0/24"),
    withdraw(pb, "2001:db8:10::/48"),
    update(), // a bare BGP message, not BMP: a bad version
    routeMirroring(pb, tlv(0, update({ attributes: [a.origin(), a.path(65002), a.nextHop()], nlri: prefixes("10.1.0.0/16") }))),
    stats(pb, [
      [0, u32(1)],
      [7, u64(3n)],
    ]),
    peerDown(pb, 3, notification(6, 2)),
    peerDown(pb, 2, u16(1)),
    termination(tlv(0, "bye"), tlv(1, u16(0))),
    bmp(9, [1, 2, 3]), // an unknown message type
  ];
}

/** The next write(s): whole messages (some mutated), a message in pieces, a wrong header, or noise. */
function nextChunks(r: Rng, corpus: Uint8Array[]): Uint8Array[] {
  const m = corpus[r.int(corpus.length)].slice();
  const roll = r.next();
  if (roll < 0.6) {
    // Body octets flipped or overwritten: framing stays right, the decoder and the RIB see garbage.
    if (r.next() < 0.7 && m.length > 6) for (let k = 1 + r.int(4); k > 0; k--) m[6 + r.int(m.length - 6)] ^= 1 + r.int(255);
    return [m];
  }
  if (roll < 0.9) {
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < m.length; ) {
      const n = 1 + r.int(m.length - at);
      pieces.push(m.subarray(at, at + n));
      at += n;
    }
    return pieces;
  }
  if (roll < 0.96) {
    // The length field rewritten: too short, a little long, or huge.
    const len = [r.int(6), m.length + 1 + r.int(64), 0x7fffffff][r.int(3)];
    new DataView(m.buffer, m.byteOffset).setUint32(1, len);
    return [m];
  }
  const noise = new Uint8Array(1 + r.int(300));
  for (let i = 0; i < noise.length; i++) noise[i] = r.int(256);
  return [noise];
}
