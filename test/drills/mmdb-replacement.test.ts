// Drill: the ASN database under a running agent is replaced by rename with a
// good file, then with a truncated one (by rename, and written in place by an
// updater cut short), then completed. `rfm reload mmdb` takes each good file
// and refuses each bad one, naming the version that stays in service; each new
// flow is labelled from the database in service when it appeared. (Requests go
// through the control socket as the CLI sends them, without its start-up.)
import { tempDir } from "../harness/temp-dir.js";
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { copyFileSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { sendUdp, startUdpReceiver } from "../harness/traffic.js";
import { liveFlows, startAgent, until } from "../agent/agent-lab.js";
import { request } from "../../src/control/client.js";
import { asnRecord, writeMmdbs } from "../enrich/mmdb-writer.js";

const BUILT = { v1: "2024-01-01", v2: "2024-02-01", v3: "2024-03-01" };
const ASN = { v1: 64501, v2: 64502, v3: 64503 };

describe("drill: MMDB replaced under a running agent", () => {
  test("a file replaced by rename is taken; a truncated one, by rename or written in place, is refused and the old one stays in service", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-mmdb-", t);
    const version = (v: keyof typeof ASN) => join(dir, `asn-${v}.mmdb`);
    await writeMmdbs((["v1", "v2", "v3"] as const).map((v) => ({
      path: version(v), databaseType: "GeoLite2-ASN", buildEpoch: Date.parse(BUILT[v]) / 1000, networks: [[`${pair.b.ipv4}/32`, asnRecord(ASN[v], v)]] as const,
    })));
    const live = join(dir, "asn.mmdb");
    copyFileSync(version("v1"), live);
    const socket = join(dir, "rfm.sock");
    const { agent } = await startAgent(t, [pair.a.name], { control: { socket } }, `[agent.enrich.mmdb]\nasn_db = "${live}"\n`);
    await until(() => agent.attachments.has("", pair.a.ifindex), 5000, "attach");
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    const reload = () => request(socket, "reload.mmdb");
    /** Source ports of the flows from B, in the order they appeared. */
    const flows: number[] = [];
    /** A new flow from B's address (each sender has a port of its own), labelled as it appears. */
    const newFlow = async () => {
      await sendUdp(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 1, size: 10 });
      let fresh: number | undefined;
      await until(() => (fresh = liveFlows(agent).find((f) => f.dport === rx.port && !flows.includes(f.sport))?.sport) !== undefined, 5000, "a new flow");
      flows.push(fresh!);
    };
    /** How updaters install a file: written beside it, renamed over it. */
    const installByRename = (bytes: Buffer) => {
      writeFileSync(`${live}.new`, bytes);
      renameSync(`${live}.new`, live);
    };
    const v3 = readFileSync(version("v3"));
    const refusal = new RegExp(`cannot reload "${live}": not a MaxMind DB file .*\\(the database built ${BUILT.v2}T00:00:00.000Z stays in service\\)`);

    await newFlow();
    installByRename(readFileSync(version("v2")));
    assert.deepEqual(await reload(), { asn: BUILT.v2 });
    await newFlow();
    installByRename(v3.subarray(0, v3.length >> 1));
    await assert.rejects(reload(), refusal);
    await newFlow();
    writeFileSync(live, v3.subarray(0, v3.length >> 1)); // in place: same inode, cut short
    await assert.rejects(reload(), refusal);
    await newFlow();
    writeFileSync(live, v3); // the updater completes the file
    assert.deepEqual(await reload(), { asn: BUILT.v3 });
    await newFlow();

    const dump = (await request(socket, "flows.dump")) as { sport: number; srcAsn: number }[];
    const labelOf = new Map(dump.map((f) => [f.sport, f.srcAsn]));
    assert.deepEqual(flows.map((sport) => labelOf.get(sport)), [ASN.v1, ASN.v2, ASN.v2, ASN.v2, ASN.v3], "each flow labelled by the database in service when it appeared");
    assert.deepEqual(((await request(socket, "status")) as { mmdb: unknown }).mmdb, { asn: BUILT.v3 });
    await rx.stop();
  });
});
