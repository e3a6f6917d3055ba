// RSS of a running agent (BPF loaded, pipeline and metrics renderer up) holding
// 65,536 live flows, fed through the real ingest path, and after a scrape.
// Run as root: node dist/bench/rss.js
import { Agent } from "../src/agent/agent.js";
import { parseConfig } from "../src/config/index.js";
import { encodeEvent } from "../src/bpf/event.js";
import { EV, EVENT_SIZE } from "../src/bpf/layout.js";

const FLOWS = 65_536;
const mb = (n: number) => (n / 1048576).toFixed(1);

const { config } = parseConfig(`[agent]\ninterfaces = ["rfm-bench-none"]\n[agent.collector]\nmax_flows = ${FLOWS}\n`);
const agent = new Agent({ config, noMetricsServer: true });
await agent.start();
global.gc?.();
const base = process.memoryUsage().rss;

// The events are written in place (one template event, patched per flow) so the
// bench itself allocates nothing that would grow the young generation.
const batch = new Uint8Array(4096 * EVENT_SIZE);
const src = new Uint8Array(16);
const dst = new Uint8Array(16);
src[10] = src[11] = dst[10] = dst[11] = 0xff;
src[12] = 10;
dst.set([192, 168, 0, 1], 12);
const boot = Number(process.hrtime.bigint());
encodeEvent({ tstampNs: BigInt(boot), ifindex: 2, dir: 0, proto: 6, segs: 1, src, dst, sport: 0, dport: 443, len: 1514, l2Len: 14, family: 4, flags: 0, sampleRate: 100 }, batch, 0);
for (let i = 1; i < 4096; i++) batch.copyWithin(i * EVENT_SIZE, 0, EVENT_SIZE);
const view = new DataView(batch.buffer);
for (let f = 0; f < FLOWS; f += 4096) {
  for (let i = 0; i < 4096; i++) {
    const flow = f + i;
    const at = i * EVENT_SIZE;
    batch[at + EV.src + 13] = flow >> 16;
    batch[at + EV.src + 14] = (flow >> 8) & 0xff;
    batch[at + EV.src + 15] = flow & 0xff;
    view.setUint16(at + EV.sport, 1024 + (flow & 0x7fff), true);
  }
  agent.table.ingest(batch, 4096, 0);
}
global.gc?.();
const withFlows = process.memoryUsage().rss;
await agent.metrics.render();
global.gc?.();
const afterScrape = process.memoryUsage().rss;
console.log(
  `rss live_flows=${agent.table.size} baseline_mb=${mb(base)} with_flows_mb=${mb(withFlows)} after_scrape_mb=${mb(afterScrape)} ` +
    `flow_state_mb=${mb(withFlows - base)} goal_mb=64`,
);
await agent.stop();
