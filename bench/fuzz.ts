// Fuzzing at scale: every decoder of bytes from outside (IPFIX with its
// template cache, NetFlow v5, NetFlow v9 with its template cache, sFlow v5 with its sampled headers, pcap and pcapng files, frames to UDP datagrams with IP fragment reassembly, the reassembly alone, the BMP framer and decoder, rtnetlink link messages, ring
// events into the flow table, the TOML config, control requests) gets N cases
// (default 1,000,000) of mutated real captures and random bytes, each decoder
// in a worker thread of its own. One row per decoder: cases, cases/s, crashes
// (an exception outside the decoder's contract, or a result that breaks it),
// hangs (one case over 100 ms), peak V8 heap. When anything crashed or hung
// it prints the first inputs as hex, saves them under a temp dir and exits 1.
// Run: node dist/bench/fuzz.js [--cases N] [--only NAME[,NAME...]] [--seed S]
//      node dist/bench/fuzz.js --only NAME --seed S --case K   (one case again, after the cases of its epoch before it)
import { mkdtempSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { CampaignResult } from "../test/fuzz/campaign.js";
import { describeFinding, type Finding } from "../test/fuzz/finding.js";
import { runIsolated } from "../test/fuzz/isolated.js";
import { createTarget, TARGET_NAMES } from "../test/fuzz/targets/index.js";

const USAGE = "usage: node dist/bench/fuzz.js [--cases N] [--only NAME[,NAME...]] [--seed S] [--case K]";
const DEFAULT_SEED = 0x5eed;

function options(argv: string[]): { cases: number; only: string[]; seed: number; replay?: number } {
  const o = { cases: 1_000_000, only: [...TARGET_NAMES], seed: DEFAULT_SEED, replay: undefined as number | undefined };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    const int = () => {
      const n = Number(value);
      if (value === undefined || !Number.isSafeInteger(n) || n < 0) usage(`${argv[i]} needs a non-negative integer`);
      i++;
      return n;
    };
    if (argv[i] === "--cases") o.cases = int();
    else if (argv[i] === "--seed") o.seed = int();
    else if (argv[i] === "--case") o.replay = int();
    else if (argv[i] === "--only" && value) {
      o.only = value.split(",");
      i++;
      const unknown = o.only.filter((n) => !TARGET_NAMES.includes(n));
      if (unknown.length > 0) usage(`no decoder ${unknown.join(", ")}; known: ${TARGET_NAMES.join(", ")}`);
    } else usage(`unknown argument ${argv[i]}`);
  }
  if (o.replay !== undefined && o.only.length !== 1) usage("--case needs --only with one decoder");
  return o;
}

function usage(why: string): never {
  console.error(`${why}\n${USAGE}`);
  process.exit(2);
}

const mib = (b: number) => (b / 1048576).toFixed(1);
const thousands = (n: number) => Math.round(n).toLocaleString("en-US");

function row(cells: string[]): string {
  const widths = [12, 11, 11, 8, 6, 15, 9];
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" ");
}

const o = options(process.argv.slice(2));
console.log(`fuzz: node ${process.version}, ${cpus()[0]?.model ?? "cpu"} x ${cpus().length}, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}, seed ${o.seed}`);

if (o.replay !== undefined) {
  // The case again, after the cases of its epoch before it (the state it met).
  const name = o.only[0];
  const epoch = createTarget(name).epoch;
  const from = o.replay - (o.replay % epoch);
  const r = await runIsolated({ target: name, seed: o.seed, from, to: o.replay + 1, keep: Infinity });
  const hit = r.findings.find((f) => f.caseIndex === o.replay);
  console.log(hit ? describeFinding(hit) : `${name} case ${o.replay} of seed ${o.seed}: no crash, no hang (after cases ${from}..${o.replay - 1})`);
  process.exit(hit ? 1 : 0);
}

console.log(row(["decoder", "cases", "cases/s", "crashes", "hangs", "peak heap MiB", "seconds"]));
const results: CampaignResult[] = [];
for (const name of o.only) {
  const r = await runIsolated({ target: name, seed: o.seed, to: o.cases });
  results.push(r);
  console.log(row([name, thousands(r.cases), Number.isNaN(r.seconds) ? "-" : thousands(r.cases / r.seconds), String(r.crashes), String(r.hangs), Number.isNaN(r.peakHeapBytes) ? "-" : mib(r.peakHeapBytes), Number.isNaN(r.seconds) ? "-" : r.seconds.toFixed(1)]));
}

const findings: Finding[] = results.flatMap((r) => r.findings.slice(0, 3));
if (findings.length > 0) {
  const dir = mkdtempSync(join(tmpdir(), "rfm-fuzz-"));
  console.log("");
  for (const f of findings) {
    const base = join(dir, `${f.target}-seed${f.seed}-case${f.caseIndex}`);
    writeFileSync(`${base}.bin`, f.input);
    writeFileSync(`${base}.txt`, `${describeFinding(f)}\n`);
    console.log(`${describeFinding(f)}\n`);
  }
  console.log(`inputs saved under ${dir}`);
}
process.exit(results.some((r) => r.crashes + r.hangs > 0) ? 1 : 0);
