// Flow events as the BPF program puts them on the ring, read back through the
// addon's consumer: frames of every shape the program parses run through it
// with BPF_PROG_TEST_RUN (IPv4 and IPv6 with TCP, UDP, ICMP and SCTP, IPv6
// extension headers, fragments, VLAN tags, GSO super-packets, both
// directions). The file is the 64-byte records one after another.
import { loadAddon } from "../../../src/bpf/addon.js";
import { Datapath } from "../../../src/bpf/datapath.js";
import { EVENT_SIZE } from "../../../src/bpf/layout.js";
import { ah, dstOpts, ETH_P_8021AD, ETH_P_8021Q, ETH_P_IP, ETH_P_IPV6, eth, fragment, hopByHop, icmp, IPPROTO, ipv4, ipv6, routing, sctp, tcp, udp } from "../../bpf/frames.js";
import { skbCtx, type SkbCtxFields } from "../../bpf/skb-ctx.js";

const S4 = "10.20.0.1";
const D4 = "10.20.0.2";
const S6 = "fd20::1";
const D6 = "fd20::2";

interface Shot extends SkbCtxFields {
  frame: Uint8Array;
  egress?: boolean;
}

function shots(): Shot[] {
  const v4 = (proto: number, payload: Uint8Array, o: { ihl?: number; fragOffset?: number; moreFragments?: boolean } = {}) => eth(ETH_P_IP, ipv4({ src: S4, dst: D4, proto, payload, ...o }));
  const v6 = (proto: number, payload: Uint8Array, ext: Parameters<typeof ipv6>[0]["ext"] = []) => eth(ETH_P_IPV6, ipv6({ src: S6, dst: D6, proto, payload, ext }));
  return [
    { frame: v4(IPPROTO.UDP, udp(5353, 53, 40)) },
    { frame: v4(IPPROTO.TCP, tcp(443, 50000, 100, 3)), egress: true },
    { frame: v4(IPPROTO.ICMP, icmp(8, 0, 56)) },
    { frame: v4(IPPROTO.SCTP, sctp(3868, 3868, 20)) },
    { frame: v4(IPPROTO.UDP, udp(1000, 2000, 10), { ihl: 7 }) },
    { frame: v4(IPPROTO.UDP, udp(1000, 2000, 1400), { moreFragments: true }) },
    { frame: v4(IPPROTO.UDP, Buffer.alloc(200), { fragOffset: 185 }) },
    { frame: v4(IPPROTO.TCP, tcp(443, 50001, 2 * 1448, 3)), gsoSegs: 2, gsoSize: 1448 },
    { frame: v4(IPPROTO.TCP, tcp(22, 50002)).subarray(0, 14 + 20 + 8) },
    { frame: v6(IPPROTO.UDP, udp(4433, 443, 60)), egress: true },
    { frame: v6(IPPROTO.TCP, tcp(443, 50003, 0)) },
    { frame: v6(IPPROTO.ICMPV6, icmp(128, 0, 56)) },
    { frame: v6(IPPROTO.UDP, udp(7, 7, 8), [hopByHop(), routing(), dstOpts(1)]) },
    { frame: v6(IPPROTO.UDP, udp(9, 9, 1000), [fragment(0, true)]) },
    { frame: v6(IPPROTO.UDP, Buffer.alloc(64), [fragment(100, false)]) },
    { frame: v6(IPPROTO.TCP, tcp(179, 50004, 10), [ah(2)]) },
    { frame: v6(IPPROTO.UDP, udp(4433, 443, 3 * 1000)), gsoSegs: 3, gsoSize: 1000, egress: true },
    { frame: eth(ETH_P_IP, ipv4({ src: S4, dst: D4, proto: IPPROTO.UDP, payload: udp(1, 2, 30) }), [ETH_P_8021Q]) },
    { frame: eth(ETH_P_IPV6, ipv6({ src: S6, dst: D6, proto: IPPROTO.UDP, payload: udp(3, 4, 30) }), [ETH_P_8021AD, ETH_P_8021Q]) },
  ];
}

export function captureRingEvents(): Uint8Array {
  const addon = loadAddon();
  const dp = Datapath.open({ ringBufSize: 1 << 20, ifaceStatsSize: 64, sampleRate: 1, wakeupBatch: 1, preciseClock: true });
  const events: Buffer[] = [];
  const ring = addon.ringOpen(dp.eventsFd, EVENT_SIZE, 256, (batch, count, errno) => {
    if (errno !== 0) throw new Error(`ring consumer error ${errno}`);
    // The addon reuses its batch buffer: copy.
    for (let i = 0; i < count; i++) events.push(Buffer.from(batch.subarray(i * EVENT_SIZE, (i + 1) * EVENT_SIZE)));
  });
  try {
    for (const s of shots()) {
      addon.testRun(s.egress ? dp.egressFd : dp.ingressFd, s.frame, 1, skbCtx(s));
      addon.ringDrain(ring);
    }
  } finally {
    addon.ringClose(ring);
    dp.close();
  }
  return Buffer.concat(events);
}
