// tshark's decode of a capture of flow exports, in the common format's
// terms: one entry per flow record, with the frame's capture time as
// time_received_ns and the fields tshark and the common format share.
import { HOST_NS } from "../harness/exec.js";
import type { Lab } from "../harness/lab.js";
import type { TsharkCapture } from "../ipfix-interop/peers.js";
import { decodeCapture, encodePcap } from "../../src/pcap/index.js";
import { decodeNetflowV9 } from "../../src/netflow-v9/index.js";
import { TemplateCache } from "../../src/ipfix/index.js";

/** Per record: the tshark field and the common field it must equal. */
export const SHARED_FIELDS: [string, string][] = [
  ["cflow.srcaddr", "src_addr"], ["cflow.dstaddr", "dst_addr"], ["cflow.srcport", "src_port"], ["cflow.dstport", "dst_port"],
  ["cflow.protocol", "proto"], ["cflow.packets", "packets"], ["cflow.octets", "bytes"], ["cflow.inputint", "in_if"], ["cflow.outputint", "out_if"],
];

/** tshark's records in `file`, UDP to `port` read as flow exports. */
export async function tsharkRecords(lab: Lab, file: string, port: number): Promise<Record<string, string>[]> {
  const fields = ["frame.time_epoch", ...SHARED_FIELDS.map(([f]) => f)];
  const r = await lab.execOk(HOST_NS, ["tshark", "-r", file, "-d", `udp.port==${port},cflow`, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=;", ...fields.flatMap((f) => ["-e", f])]);
  const frames = r.stdout.split("\n").filter((l) => l !== "").map((line) => line.split("\t").map((v) => (v === "" ? [] : v.split(";"))));
  const out: Record<string, string>[] = [];
  for (const [[time], ...values] of frames as [[string], ...string[][]][]) {
    for (let i = 0; i < values[0]!.length; i++) {
      const e: Record<string, string> = { time_received_ns: time.replace(".", "").replace(/^0+/, "") };
      SHARED_FIELDS.forEach(([, name], k) => (e[name] = values[k]![i]!));
      out.push(e);
    }
  }
  return out;
}

/**
 * NDJSON lines of the common format, with time_received_ns read from the text
 * (ns since 1970 do not fit a double); `ns` holds every `*_ns` time so, as text.
 */
export function commonLines(ndjson: string): { fields: Record<string, string | number>; shared: Record<string, string>; ns: Record<string, string> }[] {
  return ndjson
    .split("\n")
    .filter((l) => l !== "")
    .map((line) => {
      const fields = JSON.parse(line) as Record<string, string | number>;
      const ns = Object.fromEntries([...line.matchAll(/"(\w+_ns)":(\d+)/g)].map((m) => [m[1]!, m[2]!]));
      const shared: Record<string, string> = { time_received_ns: ns.time_received_ns ?? "" };
      for (const [, name] of SHARED_FIELDS) shared[name] = String(fields[name]);
      return { fields, shared, ns };
    });
}

/** A common line's `names` as text ("" when unset), times exact. */
export function commonText(line: ReturnType<typeof commonLines>[number], names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, line.ns[n] ?? (line.fields[n] === undefined ? "" : String(line.fields[n]))]));
}

/**
 * A copy of a capture of NetFlow v9 (Ethernet frames of IPv4 UDP) whose
 * headers count every record, as RFC 3954 says: softflowd counts only its
 * flow records, and tshark stops reading a datagram after `count` records.
 * Nothing else changes.
 */
export function v9CountedCopy(capture: Uint8Array): Uint8Array {
  const { packets } = decodeCapture(capture);
  const cache = new TemplateCache();
  const fixed = packets.map((p) => {
    const data = p.data.slice();
    const payload = data.subarray(14 + 20 + 8);
    const d = decodeNetflowV9(payload, { session: "copy", cache });
    const n = d.sets.reduce((k, s) => k + (s.kind === "templates" ? s.templates.length : s.kind === "data" ? s.records.length : 0), 0);
    payload[2] = n >>> 8;
    payload[3] = n & 0xff;
    return { ...p, data };
  });
  return encodePcap(fixed, { linkType: packets[0]?.linkType ?? 1, nanos: true });
}

/**
 * tshark's IPFIX flow records in a capture (IPv4 and IPv6 alike, read from
 * its JSON decode; options records left out), as SHARED_FIELDS names them,
 * an absent field as "".
 */
export async function tsharkIpfixRecords(capture: TsharkCapture): Promise<Record<string, string>[]> {
  const out: Record<string, string>[] = [];
  for (const m of await capture.messages()) {
    for (const r of m.records) {
      const f = r.fields;
      const src = f["cflow.srcaddr"] ?? f["cflow.srcaddr_v6"] ?? f["cflow.srcaddrv6"];
      if (src === undefined) continue;
      const get = (k: string) => (f[k] === undefined ? "" : String(f[k]));
      out.push({
        src_addr: String(src), dst_addr: String(f["cflow.dstaddr"] ?? f["cflow.dstaddr_v6"] ?? f["cflow.dstaddrv6"]),
        src_port: get("cflow.srcport"), dst_port: get("cflow.dstport"), proto: get("cflow.protocol"), packets: get("cflow.packets"), bytes: get("cflow.octets"),
        in_if: get("cflow.inputint"), out_if: get("cflow.outputint"),
      });
    }
  }
  return out;
}

/** Common fields tsharkTemplateRecords fills, beside the frame's time_received_ns. */
export const TEMPLATE_RECORD_FIELDS = [
  "sequence_num", "sampling_rate", "time_flow_start_ns", "time_flow_end_ns", "bytes", "packets", "src_addr", "dst_addr", "proto",
  "src_port", "dst_port", "in_if", "out_if", "ip_tos", "tcp_flags", "observation_domain_id", "template_id",
] as const;

const MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

/** tshark's absolute time text ("Dec  8, 2026 01:14:19.922000000 UTC", under TZ=UTC) as Unix ns. */
function absoluteTimeNs(text: string): string {
  const m = /^([A-Z][a-z]{2}) +(\d+), (\d+) (\d\d):(\d\d):(\d\d)\.(\d{9}) UTC$/.exec(text);
  if (!m) throw new Error(`unexpected tshark time ${JSON.stringify(text)}`);
  const ms = Date.UTC(Number(m[3]), MONTHS.indexOf(m[1]!) / 3, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]));
  return (BigInt(ms) * 1_000_000n + BigInt(m[7]!)).toString();
}

/** tshark nests some fields in "_tree" objects (times under cflow.timedelta_tree): one flat map. */
function flatten(o: Record<string, unknown>, out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === "object" && !Array.isArray(v)) flatten(v as Record<string, unknown>, out);
    else out[k] = v;
  }
  return out;
}

/**
 * tshark's NetFlow v9 and IPFIX flow records in `file` (UDP to `port` read as
 * cflow), in order, read from its JSON decode: per record the
 * TEMPLATE_RECORD_FIELDS and time_received_ns (the frame's capture time),
 * an absent field as "". Times come from flowStart/EndMilliseconds and the
 * like (tshark's absolute start and end); tos and TCP flags from tshark's hex;
 * sampling_rate is the samplerRandomInterval or samplingInterval of the
 * exporter's latest options record (per observation domain). Options records
 * themselves are left out.
 */
export async function tsharkTemplateRecords(lab: Lab, file: string, port: number): Promise<Record<string, string>[]> {
  const r = await lab.execOk(HOST_NS, ["tshark", "-r", file, "-d", `udp.port==${port},cflow`, "-T", "json", "--no-duplicate-keys", "-J", "frame cflow"], {
    timeoutMs: 60_000, env: { ...process.env, TZ: "UTC" },
  });
  const packets = JSON.parse(r.stdout) as { _source: { layers: { frame: Record<string, string>; cflow?: Record<string, unknown> } } }[];
  const sampling = new Map<string, string>();
  const out: Record<string, string>[] = [];
  for (const p of packets) {
    const cflow = p._source.layers.cflow;
    if (!cflow) continue;
    const domain = String(cflow["cflow.source_id"] ?? cflow["cflow.od_id"]);
    const time = p._source.layers.frame["frame.time_epoch"]!;
    for (const [key, set] of Object.entries(cflow)) {
      const id = /^(?:Flow)?Set \d+ \[id=(\d+)\]/.exec(key)?.[1];
      if (id === undefined || Number(id) < 256) continue;
      for (const [k, record] of Object.entries(set as Record<string, unknown>)) {
        if (!/^Flow \d+$/.test(k)) continue;
        const f = flatten(record as Record<string, unknown>);
        const get = (name: string): string => (f[name] === undefined ? "" : String(f[name]));
        const rate = f["cflow.sampler_random_interval"] ?? f["cflow.sampling_interval"];
        if (rate !== undefined) sampling.set(domain, String(rate));
        const src = f["cflow.srcaddr"] ?? f["cflow.srcaddrv6"];
        if (src === undefined) continue;
        const hex = (name: string): string => (f[name] === undefined ? "" : String(parseInt(String(f[name]), 16)));
        const abs = (name: string): string => (f[name] === undefined ? "" : absoluteTimeNs(String(f[name])));
        out.push({
          time_received_ns: time.replace(".", "").replace(/^0+/, ""), sequence_num: String(cflow["cflow.sequence"]),
          sampling_rate: sampling.get(domain) ?? "", time_flow_start_ns: abs("cflow.abstimestart"), time_flow_end_ns: abs("cflow.abstimeend"),
          bytes: get("cflow.octets"), packets: get("cflow.packets"), src_addr: String(src), dst_addr: String(f["cflow.dstaddr"] ?? f["cflow.dstaddrv6"]),
          proto: get("cflow.protocol"), src_port: get("cflow.srcport"), dst_port: get("cflow.dstport"), in_if: get("cflow.inputint"),
          out_if: get("cflow.outputint"), ip_tos: hex("cflow.tos"), tcp_flags: hex("cflow.tcpflags"), observation_domain_id: domain, template_id: id,
        });
      }
    }
  }
  return out;
}
