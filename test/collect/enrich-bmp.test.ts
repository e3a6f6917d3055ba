// `--bmp`: the agent's BMP listener and RIB inside the collector. A speaker
// feeds the listener over real TCP; records the exporter sent without an AS
// (0) get the origin AS of the longest match, what the exporter sent stays.
// In process through the Collector, then through the real CLI reading its
// capture from a FIFO, so the pipeline waits until the test has fed the RIB.
import { KeptRecords } from "./kept-records.js";
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Collector } from "../../src/collect/collector.js";
import { openEnrichment } from "../../src/collect/enrich/open-enrichment.js";
import type { FlowRecord } from "../../src/flow-record/index.js";
import { formatAddress, parseAddress } from "../../src/net/address.js";
import { CLI, collect, runCli, waitForStderr } from "../cli/run-cli.js";
import { freePort } from "../harness/ports.js";
import { tempDir } from "../harness/temp-dir.js";
import { bmpStream, EXPORTER, feedBmp, v5Datagram, v5Pcap, v5Record } from "./enrich-fixtures.js";

const ROUTES: [string, number[]][] = [
  ["198.51.100.0/24", [65002, 64999]],
  ["203.0.113.0/24", [65002, 64888]],
  ["203.0.113.128/25", [65002, 64887]],
  ["2001:db8:77::/48", [65002, 64777]],
];

const RECORDS = [
  v5Record({ srcAddr: "192.0.2.10", dstAddr: "198.51.100.7" }), // dst from the RIB, src unknown: stays 0
  v5Record({ srcAddr: "203.0.113.5", dstAddr: "198.51.100.8", srcAs: 65123 }), // the exporter's src_as stays
  v5Record({ srcAddr: "203.0.113.200", dstAddr: "10.0.0.1" }), // the /25 is the longer match
];

describe("rfm collect --bmp", () => {
  test("in process: a speaker's routes fill src_as/dst_as the exporter sent as 0; IPv6 too; unknown addresses stay as sent", async (t) => {
    const lines: string[] = [];
    const opened = (await openEnrichment({ bmp: { host: "127.0.0.1", port: 0 } }, (l) => lines.push(l)))!;
    t.after(() => opened.close());
    const at = opened.bmp!.address!;
    assert.deepEqual(lines, [`bmp listening on 127.0.0.1:${at.port}`]);
    await feedBmp(t, "127.0.0.1", at.port, bmpStream(ROUTES));
    assert.equal(opened.bmp!.stats.problems, 0);

    const writer = new KeptRecords();
    const written = writer.records;
    const collector = new Collector({ protocol: "netflow", output: { kind: "common", writer }, enrichment: opened.stage });
    await collector.handle([{ bytes: v5Datagram(RECORDS), exporter: EXPORTER, exporterPort: 2055, receivedMs: 1_700_000_001_000, receivedNs: 0 }]);
    await collector.close();
    assert.deepEqual(written.map((f) => [formatAddress(f.src!), f.srcAsn, formatAddress(f.dst!), f.dstAsn]), [
      ["192.0.2.10", 0, "198.51.100.7", 64999],
      ["203.0.113.5", 65123, "198.51.100.8", 64999],
      ["203.0.113.200", 64887, "10.0.0.1", 0],
    ]);

    // A record whose exporter sent no AS at all: filled when known, left out when not.
    const six: FlowRecord = { packets: 1, bytes: 1, src: parseAddress("2001:db8:77::5"), dst: parseAddress("2001:db8:78::1") };
    opened.stage.enrich(six);
    assert.equal(six.srcAsn, 64777);
    assert.equal("dstAsn" in six, false);

    await opened.close();
    assert.match(lines.at(-1)!, /^bmp: 1 sessions, 6 messages, 0 problems; RIB 3 IPv4 and 1 IPv6 prefixes$/);
  });

  test("the real CLI: the listener opens before the capture is read, the speaker's routes label the records in the NDJSON", async (t) => {
    const dir = tempDir("rfm-collect-bmp-", t);
    const fifo = join(dir, "capture.pcap");
    execFileSync("mkfifo", [fifo]);
    const port = await freePort("127.0.0.1");
    const child = spawn(process.execPath, [CLI, "collect", "-t", "netflow", "--pcap", fifo, "-f", "common", "--bmp", `127.0.0.1:${port}`], { stdio: ["ignore", "pipe", "pipe"] });
    t.after(() => child.kill("SIGKILL"));
    const done = collect(child, 20_000);
    await waitForStderr(child, new RegExp(`bmp listening on 127\\.0\\.0\\.1:${port}`));
    await feedBmp(t, "127.0.0.1", port, bmpStream(ROUTES));
    // The collector has been waiting on the FIFO all along: the capture goes in now.
    await writeFile(fifo, v5Pcap([v5Datagram(RECORDS)]));
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { src_addr: string; src_as: number; dst_as: number });
    assert.deepEqual(out.map((o) => [o.src_addr, o.src_as, o.dst_as]), [["192.0.2.10", 0, 64999], ["203.0.113.5", 65123, 64999], ["203.0.113.200", 64887, 0]]);
    assert.match(r.stderr, /bmp: 1 sessions, 6 messages, 0 problems; RIB 3 IPv4 and 1 IPv6 prefixes/);
  });

  test("usage: a bad address exits 2 naming it; with -f raw exits 2; a port taken exits 1 naming it", async (t) => {
    const bad = await runCollect(["--bmp", "::1:1790", "-f", "common"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /an IPv6 host goes in brackets/);
    const raw = await runCollect(["--bmp", "127.0.0.1:1790"]);
    assert.equal(raw.code, 2);
    assert.match(raw.stderr, /--enrich and --bmp enrich flow records: they need -f common/);
    // Taken: by an in-process listener of this test.
    const opened = (await openEnrichment({ bmp: { host: "127.0.0.1", port: 0 } }, () => undefined))!;
    t.after(() => opened.close());
    const taken = await runCollect(["--bmp", `127.0.0.1:${opened.bmp!.address!.port}`, "-f", "common"]);
    assert.equal(taken.code, 1);
    assert.match(taken.stderr, new RegExp(`--bmp 127\\.0\\.0\\.1:${opened.bmp!.address!.port}: .*EADDRINUSE`));
  });
});

function runCollect(extra: string[]) {
  return runCli(["collect", "-t", "netflow", "--pcap", "/nonexistent/never-read.pcap", ...extra]);
}
