// `rfm collect -c FILE`: the settings from a [collect] table, several
// listeners in one process. A netflow, an sflow (two workers) and a second
// netflow listener on loopback write into one output file, each with its own
// template state; the metrics add them up; SIGTERM drains every listener and
// exits 0. Flags given with -c override the file; a bad file or a listener
// that cannot bind stops the start with the key or listener named.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { freePort } from "../harness/ports.js";
import { tempDir } from "../harness/temp-dir.js";
import { until } from "../agent/agent-lab.js";
import { CLI, runCli } from "../cli/run-cli.js";
import { encodeMessage, field, type Template } from "../../src/ipfix/index.js";
import { encodeNetflowV5 } from "../../src/netflow-v5/index.js";
import { encodeSflow, type SflowSampleInput } from "../../src/sflow/index.js";
import { encodePcap } from "../../src/pcap/index.js";

const TEMPLATE: Template = { id: 300, fields: [field("sourceIPv4Address"), field("destinationIPv4Address"), field("sourceTransportPort"), field("octetDeltaCount", 4), field("packetDeltaCount", 4)] };

function v5(src: string[]): Uint8Array {
  const header = { sysUptime: 5000, unixSecs: 1_700_000_000, unixNsecs: 0, flowSequence: 9, engineType: 0, engineId: 0, samplingMode: 0, samplingInterval: 0 };
  return encodeNetflowV5(header, src.map((srcAddr, i) => ({
    srcAddr, dstAddr: "198.51.100.1", nextHop: "0.0.0.0", input: 1, output: 2, packets: 1 + i, octets: 100, first: 1000, last: 2000,
    srcPort: 1000 + i, dstPort: 53, tcpFlags: 0, protocol: 17, tos: 0, srcAs: 0, dstAs: 0, srcMask: 0, dstMask: 0,
  })));
}

function ipfixData(src: string[]): Uint8Array {
  return encodeMessage({ observationDomainId: 1, sets: [{ kind: "data", template: TEMPLATE, records: src.map((a, i) => [a, "192.0.2.1", 2000 + i, 100, 1]) }] });
}

function sflow(src: string[]): Uint8Array {
  const samples: SflowSampleInput[] = src.map((srcAddr, i) => ({
    kind: "flow_sample", expanded: false, sequence: i + 1, sourceIdType: 0, sourceIdIndex: 3, samplingRate: 100, samplePool: 100 * (i + 1), drops: 0,
    inputFormat: 0, input: 3, outputFormat: 0, output: 4,
    records: [{ type: "sampled_ipv4", length: 100, protocol: 6, srcAddr, dstAddr: "198.51.100.9", srcPort: 4000, dstPort: 443, tcpFlags: 2, tos: 0 }],
  }));
  return encodeSflow({ agentAddress: "10.0.0.1", subAgentId: 0, sequence: 1, uptime: 1000, samples });
}

const listener = (type: string, workers: number, port = 0) => ["[[collect.listeners]]", `type = "${type}"`, 'host = "127.0.0.1"', `port = ${port}`, `workers = ${workers}`, ""];

interface Line {
  flow_type: string;
  src_addr: string;
  sampling_rate?: number;
}

const linesOf = (text: string): Line[] => text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Line);

describe("rfm collect -c FILE", () => {
  test("netflow, sflow and a second netflow listener in one process: one output file, templates per listener, metrics added up, SIGTERM drains and exits 0", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const dir = tempDir("rfm-collect-config-", t);
    const out = join(dir, "flows.ndjson");
    const metricsPort = await freePort("127.0.0.1");
    const file = join(dir, "rfm.toml");
    writeFileSync(file, [
      "[collect]", 'format = "common"', `output = "${out}"`, 'metrics_host = "127.0.0.1"', `metrics_port = ${metricsPort}`, "",
      ...listener("netflow", 1), ...listener("sflow", 2), ...listener("netflow", 1),
    ].join("\n"));
    const collect = lab.spawn(HOST_NS, [process.execPath, CLI, "collect", "-c", file]);
    const listening = () => [...collect.stderr().matchAll(/listening on 127\.0\.0\.1:(\d+) \((netflow|sflow)(?:, (\d) workers)?\)/g)];
    await until(() => listening().length === 3 || !collect.isRunning, 10_000, "rfm collect listening three times");
    assert.deepEqual(listening().map((m) => [m[2], m[3]]), [["netflow", undefined], ["sflow", "2"], ["netflow", undefined]], collect.stderr());
    const [netflow, sflowPort, netflow2] = listening().map((m) => Number(m[1]));

    const socket: Socket = createSocket("udp4");
    t.after(() => socket.close());
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    const send = (port: number, b: Uint8Array) => new Promise<void>((resolve, reject) => socket.send(b, port, "127.0.0.1", (e) => (e ? reject(e) : resolve())));
    await send(netflow!, v5(["10.1.0.1", "10.1.0.2"]));
    await send(netflow!, encodeMessage({ observationDomainId: 1, sets: [{ kind: "templates", templates: [TEMPLATE] }] }));
    await send(netflow!, ipfixData(["10.2.0.1", "10.2.0.2", "10.2.0.3"]));
    await send(sflowPort!, sflow(["10.3.0.1", "10.3.0.2"]));
    // The same exporter's data on the other netflow port: that listener never saw the template.
    await send(netflow2!, ipfixData(["10.4.0.1"]));
    await send(netflow2!, v5(["10.5.0.1"]));

    await until(() => existsSync(out) && linesOf(readFileSync(out, "utf8")).length >= 8, 10_000, "8 records in the output file");
    // Workers send their counters every second: the scrape catches up within one.
    let text = "";
    const flows = (type: string) => Number(new RegExp(`^rfm_collect_flows_total\\{type="${type}",exporter="127\\.0\\.0\\.1"\\} (\\d+)$`, "m").exec(text)?.[1]);
    await until(async () => {
      text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return flows("sflow_v5") === 2;
    }, 5000, "the metrics counting the sflow workers' records");
    assert.deepEqual([flows("netflow_v5"), flows("ipfix"), flows("sflow_v5")], [3, 3, 2], "every listener's records, one series per type and exporter");
    assert.match(text, /^rfm_collect_parse_errors_total\{reason="unknown_template",exporter="127\.0\.0\.1"\} 1$/m);
    for (const port of [netflow, sflowPort, netflow2]) assert.match(text, new RegExp(`^rfm_collect_receive_drops_total\\{listener="127\\.0\\.0\\.1:${port}",reason="kernel"\\} 0$`, "m"));
    const lint = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    assert.equal(lint.status, 0, lint.stdout + lint.stderr);

    collect.kill("SIGTERM");
    const done = await collect.exited;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, new RegExp(`udp 127\\.0\\.0\\.1:${netflow} \\(netflow\\): kernel drops 0, queue drops 0, 3 datagrams, 5 records`));
    assert.match(done.stderr, new RegExp(`udp 127\\.0\\.0\\.1:${sflowPort} \\(sflow\\): kernel drops 0, queue drops 0, output drops 0, 1 datagrams, 2 records`));
    assert.match(done.stderr, new RegExp(`udp 127\\.0\\.0\\.1:${netflow2} \\(netflow\\): kernel drops 0, queue drops 0, 2 datagrams, 1 records`));
    assert.match(done.stderr, /rfm collect: 3 listeners, 6 datagrams, 8 records in [\d.]+ s .*; problems: unknown_template=1/);
    const lines = linesOf(readFileSync(out, "utf8"));
    const by = (type: string) => lines.filter((l) => l.flow_type === type).map((l) => l.src_addr).sort();
    assert.deepEqual(by("NETFLOW_V5"), ["10.1.0.1", "10.1.0.2", "10.5.0.1"]);
    assert.deepEqual(by("IPFIX"), ["10.2.0.1", "10.2.0.2", "10.2.0.3"]);
    assert.deepEqual(by("SFLOW_V5"), ["10.3.0.1", "10.3.0.2"]);
    assert.equal(lines.length, 8);
  });

  test("a listener that cannot bind stops the start naming it; the ones already listening are closed", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const dir = tempDir("rfm-collect-config-", t);
    const taken: Socket = createSocket("udp4");
    t.after(() => taken.close());
    await new Promise<void>((resolve) => taken.bind(0, "127.0.0.1", resolve));
    const port = taken.address().port;
    const file = join(dir, "rfm.toml");
    writeFileSync(file, ["[collect]", "metrics_port = 0", "", ...listener("sflow", 1), ...listener("netflow", 1, port)].join("\n"));
    const collect = lab.spawn(HOST_NS, [process.execPath, CLI, "collect", "-c", file]);
    const done = await collect.exited;
    assert.equal(done.code, 1, done.stderr);
    assert.match(done.stderr, /listening on 127\.0\.0\.1:\d+ \(sflow\)/);
    assert.match(done.stderr, new RegExp(`rfm collect: netflow listener 127\\.0\\.0\\.1:${port}: .*(EADDRINUSE|in use)`, "i"));
  });

  test("flags given with -c override the file's keys: the file's one listener type, -s and -o, with --pcap", async (t) => {
    const dir = tempDir("rfm-collect-config-", t);
    const u16 = (n: number) => [n >> 8, n & 0xff];
    const frame = (payload: Uint8Array) => {
      const udp = [...u16(2055), ...u16(2055), ...u16(8 + payload.length), 0, 0, ...payload];
      return Uint8Array.from([0x45, 0, ...u16(20 + udp.length), 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 200, 127, 0, 0, 1, ...udp]);
    };
    const pcap = join(dir, "v5.pcap");
    const payload = v5(["10.1.0.1", "10.1.0.2"]);
    writeFileSync(pcap, encodePcap([{ tsSec: 1_700_000_001, tsNsec: 0, originalLength: payload.length + 28, data: frame(payload) }], { linkType: 101 }));
    const csv = join(dir, "flows.csv");
    const file = join(dir, "rfm.toml");
    writeFileSync(file, ["[collect]", 'flow_type = "netflow"', 'format = "common"', 'serialization = "csv"', `output = "${csv}"`, ""].join("\n"));
    const fromFile = await runCli(["collect", "-c", file, "--pcap", pcap]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(fromFile.stdout, "");
    assert.deepEqual(readFileSync(csv, "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[0]), ["NETFLOW_V5", "NETFLOW_V5"]);
    const overridden = await runCli(["collect", "-c", file, "--pcap", pcap, "-s", "ndjson", "-o", "-"]);
    assert.equal(overridden.code, 0, overridden.stderr);
    assert.deepEqual(linesOf(overridden.stdout).map((l) => l.src_addr), ["10.1.0.1", "10.1.0.2"]);
  });

  test("a bad file stops the start with every problem as rfm config check names it (exit 1); a listener flag against several listeners is a usage error (exit 2)", async (t) => {
    const dir = tempDir("rfm-collect-config-", t);
    const bad = join(dir, "bad.toml");
    writeFileSync(bad, ["[collect]", 'fromat = "common"', "", "[[collect.listeners]]", 'type = "netflow"', "", "[[collect.listeners]]", 'type = "sflow"', "port = 2055", ""].join("\n"));
    const r = await runCli(["collect", "-c", bad]);
    assert.equal(r.code, 1);
    const problems = [
      `${bad}:2: collect.fromat: unknown key; did you mean \`collect.format\`?`,
      `${bad}:7: collect.listeners[1]: [::]:2055 is already the address of listeners[0]: two sockets on one port leave it to the kernel which one gets an exporter's datagrams (its templates could go to one and its data to the other)`,
    ];
    assert.deepEqual(r.stderr.trim().split("\n"), problems.map((p) => `rfm collect: ${p}`));
    const check = await runCli(["config", "check", bad]);
    assert.equal(check.code, 1);
    assert.deepEqual(check.stdout.trim().split("\n"), problems);

    const two = join(dir, "two.toml");
    writeFileSync(two, ["[collect]", ...listener("netflow", 1), ...listener("sflow", 1)].join("\n"));
    assert.deepEqual([(await runCli(["config", "check", two])).stdout], ["ok\n"]);
    const flag = await runCli(["collect", "-c", two, "-p", "9995"]);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /-p describes one listener, and .*two\.toml has 2/);
    // A collect-only file is no agent config.
    const agent = await runCli(["agent", "-c", two]);
    assert.equal(agent.code, 1);
    assert.match(agent.stderr, /two\.toml: agent: missing required table \[agent\]/);
  });
});
