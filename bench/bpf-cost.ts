// In-program cost per packet of rfm_tc_ingress, measured with
// BPF_PROG_TEST_RUN on a 60-byte Ethernet+IPv4+UDP frame at sample rates
// 1, 10, 100 and 1000, minus an empty TC program measured in the same rounds:
// what remains is the datapath's own work (test-run's loop cost cancels out).
// Rows are interleaved within each round, in an order rotated every round;
// medians over the rounds are printed. Figures only: it never passes or fails.
//
// Run: node dist/bench/bpf-cost.js [--compare label=other.o ...] [--rounds N] [--repeat N]
// --compare measures other builds of bpf/rfm_tc.c in the same rounds (before/after).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { arch, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadAddon, type NativeAddon, type ObjectHandle, type RingHandle } from "../src/bpf/addon.js";
import { BPF_OBJECT_PATH, Datapath } from "../src/bpf/datapath.js";
import { EVENT_SIZE } from "../src/bpf/layout.js";
import { ipv4Udp } from "../test/bpf/frames.js";
import { skbCtx } from "../test/bpf/skb-ctx.js";

const EMPTY_TC = `
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("tc")
int empty(struct __sk_buff *s)
{
	return -1;
}
char LICENSE[] SEC("license") = "GPL";
`;

const { values: args } = parseArgs({
  options: {
    compare: { type: "string", multiple: true, default: [] },
    rounds: { type: "string", default: "9" },
    repeat: { type: "string", default: "1000000" },
  },
});
const ROUNDS = Number(args.rounds);
const REPEAT = Number(args.repeat);
const RATES = [1, 10, 100, 1000];
/**
 * The automatic wakeup_batch of the default 256 KiB ring (a quarter of it):
 * the ring is not read during a run, so a wakeup comes every 910 events, as
 * often as a reader that keeps up with the default ring is woken.
 */
const WAKEUP_BATCH = Math.floor((1 << 18) / 4 / 72);
/** Never reached: every submit is BPF_RB_NO_WAKEUP, isolating the wakeup cost. */
const NO_WAKEUP_BATCH = 2 ** 32 - 1;
/** Room for every event of one N=1 run: the ring never fills mid-run. */
const BIG_RING = 1 << 27;
/** Full after ~900 events: N=1 then mostly measures the ring-full (drop) path. */
const SMALL_RING = 1 << 16;

const FRAME = ipv4Udp("192.0.2.1", "198.51.100.1", 40000, 53, 18); // 14 + 20 + 8 + 18 = 60 bytes

function compileEmpty(dir: string): string {
  const multiarch = arch() === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  writeFileSync(join(dir, "empty.c"), EMPTY_TC);
  execFileSync("clang", ["-target", "bpf", "-O2", "-g", `-I/usr/include/${multiarch}`, "-c", join(dir, "empty.c"), "-o", join(dir, "empty.o")]);
  return join(dir, "empty.o");
}

/** One loaded object with a ring reader that only counts. */
class Loaded {
  readonly dp: Datapath;
  private readonly ring: RingHandle;
  events = 0;
  constructor(
    private readonly addon: NativeAddon,
    objectPath: string,
    ringBufSize: number,
    preciseClock = false,
  ) {
    this.dp = Datapath.open({ objectPath, ringBufSize, ifaceStatsSize: 4096, sampleRate: 1, wakeupBatch: WAKEUP_BATCH, preciseClock });
    this.ring = addon.ringOpen(this.dp.eventsFd, EVENT_SIZE, 4096, (_batch, count) => {
      this.events += count;
    });
  }
  drain(): void {
    this.addon.ringDrain(this.ring);
  }
  close(): void {
    this.addon.ringClose(this.ring);
    this.dp.close();
  }
}

interface Row {
  object: string;
  what: string;
  rate: number;
  wakeupBatch: number;
  target: Loaded | null; // null: the empty program
  kernelNs: number[]; // test-run's own per-run average, whole ns
  wallNs: number[]; // wall clock around the syscall / repeat, fractional
  events: number[];
  drops: number[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function measure(addon: NativeAddon, row: Row, emptyFd: number, ctx: Buffer): void {
  const l = row.target;
  l?.dp.setConfig(row.rate, row.wakeupBatch);
  const events0 = l?.events ?? 0;
  const drops0 = l?.dp.readCpuState().ringDrops ?? 0;
  const t0 = process.hrtime.bigint();
  const r = addon.testRun(l ? l.dp.ingressFd : emptyFd, FRAME, REPEAT, ctx);
  const wall = Number(process.hrtime.bigint() - t0) / REPEAT;
  l?.drain(); // the next run starts with an empty ring
  row.kernelNs.push(r.durationNs);
  row.wallNs.push(wall);
  row.events.push((l?.events ?? 0) - events0);
  row.drops.push((l?.dp.readCpuState().ringDrops ?? 0) - drops0);
}

function rowsFor(addon: NativeAddon, object: string, path: string, loaded: Loaded[]): Row[] {
  const big = new Loaded(addon, path, BIG_RING);
  const small = new Loaded(addon, path, SMALL_RING);
  const precise = new Loaded(addon, path, BIG_RING, true);
  loaded.push(big, small, precise);
  const row = (what: string, rate: number, wakeupBatch: number, target: Loaded): Row =>
    ({ object, what, rate, wakeupBatch, target, kernelNs: [], wallNs: [], events: [], drops: [] });
  return [
    ...RATES.map((n) => row(`N=${n}`, n, WAKEUP_BATCH, big)),
    row("N=1, no forced wakeups", 1, NO_WAKEUP_BATCH, big),
    row("N=1, ring full", 1, WAKEUP_BATCH, small),
    row("N=1, precise timestamps", 1, WAKEUP_BATCH, precise),
  ];
}

function main(): void {
  const addon = loadAddon();
  const dir = mkdtempSync(join(tmpdir(), "rfm-bench-"));
  const loaded: Loaded[] = [];
  let emptyObj: ObjectHandle | undefined;
  try {
    emptyObj = addon.objectOpen(compileEmpty(dir), {});
    const emptyFd = addon.programFd(emptyObj, "empty");
    const objects: [string, string][] = args.compare.map((c) => {
      const at = c.indexOf("=");
      if (at < 1) throw new Error(`--compare wants label=path, got ${c}`);
      return [c.slice(0, at), c.slice(at + 1)];
    });
    objects.push(["rfm", BPF_OBJECT_PATH]);

    const empty: Row = { object: "empty", what: "", rate: 0, wakeupBatch: 0, target: null, kernelNs: [], wallNs: [], events: [], drops: [] };
    const rows = [empty, ...objects.flatMap(([label, path]) => rowsFor(addon, label, path, loaded))];
    const ctx = skbCtx({ ifindex: 1 });

    // Warm-up: JIT images, caches, per-CPU map slots, the interface key. Not recorded.
    for (const row of rows) measure(addon, { ...row, kernelNs: [], wallNs: [], events: [], drops: [] }, emptyFd, ctx);

    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < rows.length; i++) measure(addon, rows[(i + round) % rows.length], emptyFd, ctx);
    }

    const kernel = execFileSync("uname", ["-r"]).toString().trim();
    console.log(`bpf-cost: ${FRAME.length}-byte IPv4/UDP frame on lo ingress, ${REPEAT.toLocaleString("en")} runs per measurement, ${ROUNDS} rounds, kernel ${kernel}`);
    console.log(`empty TC program: ${median(empty.kernelNs)} ns per run (test-run timer), ${median(empty.wallNs).toFixed(1)} ns (wall)`);
    console.log("net = gross - empty of the same round; medians. gross/net: test-run's timer (whole ns); wall: clock around the syscall");
    console.log("");
    console.log(`${"object".padEnd(10)} ${"rows".padEnd(24)} ${"gross".padStart(6)} ${"net".padStart(5)} ${"net wall".padStart(9)} ${"events/run".padStart(11)} ${"drops/run".padStart(10)}`);
    for (const row of rows.slice(1)) {
      const net = median(row.kernelNs.map((k, i) => k - empty.kernelNs[i]));
      const netWall = median(row.wallNs.map((w, i) => w - empty.wallNs[i]));
      console.log(
        `${row.object.padEnd(10)} ${row.what.padEnd(24)} ${String(median(row.kernelNs)).padStart(6)} ${String(net).padStart(5)} ` +
          `${netWall.toFixed(1).padStart(9)} ${String(median(row.events)).padStart(11)} ${String(median(row.drops)).padStart(10)}`,
      );
    }
    console.log("");
    console.log(`wakeup_batch ${WAKEUP_BATCH} (the automatic one of the default ring), "tick" timestamps (the default) unless told; ring ${BIG_RING >> 20} MiB, drained between runs; "ring full": ${SMALL_RING >> 10} KiB`);
    console.log("goals (issue): net <= 10 ns at N = 100, <= 60 ns at N = 1");
    console.log("");
    // Load time is the verifier's: the agent pays it at start and once per metered network namespace.
    for (const [label, path] of objects) {
      const loads: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = process.hrtime.bigint();
        addon.objectClose(addon.objectOpen(path, {}));
        loads.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      console.log(`${label.padEnd(10)} object load (verifier included), median of 5: ${median(loads).toFixed(1)} ms`);
    }
  } finally {
    for (const l of loaded) l.close();
    if (emptyObj) addon.objectClose(emptyObj);
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
