// Consumer, userspace alone: events per second decoded and aggregated into the
// flow table (eviction bookkeeping and Prometheus tuples included) on one core,
// from recorded batches with 1k, 64k and 1M distinct flows.
// Run: node dist/bench/consumer.js
import { FlowTable } from "../src/flow/table.js";
import { Rollups } from "../src/flow/rollups.js";
import { EVENT_SIZE } from "../src/bpf/layout.js";
import { encodeEvent } from "../src/bpf/event.js";

const BATCH = 4096;
const TOTAL_EVENTS = 8_000_000;

function recorded(distinct: number, events: number): Uint8Array {
  const buf = new Uint8Array(events * EVENT_SIZE);
  const src = new Uint8Array(16);
  const dst = new Uint8Array(16);
  src[10] = dst[10] = src[11] = dst[11] = 0xff;
  src[12] = 10;
  dst[12] = 192;
  dst[13] = 168;
  for (let i = 0; i < events; i++) {
    const flow = (i * 2654435761) % distinct; // spread, every flow recurs
    src[13] = (flow >> 16) & 0xff;
    src[14] = (flow >> 8) & 0xff;
    src[15] = flow & 0xff;
    encodeEvent(
      {
        tstampNs: BigInt(1_000_000_000 + i * 100), ifindex: 2 + (flow & 1), dir: flow & 1, proto: flow % 3 === 0 ? 6 : 17, segs: 1,
        src, dst, sport: 1024 + (flow % 50000), dport: 443, len: 1514, l2Len: 14, family: 4, flags: 0, sampleRate: 100,
      },
      buf,
      i * EVENT_SIZE,
    );
  }
  return buf;
}

function run(distinct: number): void {
  const events = Math.max(distinct * 2, 2_000_000);
  const data = recorded(distinct, Math.min(events, 4_000_000));
  const n = data.length / EVENT_SIZE;
  const maxFlows = 65536;
  const rollups = new Rollups(maxFlows, maxFlows, 300_000);
  const table = new FlowTable({ maxFlows, evictionTimeoutMs: 30_000, activeTimeoutMs: 60_000, sink: () => undefined, observer: rollups });
  // One reusable batch buffer, like the addon's: copy a window in, ingest it.
  const batch = new Uint8Array(BATCH * EVENT_SIZE);
  const feed = (limit: number) => {
    let done = 0;
    let off = 0;
    while (done < limit) {
      const count = Math.min(BATCH, limit - done, n - off);
      batch.set(data.subarray(off * EVENT_SIZE, (off + count) * EVENT_SIZE));
      table.ingest(batch, count, 0);
      done += count;
      off = (off + count) % n;
    }
  };
  feed(Math.min(n, 1_000_000)); // warm-up: JIT and table fill
  const t0 = process.hrtime.bigint();
  feed(TOTAL_EVENTS);
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = TOTAL_EVENTS / sec;
  console.log(
    `consumer distinct_flows=${distinct} events=${TOTAL_EVENTS} seconds=${sec.toFixed(3)} events_per_sec=${(rate / 1e6).toFixed(2)}M ` +
      `live_flows=${table.size} forced_evictions=${table.forcedEvictions} tuples=${rollups.size}`,
  );
}

for (const distinct of [1_000, 65_536, 1_000_000]) run(distinct);
