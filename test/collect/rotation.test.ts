// Rotated output: windows aligned to the epoch and picked by each batch's
// arrival time (a capture's own timestamps here, so the test needs no
// clock), `<prefix>-YYYYMMDDTHHMMSSZ.<ext>` under the partition level's
// directories, no file for an idle window, no .tmp left, -x run once per
// finished file with its placeholders.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { runCli } from "../cli/run-cli.js";
import { tempDir } from "../harness/temp-dir.js";
import { encodePcap } from "../../src/pcap/index.js";
import { encodeNetflowV5 } from "../../src/netflow-v5/index.js";

const u16 = (n: number) => [n >> 8, n & 0xff];
function frame(payload: Uint8Array): Uint8Array {
  const udp = [...u16(2055), ...u16(2055), ...u16(8 + payload.length), 0, 0, ...payload];
  return Uint8Array.from([0x45, 0, ...u16(20 + udp.length), 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 200, 127, 0, 0, 1, ...udp]);
}
function datagram(seq: number): Uint8Array {
  const header = { sysUptime: 5000, unixSecs: 1_700_000_000, unixNsecs: 0, flowSequence: seq, engineType: 0, engineId: 0, samplingMode: 0, samplingInterval: 0 };
  return encodeNetflowV5(header, [{
    srcAddr: "192.0.2.1", dstAddr: "198.51.100.1", nextHop: "0.0.0.0", input: 1, output: 2, packets: 1, octets: 100, first: 1000, last: 2000,
    srcPort: 1000 + seq, dstPort: 53, tcpFlags: 0, protocol: 17, tos: 0, srcAs: 0, dstAs: 0, srcMask: 0, dstMask: 0,
  }]);
}
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

describe("rotated output (-o DIR -i INTERVAL)", () => {
  // 2023-11-14T22:13:20Z is 1,700,000,000 s; windows of 5 minutes start at 22:10, 22:15, ...
  const t0 = 1_700_000_000;
  const times = [t0, t0 + 100, t0 + 101, t0 + 700]; // 22:13:20 and 22:15:00/01 in two windows; 22:25:00 after an idle window
  const capture = (dir: string) => {
    const file = join(dir, "in.pcap");
    writeFileSync(file, encodePcap(times.map((s, i) => ({ tsSec: s, tsNsec: 0, originalLength: 28 + 72, data: frame(datagram(i)) })), { linkType: 101 }));
    return file;
  };

  test("level 0: one CSV per busy window with its header, named after the window, no file for the idle one, -x once per file", async (t) => {
    const dir = tempDir("rfm-rotate-", t);
    const out = join(dir, "out");
    const hooks = join(dir, "hooks.log");
    const r = await runCli(["collect", "-t", "netflow", "--pcap", capture(dir), "-f", "common", "-s", "csv", "-o", out, "-i", "5m", "--prefix", "edge", "-x", `echo %t %u %f >> ${hooks}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(files(out), ["edge-20231114T221000Z.csv", "edge-20231114T221500Z.csv", "edge-20231114T222500Z.csv"]);
    const rows = (name: string) => readFileSync(join(out, name), "utf8").trim().split("\n");
    assert.equal(rows("edge-20231114T221000Z.csv").length, 2, "the header and one record");
    assert.equal(rows("edge-20231114T221500Z.csv").length, 3);
    assert.match(rows("edge-20231114T222500Z.csv")[0]!, /^flow_type,time_received_ns,/);
    const hooked = readFileSync(hooks, "utf8").trim().split("\n").sort();
    assert.deepEqual(hooked, [
      `20231114T221000Z 1699999800 ${join(out, "edge-20231114T221000Z.csv")}`,
      `20231114T221500Z 1700000100 ${join(out, "edge-20231114T221500Z.csv")}`,
      `20231114T222500Z 1700000700 ${join(out, "edge-20231114T222500Z.csv")}`,
    ]);
  });

  test("levels 1 to 3 put files under date, hour and 5-minute directories", async (t) => {
    const dir = tempDir("rfm-rotate-levels-", t);
    const input = capture(dir);
    const expected: Record<number, string> = { 1: "2023/11/14/", 2: "2023/11/14/22/", 3: "2023/11/14/22/00/" }; // the window's start picks the 5-minute bucket
    for (const level of [1, 2, 3]) {
      const out = join(dir, `l${level}`);
      const r = await runCli(["collect", "-t", "netflow", "--pcap", input, "-f", "common", "-o", out, "-i", "1h", "-l", String(level)]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(files(out), [`${expected[level]}flows-20231114T220000Z.ndjson`], `level ${level}`);
      assert.equal(readFileSync(join(out, files(out)[0]!), "utf8").trim().split("\n").length, 4);
    }
  });

  test("-i without -o, -x without -i and a sub-second -i are usage errors", async () => {
    for (const args of [["-i", "5m"], ["-o", "/tmp/x", "-x", "true"], ["-o", "/tmp/x", "-i", "10ms"]]) {
      const r = await runCli(["collect", "-t", "netflow", "--pcap", "x", ...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    }
  });
});
