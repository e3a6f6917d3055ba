// rtnetlink batches through parseNetlink, as the interface watcher gets them
// from the addon. Seeds: the link dump and link events of a lab namespace
// (captured through the addon's reader), each message alone and in runs.
// Contract: never throws; what does not parse is a "bad" item with a reason;
// a link item has a positive ifindex and a name.
import { NLMSG_DONE, parseNetlink } from "../../../src/netlink/messages.js";
import { capture } from "../captures.js";
import type { LengthField, Seed } from "../mutator.js";
import { count, violation, type FuzzTarget } from "../target.js";

const NLMSG_HEADER = 16;
const IFINFOMSG = 16;
const IFLA_LINKINFO = 18;
const RUN = 4;

const u16le = (b: Uint8Array, p: number) => b[p] | (b[p + 1] << 8);
const u32le = (b: Uint8Array, p: number) => (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;

/** A capture of batches back to back, cut at each message's nlmsg_len (rounded up to 4). */
function netlinkMessages(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let p = 0; p + NLMSG_HEADER <= stream.length; ) {
    const len = u32le(stream, p);
    if (len < NLMSG_HEADER) throw new Error(`capture: netlink message of length ${len} at ${p}`);
    out.push(stream.subarray(p, p + ((len + 3) & ~3)));
    p += (len + 3) & ~3;
  }
  return out;
}

/** Every nlmsg_len, and in link messages every attribute length (IFLA_LINKINFO's nested ones too). */
function lengthFields(b: Uint8Array): LengthField[] {
  const out: LengthField[] = [];
  const attrs = (p: number, end: number, nestedIn: number[]) => {
    while (p + 4 <= end) {
      const len = u16le(b, p);
      out.push({ offset: p, width: 2, littleEndian: true });
      if (len < 4) return;
      if (nestedIn.includes(u16le(b, p + 2) & 0x3fff)) attrs(p + 4, Math.min(end, p + len), []);
      p += (len + 3) & ~3;
    }
  };
  for (let p = 0; p + NLMSG_HEADER <= b.length; ) {
    const len = u32le(b, p);
    out.push({ offset: p, width: 4, littleEndian: true });
    if (len < NLMSG_HEADER) break;
    if (u16le(b, p + 4) !== NLMSG_DONE) attrs(p + NLMSG_HEADER + IFINFOMSG, Math.min(b.length, p + len), [IFLA_LINKINFO]);
    p += (len + 3) & ~3;
  }
  return out;
}

export function netlinkTarget(): FuzzTarget {
  const file = "netlink-links.bin";
  const messages = netlinkMessages(capture(file));
  const seeds: Seed[] = [];
  messages.forEach((m, i) => {
    seeds.push({ name: `${file} #${i}`, bytes: m, lengthFields: lengthFields(m) });
    if (i % RUN === 0) {
      const run = Buffer.concat(messages.slice(i, i + RUN));
      seeds.push({ name: `${file} #${i}..`, bytes: run, lengthFields: lengthFields(run) });
    }
  });
  const reached = new Map<string, number>();
  return {
    name: "netlink",
    contract: "parseNetlink never throws; what does not parse is a 'bad' item with its reason",
    seeds,
    mutator: { maxLength: 16_384 },
    epoch: 1,
    reached,
    reset() {},
    run(input) {
      for (const item of parseNetlink(input)) {
        count(reached, item.type);
        if (item.type === "bad") {
          if (typeof item.reason !== "string" || item.reason === "") violation("a bad item without a reason");
        } else if (item.type === "link") {
          const l = item.link;
          if (!(Number.isInteger(l.ifindex) && l.ifindex > 0)) violation(`link with ifindex ${l.ifindex}`);
          if (typeof l.name !== "string" || l.name === "") violation(`link ${l.ifindex} without a name`);
          if (l.kind !== "new" && l.kind !== "del") violation(`link kind ${String(l.kind)}`);
        }
      }
    },
  };
}
