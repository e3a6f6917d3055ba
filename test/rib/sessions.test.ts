// BMP sessions and peers: a peer down withdraws that peer's views; the end of
// a session withdraws nothing by itself; an ended session's views go once a
// newer session of the same speaker has stayed open for 5 minutes, and a view
// that newer session announces again replaces the old copy prefix by prefix,
// wholesale at its End-of-RIB.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { Rib } from "../../src/rib/rib.js";
import { clock, MINUTE, originAt, prefix, route, view } from "./fixtures.js";

const X = "192.0.2.1";
const Y = "192.0.2.2";

/** Speaker r1's session 1 with peer X's post-policy view holding two prefixes (origin 1), then ended. */
function endedSession() {
  const c = clock();
  const r = new Rib({ now: c.now });
  r.sessionOpened(1, "r1");
  r.announce(view(1, X), prefix("10.1.0.0/16"), route(1));
  r.announce(view(1, X), prefix("10.2.0.0/16"), route(1));
  r.sessionEnded(1);
  return { r, c };
}

describe("RIB peers", () => {
  test("peer down withdraws both policies of that peer, and only that peer", () => {
    const r = new Rib({ labelDistinguishers: [0n, 3n] });
    r.sessionOpened(1, "r1");
    r.announce(view(1, X, { post: true }), prefix("10.1.0.0/16"), route(1));
    r.announce(view(1, X, { post: false }), prefix("10.2.0.0/16"), route(1));
    r.announce(view(1, X, { rd: 3n }), prefix("10.3.0.0/16"), route(3));
    r.announce(view(1, Y), prefix("10.1.0.0/16"), route(2));
    r.peerUp(1, { peerAddress: view(1, X).peerAddress });
    r.peerUp(1, { peerAddress: view(1, Y).peerAddress });
    assert.equal(r.summary().peersUp, 2);
    assert.equal(r.peerDown(1, { peerAddress: view(1, X).peerAddress }), 2);
    assert.equal(r.summary().peersUp, 1);
    assert.equal(originAt(r, "10.1.0.1"), 2, "Y's route takes over");
    assert.equal(originAt(r, "10.2.0.1"), null);
    assert.equal(originAt(r, "10.3.0.1"), 3, "another distinguisher is another peer");
    assert.deepEqual(r.views().map((v) => [v.peerAddress, v.distinguisher]), [[X, 3n], [Y, 0n]]);
  });

  test("peer down in one session leaves the same peer's views of a concurrent session of another speaker", () => {
    const r = new Rib();
    r.sessionOpened(1, "r1");
    r.sessionOpened(2, "r2");
    r.announce(view(1, X), prefix("10.1.0.0/16"), route(1));
    r.announce(view(2, X), prefix("10.2.0.0/16"), route(2));
    r.peerDown(1, { peerAddress: view(1, X).peerAddress });
    assert.equal(originAt(r, "10.1.0.1"), null);
    assert.equal(originAt(r, "10.2.0.1"), 2);
  });
});

describe("RIB sessions", () => {
  test("routes survive the end of a session, indefinitely while no newer session opens", () => {
    const { r, c } = endedSession();
    c.advance(24 * 60 * MINUTE);
    assert.equal(r.tick(), 0);
    assert.equal(originAt(r, "10.1.0.1"), 1);
    assert.deepEqual(r.summary().sessions, { open: 0, ended: 1 });
    assert.equal(r.views()[0]!.stale, true);
  });

  test("not re-announced: the old view goes 5 minutes after a newer session of the speaker opened", () => {
    const { r, c } = endedSession();
    c.advance(MINUTE);
    r.sessionOpened(2, "r1");
    r.announce(view(2, Y), prefix("10.9.0.0/16"), route(9));
    c.advance(5 * MINUTE - 1);
    assert.equal(r.tick(), 0);
    assert.equal(originAt(r, "10.1.0.1"), 1);
    c.advance(1);
    assert.equal(r.tick(), 1);
    assert.equal(originAt(r, "10.1.0.1"), null);
    assert.equal(originAt(r, "10.2.0.1"), null);
    assert.equal(originAt(r, "10.9.0.1"), 9, "the new session's views stay");
    assert.equal(r.counters.viewsExpired, 1);
    assert.deepEqual(r.summary().sessions, { open: 1, ended: 0 }, "the emptied session is forgotten");
  });

  test("re-announced: the new session's routes replace the old copy prefix by prefix; the rest goes after 5 minutes", () => {
    const { r, c } = endedSession();
    r.sessionOpened(2, "r1");
    r.announce(view(2, X), prefix("10.1.0.0/16"), route(21));
    assert.equal(originAt(r, "10.1.0.1"), 21);
    assert.equal(originAt(r, "10.2.0.1"), 1, "not yet re-announced: the old copy still serves");
    const old = r.views().find((v) => v.stale)!;
    assert.equal(old.routes, 1, "the re-announced prefix left the old copy");
    c.advance(5 * MINUTE);
    assert.equal(r.tick(), 1);
    assert.equal(originAt(r, "10.1.0.1"), 21);
    assert.equal(originAt(r, "10.2.0.1"), null);
    assert.equal(r.summary().routes, 1);
  });

  test("re-announced: a withdrawal in the new session removes the old copy too", () => {
    const { r } = endedSession();
    r.sessionOpened(2, "r1");
    assert.equal(r.withdraw(view(2, X), prefix("10.2.0.0/16")), true);
    assert.equal(originAt(r, "10.2.0.1"), null);
    assert.equal(originAt(r, "10.1.0.1"), 1);
  });

  test("re-announced: End-of-RIB of the new view drops what is left of the old copy at once", () => {
    const { r } = endedSession();
    r.sessionOpened(2, "r1");
    r.announce(view(2, X), prefix("10.1.0.0/16"), route(21));
    r.announce(view(2, X, { post: false }), prefix("10.7.0.0/16"), route(7));
    assert.equal(r.endOfRib(view(2, X, { post: false })), 0, "the pre-policy view replaces nothing");
    assert.equal(originAt(r, "10.2.0.1"), 1);
    assert.equal(r.endOfRib(view(2, X)), 1);
    assert.equal(originAt(r, "10.2.0.1"), null);
    assert.equal(originAt(r, "10.1.0.1"), 21);
    assert.equal(r.counters.viewsReplaced, 1);
    assert.equal(r.views().some((v) => v.stale), false);
  });

  test("End-of-RIB per family drops only that family's stale routes; the copy goes once empty", () => {
    const c = clock();
    const r = new Rib({ now: c.now });
    r.sessionOpened(1, "r1");
    r.announce(view(1, X), prefix("10.1.0.0/16"), route(1));
    r.announce(view(1, X), prefix("10.2.0.0/16"), route(1));
    r.announce(view(1, X), prefix("2001:db8:1::/48"), route(1));
    r.sessionEnded(1);
    r.sessionOpened(2, "r1");
    r.announce(view(2, X), prefix("10.1.0.0/16"), route(21));
    assert.equal(r.endOfRib(view(2, X), 4), 0, "the copy still holds IPv6 routes");
    assert.equal(originAt(r, "10.2.0.1"), null, "IPv4 routes not re-announced before the IPv4 End-of-RIB are gone");
    assert.equal(originAt(r, "10.1.0.1"), 21);
    assert.equal(originAt(r, "2001:db8:1::1"), 1, "IPv6 stale routes keep serving until the IPv6 End-of-RIB");
    assert.equal(r.endOfRib(view(2, X), 6), 1);
    assert.equal(originAt(r, "2001:db8:1::1"), null);
    assert.equal(r.views().some((v) => v.stale), false);
    assert.equal(r.counters.viewsReplaced, 1);
  });

  test("the clock runs only while a newer session stays open; the next one starts it again", () => {
    const { r, c } = endedSession();
    r.sessionOpened(2, "r1");
    c.advance(4 * MINUTE);
    r.sessionEnded(2);
    c.advance(10 * MINUTE);
    assert.equal(r.tick(), 0);
    assert.equal(originAt(r, "10.1.0.1"), 1);
    r.sessionOpened(3, "r1");
    c.advance(5 * MINUTE - 1);
    assert.equal(r.tick(), 0);
    c.advance(1);
    assert.equal(r.tick(), 1);
    assert.equal(originAt(r, "10.1.0.1"), null);
  });

  test("a newer session opened before the old one ended counts from the old one's end", () => {
    const c = clock();
    const r = new Rib({ now: c.now });
    r.sessionOpened(1, "r1");
    r.announce(view(1, X), prefix("10.1.0.0/16"), route(1));
    r.sessionOpened(2, "r1"); // the router reconnected before the old TCP connection timed out
    r.announce(view(2, X), prefix("10.1.0.0/16"), route(2));
    assert.equal(originAt(r, "10.1.0.1"), 2, "between two live copies the newer session wins");
    c.advance(10 * MINUTE);
    r.sessionEnded(1);
    c.advance(5 * MINUTE - 1);
    assert.equal(r.tick(), 0);
    c.advance(1);
    assert.equal(r.tick(), 1);
    assert.equal(originAt(r, "10.1.0.1"), 2);
  });

  test("another speaker's session does not retire r1's views", () => {
    const { r, c } = endedSession();
    r.sessionOpened(2, "r2");
    c.advance(60 * MINUTE);
    assert.equal(r.tick(), 0);
    assert.equal(originAt(r, "10.1.0.1"), 1);
  });

  test("peer down in the newer session, after its peer up, also removes that peer's old copy", () => {
    const { r } = endedSession();
    r.sessionOpened(2, "r1");
    r.peerUp(2, { peerAddress: view(2, X).peerAddress });
    r.peerDown(2, { peerAddress: view(2, X).peerAddress });
    assert.equal(originAt(r, "10.1.0.1"), null);
    assert.equal(r.summary().views, 0);
  });

  test("peer down for a peer the newer session never reported up (a restarted speaker's first word on it) keeps the old copy", () => {
    const { r } = endedSession();
    r.sessionOpened(2, "r1");
    r.peerDown(2, { peerAddress: view(2, X).peerAddress });
    assert.equal(originAt(r, "10.1.0.1"), 1, "kept until the peer's new routes replace it");
    r.peerUp(2, { peerAddress: view(2, X).peerAddress });
    r.announce(view(2, X), prefix("10.1.0.0/16"), route(3));
    assert.equal(originAt(r, "10.1.0.1"), 3, "replaced prefix by prefix");
    r.endOfRib(view(2, X), 4);
    assert.equal(originAt(r, "10.2.0.1"), null, "what the new dump left out goes at its End-of-RIB");
  });

  test("operations on sessions that are not open are dropped and counted", () => {
    const { r } = endedSession();
    assert.equal(r.announce(view(1, X), prefix("10.5.0.0/16"), route(5)), false, "ended session");
    assert.equal(r.announce(view(7, X), prefix("10.5.0.0/16"), route(5)), false, "never opened");
    assert.equal(r.withdraw(view(1, X), prefix("10.1.0.0/16")), false);
    r.sessionEnded(1);
    r.peerDown(7, { peerAddress: view(1, X).peerAddress });
    r.sessionOpened(2, "r1");
    r.sessionOpened(2, "r1");
    assert.equal(r.counters.sessionErrors, 6);
    assert.equal(originAt(r, "10.1.0.1"), 1);
    assert.equal(originAt(r, "10.5.0.1"), null);
  });
});
