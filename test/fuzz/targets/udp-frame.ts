// Captured frames through udpInFrame, the capture input's way from a frame
// to a UDP datagram: src/packet's dissector, then the UDP header, with IP
// fragments handed to a reassembly shared by the cases of an epoch (small
// caps, so fragments of different cases join, and evictions happen). The
// input's first octet picks the link type (Ethernet, Linux cooked v1 and v2,
// BSD loopback, raw IP of both numbers, bare IPv4 and IPv6, and one not
// read), the rest is the frame. Seeds: tshark's frames on lo (Ethernet) and
// any (Linux cooked), captured; and built frames around an IPFIX message:
// 802.1Q, QinQ, MPLS, IPv4 options, IPv6 extension headers, IPv4 and IPv6
// fragments in both orders, TCP, ARP, every link type.
// Contract: never throws; a frame gives a documented skip reason or a
// datagram; a datagram's ports fit 16 bits, its source is an IP address, and
// its payload is the UDP length's worth of octets after the UDP header inside
// the IP packet (a view into the frame), or a reassembled payload of at most
// 65,527 octets; the dissector agrees (no datagram without UDP over IP, no
// not_udp for UDP; a reassembled datagram comes back, or truncated when its
// UDP length does not fit); the reassembly stays under its caps.
import { isIP } from "node:net";
import { FRAGMENT_OVERHEAD, IpReassembly } from "../../../src/collect/input/ip-reassembly.js";
import { udpInFrame, type FrameSkip } from "../../../src/collect/input/udp-in-frame.js";
import { encodeMessage, field, type Template } from "../../../src/ipfix/index.js";
import { dissectFrame, emptyLayers, encodeFrame, type FrameSpec } from "../../../src/packet/index.js";
import { decodeCapture } from "../../../src/pcap/index.js";
import { capture } from "../captures.js";
import type { LengthField, Seed } from "../mutator.js";
import { count, violation, type FuzzTarget } from "../target.js";

/** By the input's first octet (modulo): 147 is a link type the dissector does not read. */
const LINKS = [1, 113, 276, 0, 101, 12, 228, 229, 147];
const SKIPS: ReadonlySet<FrameSkip> = new Set(["link_type", "not_ip", "not_udp", "truncated", "fragment"]);
const MAX_DATAGRAMS = 4;
const MAX_OCTETS = 4 << 10;
const MAX_FRAGMENTS = 16;
const layers = emptyLayers();

const TEMPLATE: Template = { id: 256, fields: [field("sourceIPv4Address"), field("destinationIPv4Address"), field("octetDeltaCount"), field("protocolIdentifier")] };
const IPFIX = encodeMessage({
  observationDomainId: 1,
  sets: [{ kind: "templates", templates: [TEMPLATE] }, { kind: "data", template: TEMPLATE, records: Array.from({ length: 6 }, (_, i) => [`10.0.0.${i}`, "192.0.2.1", BigInt(1500 * i), 17]) }],
});

const seed = (name: string, link: number, frame: Uint8Array, lengthFields: LengthField[] = []): Seed => {
  const bytes = new Uint8Array(1 + frame.length);
  bytes[0] = LINKS.indexOf(link);
  bytes.set(frame, 1);
  return { name, bytes, lengthFields: lengthFields.map((f) => ({ ...f, offset: f.offset + 1 })) };
};

/** The IP total (or payload) length and the UDP length, where the dissector finds them. */
function lengthFieldsOf(frame: Uint8Array, link: number): LengthField[] {
  const L = dissectFrame(frame, link, emptyLayers());
  const out: LengthField[] = [];
  if (L.ipVersion === 4) out.push({ offset: L.ipOffset + 2, width: 2 });
  if (L.ipVersion === 6) out.push({ offset: L.ipOffset + 4, width: 2 });
  if (L.protocol === 17 && L.l4Offset >= 0 && L.stop === "complete") out.push({ offset: L.l4Offset + 4, width: 2 });
  return out;
}

function captured(): Seed[] {
  const file = "tshark-udp.pcapng";
  return decodeCapture(capture(file)).packets.map((p, i) => seed(`${file} #${i}`, p.linkType, p.data, lengthFieldsOf(p.data, p.linkType)));
}

function built(): Seed[] {
  const udp = { protocol: "udp" as const, srcPort: 4739, dstPort: 2055 };
  const v4 = { version: 4 as const, src: "192.0.2.1", dst: "198.51.100.2" };
  const v6 = { version: 6 as const, src: "2001:db8::1", dst: "2001:db8::2" };
  const specs: [string, FrameSpec][] = [
    ["ethernet ipv4", { ip: v4, transport: udp, payload: IPFIX }],
    ["802.1Q", { vlans: [0x81000064], ip: v4, transport: udp, payload: IPFIX }],
    ["QinQ", { vlans: [0x88a80010, 0x81000020], ip: v6, transport: udp, payload: IPFIX }],
    ["MPLS", { mpls: [0x00010000, 0x00020140], ip: v4, transport: udp, payload: IPFIX }],
    ["ipv4 options", { ip: { ...v4, options: Uint8Array.from([1, 1, 1, 0]) }, transport: udp, payload: IPFIX }],
    ["ipv6 extension headers", { ip: { ...v6, extensions: [{ type: 0 }, { type: 43, length: 16 }, { type: 51 }, { type: 60 }] }, transport: udp, payload: IPFIX }],
    ["tcp", { ip: v4, transport: { protocol: "tcp", srcPort: 179, dstPort: 4739, flags: 0x18 }, payload: 20 }],
    ["arp", { etherType: 0x0806, payload: 28 }],
  ];
  const out = specs.map(([name, spec]) => {
    const frame = encodeFrame(spec);
    return seed(`built ${name}`, 1, frame, lengthFieldsOf(frame, 1));
  });
  // One UDP datagram in two fragments, IPv4 and IPv6, each fragment a seed of its own (the reassembly outlives a case).
  const whole = encodeFrame({ linkType: 101, ip: v4, transport: udp, payload: IPFIX }).subarray(20);
  const cut = 64;
  const fragment4 = (offset: number, more: boolean, part: Uint8Array) => encodeFrame({ ip: { ...v4, id: 77, moreFragments: more, fragmentOffset: offset, protocol: 17 }, payload: part });
  const fragment6 = (offset: number, more: boolean, part: Uint8Array) => encodeFrame({ linkType: 229, ip: { ...v6, extensions: [{ type: 44, offset, more, id: 99 }], protocol: 17 }, payload: part });
  out.push(
    seed("ipv4 first fragment", 1, fragment4(0, true, whole.subarray(0, cut)), [{ offset: 16, width: 2 }, { offset: 20, width: 2 }]),
    seed("ipv4 last fragment", 1, fragment4(cut, false, whole.subarray(cut)), [{ offset: 16, width: 2 }, { offset: 20, width: 2 }]),
    seed("ipv6 first fragment", 229, fragment6(0, true, whole.subarray(0, cut)), [{ offset: 4, width: 2 }, { offset: 42, width: 2 }]),
    seed("ipv6 last fragment", 229, fragment6(cut, false, whole.subarray(cut)), [{ offset: 4, width: 2 }, { offset: 42, width: 2 }]),
  );
  // The other link types around the same IPv4 datagram.
  const raw = encodeFrame({ linkType: 101, ip: v4, transport: udp, payload: IPFIX });
  const v6raw = encodeFrame({ linkType: 229, ip: v6, transport: udp, payload: IPFIX });
  const cat = (...parts: ArrayLike<number>[]) => Uint8Array.from(parts.flatMap((p) => [...Array.from(p)]));
  out.push(
    seed("linux cooked", 113, cat([0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 8, 0], raw), [{ offset: 18, width: 2 }]),
    seed("linux cooked v2", 276, cat([8, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0], raw), [{ offset: 22, width: 2 }]),
    seed("bsd loopback", 0, cat([2, 0, 0, 0], raw), [{ offset: 6, width: 2 }]),
    seed("raw", 101, raw, [{ offset: 2, width: 2 }]),
    seed("raw old", 12, raw, [{ offset: 2, width: 2 }]),
    seed("ipv4", 228, raw, [{ offset: 2, width: 2 }]),
    seed("ipv6", 229, v6raw, [{ offset: 4, width: 2 }, { offset: 44, width: 2 }]),
    seed("unknown link", 147, raw),
  );
  return out;
}

export function udpFrameTarget(): FuzzTarget {
  const reached = new Map<string, number>();
  let reassembly = new IpReassembly(MAX_DATAGRAMS, MAX_OCTETS, MAX_FRAGMENTS);
  return {
    name: "udp-frame",
    contract: "udpInFrame never throws; a documented skip reason or a datagram whose ports, source and payload (the UDP length inside the IP packet, or a reassembled one) are right, as the dissector sees the frame; the reassembly stays under its caps",
    seeds: [...captured(), ...built()],
    mutator: { maxLength: 2048 },
    epoch: 1024,
    reached,
    reset() {
      reassembly = new IpReassembly(MAX_DATAGRAMS, MAX_OCTETS, MAX_FRAGMENTS);
    },
    run(input) {
      if (input.length === 0) return;
      const link = LINKS[input[0]! % LINKS.length]!;
      const frame = input.subarray(1);
      const before = { ...reassembly.stats };
      const u = udpInFrame(link, frame, reassembly);
      const L = dissectFrame(frame, link, layers);
      if (reassembly.pending > MAX_DATAGRAMS || reassembly.heldOctets > MAX_OCTETS || reassembly.heldOctets < 0) violation(`reassembly holds ${reassembly.pending} datagrams, ${reassembly.heldOctets} octets`);
      if ((reassembly.pending === 0) !== (reassembly.heldOctets === 0)) violation(`${reassembly.pending} datagrams held in ${reassembly.heldOctets} octets`);
      if (reassembly.heldOctets > 0 && reassembly.heldOctets < FRAGMENT_OVERHEAD) violation(`${reassembly.heldOctets} octets held: less than one fragment`);
      for (const k of ["evicted", "bad"] as const) if (reassembly.stats[k] > before[k]) count(reached, k);
      const joined = reassembly.stats.reassembled > before.reassembled;
      if (typeof u === "string") {
        if (!SKIPS.has(u)) violation(`undocumented skip ${u}`);
        // A whole datagram whose UDP header does not fit what was joined is truncated; nothing else comes of one.
        if (joined && u !== "truncated") violation(`a datagram was reassembled but ${u} came back`);
        if (u === "not_udp" && L.protocol === 17) violation("not_udp for a UDP packet");
        if (u === "link_type" && L.stop !== "unknown_link") violation(`link_type for a frame dissected to ${L.stop}`);
        count(reached, u);
        return;
      }
      if (L.ipVersion === 0 || L.protocol !== 17) violation(`a datagram from a frame dissected as IP version ${L.ipVersion}, protocol ${L.protocol}`);
      if (!(u.sourcePort >= 0 && u.sourcePort < 65_536 && u.destinationPort >= 0 && u.destinationPort < 65_536)) violation(`ports ${u.sourcePort} ${u.destinationPort}`);
      if (isIP(u.source) !== L.ipVersion) violation(`source ${u.source} for IP version ${L.ipVersion}`);
      if (joined) {
        if (u.payload.length > 65_535 - 8) violation(`a reassembled payload of ${u.payload.length} octets`);
        if (u.payload.buffer === input.buffer) violation("a reassembled payload inside the frame");
        count(reached, "reassembled");
        return;
      }
      const p = u.payload;
      if (p.buffer !== input.buffer) violation("an unfragmented payload that is not a view into the frame");
      const at = p.byteOffset - frame.byteOffset;
      const l4 = L.ipOffset + L.ipHeaderLength;
      if (at !== l4 + 8) violation(`payload at ${at}, the UDP header at ${l4}`);
      if (at + p.length > L.ipOffset + L.ipTotalLength || at + p.length > frame.length) violation(`payload to ${at + p.length} past the IP packet's ${L.ipOffset + L.ipTotalLength} or the frame's ${frame.length}`);
      if (((frame[l4 + 4]! << 8) | frame[l4 + 5]!) !== p.length + 8) violation(`payload of ${p.length} octets for UDP length ${(frame[l4 + 4]! << 8) | frame[l4 + 5]!}`);
      count(reached, "datagram");
    },
  };
}
