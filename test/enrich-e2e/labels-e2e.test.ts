// ASN labels end to end: routes learnt over BMP and an ASN database, lab
// traffic through a watched interface, and the labels a scrape shows on
// rfm_flow_packets_total. FRR bgpd A (AS 65001) reports over BMP; it hears the
// traffic subnet 10.77.N.0/24 from bgpd B (AS 65002) and its lower half
// 10.77.N.0/25 from bgpd C (AS 65003). The ASN database names other ASNs for
// the same IPv4 addresses, and is the only source for the IPv6 ones. The
// records handed to the sinks (IPFIX) carry the same ASNs.
import { tempDir } from "../harness/temp-dir.js";
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { chmodSync, rmSync } from "node:fs";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { startBgpd, type BgpdConfig } from "./frr.js";
import { HOST_NS } from "../harness/exec.js";
import { freePort } from "../harness/ports.js";
import { sendUdp, startUdpReceiver } from "../harness/traffic.js";
import { startAgent, until } from "../agent/agent-lab.js";
import { originOf as origin } from "./speaker-lab.js";
import { asnRecord, writeMmdbs } from "../enrich/mmdb-writer.js";
import { formatAddress, parseAddress } from "../../src/net/address.js";
import { EndReason } from "../../src/flow-record/index.js";

describe("ASN labels on live flows from the RIB and the ASN database", () => {
  test("the most specific BMP route labels a flow, the RIB beats the database, the database fills in the rest", { timeout: 60_000 }, async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const nsA = await lab.netns();
    const nsB = await lab.netns();
    const nsC = await lab.netns();
    const nsT = await lab.netns(); // sends the traffic
    const ab = await lab.veth({ ns: nsA }, { ns: nsB });
    const ac = await lab.veth({ ns: nsA }, { ns: nsC });
    const ha = await lab.veth({ ns: HOST_NS }, { ns: nsA }); // the agent's BMP listener is on ha.a
    const tr = await lab.veth({ ns: HOST_NS }, { ns: nsT }); // the agent watches tr.a
    const n = tr.subnet;
    const src = tr.b.ipv4; // 10.77.N.2: in the /25 (C) and the /24 (B)
    const dst = `10.77.${n}.200`; // a second host-side address: in the /24 (B) only
    await lab.execOk(HOST_NS, ["ip", "addr", "add", `${dst}/32`, "dev", tr.a.name]);
    await lab.execOk(nsT, ["ip", "neigh", "replace", dst, "lladdr", tr.a.mac, "dev", tr.b.name, "nud", "permanent"]);

    const dirs = [0, 1, 2].map(() => tempDir("rfm-labels-"));
    for (const d of dirs) chmodSync(d, 0o777);
    t.after(() => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });
    const mmdbDir = tempDir("rfm-mmdb-", t);
    const asnDb = join(mmdbDir, "asn.mmdb");
    await writeMmdbs([
      {
        path: asnDb,
        databaseType: "GeoLite2-ASN",
        networks: [
          [`${src}/32`, asnRecord(64999, "database says src")],
          [`${dst}/32`, asnRecord(64998, "database says dst")],
          [`${tr.b.ipv6}/128`, asnRecord(64600, "v6 src")],
          [`${tr.a.ipv6}/128`, asnRecord(64601, "v6 dst")],
        ],
      },
    ]);

    const bmpPort = await freePort("127.0.0.1");
    const { agent, port, records } = await startAgent(t, [tr.a.name], {}, `[agent.enrich.mmdb]\nasn_db = "${asnDb}"\n[agent.enrich.rib.bmp]\nhost = "${ha.a.ipv4}"\nport = ${bmpPort}\n`);
    await until(() => agent.attachments.has("", tr.a.ifindex), 5000, "attach");

    const [dirA, dirB, dirC] = dirs;
    startBgpd(lab, nsB, dirB, { as: 65002, id: ab.b.ipv4, neighbors: [{ address: ab.a.ipv4, as: 65001 }], networks: [`10.77.${n}.0/24`] }, ab.b.ipv4);
    startBgpd(lab, nsC, dirC, { as: 65003, id: ac.b.ipv4, neighbors: [{ address: ac.a.ipv4, as: 65001 }], networks: [`10.77.${n}.0/25`] }, ac.b.ipv4);
    const confA: BgpdConfig = {
      as: 65001,
      id: ab.a.ipv4,
      neighbors: [
        { address: ab.b.ipv4, as: 65002 },
        { address: ac.b.ipv4, as: 65003 },
      ],
      bmp: { host: ha.a.ipv4, port: bmpPort },
    };
    startBgpd(lab, nsA, dirA, confA, ab.a.ipv4);

    // Labels are resolved when a flow starts: the routes must be in before the first packet.
    await until(() => origin(agent, src) === 65003 && origin(agent, dst) === 65002, 30_000, "B's /24 and C's /25 over BMP");
    assert.equal(agent.rib!.lookupDetail(parseAddress(src))!.prefix, `10.77.${n}.0/25`, "the most specific prefix wins");
    assert.equal(origin(agent, tr.b.ipv6), -1, "no BGP route for the IPv6 addresses");

    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendUdp(lab, { from: nsT, to: dst, port: rx.port, count: 100, size: 10 });
    await sendUdp(lab, { from: nsT, to: tr.a.ipv6, port: rx.port, count: 50, size: 10 });
    assert.equal((await rx.stop()).datagrams, 150);

    const scrape = async () => (await fetch(`http://[::1]:${port}/metrics`)).text();
    const base = `ifname="${tr.a.name}",direction="ingress",proto="17"`;
    // IPv4: C's /25 for the source over the database's 64999; B's /24 for the destination over 64998.
    const v4 = new RegExp(`^rfm_flow_packets_total\\{${base},src_asn="65003",dst_asn="65002",src_city="",dst_city=""\\} (\\d+)$`, "m");
    // IPv6: no route, so the database's ASNs.
    const v6 = new RegExp(`^rfm_flow_packets_total\\{${base},src_asn="64600",dst_asn="64601",src_city="",dst_city=""\\} (\\d+)$`, "m");
    let text = "";
    await until(async () => {
      agent.drain();
      text = await scrape();
      return v4.exec(text)?.[1] === "100" && v6.exec(text)?.[1] === "50";
    }, 5000, "labelled tuples in the scrape").catch((e: Error) => assert.fail(`${e.message}\n${text.split("\n").filter((l) => l.startsWith("rfm_flow_packets_total")).join("\n")}`));
    assert.doesNotMatch(text, /src_asn="6499[89]"|dst_asn="6499[89]"/, "the database's ASNs for routed addresses appear nowhere");

    // The records the sinks get (IPFIX bgpSourceAsNumber/bgpDestinationAsNumber) carry the same labels.
    agent.table.flushAll(EndReason.Forced);
    const flows = records.filter((r) => r.ifindex === tr.a.ifindex).map((r) => `${formatAddress(r.src)} ${formatAddress(r.dst)} ${r.srcAsn} ${r.dstAsn} ${r.packets}`);
    assert.deepEqual(flows.sort(), [`${src} ${dst} 65003 65002 100`, `${tr.b.ipv6} ${tr.a.ipv6} 64600 64601 50`].sort());
  });
});
