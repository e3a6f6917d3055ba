// Drill: the IPFIX collector is down when the agent starts, comes up, is
// stopped mid-stream and started again. nfcapd decodes every record exported
// while it listened, the first data after each start included (the agent
// resends its templates after a refusal, long before template_refresh); every
// record exported while it was down is counted, by reason.
import { tempDir } from "../harness/temp-dir.js";
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { startUdpReceiver } from "../harness/traffic.js";
import { Nfcapd, freeUdpPort } from "../ipfix-interop/peers.js";
import { exportNow, sample, scrape, sendFromPorts, startInteropAgent, until } from "../ipfix-interop/interop-agent.js";

/** Flows exported per phase, one datagram each, from consecutive source ports. */
const BATCH = 50;

describe("drill: IPFIX collector down, up, restarted mid-stream", () => {
  test("nfcapd decodes every record sent while it listened; each one sent while it was down is a refused or send drop", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-drill-", t);
    const port = await freeUdpPort(); // nobody listens yet
    // Idle eviction and the periodic template refresh are far away: the test exports each phase itself.
    const a = await startInteropAgent(t, pair, { ipfix: { host: "127.0.0.1", port, template_refresh: "60s" }, collector: { eviction_timeout: "60s" } });
    const link = a.agent.ipfix!.links[0]!;
    await until(() => link.connected, 5000, "the export socket"); // UDP: connected whether anyone listens or not
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    const refusals = () => link.stats.sendErrors.get("ECONNREFUSED") ?? 0;

    let nextPort = 20000;
    /** One phase: BATCH new flows exported, and every record handed over sent or counted as not sent. */
    const phase = async (): Promise<number[]> => {
      const sport = nextPort;
      nextPort += BATCH;
      await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 1, size: 10, sport, ports: BATCH });
      const records = await exportNow(a, BATCH);
      assert.equal(records.length, BATCH);
      const s = link.stats;
      await until(() => s.records + s.dropped.send + s.dropped.unconnected + s.dropped.encode === a.records.length, 5000, "every record sent or failed");
      return records.map((r) => r.sport).sort((x, y) => x - y);
    };
    /** While nobody listens, each datagram that leaves comes back refused once: wait for all the answers. */
    const refusedSince = async (since: { messages: number; refusals: number }) =>
      until(() => refusals() - since.refusals === link.stats.messages - since.messages, 5000, "every datagram sent while down refused");

    // Down at start: the templates of the first dial and the first phase go nowhere.
    await phase();
    await refusedSince({ messages: 0, refusals: 0 });

    // Up: the phase decodes without waiting for template_refresh.
    const first = await Nfcapd.start(lab, join(dir, "nfcapd-1"), port);
    const decodedByFirst = await phase();
    const out1 = await first.stop();

    // Stopped mid-stream, then started again.
    const down = { messages: link.stats.messages, refusals: refusals() };
    await phase();
    await refusedSince(down);
    const second = await Nfcapd.start(lab, join(dir, "nfcapd-2"), port);
    const decodedBySecond = await phase();
    const out2 = await second.stop();
    await rx.stop();

    const ports = (o: typeof out1) => o.flows.map((f) => f.src_port).sort((x, y) => (x ?? 0) - (y ?? 0));
    assert.deepEqual(ports(out1), decodedByFirst, "the first nfcapd decoded exactly the phase it listened to");
    assert.deepEqual(ports(out2), decodedBySecond, "the restarted nfcapd decoded the very next data");
    assert.ok([...out1.flows, ...out2.flows].every((f) => f.in_packets === 1));
    assert.deepEqual([out1.socketDrops, out2.socketDrops], [0, 0]);

    const metrics = await scrape(a);
    const collector = `collector="127.0.0.1:${port}"`;
    const dropped = (reason: string) => sample(metrics, "rfm_ipfix_dropped_records_total", `${collector},reason="${reason}"`);
    const sent = sample(metrics, "rfm_ipfix_records_total", collector)!;
    const [refused, failed] = [dropped("refused")!, dropped("send")!];
    assert.equal(sent - refused, 2 * BATCH, "delivered: records sent that were not refused, both listening phases");
    assert.equal(refused + failed, 2 * BATCH, "the two phases while down: refused after leaving, or failed to leave");
    assert.ok(refused > 0 && failed > 0, `refused ${refused}, send ${failed}`);
    assert.deepEqual([dropped("queue_full"), dropped("unconnected"), dropped("encode")], [0, 0, 0]);
    assert.equal(sample(metrics, "rfm_ipfix_send_errors_total", `${collector},errno="ECONNREFUSED"`), refusals());
  });
});
