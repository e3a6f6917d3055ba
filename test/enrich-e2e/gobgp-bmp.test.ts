// The RIB fed by GoBGP 3.10 over BMP: gobgpd A (AS 65001) reports to the
// agent with route-monitoring-policy "all" (pre-policy, post-policy and the
// Loc-RIB, peer type 3, RFC 9069); gobgpd B (AS 65002) peers with A and
// originates routes given to it through its gRPC API (`gobgp global rib add`),
// so A sees paths that start with 65002 and end in the origin. The agent
// answers their origin ASNs, follows a `gobgp global rib del`, and decodes the
// whole stream, Loc-RIB included, without a counted problem.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { requirePrivileges } from "../harness/privileges.js";
import { until } from "../agent/agent-lab.js";
import { originOf as origin, startSpeakerLab } from "./speaker-lab.js";
import { parseAddress } from "../../src/net/address.js";
import type { Agent } from "../../src/agent/agent.js";
import { RibAsnSource } from "../../src/enrich/bmp-listener.js";
import { tempDir } from "../harness/temp-dir.js";
import { gobgp, gobgpReady, startGobgpd } from "./gobgp.js";

/** Each view as "peer pre|post: routes", in the RIB's best-first order. */
function views(agent: Agent): string[] {
  return agent.rib!.views().map((v) => `${v.peerAddress} ${v.postPolicy ? "post" : "pre"}: ${v.routes}`);
}

describe("RIB from GoBGP over BMP", () => {
  test("origin ASNs of IPv4 and IPv6 routes, withdrawal, peer down; the Loc-RIB decodes without problems", { timeout: 30_000 }, async (t) => {
    if (!requirePrivileges(t)) return;
    const { lab, nsA, nsB, ab, bmp, agent } = await startSpeakerLab(t);
    const dir = tempDir("rfm-gobgp-", t);
    const labels = new RibAsnSource(agent.rib!);
    const label = (addr: string) => labels.lookupAsn(parseAddress(addr));

    const b = startGobgpd(lab, nsB, dir, "b", { as: 65002, id: ab.b.ipv4, neighbor: ab.a.ipv4, neighborAs: 65001, passive: true });
    const a = startGobgpd(lab, nsA, dir, "a", { as: 65001, id: ab.a.ipv4, neighbor: ab.b.ipv4, neighborAs: 65002, bmp });
    // On a timeout, the daemons' logs say why.
    const wait = (cond: () => boolean, ms: number, what: string) =>
      until(cond, ms, what).catch((e: Error) => assert.fail(`${e.message}\ngobgpd A: ${a.stdout()}${a.stderr()}\ngobgpd B: ${b.stdout()}${b.stderr()}`));

    await until(() => gobgpReady(lab, nsB), 10_000, "B's gRPC API");
    await gobgp(lab, nsB, ["global", "rib", "add", "-a", "ipv4", "192.0.2.0/24"]);
    await gobgp(lab, nsB, ["global", "rib", "add", "-a", "ipv4", "100.64.20.0/22", "aspath", "65100,65200"]);
    await gobgp(lab, nsB, ["global", "rib", "add", "-a", "ipv6", "2001:db8:200::/48", "aspath", "65300"]);

    await wait(() => origin(agent, "192.0.2.7") === 65002 && origin(agent, "100.64.21.1") === 65200 && origin(agent, "2001:db8:200::1") === 65300, 20_000, "B's routes over BMP");
    // Every view has all three before the assertions on them.
    await wait(() => views(agent).every((v) => v.endsWith(": 3")) && views(agent).length === 3, 5_000, "pre-policy, post-policy and Loc-RIB views");
    assert.equal(agent.bmp!.openSessions, 1);
    const v4 = agent.rib!.lookupDetail(parseAddress("100.64.21.1"))!;
    assert.equal(v4.prefix, "100.64.20.0/22");
    assert.deepEqual(v4.asPath, [65002, 65100, 65200], "the path as A received it: B's AS first, the origin last");
    assert.deepEqual(agent.rib!.lookupDetail(parseAddress("2001:db8:200::1"))!.asPath, [65002, 65300]);
    assert.deepEqual(agent.rib!.lookupDetail(parseAddress("192.0.2.7"))!.asPath, [65002], "a path that ends in the peer's AS");
    // "all": B's routes pre- and post-policy, and A's Loc-RIB (peer type 3: address 0.0.0.0, AS 65001, never post-policy).
    const peerB = ab.b.ipv4;
    assert.deepEqual(views(agent), [`${peerB} post: 3`, "0.0.0.0 pre: 3", `${peerB} pre: 3`]);
    assert.deepEqual([label("192.0.2.7"), label("100.64.21.1"), label("2001:db8:200::1"), label("203.0.113.1")], [65002, 65200, 65300, 0]);

    // B withdraws one prefix: it leaves every view (pre-policy, post-policy, Loc-RIB) and the label goes.
    await gobgp(lab, nsB, ["global", "rib", "del", "-a", "ipv4", "100.64.20.0/22"]);
    await wait(() => origin(agent, "100.64.21.1") === -1, 10_000, "withdrawal");
    await wait(() => views(agent).every((v) => v.endsWith(": 2")), 5_000, "the withdrawal in every view");
    assert.equal(label("100.64.21.1"), 0);
    assert.equal(label("192.0.2.7"), 65002, "the other routes stay");
    assert.equal(label("2001:db8:200::1"), 65300);

    // B dies: A withdraws its routes (post-policy and Loc-RIB) and reports Peer Down, which drops B's views.
    b.kill("SIGKILL");
    await wait(() => origin(agent, "192.0.2.7") === -1 && origin(agent, "2001:db8:200::1") === -1, 10_000, "B's routes gone");
    await wait(() => views(agent).length === 1, 5_000, "Peer Down drops B's views");
    assert.deepEqual(views(agent), ["0.0.0.0 pre: 0"], "the Loc-RIB view stays, empty");

    assert.ok(agent.bmp!.stats.messages >= 15, `messages: ${agent.bmp!.stats.messages}`);
    assert.equal(agent.errors.get("bmp"), 0, "GoBGP's stream, Loc-RIB included, decodes without problems");
  });
});
