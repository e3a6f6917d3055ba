// rtnetlink link messages, parsed from the raw bytes the addon hands over.
// Pure functions: a message that does not parse is reported, never thrown.

export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;
export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;

const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const NLA_TYPE_MASK = 0x3fff;

export const ARPHRD_ETHER = 1;
export const ARPHRD_LOOPBACK = 772;

export const IFF_UP = 0x1;

export interface LinkMessage {
  kind: "new" | "del";
  ifindex: number;
  name: string;
  /** ARPHRD_* link type: only Ethernet (and loopback) frames carry the header we parse. */
  linkType: number;
  flags: number;
  mtu?: number;
  mac?: string;
  /** IFLA_INFO_KIND, e.g. "veth", "wireguard" */
  infoKind?: string;
}

export type NetlinkItem =
  | { type: "link"; link: LinkMessage }
  | { type: "done"; seq: number }
  | { type: "error"; seq: number; errno: number }
  | { type: "bad"; reason: string };

/** Splits a batch of netlink messages and decodes the link ones. */
export function parseNetlink(buf: Uint8Array): NetlinkItem[] {
  const out: NetlinkItem[] = [];
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (off + 16 <= buf.length) {
    const len = v.getUint32(off, true);
    const type = v.getUint16(off + 4, true);
    const seq = v.getUint32(off + 8, true);
    if (len < 16 || off + len > buf.length) {
      out.push({ type: "bad", reason: `netlink message length ${len} at offset ${off} exceeds the ${buf.length}-byte batch` });
      return out;
    }
    if (type === RTM_NEWLINK || type === RTM_DELLINK) {
      const link = parseLink(buf.subarray(off + 16, off + len), type === RTM_NEWLINK ? "new" : "del");
      out.push(typeof link === "string" ? { type: "bad", reason: link } : { type: "link", link });
    } else if (type === NLMSG_DONE) {
      out.push({ type: "done", seq });
    } else if (type === NLMSG_ERROR) {
      const errno = len >= 20 ? -v.getInt32(off + 16, true) : 0;
      out.push({ type: "error", seq, errno });
    } else if (type === NLMSG_OVERRUN) {
      out.push({ type: "bad", reason: "netlink overrun" });
    }
    off += align4(len);
  }
  if (off < buf.length) out.push({ type: "bad", reason: `${buf.length - off} trailing bytes after the last netlink message` });
  return out;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** ifinfomsg + attributes; returns a reason string when malformed. */
export function parseLink(body: Uint8Array, kind: "new" | "del"): LinkMessage | string {
  if (body.length < 16) return `link message body of ${body.length} bytes, need 16`;
  const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const link: LinkMessage = {
    kind,
    linkType: v.getUint16(2, true),
    ifindex: v.getInt32(4, true),
    flags: v.getUint32(8, true),
    name: "",
  };
  for (const [type, payload] of attributes(body, 16)) {
    if (type === IFLA_IFNAME) link.name = cString(payload);
    else if (type === IFLA_MTU && payload.length >= 4) link.mtu = new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0, true);
    else if (type === IFLA_ADDRESS) link.mac = Array.from(payload, (b) => b.toString(16).padStart(2, "0")).join(":");
    else if (type === IFLA_LINKINFO) {
      for (const [t, p] of attributes(payload, 0)) if (t === IFLA_INFO_KIND) link.infoKind = cString(p);
    }
  }
  if (link.ifindex <= 0) return `link message with ifindex ${link.ifindex}`;
  if (!link.name) return `link message for ifindex ${link.ifindex} without a name`;
  return link;
}

/** Iterates netlink attributes (rtattr) from `start`, stopping at the first malformed one. */
function* attributes(buf: Uint8Array, start: number): Generator<[number, Uint8Array]> {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = start;
  while (off + 4 <= buf.length) {
    const len = v.getUint16(off, true);
    const type = v.getUint16(off + 2, true) & NLA_TYPE_MASK;
    if (len < 4 || off + len > buf.length) return;
    yield [type, buf.subarray(off + 4, off + len)];
    off += align4(len);
  }
}

function cString(b: Uint8Array): string {
  const end = b.indexOf(0);
  return Buffer.from(b.buffer, b.byteOffset, end < 0 ? b.length : end).toString("utf8");
}
