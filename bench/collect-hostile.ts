// A hostile exporter against the real `rfm collect` process: 10,000 source
// addresses on loopback (each its own UDP socket bound to 127.10.x.y) send
// IPFIX and NetFlow v9 defining 100,000 template IDs in all (9,990 ordinary
// sources with 4 data templates and an options template each, 10 flooders
// with 5,005 new template IDs each, IPFIX and v9: 6 with templates of 1,000
// fields, 4 with templates of 20), data for those templates,
// v9 data sent before its template (held, then decoded) and data for
// templates never defined (IPFIX: counted as unknown; v9: held until the
// cap or the age drops it); then one more source bursts 2,000 datagrams of
// 8,750 one-octet records each (the most records datagrams can bring at
// once). The collector's RSS (/proc/PID/status VmRSS, VmHWM) is read every
// 100 ms; the flood runs ROUNDS times with new source ports (new sessions,
// so everything churns again) and RSS is read after each part has settled
// (counters still, threads idle). At the end its Prometheus metrics are
// read: templates and their fields held (and the most seen), evictions (of
// them, by an exporter's own caps), held data and its drops, the exporter
// label cap ("other"), datagrams counted against datagrams sent.
// rfm runs as users run it: the `rfm` program, under its shebang's V8 flags,
// with the default settings but for the port and -s discard.
// Run as root: node dist/bench/collect-hostile.js [--rounds N] [--workers N] [--mbps M] [--raw]
//   (default 2 rounds, the CLI's default workers (the core count), 10 MB/s offered, -f common; --raw: -f raw)
import { spawn } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { encodeMessage, type FieldSpec, type Template } from "../src/ipfix/index.js";
import { encodeNetflowV9 } from "../src/netflow-v9/index.js";
import { freePort } from "../test/harness/ports.js";

const CLI = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const SOURCES = 10_000;
const FLOODERS = 10;
/** Per ordinary source: 4 data templates and 1 options template. */
const ORDINARY_TEMPLATES = 5;
const FLOOD_TEMPLATES = Math.ceil((100_000 - (SOURCES - FLOODERS) * ORDINARY_TEMPLATES) / FLOODERS);
/** Flooders 0, 1, 4, 5, 8, 9 define templates of this many fields (the field caps), the others of the ordinary 20 (the count caps). */
const FLOOD_FIELDS = 1000;
/** Flooders' datagrams stay under the collector's 9,216-octet receive slot. */
const FLOOD_DATAGRAM_OCTETS = 8800;

function arg(name: string, fallback: number | undefined): number | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer`);
  return n;
}
const ROUNDS = arg("--rounds", 2)!;
const WORKERS = arg("--workers", undefined);
const MBPS = arg("--mbps", 10)!;
const FORMAT = process.argv.includes("--raw") ? "raw" : "common";

// Elements with 4 octets on the wire (reduced-size counters included).
const FOUR_OCTETS = [8, 12, 10, 14, 1, 2, 15, 18];
const ORDINARY: FieldSpec[] = [
  { id: 8, length: 4 }, { id: 12, length: 4 }, { id: 7, length: 2 }, { id: 11, length: 2 }, { id: 4, length: 1 }, { id: 6, length: 1 }, { id: 5, length: 1 },
  { id: 10, length: 4 }, { id: 14, length: 4 }, { id: 1, length: 8 }, { id: 2, length: 8 }, { id: 152, length: 8 }, { id: 153, length: 8 },
  { id: 16, length: 4 }, { id: 17, length: 4 }, { id: 15, length: 4 }, { id: 9, length: 1 }, { id: 13, length: 1 }, { id: 61, length: 1 }, { id: 136, length: 1 },
];
const ORDINARY_RECORD = [
  "10.0.0.1", "192.0.2.1", 1234, 443, 6, 0x18, 0, 1, 2, 1500n, 3n, 1_700_000_000_000, 1_700_000_000_500, 64_500, 64_501, "192.0.2.254", 24, 24, 0, 1,
];
// NetFlow v9 knows types 1-127 only: sysUptime times (22, 21) and the IP version (60) stand in for 152, 153 and 136.
const ORDINARY_V9: FieldSpec[] = ORDINARY.map((f) => (f.id === 152 ? { id: 22, length: 4 } : f.id === 153 ? { id: 21, length: 4 } : f.id === 136 ? { id: 60, length: 1 } : f));
const ORDINARY_V9_RECORD = ORDINARY_RECORD.map((v, i) => (i === 11 ? 59_000 : i === 12 ? 59_500 : i === 19 ? 4 : v));
/** The options template: sampling per exporting process (IPFIX's scope element 144, v9's scope type 1, system). */
const SAMPLING = (id: number, v9: boolean): Template => ({ id, scopeFieldCount: 1, fields: [v9 ? { id: 1, length: 4, type: "unsigned32" } : { id: 144, length: 4 }, { id: 34, length: 4, type: "unsigned32" }] });
const big = (id: number): Template => ({ id, fields: Array.from({ length: FLOOD_FIELDS }, (_, i) => ({ id: FOUR_OCTETS[i % FOUR_OCTETS.length]!, length: 4 })) });

/** The datagrams one source sends, in order. */
function datagrams(source: number, round: number): Uint8Array[] {
  const v9 = source % 2 === 1;
  const msg = (domain: number, sets: Parameters<typeof encodeMessage>[0]["sets"]) =>
    v9 ? encodeNetflowV9({ sysUptime: 60_000, unixSecs: 1_700_000_000, sourceId: domain, sets: sets as never }) : encodeMessage({ exportTime: 1_700_000_000, observationDomainId: domain, sets });
  const out: Uint8Array[] = [];
  if (source < FLOODERS) {
    // One flooder: new template IDs, as many per datagram as fit.
    const template = (id: number): Template => (Math.floor(source / 2) % 2 === 0 ? big(id) : { id, fields: v9 ? ORDINARY_V9 : ORDINARY });
    const perDatagram = Math.max(1, Math.floor((FLOOD_DATAGRAM_OCTETS - 24) / (4 + 4 * template(256).fields.length)));
    for (let t = 0; t < FLOOD_TEMPLATES; t += perDatagram) {
      const templates = [];
      for (let k = t; k < Math.min(FLOOD_TEMPLATES, t + perDatagram); k++) templates.push(template(256 + k));
      out.push(msg(1, [{ kind: "templates", templates }]));
    }
    return out;
  }
  const fields = v9 ? ORDINARY_V9 : ORDINARY;
  const data = Array.from({ length: ORDINARY_TEMPLATES - 1 }, (_, k): Template => ({ id: 256 + k, fields }));
  const sampling = SAMPLING(256 + ORDINARY_TEMPLATES - 1, v9);
  const records = (n: number) => Array.from({ length: n }, () => (v9 ? ORDINARY_V9_RECORD : ORDINARY_RECORD));
  // v9 may send data before its template: held, then decoded when the template comes.
  if (v9) out.push(msg(1, [{ kind: "data", template: data[0]!, records: records(3) }]));
  out.push(msg(1, [{ kind: "templates", templates: data }, { kind: "templates", options: true, templates: [sampling] }]));
  out.push(msg(1, [{ kind: "data", template: sampling, records: [[1, 100 + round]] }, ...data.map((t) => ({ kind: "data" as const, template: t, records: records(5) }))]));
  // Data for templates never defined: IPFIX counts it as unknown, v9 holds it for a template that never comes.
  // Two sets of about 3.9 KB: 1,024 held of them pass the 4 MiB cap on held octets.
  const never = Array.from({ length: 2 }, (_, k): Template => ({ id: 40_000 + k, fields }));
  out.push(msg(1, never.map((t) => ({ kind: "data" as const, template: t, records: records(60) }))));
  return out;
}

const address = (source: number) => `127.10.${1 + Math.floor(source / 250)}.${1 + (source % 250)}`;

interface Status { rss: number; hwm: number }
function status(pid: number): Status | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(s)?.[1] ?? NaN) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return undefined;
  }
}

const mb = (n: number) => (n / 1048576).toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends every source's datagrams (made beforehand) from its own socket, paced to MBPS; returns datagrams and octets sent. */
async function flood(port: number, round: number): Promise<{ datagrams: number; octets: number; seconds: number }> {
  const all = Array.from({ length: SOURCES }, (_, i) => datagrams(i, round));
  let datagramsSent = 0;
  let octets = 0;
  const t0 = performance.now();
  const GROUP = 250;
  for (let from = 0; from < SOURCES; from += GROUP) {
    const ids = Array.from({ length: Math.min(GROUP, SOURCES - from) }, (_, k) => from + k);
    const sockets = await Promise.all(ids.map((i) => new Promise<Socket>((resolve, reject) => {
      const s = createSocket("udp4");
      s.once("error", reject);
      s.bind(0, address(i), () => resolve(s));
    })));
    const queues = ids.map((i) => all[i]!);
    let pending = 0;
    // Round-robin over the group's sources, so each source's datagrams keep their order and sources interleave.
    for (let step = 0; queues.some((q) => step < q.length); step++) {
      for (let k = 0; k < queues.length; k++) {
        const d = queues[k]![step];
        if (!d) continue;
        while (octets > (MBPS * 1e6 * (performance.now() - t0)) / 1000) await sleep(1);
        pending++;
        sockets[k]!.send(d, port, "127.0.0.1", () => pending--);
        datagramsSent++;
        octets += d.length;
      }
    }
    while (pending > 0) await sleep(1);
    await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
  return { datagrams: datagramsSent, octets, seconds: (performance.now() - t0) / 1000 };
}

/** Records of one octet each: the most flow records a datagram can hold. */
const DENSE: Template = { id: 256, fields: [{ id: 4, length: 1 }] };
const DENSE_DATAGRAMS = 2000;

/**
 * One more source defines a template of one 1-octet field and sends a burst
 * of datagrams with 8,750 records each, unpaced, so the collector reads them
 * in full batches (the most records a batch can bring).
 */
async function denseBurst(port: number): Promise<{ datagrams: number; records: number }> {
  const s = await new Promise<Socket>((resolve, reject) => {
    const sock = createSocket("udp4");
    sock.once("error", reject);
    sock.bind(0, "127.10.250.1", () => resolve(sock));
  });
  const PER = 8750;
  const data = encodeMessage({ observationDomainId: 1, sets: [{ kind: "data", template: DENSE, records: Array.from({ length: PER }, (_, i) => [i % 256]) }] });
  const send = (d: Uint8Array) => new Promise<void>((r) => s.send(d, port, "127.0.0.1", () => r()));
  await send(encodeMessage({ observationDomainId: 1, sets: [{ kind: "templates", templates: [DENSE] }] }));
  await sleep(200);
  await Promise.all(Array.from({ length: DENSE_DATAGRAMS }, () => send(data)));
  await new Promise<void>((r) => s.close(() => r()));
  return { datagrams: DENSE_DATAGRAMS + 1, records: DENSE_DATAGRAMS * PER };
}

const scrape = async (port: number) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

/** CPU seconds the process used so far (user and system, all threads). */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8");
  const x = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return (Number(x[11]) + Number(x[12])) / 100;
}

/**
 * Waits until the collector has done what it is going to: its counters still
 * and its threads all but idle (under a quarter of a core; a scrape costs
 * some) for 4 s. A worker busy with a long batch posts no counters, so still
 * counters alone do not tell.
 */
async function settled(port: number, pid: number): Promise<string> {
  let last = -1;
  let cpu = cpuSeconds(pid);
  for (let still = 0; ; ) {
    await sleep(1000);
    const text = await scrape(port);
    const n = metric(text, "rfm_collect_datagrams_total");
    const now = cpuSeconds(pid);
    still = n === last && now - cpu < 0.25 ? still + 1 : 0;
    last = n;
    cpu = now;
    if (still >= 4) return text;
  }
}

function metric(text: string, name: string, labels?: RegExp): number {
  let n = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name) || (line[name.length] !== " " && line[name.length] !== "{")) continue;
    if (labels && !labels.test(line)) continue;
    n += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return n;
}

// Every kind of source encodes before the collector starts (a mistake here is the bench's own).
for (const source of [0, 1, FLOODERS, FLOODERS + 1]) datagrams(source, 1);
const metricsPort = await freePort("127.0.0.1");
const argv = ["collect", "-t", "netflow", "-H", "127.0.0.1", "-p", "0", "-f", FORMAT, "-s", "discard", "--metrics-host", "127.0.0.1", "--metrics-port", String(metricsPort), ...(WORKERS ? ["--workers", String(WORKERS)] : [])];
const child = spawn(CLI, argv, { stdio: ["ignore", "ignore", "pipe"] });
let stderr = "";
child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
const exited = new Promise<number | null>((r) => child.once("exit", r));
for (let waited = 0; !/listening on 127\.0\.0\.1:(\d+)/.test(stderr); waited += 20) {
  if (waited > 10_000 || child.exitCode !== null) throw new Error(`rfm collect did not start: ${stderr}`);
  await sleep(20);
}
// The flood and the readings; the collector is stopped whatever happens.
let text = "";
let peak = 0;
let mostFields = 0;
let mostHeld = 0;
let idle: Status = { rss: 0, hwm: 0 };
let end: Status = { rss: 0, hwm: 0 };
let sent = 0;
let sentOctets = 0;
try {
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(stderr)![1]);
  const workers = /(\d+) workers\)/.exec(stderr)?.[1] ?? "1";
  const pid = child.pid!;
  const sampler = setInterval(() => (peak = Math.max(peak, status(pid)?.rss ?? 0)), 100);
  // The most template fields and held octets at any time (a scrape every 2 s: it costs the collector some CPU).
  const watcher = setInterval(() => {
    scrape(metricsPort).then((t) => {
      mostFields = Math.max(mostFields, metric(t, "rfm_collect_template_fields"));
      mostHeld = Math.max(mostHeld, metric(t, "rfm_collect_held_octets"));
    }, () => undefined);
  }, 2000);
  await sleep(1000);
  idle = status(pid)!;
  console.log(`collect-hostile: rfm collect -f ${FORMAT} -s discard workers=${workers} sources=${SOURCES} flooders=${FLOODERS} template_ids=${(SOURCES - FLOODERS) * ORDINARY_TEMPLATES + FLOODERS * FLOOD_TEMPLATES} per_round flood_template_fields=${FLOOD_FIELDS},20 offered_mbps=${MBPS}`);
  console.log(`collect-hostile: idle rss_mb=${mb(idle.rss)}`);
  for (let round = 1; round <= ROUNDS; round++) {
    const r = await flood(port, round);
    sent += r.datagrams;
    sentOctets += r.octets;
    let t = await settled(metricsPort, pid);
    let after = status(pid)!;
    console.log(
      `collect-hostile: round ${round} datagrams=${r.datagrams} octets_mb=${mb(r.octets)} send_s=${r.seconds.toFixed(1)} achieved_mbps=${(r.octets / 1e6 / r.seconds).toFixed(1)} ` +
        `counted_so_far=${metric(t, "rfm_collect_datagrams_total")} peak_rss_mb=${mb(peak)} rss_settled_mb=${mb(after.rss)}`,
    );
    const dense = await denseBurst(port);
    sent += dense.datagrams;
    t = await settled(metricsPort, pid);
    after = status(pid)!;
    console.log(
      `collect-hostile: round ${round} dense burst datagrams=${dense.datagrams} records=${dense.records} counted_so_far=${metric(t, "rfm_collect_datagrams_total")} ` +
        `flows_so_far=${metric(t, "rfm_collect_flows_total")} peak_rss_mb=${mb(peak)} rss_settled_mb=${mb(after.rss)}`,
    );
  }
  // Held v9 data ages out 10 s after it came; what is held by then is dropped by the next datagram that holds or brings templates.
  await sleep(11_000);
  text = await settled(metricsPort, pid);
  end = status(pid)!;
  clearInterval(sampler);
  clearInterval(watcher);
} finally {
  child.kill("SIGINT");
  await exited;
}
const counted = metric(text, "rfm_collect_datagrams_total");
const labels = new Set([...text.matchAll(/^rfm_collect_datagrams_total\{[^}]*exporter="([^"]+)"/gm)].map((m) => m[1]));
const summary = /(\d+) datagrams, (\d+) records/.exec(stderr);
const drops = /kernel drops (\d+), queue drops (\d+)/.exec(stderr);
console.log(`collect-hostile: rss peak_mb=${mb(Math.max(peak, end.hwm))} (VmHWM) end_mb=${mb(end.rss)} idle_mb=${mb(idle.rss)}`);
console.log(
  `collect-hostile: templates held=${metric(text, "rfm_collect_templates")} evictions_total_cap=${metric(text, "rfm_collect_template_evictions_total")} ` +
    `of_them_by_exporter_cap=${metric(text, "rfm_collect_template_exporter_evictions_total")} expirations=${metric(text, "rfm_collect_template_expirations_total")} ` +
    `fields_held=${metric(text, "rfm_collect_template_fields")} (most seen ${mostFields})`,
);
console.log(
  `collect-hostile: held_v9_flowsets=${metric(text, "rfm_collect_held_flowsets")} held_octets=${metric(text, "rfm_collect_held_octets")} (most seen ${mostHeld}) ` +
    `dropped_full=${metric(text, "rfm_collect_held_dropped_total", /reason="full"/)} dropped_expired=${metric(text, "rfm_collect_held_dropped_total", /reason="expired"/)} ` +
    `unknown_template_errors=${metric(text, "rfm_collect_parse_errors_total", /reason="unknown_template"/)}`,
);
console.log(
  `collect-hostile: exporter labels=${labels.size} (${labels.has("other") ? `"other" datagrams=${metric(text, "rfm_collect_datagrams_total", /exporter="other"/)}` : 'no "other"'}) ` +
    `flows_decoded=${metric(text, "rfm_collect_flows_total")}`,
);
console.log(
  `collect-hostile: datagrams sent=${sent} (${mb(sentOctets)} MB) counted_by_metrics=${counted} counted_by_summary=${summary?.[1]} kernel_drops=${drops?.[1]} queue_drops=${drops?.[2]}`,
);
