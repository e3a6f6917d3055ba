// [agent.log]: the evicted flows of real traffic as JSON lines, and rotation
// by size with a small max_size.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { startUdpReceiver } from "../harness/traffic.js";
import { sendFromPorts, startInteropAgent, udpWireBytes, until } from "./interop-agent.js";
import { tempDir } from "../harness/temp-dir.js";

interface LoggedFlow {
  src: string;
  dst: string;
  proto: number;
  sport: number;
  dport: number;
  ifname: string;
  direction: string;
  packets: number;
  bytes: number;
  start: string;
  end: string;
  reason: string;
}

const lines = (path: string) => readFileSync(path, "utf8").split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as LoggedFlow);

describe("flow log (agent.log.path)", () => {
  test("every evicted flow is one JSON line with its addresses, ports, interface, direction, counts, times and reason", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const path = join(tempDir("rfm-interop-", t), "flows.jsonl");
    const a = await startInteropAgent(t, pair, { log: { path } });
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    const sent = Date.now();
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 300, size: 100, sport: 40001 });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv6, port: rx.port, count: 9, size: 50, sport: 40002 });
    const done = Date.now();
    assert.equal((await rx.stop()).datagrams, 309);
    // The log is written synchronously in the same hand-over as the test's sink.
    await until(() => a.records.length >= 2, 8000, "two evicted flows");

    const logged = lines(path);
    const common = { proto: 17, dport: rx.port, ifname: pair.a.name, direction: "ingress", reason: "idle" };
    assert.deepEqual(
      logged.map(({ start: _s, end: _e, ...rest }) => rest).sort((x, y) => x.sport - y.sport),
      [
        // Counts are estimates at the sample rate (1 here); bytes are wire bytes, as in the Prometheus flow metrics.
        { src: pair.b.ipv4, dst: pair.a.ipv4, sport: 40001, packets: 300, bytes: 300 * udpWireBytes(4, 100), ...common },
        { src: pair.b.ipv6, dst: pair.a.ipv6, sport: 40002, packets: 9, bytes: 9 * udpWireBytes(6, 50), ...common },
      ],
    );
    for (const f of logged) {
      assert.match(f.start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const [start, end] = [Date.parse(f.start), Date.parse(f.end)];
      assert.ok(sent - 1000 <= start && start <= end && end <= done + 1000, `${f.start} .. ${f.end}`);
    }
    // Nothing ends in a partial line.
    assert.ok(readFileSync(path, "utf8").endsWith("}\n"));
  });

  test("rotates by size: no file grows past max_size, PATH.1 and PATH.2 exist, every flow is in exactly one file", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const path = join(tempDir("rfm-interop-", t), "flows.jsonl");
    const maxSize = 4096;
    const a = await startInteropAgent(t, pair, { log: { path, max_size: maxSize, max_files: 5 } });
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    // 40 flows of about 250 bytes a line: about 10 kB, evicted together.
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 1, size: 10, sport: 43000, ports: 40 });
    assert.equal((await rx.stop()).datagrams, 40);
    await until(() => a.records.length >= 40, 8000, "40 evicted flows");

    const files = [path, `${path}.1`, `${path}.2`, `${path}.3`, `${path}.4`, `${path}.5`].filter((p) => existsSync(p));
    assert.ok(files.includes(`${path}.1`) && files.includes(`${path}.2`), `files: ${files.join(", ")}`);
    for (const f of files) {
      assert.ok(statSync(f).size <= maxSize, `${f} is ${statSync(f).size} bytes, max_size ${maxSize}`);
      assert.ok(readFileSync(f, "utf8").endsWith("\n"), `${f} ends with a whole line`);
    }
    const ports = files.flatMap((f) => lines(f).map((l) => l.sport)).sort((x, y) => x - y);
    assert.deepEqual(ports, Array.from({ length: 40 }, (_, i) => 43000 + i));
    // Oldest last: PATH.2 was written before PATH.1, which was written before PATH.
    const firstPort = (f: string) => Math.min(...lines(f).map((l) => l.sport));
    assert.ok(firstPort(`${path}.2`) < firstPort(`${path}.1`) && firstPort(`${path}.1`) < firstPort(path));
  });
});
