// The RIB fed by a real BMP speaker: FRR bgpd A (AS 65001, bmp module) peers
// with bgpd B (AS 65002), which announces prefixes; A reports over BMP to the
// agent. The agent answers the origin AS, follows withdrawals, keeps routes
// when the speaker dies, and drops them when the peer goes down.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { bgpdDir, startBgpd, type BgpdConfig } from "./frr.js";
import { originOf as origin, startSpeakerLab } from "./speaker-lab.js";
import { HOST_NS } from "../harness/exec.js";
import { until } from "../agent/agent-lab.js";
import { parseAddress } from "../../src/net/address.js";

describe("RIB from FRR over BMP", () => {
  test("origin ASNs, withdrawal, speaker death and peer down", async (t) => {
    if (!requirePrivileges(t)) return;
    const { lab, nsA, nsB, ab, bmp, agent } = await startSpeakerLab(t);
    const dirA = bgpdDir(t);
    const dirB = bgpdDir(t);

    const confA: BgpdConfig = { as: 65001, id: ab.a.ipv4, neighbors: [{ address: ab.b.ipv4, as: 65002 }], networks: ["198.51.100.0/24"], networks6: [], bmp };
    const confB: BgpdConfig = { as: 65002, id: ab.b.ipv4, neighbors: [{ address: ab.a.ipv4, as: 65001 }], networks: ["192.0.2.0/24", "100.64.10.0/24", "100.64.10.128/25"], networks6: ["2001:db8:100::/48"] };
    startBgpd(lab, nsB, dirB, confB, ab.b.ipv4);
    let a = startBgpd(lab, nsA, dirA, confA, ab.a.ipv4);

    await until(() => origin(agent, "192.0.2.7") === 65002 && origin(agent, "2001:db8:100::1") === 65002, 30_000, "routes from B over BMP");
    assert.equal(origin(agent, "100.64.10.200"), 65002);
    // A's own network arrives for peer 0.0.0.0 with an empty path and peer AS 0: known route, unknown origin
    // (a flow to it falls through to the ASN database).
    assert.equal(origin(agent, "198.51.100.1"), 0);
    assert.equal(origin(agent, "203.0.113.1"), -1, "no route");
    const detail = agent.rib!.lookupDetail(parseAddress("100.64.10.200"))!;
    assert.equal(detail.prefix, "100.64.10.128/25", "the most specific prefix wins");
    assert.equal(agent.errors.get("bmp"), 0, "FRR's stream decodes without problems");

    // B withdraws one prefix.
    await lab.execOk(HOST_NS, ["vtysh", "--vty_socket", dirB, "-c", "configure terminal", "-c", "router bgp 65002", "-c", "address-family ipv4 unicast", "-c", "no network 192.0.2.0/24"]);
    await until(() => origin(agent, "192.0.2.7") === -1, 15_000, "withdrawal");
    assert.equal(origin(agent, "100.64.10.1"), 65002, "the other routes stay");

    // The speaker dies: its routes stay in the RIB.
    a.kill("SIGKILL");
    await until(() => agent.bmp!.openSessions === 0, 10_000, "session end");
    assert.equal(origin(agent, "100.64.10.1"), 65002, "routes survive the end of the BMP session");

    // A comes back, then B goes down: A reports Peer Down and B's routes go.
    a = startBgpd(lab, nsA, dirA, confA, ab.a.ipv4);
    // Until B is back up in the new session, A's Peer Down for it is only news of its state at restart.
    await until(() => agent.bmp!.openSessions === 1 && agent.rib!.summary().peersUp === 1, 15_000, "new session, B up in it");
    await lab.exec(HOST_NS, ["sh", "-c", `kill $(cat ${join(dirB, "bgpd.pid")})`]);
    await until(() => origin(agent, "100.64.10.1") === -1 && origin(agent, "2001:db8:100::1") === -1, 20_000, "peer down withdraws B's routes");
    void a;
  });
});
