// Drill: the flow log's disk fills up (a 64 KiB tmpfs). The agent keeps
// running and keeps exporting IPFIX; the log keeps the whole lines that fit,
// counts every record it could not write (ENOSPC), and logs again as soon as
// there is room.
import { tempDir } from "../harness/temp-dir.js";
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { mountTmpfs } from "../harness/tmpfs.js";
import { startUdpReceiver } from "../harness/traffic.js";
import { Nfcapd, freeUdpPort } from "../ipfix-interop/peers.js";
import { exportNow, sample, scrape, sendFromPorts, startInteropAgent, until } from "../ipfix-interop/interop-agent.js";

/** Writes `path` until the filesystem is full. */
function fillUp(path: string): void {
  const fd = openSync(path, "w");
  const block = Buffer.alloc(4096, 0x78);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
  } finally {
    closeSync(fd);
  }
}

describe("drill: the flow log's disk is full", () => {
  test("ENOSPC: whole lines kept, every lost record counted; IPFIX goes on; logging resumes once there is room", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const disk = await mountTmpfs(t, "64k");
    const path = join(disk, "flows.jsonl");
    const port = await freeUdpPort();
    const nfcapd = await Nfcapd.start(lab, join(tempDir("rfm-drill-", t), "nfcapd"), port);
    const a = await startInteropAgent(t, pair, { log: { path }, ipfix: { host: "127.0.0.1", port }, collector: { eviction_timeout: "60s" } });
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    const lines = () => readFileSync(path, "utf8").split("\n").slice(0, -1).map((l) => (JSON.parse(l) as { sport: number }).sport);
    /** `n` new flows, from consecutive source ports, exported now; resolves with their ports. */
    let nextPort = 30000;
    const flows = async (n: number): Promise<number[]> => {
      const sport = nextPort;
      nextPort += n;
      await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 1, size: 10, sport, ports: n });
      assert.equal((await exportNow(a, n)).length, n);
      return Array.from({ length: n }, (_, i) => sport + i);
    };
    const metric = async (name: string, labels = "") => sample(await scrape(a), name, labels) ?? 0;

    const first = await flows(5);
    assert.deepEqual(lines(), first);

    // Full: the log's last page has room for some of the next lines, then the disk is out of space.
    fillUp(join(disk, "filler"));
    const second = await flows(40);
    const kept = lines().slice(first.length);
    assert.ok(kept.length > 0 && kept.length < 40, `${kept.length} of 40 lines fit`);
    assert.deepEqual(kept, second.slice(0, kept.length), "the lines that fit, whole, in order");
    assert.ok(readFileSync(path, "utf8").endsWith("}\n"), "no partial line");
    assert.equal(await metric("rfm_flow_log_dropped_records_total", 'errno="ENOSPC"'), 40 - kept.length);
    assert.ok((await metric("rfm_errors_total", 'subsystem="flow_log"')) >= 1);

    // Room again: the next flows are logged.
    rmSync(join(disk, "filler"));
    const third = await flows(10);
    assert.deepEqual(lines(), [...first, ...kept, ...third]);
    assert.equal(await metric("rfm_flow_log_records_total"), first.length + kept.length + third.length);
    assert.equal(await metric("rfm_flow_log_dropped_records_total", 'errno="ENOSPC"'), 40 - kept.length, "nothing more lost");

    // IPFIX never missed a record.
    const link = a.agent.ipfix!.links[0]!;
    await until(() => link.stats.records === 55, 5000, "55 records sent");
    const out = await nfcapd.stop();
    assert.deepEqual(out.flows.map((f) => f.src_port).sort((x, y) => (x ?? 0) - (y ?? 0)), [...first, ...second, ...third]);
    await rx.stop();
  });
});
