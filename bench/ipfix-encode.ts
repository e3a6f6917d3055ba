// IPFIX encoding, userspace alone: flow records per second written on one core
// with the agent's IPv4 template into 1200-byte messages (each message copied
// out to a sink that drops it), through the agent's record layout.
// Run: node dist/bench/ipfix-encode.js
import { EndReason, type AgentFlowRecord } from "../src/flow-record/index.js";
import { MessageBuilder } from "../src/ipfix/message-builder.js";
import { IpfixLayout, appendRecord } from "../src/export/ipfix-layout.js";
import { DEFAULT_FIELDS } from "../src/export/ipfix-fields.js";

const DISTINCT = 4096;
const TOTAL = 10_000_000;

function records(): AgentFlowRecord[] {
  return Array.from({ length: DISTINCT }, (_, i) => {
    const src = new Uint8Array(16);
    const dst = new Uint8Array(16);
    src[10] = dst[10] = src[11] = dst[11] = 0xff;
    src.set([10, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff], 12);
    dst.set([192, 168, i & 0xff, 1], 12);
    const packets = 100 * (1 + (i % 1000));
    return {
      ifindex: 2 + (i & 3),
      netns: 0,
      direction: i & 1,
      proto: i % 3 === 0 ? 6 : 17,
      family: 4,
      src,
      dst,
      sport: 1024 + (i % 50000),
      dport: 443,
      packets,
      bytes: packets * 1514 * (i % 7 === 0 ? 5000 : 1), // some past 2^32
      ipBytes: packets * 1500 * (i % 7 === 0 ? 5000 : 1),
      sampledPackets: packets / 100,
      sampledBytes: (packets / 100) * 1514,
      sampledIpBytes: (packets / 100) * 1500,
      startMs: 1_700_000_000_000 + i + 0.25,
      endMs: 1_700_000_030_000 + i + 0.5,
      reason: EndReason.Idle,
    };
  });
}

function measure(name: string, append: (r: AgentFlowRecord) => void, builder: MessageBuilder, recs: AgentFlowRecord[]): void {
  const run = (n: number) => {
    for (let i = 0; i < n; i++) append(recs[i & (DISTINCT - 1)]);
    builder.flush();
  };
  run(1_000_000); // warm-up: JIT
  const before = { ...builder.stats };
  const t0 = process.hrtime.bigint();
  run(TOTAL);
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  const messages = builder.stats.messages - before.messages;
  const bytes = builder.stats.bytes - before.bytes;
  console.log(
    `ipfix-encode path=${name} records=${TOTAL} seconds=${sec.toFixed(3)} records_per_sec=${(TOTAL / sec / 1e6).toFixed(2)}M ` +
      `messages_per_sec=${(messages / sec / 1e3).toFixed(0)}k records_per_message=${(TOTAL / messages).toFixed(1)} bytes_per_message=${(bytes / messages).toFixed(0)}`,
  );
}

const recs = records();
const sink = (m: Uint8Array) => void m;

{
  // The agent's path: the default layout's fillers into a reused values array.
  const builder = new MessageBuilder({ observationDomainId: 1, maxMessageSize: 1200, onMessage: sink });
  const layout = new IpfixLayout(DEFAULT_FIELDS);
  const handles = new Map(layout.templates().map((t) => [t.id, builder.addTemplate(t)] as const));
  measure("agent-layout", (r) => appendRecord(builder, handles, layout, r), builder, recs);
}
