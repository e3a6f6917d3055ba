// Crafted Ethernet frames for BPF_PROG_TEST_RUN, built from the outside in:
// eth(type, ipv4({...payload: udp(...)})). Checksums are left 0: the
// datapath never looks at them.
export const MAC_A = [0xde, 0xad, 0xbe, 0xef, 0x00, 0x01];
export const MAC_B = [0xde, 0xad, 0xbe, 0xef, 0x00, 0x02];

export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_ARP = 0x0806;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_8021AD = 0x88a8;

export const IPPROTO = {
  HOPOPTS: 0,
  ICMP: 1,
  TCP: 6,
  UDP: 17,
  ROUTING: 43,
  FRAGMENT: 44,
  GRE: 47,
  AH: 51,
  ICMPV6: 58,
  DSTOPTS: 60,
  SCTP: 132,
} as const;

/** Ethernet header, then one 802.1Q/802.1ad tag per TPID (outermost first), then the payload. */
export function eth(ethertype: number, payload: Uint8Array, vlanTpids: number[] = []): Buffer {
  const l2 = 14 + 4 * vlanTpids.length;
  const f = Buffer.alloc(l2 + payload.length);
  f.set(MAC_B, 0);
  f.set(MAC_A, 6);
  let at = 12;
  vlanTpids.forEach((tpid, i) => {
    f.writeUInt16BE(tpid, at);
    f.writeUInt16BE(100 + i, at + 2); // VLAN id: any, the datapath ignores it
    at += 4;
  });
  f.writeUInt16BE(ethertype, at);
  f.set(payload, l2);
  return f;
}

/** 16-byte form used in events: IPv4 as ::ffff:a.b.c.d, IPv6 as is ("::" allowed). */
export function addr16(text: string): Uint8Array {
  const out = new Uint8Array(16);
  if (!text.includes(":")) {
    out[10] = out[11] = 0xff;
    out.set(ipv4Bytes(text), 12);
    return out;
  }
  const [head, tail] = text.split("::");
  const groups = (s: string | undefined) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

function ipv4Bytes(text: string): number[] {
  return text.split(".").map(Number);
}

export interface Ipv4Options {
  src: string;
  dst: string;
  proto: number;
  payload: Uint8Array;
  /** Header length in 32-bit words; the words past 5 are options (NOPs). Default 5. */
  ihl?: number;
  /** Fragment offset in 8-byte units. */
  fragOffset?: number;
  moreFragments?: boolean;
}

export function ipv4(o: Ipv4Options): Buffer {
  const ihl = o.ihl ?? 5;
  const hlen = Math.max(ihl, 5) * 4; // an IHL below 5 still gets the fixed 20 bytes
  const ip = Buffer.alloc(hlen + o.payload.length, 0x01); // 0x01: IP option NOP
  ip[0] = 0x40 | (ihl & 0x0f);
  ip[1] = 0;
  ip.writeUInt16BE(ip.length, 2);
  ip.writeUInt16BE(0x1234, 4);
  ip.writeUInt16BE(((o.moreFragments ? 1 : 0) << 13) | (o.fragOffset ?? 0), 6);
  ip[8] = 64;
  ip[9] = o.proto;
  ip.writeUInt16BE(0, 10);
  Buffer.from(ipv4Bytes(o.src)).copy(ip, 12);
  Buffer.from(ipv4Bytes(o.dst)).copy(ip, 16);
  ip.set(o.payload, hlen);
  return ip;
}

/** An IPv6 extension header: its type and its bytes (byte 0, next header, is filled in by ipv6()). */
export interface ExtHeader {
  type: number;
  bytes: Buffer;
}

/** Hop-by-hop, routing or destination options: length in 8-byte units, not counting the first 8. */
function optionsLike(type: number, len8: number): ExtHeader {
  const bytes = Buffer.alloc((len8 + 1) * 8);
  bytes[1] = len8;
  if (type === IPPROTO.ROUTING) bytes[2] = 0; // routing type 0, segments left 0
  else bytes[2] = 1; // PadN option covering the rest
  if (type !== IPPROTO.ROUTING) bytes[3] = bytes.length - 4;
  return { type, bytes };
}

export const hopByHop = (len8 = 0): ExtHeader => optionsLike(IPPROTO.HOPOPTS, len8);
export const routing = (len8 = 0): ExtHeader => optionsLike(IPPROTO.ROUTING, len8);
export const dstOpts = (len8 = 0): ExtHeader => optionsLike(IPPROTO.DSTOPTS, len8);

/** Fragment header: offset in 8-byte units. */
export function fragment(offset: number, more: boolean): ExtHeader {
  const bytes = Buffer.alloc(8);
  bytes.writeUInt16BE((offset << 3) | (more ? 1 : 0), 2);
  bytes.writeUInt32BE(0xcafe, 4);
  return { type: IPPROTO.FRAGMENT, bytes };
}

/** Authentication header: its length field counts 4-byte units minus 2 (RFC 4302), so 12 + 4k bytes. */
export function ah(icvWords = 1): ExtHeader {
  const bytes = Buffer.alloc(12 + 4 * icvWords);
  bytes[1] = bytes.length / 4 - 2;
  bytes.writeUInt32BE(0x100, 4); // SPI
  return { type: IPPROTO.AH, bytes };
}

export interface Ipv6Options {
  src: string;
  dst: string;
  /** Transport protocol after the extension headers. */
  proto: number;
  payload: Uint8Array;
  ext?: ExtHeader[];
}

export function ipv6(o: Ipv6Options): Buffer {
  const ext = o.ext ?? [];
  const chain = ext.map((e, i) => {
    const b = Buffer.from(e.bytes);
    b[0] = i + 1 < ext.length ? ext[i + 1].type : o.proto;
    return b;
  });
  const rest = Buffer.concat([...chain, o.payload]);
  const ip = Buffer.alloc(40 + rest.length);
  ip.writeUInt32BE(0x60000000, 0);
  ip.writeUInt16BE(rest.length, 4);
  ip[6] = ext.length ? ext[0].type : o.proto;
  ip[7] = 64;
  ip.set(addr16(o.src), 8);
  ip.set(addr16(o.dst), 24);
  ip.set(rest, 40);
  return ip;
}

export function udp(sport: number, dport: number, payloadLen = 0): Buffer {
  const b = Buffer.alloc(8 + payloadLen);
  b.writeUInt16BE(sport, 0);
  b.writeUInt16BE(dport, 2);
  b.writeUInt16BE(b.length, 4);
  return b;
}

/** TCP with `optionWords` 32-bit words of options (data offset 5 + optionWords). */
export function tcp(sport: number, dport: number, payloadLen = 0, optionWords = 0): Buffer {
  const hlen = 20 + 4 * optionWords;
  const b = Buffer.alloc(hlen + payloadLen);
  b.writeUInt16BE(sport, 0);
  b.writeUInt16BE(dport, 2);
  b.writeUInt32BE(1, 4);
  b[12] = (hlen / 4) << 4;
  b[13] = 0x18; // PSH ACK
  b.writeUInt16BE(65535, 14);
  b.fill(0x01, 20, hlen); // TCP option NOP
  return b;
}

/** SCTP common header and one DATA chunk header. */
export function sctp(sport: number, dport: number, payloadLen = 0): Buffer {
  const b = Buffer.alloc(12 + 16 + payloadLen);
  b.writeUInt16BE(sport, 0);
  b.writeUInt16BE(dport, 2);
  b.writeUInt32BE(0xdeadbeef, 4);
  b[12] = 0; // DATA
  b.writeUInt16BE(16 + payloadLen, 14);
  return b;
}

/** ICMP or ICMPv6 message: the same type/code/checksum start. */
export function icmp(type: number, code: number, payloadLen = 4): Buffer {
  const b = Buffer.alloc(4 + payloadLen);
  b[0] = type;
  b[1] = code;
  return b;
}

export function ipv4Udp(src: string, dst: string, sport: number, dport: number, payloadLen: number): Buffer {
  return eth(ETH_P_IP, ipv4({ src, dst, proto: IPPROTO.UDP, payload: udp(sport, dport, payloadLen) }));
}

export function arp(): Buffer {
  return eth(ETH_P_ARP, Buffer.alloc(28));
}
