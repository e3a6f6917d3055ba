// VRF routes over a real BMP session (issue 10): a router streams its global
// table, an RD instance peer of VRF A (peer type 1, distinguisher 65500:108)
// and the Loc-RIB of VRF B (peer type 3, distinguisher 192.0.2.1:7). Only the
// distinguishers in agent.enrich.rib.bmp.distinguishers (default "0") label
// flows; the others' routes are held and counted, and `rfm rib` says which
// distinguisher a route came from.
import { tempDir } from "../harness/temp-dir.js";
import { test, describe, type TestContext } from "node:test";
import * as assert from "node:assert/strict";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { runCli } from "../cli/run-cli.js";
import { parseAddress } from "../../src/net/address.js";
import { RibAsnSource } from "../../src/enrich/bmp-listener.js";
import { parseRouteDistinguisher } from "../../src/bmp/route-distinguisher.js";
import { perPeer, routeMonitoring, a, prefixes, update } from "../bmp/builders.js";
import { announce, bmpAgent, hello, HOST, peerUpOf, Speaker } from "./bmp-speaker.js";

const GLOBAL_PEER = perPeer({ address: "192.0.2.2", asn: 65002, bgpId: "192.0.2.2" });
const VRF_A_PEER = perPeer({ type: 1, distinguisher: parseRouteDistinguisher("65500:108"), address: "192.0.2.66", asn: 65066, bgpId: "192.0.2.66" });
const VRF_B_LOC_RIB = perPeer({ type: 3, distinguisher: parseRouteDistinguisher("192.0.2.1:7"), address: "0.0.0.0", asn: 65001, bgpId: "192.0.2.1" });

/** The router's dump: 198.51.100.0/25 globally, a /29 inside it in each VRF. */
const DUMP = [
  hello,
  peerUpOf(GLOBAL_PEER, "192.0.2.2", 65002),
  peerUpOf(VRF_A_PEER, "192.0.2.66", 65066),
  announce(GLOBAL_PEER, "198.51.100.0/25", [65002, 64500]),
  announce(VRF_A_PEER, "198.51.100.0/29", [65066, 64999]),
  // A Loc-RIB route carries the router's own view of it: the path as received.
  routeMonitoring(VRF_B_LOC_RIB, update({ attributes: [a.origin(), a.path(65077, 64998), a.nextHop("192.0.2.77")], nlri: prefixes("198.51.100.8/29") })),
];

/**
 * An agent with a control socket and `distinguishers` (TOML, or the default),
 * after a speaker sent DUMP and hung up: by then the agent applied all of it.
 */
async function afterDump(t: TestContext, distinguishers?: string) {
  const sock = join(tempDir("rfm-vrf-", t), "rfm.sock");
  const { agent, port } = await bmpAgent(t, { control: { socket: sock } }, distinguishers ? `distinguishers = ${distinguishers}\n` : "");
  const speaker = await Speaker.connect(t, port);
  await speaker.send(...DUMP);
  await speaker.end();
  const labels = new RibAsnSource(agent.rib!);
  return {
    port,
    /** The origin ASN a flow to `addr` is labelled with (0: none). */
    label: (addr: string) => labels.lookupAsn(parseAddress(addr)),
    rfm: async (...args: string[]) => {
      const r = await runCli([...args, "--socket", sock]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    },
  };
}

describe("BMP routes of VRFs label flows only when their distinguisher is listed", () => {
  test("by default the VRFs' /29s do not label, the global /25 does; the summary counts their routes, held", async (t) => {
    if (!requirePrivileges(t)) return;
    const { port, label, rfm } = await afterDump(t);
    assert.equal(label("198.51.100.1"), 64500, "inside VRF A's /29");
    assert.equal(label("198.51.100.9"), 64500, "inside VRF B's /29");
    assert.equal(label("198.51.100.100"), 64500);

    assert.equal(
      await rfm("rib", "summary"),
      `${HOST}:${port}: 1 ipv4 and 0 ipv6 prefixes, 3 routes in 3 views; not labelling flows: peer distinguisher 65500:108 (1 routes), 192.0.2.1:7 (1 routes)\n`,
    );
    const summary = JSON.parse(await rfm("rib", "summary", "--json")) as { excluded: unknown };
    assert.deepEqual(summary.excluded, [
      { distinguisher: "65500:108", routes: 1 },
      { distinguisher: "192.0.2.1:7", routes: 1 },
    ]);
    assert.match(await rfm("status"), /^rib +.*; not labelling flows: peer distinguisher 65500:108 \(1 routes\), 192\.0\.2\.1:7 \(1 routes\)$/m);

    const lookup = await rfm("rib", "lookup", "198.51.100.1");
    assert.match(lookup, /^prefix +198\.51\.100\.0\/25$/m);
    assert.match(lookup, /^peer +192\.0\.2\.2 AS65002 \(pre policy\)$/m);
    assert.match(lookup, /^view +BMP session \d+ from 127\.0\.0\.1, 1 routes/m, "the global instance's distinguisher 0 goes unsaid");
  });

  test('with distinguishers = ["0", "65500:108"] VRF A\'s /29 labels, and rfm rib lookup names its distinguisher', async (t) => {
    if (!requirePrivileges(t)) return;
    const { port, label, rfm } = await afterDump(t, '["0", "65500:108"]');
    assert.equal(label("198.51.100.1"), 64999, "VRF A's /29");
    assert.equal(label("198.51.100.9"), 64500, "VRF B is still not listed");

    assert.equal(
      await rfm("rib", "summary"),
      `${HOST}:${port}: 2 ipv4 and 0 ipv6 prefixes, 3 routes in 3 views; not labelling flows: peer distinguisher 192.0.2.1:7 (1 routes)\n`,
    );
    const lookup = await rfm("rib", "lookup", "198.51.100.1");
    assert.match(lookup, /^prefix +198\.51\.100\.0\/29$/m);
    assert.match(lookup, /^origin +AS64999$/m);
    assert.match(lookup, /^peer +192\.0\.2\.66 AS65066 \(pre policy\)$/m);
    assert.match(lookup, /^view +BMP session \d+ from 127\.0\.0\.1, peer distinguisher 65500:108, 1 routes/m);
    const json = JSON.parse(await rfm("rib", "lookup", "198.51.100.1", "--json")) as { view: { distinguisher: unknown } };
    assert.equal(json.view.distinguisher, "65500:108");
  });

  test('with distinguishers = ["0", "192.0.2.1:7"] the routes of VRF B\'s Loc-RIB label', async (t) => {
    if (!requirePrivileges(t)) return;
    const { label, rfm } = await afterDump(t, '["0", "192.0.2.1:7"]');
    assert.equal(label("198.51.100.9"), 64998, "VRF B's /29");
    assert.equal(label("198.51.100.1"), 64500, "VRF A is not listed");
    const lookup = await rfm("rib", "lookup", "198.51.100.9");
    assert.match(lookup, /^prefix +198\.51\.100\.8\/29$/m);
    assert.match(lookup, /^view +BMP session \d+ from 127\.0\.0\.1, peer distinguisher 192\.0\.2\.1:7, 1 routes/m);
  });
});
