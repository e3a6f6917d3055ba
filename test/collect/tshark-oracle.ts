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

/** NDJSON lines of the common format, with time_received_ns read from the text (ns since 1970 do not fit a double). */
export function commonLines(ndjson: string): { fields: Record<string, string | number>; shared: Record<string, string> }[] {
  return ndjson
    .split("\n")
    .filter((l) => l !== "")
    .map((line) => {
      const fields = JSON.parse(line) as Record<string, string | number>;
      const shared: Record<string, string> = { time_received_ns: /"time_received_ns":(\d+)/.exec(line)?.[1] ?? "" };
      for (const [, name] of SHARED_FIELDS) shared[name] = String(fields[name]);
      return { fields, shared };
    });
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
