// MMDB enrichment end to end: lab traffic from addresses inside the test
// databases' networks shows src_asn/dst_asn and src_city/dst_city labels in a
// scrape, the ASNs in `rfm flows top`, and `rfm reload mmdb` swaps a replaced
// database in without a restart.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { renameSync } from "node:fs";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { sendUdp, startUdpReceiver } from "../harness/traffic.js";
import { startAgent, until } from "../agent/agent-lab.js";
import { runCli } from "../cli/run-cli.js";
import { asnRecord, cityRecord, writeMmdbs } from "../enrich/mmdb-writer.js";
import { tempDir } from "../harness/temp-dir.js";

describe("MMDB labels on live flows", () => {
  test("ASN and city labels in the scrape and in rfm flows top; reload takes a replaced database", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const ns = await lab.netns();
    const pair = await lab.veth({ ns: HOST_NS }, { ns });
    const dir = tempDir("rfm-mmdb-", t);
    const asnDb = join(dir, "asn.mmdb");
    const cityDb = join(dir, "city.mmdb");
    await writeMmdbs([
      { path: asnDb, databaseType: "GeoLite2-ASN", networks: [[`${pair.b.ipv4}/32`, asnRecord(64501, "B")], [`${pair.a.ipv4}/32`, asnRecord(64502, "A")]] },
      { path: cityDb, databaseType: "GeoLite2-City", networks: [[`${pair.b.ipv4}/32`, cityRecord("Lyon")]] },
    ]);
    const sock = join(dir, "rfm.sock");
    const { agent, port } = await startAgent(t, [pair.a.name], { control: { socket: sock } }, `[agent.enrich.mmdb]\nasn_db = "${asnDb}"\ncity_db = "${cityDb}"\n`);
    await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 100, size: 10 });
    await rx.stop();
    agent.drain();
    const scrape = async () => (await fetch(`http://[::1]:${port}/metrics`)).text();
    await scrape(); // new tuples show 0 first
    const text = await scrape();
    const labels = `ifname="${pair.a.name}",direction="ingress",proto="17",src_asn="64501",dst_asn="64502",src_city="Lyon",dst_city=""`;
    assert.match(text, new RegExp(`^rfm_flow_packets_total\\{${labels}\\} 100$`, "m"));

    const top = await runCli(["flows", "top", "1", "--json", "--socket", sock]);
    const [row] = JSON.parse(top.stdout) as { srcAsn: number; dstAsn: number }[];
    assert.deepEqual([row.srcAsn, row.dstAsn], [64501, 64502]);

    // An updater replaces the database by rename; reload picks it up.
    const next = join(dir, "asn-next.mmdb");
    await writeMmdbs([{ path: next, databaseType: "GeoLite2-ASN", buildEpoch: 1_700_000_000, networks: [[`${pair.b.ipv4}/32`, asnRecord(64999, "B2")]] }]);
    renameSync(next, asnDb);
    const reload = await runCli(["reload", "mmdb", "--socket", sock]);
    assert.equal(reload.code, 0, reload.stderr);
    assert.equal(reload.stdout, "reloaded\n");
    const status = await runCli(["status", "--socket", sock]);
    assert.match(status.stdout, /^mmdb +asn 2023-11-14, city \d{4}-\d\d-\d\d$/m);
    await runCli(["flows", "flush", "--all", "--socket", sock]);
    const rx2 = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx2.port, count: 5, size: 10 });
    await rx2.stop();
    const top2 = await runCli(["flows", "top", "1", "--json", "--socket", sock]);
    assert.equal((JSON.parse(top2.stdout) as { srcAsn: number }[])[0].srcAsn, 64999);
  });

  test("a missing database stops the start, naming it", async (t) => {
    if (!requirePrivileges(t)) return;
    await assert.rejects(startAgent(t, ["rfmt-none"], {}, `[agent.enrich.mmdb]\nasn_db = "/nonexistent/asn.mmdb"\n`), /agent\.enrich\.mmdb\.asn_db: cannot open "\/nonexistent\/asn\.mmdb"/);
  });
});
