// Crafted Ethernet frames for BPF_PROG_TEST_RUN.
export const MAC_A = [0xde, 0xad, 0xbe, 0xef, 0x00, 0x01];
export const MAC_B = [0xde, 0xad, 0xbe, 0xef, 0x00, 0x02];

export function eth(ethertype: number, payload: Uint8Array): Buffer {
  const f = Buffer.alloc(14 + payload.length);
  f.set(MAC_B, 0);
  f.set(MAC_A, 6);
  f.writeUInt16BE(ethertype, 12);
  f.set(payload, 14);
  return f;
}

export function ipv4Udp(src: string, dst: string, sport: number, dport: number, payloadLen: number): Buffer {
  const ip = Buffer.alloc(20 + 8 + payloadLen);
  ip[0] = 0x45;
  ip.writeUInt16BE(ip.length, 2);
  ip[8] = 64;
  ip[9] = 17;
  Buffer.from(src.split(".").map(Number)).copy(ip, 12);
  Buffer.from(dst.split(".").map(Number)).copy(ip, 16);
  ip.writeUInt16BE(sport, 20);
  ip.writeUInt16BE(dport, 22);
  ip.writeUInt16BE(8 + payloadLen, 24);
  return eth(0x0800, ip);
}

export function arp(): Buffer {
  return eth(0x0806, Buffer.alloc(28));
}
