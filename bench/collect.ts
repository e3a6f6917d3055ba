// `rfm collect --pcap` against nfacctd on the same capture, in one run: an
// IPFIX pcap of 3,000,000 records (100,000 messages of 30, templates every
// 1,000 messages), decoded to NDJSON by both (nfacctd: pcap_savefile, the
// print plugin writing JSON per flow, aggregated on the 5-tuple and the
// timestamps, so every record is its own line, written out every second).
// nfacctd needs three things to write them all (lab.md section 2 and what
// this bench found): its core reads the file in about 2 s and the home-grown
// plugin pipe silently overwrites what the plugin has not read yet (even at
// 2 GB), and a plugin with a backlog never reaches its refresh, so its cache
// fills; a ZeroMQ pipe (plugin_pipe_zmq) queues everything and lets the
// plugin purge every second, 262,147 cache buckets hold a second's worth;
// and at the end of the file the core exits at once, taking the plugin's
// backlog with it, so pcap_savefile_wait keeps it up until the output has
// stopped growing, then SIGINT ends it (its exit purge writes the last
// entries a second time: counted apart, not as records).
// Prints records/s for each, wall and CPU seconds, and the ratio; then rfm's
// rows for -s discard and csv, and for NetFlow v5, v9 and sFlow captures of
// the same flows. Each side's output line count is checked against the
// records in the capture, and what nfacctd did not write is stated.
// rfm runs as users run it: the `rfm` program (which starts `collect` again without the agent's V8 flags).
// Run: node dist/bench/collect.js [records]   (needs pmacct; default 3,000,000)
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, createReadStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { field, encodeMessage, type Template } from "../src/ipfix/index.js";
import { encodeNetflowV5 } from "../src/netflow-v5/index.js";
import { encodeNetflowV9 } from "../src/netflow-v9/index.js";
import { encodeSflow, type SflowSampleInput } from "../src/sflow/index.js";
import { encodeFrame } from "../src/packet/index.js";
import { encodePcap } from "../src/pcap/index.js";

const RECORDS = Number(/^\d+$/.test(process.argv[2] ?? "") ? process.argv[2] : 3_000_000);
const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const CLK_TCK = 100;

const TEMPLATE: Template = {
  id: 256,
  fields: [
    field("sourceIPv4Address"), field("destinationIPv4Address"), field("sourceTransportPort"), field("destinationTransportPort"), field("protocolIdentifier"),
    field("tcpControlBits", 1), field("ipClassOfService"), field("ingressInterface"), field("egressInterface"), field("octetDeltaCount"), field("packetDeltaCount"),
    field("flowStartMilliseconds"), field("flowEndMilliseconds"), field("bgpSourceAsNumber"), field("bgpDestinationAsNumber"),
  ],
};
const T0 = 1_700_000_000_000;

interface Flow { src: string; dst: string; sport: number; dport: number; proto: number; bytes: number; packets: number; start: number; end: number }
function flow(i: number): Flow {
  return { src: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, dst: `192.0.2.${i % 200}`, sport: 1024 + (i % 60_000), dport: [53, 80, 443][i % 3]!, proto: i % 5 === 0 ? 17 : 6, bytes: 1000 + (i % 5000), packets: 1 + (i % 50), start: T0 + i, end: T0 + i + 500 };
}

/** An IPv4/UDP/Ethernet frame around one datagram, from 192.0.2.254:4739 to 2055. */
function frame(payload: Uint8Array): Uint8Array {
  const u16 = (n: number) => [n >> 8, n & 0xff];
  const udp = [...u16(4739), ...u16(2055), ...u16(8 + payload.length), 0, 0];
  const ip = [0x45, 0, ...u16(28 + payload.length), 0, 0, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 254, 127, 0, 0, 1];
  const out = new Uint8Array(14 + ip.length + udp.length + payload.length);
  out.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0]);
  out.set(ip, 14);
  out.set(udp, 34);
  out.set(payload, 42);
  return out;
}

function pcapOf(datagrams: Uint8Array[]): Uint8Array {
  return encodePcap(datagrams.map((d, i) => ({ tsSec: 1_700_000_000 + Math.floor(i / 1000), tsNsec: (i % 1000) * 1000, originalLength: d.length + 42, data: frame(d) })), { linkType: 1, nanos: true });
}

function ipfixCapture(n: number): Uint8Array {
  const out: Uint8Array[] = [];
  for (let m = 0, i = 0; i < n; m++) {
    const records: unknown[][] = [];
    for (let k = 0; k < 30 && i < n; k++, i++) {
      const f = flow(i);
      records.push([f.src, f.dst, f.sport, f.dport, f.proto, 0x18, 0, 1, 2, BigInt(f.bytes), BigInt(f.packets), f.start, f.end, 64_500, 64_501]);
    }
    out.push(encodeMessage({ exportTime: 1_700_000_000, sequenceNumber: m * 30, observationDomainId: 1, sets: [...(m % 1000 === 0 ? [{ kind: "templates" as const, templates: [TEMPLATE] }] : []), { kind: "data", template: TEMPLATE, records: records as never }] }));
  }
  return pcapOf(out);
}

function v5Capture(n: number): Uint8Array {
  const out: Uint8Array[] = [];
  for (let m = 0, i = 0; i < n; m++) {
    const records = [];
    for (let k = 0; k < 30 && i < n; k++, i++) {
      const f = flow(i);
      records.push({ srcAddr: f.src, dstAddr: f.dst, nextHop: "0.0.0.0", input: 1, output: 2, packets: f.packets, octets: f.bytes, first: 1000, last: 1500, srcPort: f.sport, dstPort: f.dport, tcpFlags: 0x18, protocol: f.proto, tos: 0, srcAs: 64_500, dstAs: 64_501, srcMask: 24, dstMask: 24 });
    }
    out.push(encodeNetflowV5({ sysUptime: 5000, unixSecs: 1_700_000_000, unixNsecs: 0, flowSequence: m * 30, engineType: 0, engineId: 0, samplingMode: 0, samplingInterval: 0 }, records));
  }
  return pcapOf(out);
}

function v9Capture(n: number): Uint8Array {
  const t: Template = { id: 256, fields: TEMPLATE.fields.filter((_, i) => i < 11).concat([field("flowStartSysUpTime"), field("flowEndSysUpTime")]) };
  const out: Uint8Array[] = [];
  for (let m = 0, i = 0; i < n; m++) {
    const records: unknown[][] = [];
    for (let k = 0; k < 30 && i < n; k++, i++) {
      const f = flow(i);
      records.push([f.src, f.dst, f.sport, f.dport, f.proto, 0x18, 0, 1, 2, BigInt(f.bytes), BigInt(f.packets), 1000, 1500]);
    }
    out.push(encodeNetflowV9({ sysUptime: 5000, unixSecs: 1_700_000_000, sequenceNumber: m, sourceId: 1, sets: [...(m % 1000 === 0 ? [{ kind: "templates" as const, templates: [t] }] : []), { kind: "data", template: t, records: records as never }] }));
  }
  return pcapOf(out);
}

function sflowCapture(n: number): Uint8Array {
  const out: Uint8Array[] = [];
  for (let m = 0, i = 0; i < n; m++) {
    const samples: SflowSampleInput[] = [];
    for (let k = 0; k < 8 && i < n; k++, i++) {
      const f = flow(i);
      const header = encodeFrame({ srcMac: "02:00:00:00:00:01", dstMac: "02:00:00:00:00:02", ip: { version: 4, src: f.src, dst: f.dst, ttl: 64 }, transport: { protocol: "udp", srcPort: f.sport, dstPort: f.dport }, payload: 64 });
      samples.push({
        kind: "flow_sample", expanded: false, sequence: i, sourceIdType: 0, sourceIdIndex: 1, samplingRate: 1000, samplePool: i * 1000, drops: 0,
        inputFormat: 0, input: 1, outputFormat: 0, output: 2, records: [{ type: "sampled_header", headerProtocol: 1, frameLength: header.length + 4, stripped: 4, header }],
      });
    }
    out.push(encodeSflow({ agentAddress: "192.0.2.254", subAgentId: 0, sequence: m, uptime: 1000, samples }));
  }
  return pcapOf(out);
}

function cpu(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8");
    const x = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return (Number(x[11]) + Number(x[12]) + Number(x[13]) + Number(x[14])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Runs argv to its end; wall seconds and CPU seconds of the process and its reaped children. */
function timed(argv: string[]): Promise<{ wall: number; cpu: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let lastCpu = 0;
    const poll = setInterval(() => (lastCpu = Math.max(lastCpu, cpu(child.pid!))), 50);
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(poll);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) reject(new Error(`${argv.join(" ")} exited ${code}: ${stderr}`));
      else resolve({ wall, cpu: lastCpu, stderr });
    });
  });
}

/** CPU seconds of a process and every descendant seen so far (each one's last reading: the print plugin's purge children are not reaped into anyone's times). */
function treeCpu(root: number, seen: Map<number, number>): number {
  const walk = (pid: number) => {
    const t = cpu(pid);
    if (!Number.isNaN(t)) seen.set(pid, t);
    let children: string[] = [];
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    } catch {
      // gone
    }
    for (const c of children) walk(Number(c));
  };
  walk(root);
  let total = 0;
  for (const t of seen.values()) total += t;
  return total;
}

/**
 * nfacctd on its config (with pcap_savefile_wait) until its output stops
 * growing: `idleMs` without a new octet once it has written something (its
 * purges run every second), or `maxMs` in all; then SIGINT. Wall seconds run
 * to the last growth; the lines are those written until then, `again` what
 * its exit purge wrote on top.
 */
async function nfacctd(conf: string, out: string, idleMs: number, maxMs: number): Promise<{ wall: number; cpu: number; lines: number; again: number; stderr: string }> {
  const t0 = process.hrtime.bigint();
  const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
  const child = spawn("nfacctd", ["-f", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve, reject) => child.once("error", reject).once("exit", resolve));
  const seen = new Map<number, number>();
  let size = 0;
  let grewAt = 0;
  let cpuAtGrowth = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    if (child.exitCode !== null) throw new Error(`nfacctd exited ${child.exitCode} before it was done: ${stderr}`);
    const now = existsSync(out) ? statSync(out).size : 0;
    const used = treeCpu(child.pid!, seen);
    if (now !== size) {
      size = now;
      grewAt = ms();
      cpuAtGrowth = used;
    }
    if ((size > 0 && ms() - grewAt > idleMs) || ms() > maxMs) break;
  }
  const written = await lines(out);
  child.kill("SIGINT");
  await exited;
  return { wall: grewAt / 1000, cpu: cpuAtGrowth, lines: written, again: (await lines(out)) - written, stderr };
}

async function lines(path: string): Promise<number> {
  let n = 0;
  if (!existsSync(path)) return 0; // a run that wrote nothing
  for await (const chunk of createReadStream(path)) for (const b of chunk as Buffer) if (b === 10) n++;
  return n;
}

// --write-capture FILE: only write the IPFIX capture (for profiling), then exit.
const only = process.argv.indexOf("--write-capture");
if (only > 0) {
  writeFileSync(process.argv[only + 1]!, ipfixCapture(RECORDS));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "rfm-bench-collect-"));
try {
  const ipfix = join(dir, "ipfix.pcap");
  writeFileSync(ipfix, ipfixCapture(RECORDS));
  console.log(`collect: capture ipfix records=${RECORDS} octets=${statSync(ipfix).size}`);

  const ours = join(dir, "rfm.ndjson");
  const rfm = await timed([CLI, "collect", "-t", "netflow", "--pcap", ipfix, "-f", "common", "-s", "ndjson", "-o", ours]);
  const rfmLines = await lines(ours);
  const nfOut = join(dir, "nfacctd.json");
  writeFileSync(join(dir, "nfacctd.conf"), [
    "daemonize: false", `pcap_savefile: ${ipfix}`, "pcap_savefile_wait: true", "nfacctd_time_new: true", "plugins: print[out]",
    "aggregate[out]: src_host, dst_host, src_port, dst_port, proto, timestamp_start, timestamp_end",
    "print_output[out]: json", `print_output_file[out]: ${nfOut}`, "print_refresh_time[out]: 1", "print_output_file_append[out]: true",
    // A ZeroMQ queue between the core and the plugin: it holds what the plugin has not read yet (the
    // home-grown pipe overwrites it: 1 GB lost two thirds of 3,000,000 records), and the plugin purges
    // every second instead of only once its backlog is gone.
    "plugin_pipe_zmq[out]: true", "plugin_pipe_zmq_profile[out]: xlarge",
    // The cache holds up to 10 entries a bucket between purges: a second's worth (about 930,000) fits in 262,147 buckets (about 4 KB each).
    "print_cache_entries[out]: 262147", "",
  ].join("\n"));
  // Done once the output has not grown for 5 s (it writes every second while it has records); at most 60 s plus 40 s a million records.
  const nf = await nfacctd(join(dir, "nfacctd.conf"), nfOut, 5000, 60_000 + RECORDS / 25);
  const nfLines = nf.lines;
  const row = (name: string, r: { wall: number; cpu: number }, n: number) =>
    console.log(`collect: ${name} records=${n} wall_s=${r.wall.toFixed(2)} cpu_s=${r.cpu.toFixed(2)} records_per_s=${Math.round(n / r.wall)}`);
  row("rfm ipfix common ndjson", rfm, rfmLines);
  // nfacctd's wall: from its start to the last line it wrote (not the idle wait after it, nor its exit).
  row("nfacctd ipfix json", nf, nfLines);
  const lost = RECORDS - nfLines;
  console.log(
    `collect: nfacctd wrote ${nfLines} of ${RECORDS} records (${lost > 0 ? `lost ${lost}, ${((100 * lost) / RECORDS).toFixed(1)} %` : "none lost"})` +
      `${nf.again > 0 ? `; its exit purge wrote ${nf.again} lines again (not counted)` : ""}`,
  );
  const rfmRate = rfmLines / rfm.wall;
  const nfRate = nfLines / nf.wall;
  console.log(
    nfLines > 0
      ? `collect: ratio rfm/nfacctd records_per_s=${(rfmRate / nfRate).toFixed(2)} (${Math.round(rfmRate)} / ${Math.round(nfRate)}; goal >= 4; rfm goal >= 1,500,000/s)`
      : "collect: ratio rfm/nfacctd records_per_s: none, nfacctd wrote nothing",
  );
  if (rfmLines !== RECORDS) console.log(`collect: WARNING rfm wrote ${rfmLines} of ${RECORDS} records`);

  for (const s of ["discard", "csv"]) {
    const out = join(dir, `rfm.${s}`);
    const r = await timed([CLI, "collect", "-t", "netflow", "--pcap", ipfix, "-f", "common", "-s", s, ...(s === "discard" ? [] : ["-o", out])]);
    row(`rfm ipfix common ${s}`, r, s === "discard" ? RECORDS : (await lines(out)) - 1);
  }
  for (const [name, make, type] of [["netflow-v5", v5Capture, "netflow"], ["netflow-v9", v9Capture, "netflow"], ["sflow", sflowCapture, "sflow"]] as const) {
    const file = join(dir, `${name}.pcap`);
    const n = name === "sflow" ? Math.min(RECORDS, 1_000_000) : RECORDS;
    writeFileSync(file, make(n));
    rmSync(ours, { force: true });
    const r = await timed([CLI, "collect", "-t", type, "--pcap", file, "-f", "common", "-s", "ndjson", "-o", ours]);
    row(`rfm ${name} common ndjson`, r, await lines(ours));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
