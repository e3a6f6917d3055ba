// `--workers N`: several threads on one UDP port, each exporter's datagrams
// kept on one of them (SO_REUSEPORT hashes its address and port), so its
// templates are where its data goes. Twelve IPFIX exporters, each sending
// its template once and then data: every record comes out, none of it as
// an unknown template; the metrics add the workers up.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { freePort } from "../harness/ports.js";
import { until } from "../agent/agent-lab.js";
import { CLI } from "../cli/run-cli.js";
import { encodeMessage, field, type Template } from "../../src/ipfix/index.js";
import { commonLines } from "./tshark-oracle.js";

const EXPORTERS = 12;
const MESSAGES = 20;
const RECORDS = 10;
const TEMPLATE: Template = { id: 300, fields: [field("sourceIPv4Address"), field("destinationIPv4Address"), field("sourceTransportPort"), field("octetDeltaCount", 4), field("packetDeltaCount", 4)] };

describe("rfm collect --workers", () => {
  test("12 exporters on 2 workers: each one's data decoded by the worker holding its template; counts exact; metrics summed", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const metricsPort = await freePort("127.0.0.1");
    const collect = lab.spawn(HOST_NS, [process.execPath, CLI, "collect", "-t", "netflow", "-H", "127.0.0.1", "-p", "0", "-f", "common", "--workers", "2", "--metrics-host", "127.0.0.1", "--metrics-port", String(metricsPort)]);
    await until(() => /listening on 127\.0\.0\.1:\d+ \(netflow, 2 workers\)/.test(collect.stderr()) || !collect.isRunning, 10_000, "rfm collect listening");
    const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(collect.stderr())![1]);

    const sockets: Socket[] = [];
    t.after(() => sockets.forEach((s) => s.close()));
    for (let e = 0; e < EXPORTERS; e++) {
      const s = createSocket("udp4");
      await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", resolve));
      sockets.push(s);
    }
    const send = (s: Socket, b: Uint8Array) => new Promise<void>((resolve, reject) => s.send(b, port, "127.0.0.1", (err) => (err ? reject(err) : resolve())));
    // Templates first (each exporter's own, under the same ID), then data, interleaved across exporters.
    for (const s of sockets) await send(s, encodeMessage({ observationDomainId: 1, sets: [{ kind: "templates", templates: [TEMPLATE] }] }));
    for (let m = 0; m < MESSAGES; m++) {
      for (const [e, s] of sockets.entries()) {
        const records = Array.from({ length: RECORDS }, (_, r) => [`10.0.${e}.${m}`, "192.0.2.1", 1000 + r, 100, 1]);
        await send(s, encodeMessage({ observationDomainId: 1, sequenceNumber: m * RECORDS, sets: [{ kind: "data", template: TEMPLATE, records }] }));
      }
    }
    const total = EXPORTERS * MESSAGES * RECORDS;
    await until(() => commonLines(collect.stdout()).length >= total, 15_000, `all ${total} records printed`);
    // Workers send their counters every second: the scrape catches up within one.
    let text = "";
    const flows = () => [...text.matchAll(/^rfm_collect_flows_total\{type="ipfix",exporter="127\.0\.0\.1"\} (\d+)$/gm)].map((m) => Number(m[1]));
    await until(async () => {
      text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return flows()[0] === total;
    }, 5000, "the metrics counting every record");
    assert.deepEqual(flows(), [total], "one exporter address, both workers' counts added");
    assert.doesNotMatch(text, /reason="unknown_template"/);
    collect.kill("SIGTERM");
    const done = await collect.exited;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, new RegExp(`${EXPORTERS * (MESSAGES + 1)} datagrams, ${total} records`));
    assert.doesNotMatch(done.stderr, /problems/);
    const lines = commonLines(done.stdout).map((l) => l.fields);
    assert.equal(lines.length, total);
    for (let e = 0; e < EXPORTERS; e++) assert.equal(lines.filter((l) => String(l.src_addr).startsWith(`10.0.${e}.`)).length, MESSAGES * RECORDS, `exporter ${e}`);
  });
});
