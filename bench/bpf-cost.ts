// In-program cost per packet of rfm_tc_ingress, measured with
// BPF_PROG_TEST_RUN on a 60-byte Ethernet+IPv4+UDP frame at sample rates
// 1, 10, 100 and 1000, minus an empty TC program run in the same rounds, so
// what remains is the datapath's own work (test-run's loop cost cancels out).
// Rows are interleaved within each round; medians over the rounds are printed.
// Prints figures only; it never passes or fails.
// Run: node dist/bench/bpf-cost.js [--baseline other-rfm_tc.o] [--rounds N] [--repeat N]
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { arch, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadAddon, type NativeAddon, type RingHandle } from "../src/bpf/addon.js";
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
    baseline: { type: "string" },
    rounds: { type: "string", default: "9" },
    repeat: { type: "string", default: "1000000" },
  },
});
const ROUNDS = Number(args.rounds);
const REPEAT = Number(args.repeat);
const RATES = [1, 10, 100, 1000];
const WAKEUP_BATCH = 64; // the config default
/** Room for every event of one N=1 run, so the ring never fills mid-run. */
const BIG_RING = 1 << 27;
/** A ring that is full almost at once: N=1 then measures the drop path. */
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
  readonly ring: RingHandle;
  events = 0;
  constructor(
    private readonly addon: NativeAddon,
    readonly label: string,
    objectPath: string,
    ringBufSize: number,
  ) {
    this.dp = Datapath.open({ objectPath, ringBufSize, ifaceStatsSize: 4096, sampleRate: 1, wakeupBatch: WAKEUP_BATCH });
    this.ring = addon.ringOpen(this.dp.eventsFd, EVENT_SIZE, 4096, (_b, count) => {
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
  label: string;
  rate: number;
  obj: Loaded | null; // null: the empty program
  kernelNs: number[]; // test-run's own per-run average (whole ns)
  wallNs: number[]; // wall clock around the syscall / repeat
  events: number[]; // events read after each measurement
  drops: number[]; // ring drops during each measurement
}

function measure(addon: NativeAddon, fd: number, ctx: Buffer): { kernel: number; wall: number } {
  const t0 = process.hrtime.bigint();
  const r = addon.testRun(fd, FRAME, REPEAT, ctx);
  const wall = Number(process.hrtime.bigint() - t0) / REPEAT;
  return { kernel: r.durationNs, wall };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function main(): void {
  const addon = loadAddon();
  const dir = mkdtempSync(join(tmpdir(), "rfm-bench-"));
  const loaded: Loaded[] = [];
  let emptyObj: ReturnType<NativeAddon["objectOpen"]> | undefined;
  try {
    emptyObj = addon.objectOpen(compileEmpty(dir), {});
    const emptyFd = addon.programFd(emptyObj, "empty");
    const objects: [string, string][] = [["rfm", BPF_OBJECT_PATH]];
    if (args.baseline) objects.unshift(["baseline", args.baseline]);

    const rows: Row[] = [{ label: "empty", rate: 0, obj: null, kernelNs: [], wallNs: [], events: [], drops: [] }];
    for (const [label, path] of objects) {
      const big = new Loaded(addon, label, path, BIG_RING);
      const small = new Loaded(addon, `${label} ring full`, path, SMALL_RING);
      loaded.push(big, small);
      for (const rate of RATES) rows.push({ label, rate, obj: big, kernelNs: [], wallNs: [], events: [], drops: [] });
      rows.push({ label: small.label, rate: 1, obj: small, kernelNs: [], wallNs: [], events: [], drops: [] });
    }
    const ctx = skbCtx({ ifindex: 1 });

    // Warm-up: JIT images and caches, per-CPU map slots, the interface key.
    for (const row of rows) measure(addon, row.obj ? row.obj.dp.ingressFd : emptyFd, ctx);
    for (const l of loaded) l.drain();

    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order each round so no row always follows the same one.
      const order = rows.map((_, i) => rows[(i + round) % rows.length]);
      for (const row of order) {
        const obj = row.obj;
        obj?.dp.setConfig(row.rate, WAKEUP_BATCH);
        const events0 = obj?.events ?? 0;
        const drops0 = obj?.dp.readCpuState().ringDrops ?? 0;
        const m = measure(addon, obj ? obj.dp.ingressFd : emptyFd, ctx);
        obj?.drain(); // between runs: the next run starts with an empty ring
        row.kernelNs.push(m.kernel);
        row.wallNs.push(m.wall);
        row.events.push((obj?.events ?? 0) - events0);
        row.drops.push((obj?.dp.readCpuState().ringDrops ?? 0) - drops0);
      }
    }

    const empty = rows[0];
    console.log(`bpf-cost: ${FRAME.length}-byte IPv4/UDP frame, ${REPEAT.toLocaleString("en")} runs per measurement, ${ROUNDS} rounds, kernel ${execFileSync("uname", ["-r"]).toString().trim()}`);
    console.log(`empty TC program: ${median(empty.kernelNs)} ns (test-run timer), ${median(empty.wallNs).toFixed(1)} ns (wall)`);
    console.log("");
    console.log("object                 N  gross ns  net ns  net ns (wall)  events/run  ring drops/run");
    for (const row of rows.slice(1)) {
      const nets = row.kernelNs.map((k, i) => k - empty.kernelNs[i]);
      const wallNets = row.wallNs.map((w, i) => w - empty.wallNs[i]);
      console.log(
        [
          row.label.padEnd(20),
          String(row.rate).padStart(4),
          String(median(row.kernelNs)).padStart(9),
          String(median(nets)).padStart(7),
          median(wallNets).toFixed(1).padStart(14),
          String(median(row.events)).padStart(11),
          String(median(row.drops)).padStart(15),
        ].join(" "),
      );
    }
    console.log("");
    console.log("gross/net: test-run's timer (whole ns per run, medians); wall: clock around the syscall, fractional");
    console.log("goals (issue): net <= 10 ns at N = 100, <= 60 ns at N = 1");
  } finally {
    for (const l of loaded) l.close();
    if (emptyObj) addon.objectClose(emptyObj);
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
