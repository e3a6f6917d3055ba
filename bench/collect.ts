// `rfm collect --pcap` against nfacctd on the same capture, in one run: an
// IPFIX pcap of 3,000,000 records (100,000 messages of 30, templates every
// 1,000 messages), decoded to NDJSON by both (nfacctd: pcap_savefile, the
// print plugin writing JSON per flow, aggregated on the 5-tuple and the
// timestamps, so every record is its own line, with the large plugin pipes
// lab.md asks for, written out every second). Prints records/s for each, wall and CPU seconds, and the
// ratio; then rfm's rows for -s discard and csv, and for NetFlow v5, v9 and
// sFlow captures of the same flows. Each side's output line count is checked
// against the records in the capture.
// rfm runs as users run it: the `rfm` program, under its shebang's V8 flags.
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

async function lines(path: string): Promise<number> {
  let n = 0;
  if (!existsSync(path)) return 0; // a run that wrote nothing (nfacctd's print plugin, when its cache overflows badly)
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
    "daemonize: false", `pcap_savefile: ${ipfix}`, "nfacctd_time_new: true", "plugins: print[out]",
    "aggregate[out]: src_host, dst_host, src_port, dst_port, proto, timestamp_start, timestamp_end",
    "print_output[out]: json", `print_output_file[out]: ${nfOut}`, "print_refresh_time[out]: 1", "print_output_file_append[out]: true",
    "plugin_pipe_size[out]: 1024000000", "plugin_buffer_size[out]: 10240000",
    // The print plugin's cache holds 16,411 flows by default and drops what does not fit until the next
    // refresh: 262,147 entries (about 4 KB each; 600,001 made it write nothing at all) emptied every second.
    "print_cache_entries[out]: 262147", "",
  ].join("\n"));
  const nf = await timed(["nfacctd", "-f", join(dir, "nfacctd.conf")]);
  const nfLines = await lines(nfOut);
  const row = (name: string, r: { wall: number; cpu: number }, n: number) =>
    console.log(`collect: ${name} records=${n} wall_s=${r.wall.toFixed(2)} cpu_s=${r.cpu.toFixed(2)} records_per_s=${Math.round(n / r.wall)}`);
  row("rfm ipfix common ndjson", rfm, rfmLines);
  row("nfacctd ipfix json", nf, nfLines);
  // nfacctd read every record even when its cache dropped some before writing: its rate over the whole capture too.
  console.log(`collect: nfacctd records read=${RECORDS} records_read_per_s=${Math.round(RECORDS / nf.wall)} written=${nfLines}`);
  console.log(`collect: ratio rfm/nfacctd records_per_s=${(rfmLines / rfm.wall / (nfLines / nf.wall)).toFixed(2)} over records read=${(rfmLines / rfm.wall / (RECORDS / nf.wall)).toFixed(2)} (goal >= 4; rfm goal >= 1,500,000/s)`);
  if (rfmLines !== RECORDS) console.log(`collect: WARNING rfm wrote ${rfmLines} of ${RECORDS} records`);
  if (nfLines !== RECORDS) console.log(`collect: WARNING nfacctd wrote ${nfLines} of ${RECORDS} records`);

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
