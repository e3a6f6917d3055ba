// `rfm collect`'s command line: RustFlow's flags, clear errors for what
// cannot run, a summary on stderr.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../cli/run-cli.js";
import { tempDir } from "../harness/temp-dir.js";
import { encodePcap } from "../../src/pcap/index.js";
import { encodeNetflowV5 } from "../../src/netflow-v5/index.js";

describe("rfm collect", () => {
  test("usage errors exit 2: no -t, an unknown -t, raw as CSV", async () => {
    assert.equal((await runCli(["collect", "--pcap", "x"])).code, 2);
    const unknown = await runCli(["collect", "-t", "netflow9", "--pcap", "x"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /netflow, sflow/);
    const raw = await runCli(["collect", "-t", "netflow", "--pcap", "x", "-f", "raw", "-s", "csv"]);
    assert.equal(raw.code, 2);
    assert.match(raw.stderr, /-f raw writes ndjson or discard/);
  });

  test("a missing file exits 1 naming it", async () => {
    const r = await runCli(["collect", "-t", "netflow", "--pcap", "/nonexistent/x.pcap"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\/nonexistent\/x\.pcap/);
  });

  test("raw NDJSON: one line per datagram with the header and every record; a truncated datagram's whole records kept and its problem counted", async (t) => {
    const dir = tempDir("rfm-collect-cli-", t);
    const rec = (i: number) => ({
      srcAddr: `192.0.2.${i}`, dstAddr: "198.51.100.1", nextHop: "0.0.0.0", input: 1, output: 2, packets: i, octets: 100 * i, first: 1000, last: 2000,
      srcPort: 1000 + i, dstPort: 53, tcpFlags: 0, protocol: 17, tos: 0, srcAs: 0, dstAs: 0, srcMask: 0, dstMask: 0,
    });
    const header = { sysUptime: 5000, unixSecs: 1_700_000_000, unixNsecs: 0, flowSequence: 9, engineType: 0, engineId: 0, samplingMode: 0, samplingInterval: 0 };
    const v5 = encodeNetflowV5(header, [rec(1), rec(2)]);
    const cut = v5.subarray(0, v5.length - 10);
    const u16 = (n: number) => [n >> 8, n & 0xff];
    const frame = (payload: Uint8Array) => {
      const udp = [...u16(2055), ...u16(2055), ...u16(8 + payload.length), 0, 0, ...payload];
      return Uint8Array.from([0x45, 0, ...u16(20 + udp.length), 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 200, 127, 0, 0, 1, ...udp]);
    };
    const file = join(dir, "v5.pcap");
    writeFileSync(file, encodePcap([v5, cut].map((p, i) => ({ tsSec: 1_700_000_001 + i, tsNsec: 0, originalLength: p.length + 28, data: frame(p) })), { linkType: 101 }));
    const r = await runCli(["collect", "-t", "netflow", "--pcap", file]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { version: number; flow_sequence: number; records: { src_addr: string }[] });
    assert.deepEqual(lines.map((l) => [l.version, l.flow_sequence, l.records.map((x) => x.src_addr)]), [[5, 9, ["192.0.2.1", "192.0.2.2"]], [5, 9, ["192.0.2.1"]]]);
    assert.match(r.stderr, /2 frames, 2 datagrams, 3 records/);
    assert.match(r.stderr, /problems: truncated_record=1/);
  });
});
