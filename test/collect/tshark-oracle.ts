// tshark's decode of a capture of flow exports, in the common format's
// terms: one entry per flow record, with the frame's capture time as
// time_received_ns and the fields tshark and the common format share.
import type { TsharkCapture } from "../ipfix-interop/peers.js";

/** Per record: the tshark field and the common field it must equal. */
export const SHARED_FIELDS: [string, string][] = [
  ["cflow.srcaddr", "src_addr"], ["cflow.dstaddr", "dst_addr"], ["cflow.srcport", "src_port"], ["cflow.dstport", "dst_port"],
  ["cflow.protocol", "proto"], ["cflow.packets", "packets"], ["cflow.octets", "bytes"], ["cflow.inputint", "in_if"], ["cflow.outputint", "out_if"],
];

export async function tsharkRecords(capture: TsharkCapture): Promise<Record<string, string>[]> {
  const frames = await capture.fieldsPerFrame(["frame.time_epoch", ...SHARED_FIELDS.map(([f]) => f)]);
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
