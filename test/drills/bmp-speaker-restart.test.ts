// Drill: a real BMP speaker (FRR bgpd A, reporting its peer B) is killed and
// restarted, twice, while B's routes change. The RIB keeps the routes it has
// the whole time: through the end of the session, through FRR's Peer Down for
// B when it reconnects (B is not up again yet), until the new session's own
// routes replace them; what B no longer announces goes at the End-of-RIB of a
// dump that carries B's routes (FRR sends one only for peers already up when
// it dumps, so the second restart reaches the agent once A has B's routes).
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { requirePrivileges } from "../harness/privileges.js";
import { until } from "../agent/agent-lab.js";
import { bgpdDir, receivedPrefixes, startBgpd, vtysh, type BgpdConfig } from "../enrich-e2e/frr.js";
import { originOf as origin, startSpeakerLab } from "../enrich-e2e/speaker-lab.js";

// B announces X and Z; while A is down the first time, it withdraws X, adds Y and prepends 65100 to Z.
const X = "192.0.2.7";
const Y = "100.64.12.7";
const Z = "100.64.10.7";

describe("drill: BMP speaker killed and restarted", () => {
  test("FRR killed twice: its routes stay, then the new session's replace them; what B withdrew goes at the new dump's End-of-RIB", { timeout: 60_000 }, async (t) => {
    if (!requirePrivileges(t)) return;
    const { lab, nsA, nsB, ab, bmp, agent } = await startSpeakerLab(t);
    const [dirA, dirB] = [bgpdDir(t), bgpdDir(t)];
    const rib = agent.rib!;
    const origins = () => [X, Y, Z].map((addr) => origin(agent, addr));
    const staleViews = () => rib.views().filter((v) => v.stale).length;

    const confA: BgpdConfig = { as: 65001, id: ab.a.ipv4, neighbors: [{ address: ab.b.ipv4, as: 65002 }], networks: [], bmp };
    const confB: BgpdConfig = { as: 65002, id: ab.b.ipv4, neighbors: [{ address: ab.a.ipv4, as: 65001 }], networks: ["192.0.2.0/24", "100.64.10.0/24"] };
    startBgpd(lab, nsB, dirB, confB, ab.b.ipv4);
    let a = startBgpd(lab, nsA, dirA, confA, ab.a.ipv4);
    await until(() => origin(agent, X) === 65002 && origin(agent, Z) === 65002, 30_000, "B's routes over BMP");

    // Killed: the session ends, the routes stay.
    a.kill("SIGKILL");
    await until(() => agent.bmp!.openSessions === 0, 10_000, "the session's end");
    assert.deepEqual(origins(), [65002, -1, 65002], "kept after the session ended");
    await vtysh(lab, dirB, [
      "configure terminal", "route-map PREPEND permit 10", "set as-path prepend 65100", "exit",
      "router bgp 65002", "address-family ipv4 unicast", "no network 192.0.2.0/24", "network 100.64.12.0/24", "network 100.64.10.0/24 route-map PREPEND",
    ]);

    // Restarted: FRR reconnects at once and reports B down (their session is not back yet), then up with its routes.
    a = startBgpd(lab, nsA, dirA, confA, ab.a.ipv4);
    await until(() => origin(agent, Y) === 65002 && origin(agent, Z) === 65100, 30_000, "B's new routes in the new session");
    assert.equal(origin(agent, X), 65002, "X stays through FRR's Peer Down at reconnection; nothing in this session replaced it");
    assert.ok(staleViews() > 0, "the old session's views still hold X");

    // Killed again; restarted while the BMP station is out of reach, which it gets back once A has B's routes.
    a.kill("SIGKILL");
    await until(() => agent.bmp!.openSessions === 0, 10_000, "the second session's end");
    assert.deepEqual(origins(), [65002, 65002, 65100], "everything kept again");
    await lab.execOk(nsA, ["ip", "route", "add", "unreachable", `${bmp.host}/32`]);
    a = startBgpd(lab, nsA, dirA, confA, ab.a.ipv4);
    await until(async () => (await receivedPrefixes(lab, dirA).catch(() => 0)) === 2, 20_000, "A has B's two prefixes");
    assert.deepEqual(origins(), [65002, 65002, 65100], "kept while A is back without a BMP session");
    const replaced = rib.counters.viewsReplaced;
    await lab.execOk(nsA, ["ip", "route", "del", "unreachable", `${bmp.host}/32`]);
    // The dump ends with End-of-RIB for B's pre- and post-policy views: their stale copies (two per ended session) go.
    await until(() => rib.counters.viewsReplaced === replaced + 4, 20_000, "the new dump's End-of-RIB");
    assert.deepEqual(origins(), [-1, 65002, 65100], "X, which B withdrew while A was down, is gone; Y and Z are the new dump's");
    assert.equal(staleViews(), 0);
    // FRR 8.4, reconnecting while its peer's session comes up, may send that peer's Peer Up with
    // an empty received OPEN (RFC 7854 wants the OPEN): counted as bad_open, the session's
    // decode options fall back to defaults. Nothing else in FRR's streams may be a problem.
    const { bad_open: emptyOpens = 0, ...others } = Object.fromEntries(agent.bmp!.problemsByCode);
    assert.deepEqual(others, {}, "FRR's streams decode without problems but FRR's empty received OPEN");
    assert.equal(agent.errors.get("bmp"), emptyOpens, "every problem counted is one of those");
  });
});
