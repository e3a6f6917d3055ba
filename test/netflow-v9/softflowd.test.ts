// NetFlow v9 from a real exporter: softflowd meters a lab veth and exports to
// a socket on 127.0.0.1 while tshark captures the same datagrams. Every
// header, FlowSet, template and record our decoder returns equals tshark's
// decode, field by field, and the flows add up to exactly what was sent.
//
// softflowd 1.1 counts only its flow records in the header (RFC 3954 section
// 5.1 counts every record, templates and options data included), and tshark
// stops decoding a datagram once it has seen `count` records, so it would
// skip most of a datagram that carries templates. Our decoder reports that as
// count_mismatch; tshark then reads a copy of its own capture whose counts
// are the records each datagram really holds, every other octet as sent.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FieldValue } from "../../src/ipfix/abstract-types.js";
import { TemplateCache } from "../../src/ipfix/template-cache.js";
import { decodeNetflowV9, switchedTimes, type NetflowV9Decoded } from "../../src/netflow-v9/index.js";
import { decodeCapture, encodePcap, LINKTYPE_ETHERNET } from "../../src/pcap/index.js";
import { requirePrivileges } from "../harness/privileges.js";
import { createLab, type Lab } from "../harness/lab.js";
import { HOST_NS } from "../harness/exec.js";
import { ping, startUdpReceiver } from "../harness/traffic.js";
import { tempDir } from "../harness/temp-dir.js";
import { udpSocketCounters } from "../harness/udp-sockets.js";
import { until } from "../agent/agent-lab.js";
import { sendFromPorts, udpIpBytes } from "../ipfix-interop/interop-agent.js";
import { TsharkCapture } from "../ipfix-interop/peers.js";

const HEADER_FIELDS = ["cflow.version", "cflow.count", "cflow.sysuptime", "cflow.unix_secs", "cflow.sequence", "cflow.source_id"];
const FLOWSET_FIELDS = ["cflow.flowset_id", "cflow.flowset_length"];
const TEMPLATE_FIELDS = [
  "cflow.template_id", "cflow.template_field_count", "cflow.option_scope_length", "cflow.option_length",
  "cflow.scope_field_type", "cflow.template_field_type", "cflow.template_field_length",
];

type Shown = (v: FieldValue) => string;
const text: Shown = (v) => String(v);
// Field types past 127 (flowEndReason 136, icmpTypeCodeIPv6 139) decode as octets by default; tshark knows them.
const octet: Shown = (v) => String((v as Uint8Array)[0]);
const u16 = (v: FieldValue) => ((v as Uint8Array)[0]! << 8) | (v as Uint8Array)[1]!;
/** Each field type softflowd sends: tshark's names for it and our value as tshark prints it (times in ms, see normalise). */
const DATA_FIELDS: Record<number, [string, Shown][]> = {
  8: [["cflow.srcaddr", text]],
  12: [["cflow.dstaddr", text]],
  27: [["cflow.srcaddrv6", text]],
  28: [["cflow.dstaddrv6", text]],
  22: [["cflow.timestart", text]],
  21: [["cflow.timeend", text]],
  1: [["cflow.octets", text]],
  2: [["cflow.packets", text]],
  10: [["cflow.inputint", text]],
  14: [["cflow.outputint", text]],
  61: [["cflow.direction", text]],
  136: [["cflow.flow_end_reason", octet]],
  7: [["cflow.srcport", text]],
  11: [["cflow.dstport", text]],
  4: [["cflow.protocol", text]],
  6: [["cflow.tcpflags", text]],
  60: [["cflow.ip_version", text]],
  5: [["cflow.tos", text]],
  32: [["cflow.icmp_type_code_ipv4", text]],
  139: [["cflow.icmp_ipv6_type", (v) => String(u16(v) >> 8)], ["cflow.icmp_ipv6_code", (v) => String(u16(v) & 0xff)]],
  34: [["cflow.sampling_interval", text]],
  35: [["cflow.sampling_algorithm", text]],
  82: [["cflow.if_name", text]],
};
const SCOPE_FIELDS: Record<number, [string, Shown][]> = { 2: [["cflow.scope_interface", text]] };
const RECORD_FIELDS = [...new Set([...Object.values(DATA_FIELDS), ...Object.values(SCOPE_FIELDS)].flat().map(([name]) => name))];
const FIELDS = [...HEADER_FIELDS, ...FLOWSET_FIELDS, ...TEMPLATE_FIELDS, ...RECORD_FIELDS];

/** Records a datagram holds, template records included: what RFC 3954's count counts. */
function records(d: NetflowV9Decoded): number {
  return d.sets.reduce((n, s) => n + (s.kind === "templates" ? s.templates.length : s.kind === "data" ? s.records.length : 0), 0);
}

/** Our decode of one datagram in tshark's terms: per field of FIELDS, every occurrence in datagram order. */
function asTshark(d: NetflowV9Decoded, bytes: Uint8Array): string[][] {
  const h = d.header!;
  const columns = new Map<string, string[]>(FIELDS.map((f) => [f, []]));
  const put = (name: string, v: string | number) => columns.get(name)!.push(String(v));
  [9, records(d), h.sysUptime, h.unixSecs, h.sequenceNumber, h.sourceId].forEach((v, i) => put(HEADER_FIELDS[i]!, v));
  for (const s of d.sets) {
    put("cflow.flowset_id", s.flowSetId);
    put("cflow.flowset_length", (bytes[s.offset + 2]! << 8) | bytes[s.offset + 3]!);
    if (s.kind === "templates") {
      for (const t of s.templates) {
        put("cflow.template_id", t.id);
        if (s.flowSetId === 0) put("cflow.template_field_count", t.fields.length);
        else {
          put("cflow.option_scope_length", 4 * t.scopeFieldCount);
          put("cflow.option_length", 4 * (t.fields.length - t.scopeFieldCount));
        }
        t.fields.forEach((f, i) => {
          put(i < t.scopeFieldCount ? "cflow.scope_field_type" : "cflow.template_field_type", f.id);
          put("cflow.template_field_length", f.length);
        });
      }
    } else {
      assert.equal(s.kind, "data", `FlowSet ${s.flowSetId} of a template softflowd sent before`);
      if (s.kind !== "data") continue;
      for (const values of s.records) {
        s.template.fields.forEach((f, i) => {
          const shown = (i < s.template.scopeFieldCount ? SCOPE_FIELDS : DATA_FIELDS)[f.id];
          assert.ok(shown, `a field of type ${f.id} in template ${s.template.id}: add its tshark name`);
          for (const [name, show] of shown) put(name, show(values[i]!));
        });
      }
    }
  }
  return FIELDS.map((f) => columns.get(f)!);
}

/** tshark's values as asTshark writes ours: times to ms, hex numbers to decimal. */
function normalise(frame: string[][]): string[][] {
  return frame.map((values, i) => {
    const name = FIELDS[i]!;
    if (name === "cflow.sysuptime" || name === "cflow.timestart" || name === "cflow.timeend") return values.map((v) => String(Math.round(Number(v) * 1000)));
    if (name === "cflow.tcpflags" || name === "cflow.tos" || name === "cflow.icmp_type_code_ipv4") return values.map((v) => String(Number(v)));
    return values;
  });
}

/** The UDP payload of a frame tshark captured on lo (Ethernet, IPv4). */
function udpPayload(frame: Uint8Array): Uint8Array {
  assert.equal((frame[12]! << 8) | frame[13]!, 0x0800, "an IPv4 frame");
  return frame.subarray(14 + (frame[14]! & 0x0f) * 4 + 8);
}

/** Per frame of a capture file, per field, every occurrence as tshark decodes cflow on `port`. */
async function tsharkFields(lab: Lab, file: string, port: number, fields: string[]): Promise<string[][][]> {
  const r = await lab.execOk(HOST_NS, ["tshark", "-r", file, "-d", `udp.port==${port},cflow`, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=;", ...fields.flatMap((f) => ["-e", f])]);
  return r.stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((line) => line.split("\t").map((v) => (v === "" ? [] : v.split(";"))));
}

describe("NetFlow v9 from softflowd", () => {
  test("every header, FlowSet, template and record decodes as tshark decodes it; the flows carry exactly the packets and octets sent", async (t) => {
    if (!requirePrivileges(t)) return;
    const lab = await createLab(t);
    const pair = await lab.veth({ ns: HOST_NS }, { ns: await lab.netns() });
    const dir = tempDir("rfm-v9-", t);
    const startMs = Date.now();

    const datagrams: Buffer[] = [];
    const socket = createSocket("udp4").on("message", (m) => datagrams.push(m));
    t.after(() => socket.close());
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    const port = socket.address().port;
    const capture = await TsharkCapture.start(lab, join(dir, "v9.pcapng"), port);

    const ctl = join(dir, "softflowd.ctl");
    const softflowd = lab.spawn(HOST_NS, ["softflowd", "-d", "-i", pair.a.name, "-n", `127.0.0.1:${port}`, "-v", "9", "-c", ctl, "-p", join(dir, "softflowd.pid"), "-t", "maxlife=300"]);
    await until(() => existsSync(ctl) || !softflowd.isRunning, 10_000, "softflowd's control socket");
    assert.ok(softflowd.isRunning, softflowd.stderr());

    // UDP over both families (templates 1024 and 2048; 32 flows, more than one of softflowd's datagrams holds) and pings of both (ICMP templates 1025 and 2049).
    const rx = await startUdpReceiver(lab, { ns: HOST_NS });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 20, size: 100, sport: 40000, ports: 30 });
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv6, port: rx.port, count: 50, size: 100, sport: 41000, ports: 2 });
    assert.equal((await ping(lab, { from: pair.b.ns, to: pair.a.ipv4 })).received, 3);
    assert.equal((await ping(lab, { from: pair.b.ns, to: pair.a.ipv6 })).received, 3);
    // softflowd's live capture hands packets over a block at a time (about
    // 1,700 small ones): filler traffic from another port pushes ours through.
    await sendFromPorts(lab, { from: pair.b.ns, to: pair.a.ipv4, port: rx.port, count: 5000, size: 1, sport: 50000 });
    await rx.stop();

    const SENT = new Map<number, { packets: number; octets: number }>([
      ...Array.from({ length: 30 }, (_, i) => [40000 + i, { packets: 20, octets: 20 * udpIpBytes(4, 100) }] as const),
      ...[41000, 41001].map((p) => [p, { packets: 50, octets: 50 * udpIpBytes(6, 100) }] as const),
    ]);
    // Our UDP flows by source port, summed over every record (an early expiry splits a flow in two).
    const flows = (): Map<number, { packets: number; octets: number }> => {
      const cache = new TemplateCache();
      const out = new Map<number, { packets: number; octets: number }>();
      for (const bytes of datagrams) {
        for (const s of decodeNetflowV9(bytes, { session: "sum", cache }).sets) {
          if (s.kind !== "data") continue;
          const at = (id: number) => s.template.fields.findIndex((f) => f.id === id);
          const [sport, dport, packets, octets] = [at(7), at(11), at(2), at(1)];
          if (sport < 0) continue;
          for (const r of s.records) {
            if (r[dport] !== rx.port || !SENT.has(r[sport] as number)) continue;
            const f = out.get(r[sport] as number) ?? { packets: 0, octets: 0 };
            f.packets += Number(r[packets]);
            f.octets += Number(r[octets]);
            out.set(r[sport] as number, f);
          }
        }
      }
      return out;
    };
    // Expire everything softflowd holds until our 32 flows have all their packets.
    await until(async () => {
      await lab.execOk(HOST_NS, ["softflowctl", "-c", ctl, "expire-all"]);
      return [...flows().values()].reduce((n, f) => n + f.packets, 0) >= 700;
    }, 20_000, "softflowd's export of the 700 datagrams");
    assert.deepEqual([...flows().entries()].sort((a, b) => a[0] - b[0]), [...SENT.entries()]);

    // No datagram after these: softflowd has exited (exporting what it still held) and our socket has read its queue empty.
    softflowd.kill("SIGTERM");
    await softflowd.exited;
    await until(() => udpSocketCounters(port)?.rxQueue === 0, 10_000, "our socket read empty");
    assert.equal(udpSocketCounters(port)?.drops, 0, "no datagram dropped at our socket");
    await capture.stop(datagrams.length);

    // tshark's own capture: the datagrams we received, in order; then the copy with the counts made right.
    const { packets, error } = decodeCapture(new Uint8Array(readFileSync(capture.file)));
    assert.equal(error, undefined);
    assert.equal(packets.length, datagrams.length, "tshark saw every datagram we received");
    const cache = new TemplateCache();
    const decoded = datagrams.map((bytes) => decodeNetflowV9(bytes, { session: `udp:127.0.0.1:${port}`, cache }));
    const counted = packets.map((p, i) => {
      assert.equal(p.linkType, LINKTYPE_ETHERNET);
      const data = p.data.slice();
      const payload = udpPayload(data);
      assert.deepEqual(payload, new Uint8Array(datagrams[i]!), `frame ${i + 1} is datagram ${i}`);
      const n = records(decoded[i]!);
      payload[2] = n >>> 8;
      payload[3] = n & 0xff;
      return { ...p, data };
    });
    const countedFile = join(dir, "v9-counted.pcap");
    writeFileSync(countedFile, encodePcap(counted, { linkType: LINKTYPE_ETHERNET, nanos: true }));
    const frames = await tsharkFields(lab, countedFile, port, FIELDS);
    assert.equal(frames.length, datagrams.length);

    const used = new Set<number>();
    decoded.forEach((d, i) => {
      const holds = records(d);
      const flowRecords = d.sets.reduce((n, s) => n + (s.kind === "data" && !s.options ? s.records.length : 0), 0);
      assert.equal(d.header!.count, flowRecords, `datagram ${i}: softflowd counts its flow records`);
      assert.deepEqual(d.errors.map((e) => e.code), holds === flowRecords ? [] : ["count_mismatch"], `datagram ${i}`);
      assert.deepEqual(asTshark(d, datagrams[i]!), normalise(frames[i]!), `datagram ${i}`);
      for (const s of d.sets) {
        if (s.kind !== "data") continue;
        used.add(s.flowSetId);
        if (s.options) continue;
        // softflowd stamps flows from the clock of the header: none ends after its export, none began before the test.
        for (const r of s.records) {
          const { start, end } = switchedTimes(s.template, r, d.header!);
          // (The header's clock has whole seconds: Unix times come out up to a second early, never late.)
          assert.ok(start !== undefined && end !== undefined && startMs - 1000 <= start && start <= end && end <= d.header!.unixSecs * 1000, `times of datagram ${i}: ${start} ${end}`);
        }
      }
    });
    assert.deepEqual([...used].sort((a, b) => a - b), [256, 1024, 1025, 2048, 2049], "options data and all four flow templates");
    assert.ok(decoded.some((d) => d.sets.every((s) => s.kind === "data")), "a datagram of data only, decoded (by both) with the templates of an earlier one");
  });
});
