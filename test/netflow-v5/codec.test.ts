// NetFlow v5: the decoder on hand-laid bytes (every header and record field at
// its offset), the encoder writing the same bytes back, and each way a
// datagram can be wrong: reported with its offset, whole records kept.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { decodeNetflowV5, encodeNetflowV5, exportUnixMs, uptimeToUnixMs, type NetflowV5Record } from "../../src/netflow-v5/index.js";
import { hex } from "../ipfix/hex.js";

// One header and two records, laid out field by field.
const DATAGRAM = hex(`
  0005 0002                # version 5, 2 records
  0036ee80                 # sysUptime 3,600,000 ms (one hour)
  6553f100                 # unix_secs 1,700,000,000
  1dcd6500                 # unix_nsecs 500,000,000
  00000064                 # flow_sequence 100
  01 07                    # engine type 1, engine id 7
  4064                     # sampling: mode 1 (top bits 01), interval 100
  # record 1: TCP 192.0.2.1:40000 -> 198.51.100.7:443
  c0000201 c6336407 0a000001   # src, dst, next hop 10.0.0.1
  0003 0004                # input 3, output 4
  0000000a 00003a98        # 10 packets, 15,000 octets
  0036e6b0 0036ea98        # first 3,598,000, last 3,599,000
  9c40 01bb                # ports 40000 -> 443
  00 1b 06 28              # pad, tcp flags SYN|ACK|PSH|FIN, proto 6, tos 0x28
  fde8 fde9                # src AS 65000, dst AS 65001
  18 10 0000               # masks /24 and /16, pad
  # record 2: ICMP echo request, type 8 code 0 in the destination port
  0a0a0a0a 0a0a0a0b 00000000
  ffff 0000
  00000001 00000054
  0036ee80 0036ee80
  0000 0800
  00 00 01 00
  0000 0000
  00 00 0000
`);

const TCP: NetflowV5Record = {
  srcAddr: "192.0.2.1", dstAddr: "198.51.100.7", nextHop: "10.0.0.1", input: 3, output: 4, packets: 10, octets: 15_000,
  first: 3_598_000, last: 3_599_000, srcPort: 40_000, dstPort: 443, tcpFlags: 0x1b, protocol: 6, tos: 0x28,
  srcAs: 65_000, dstAs: 65_001, srcMask: 24, dstMask: 16,
};
const ICMP: NetflowV5Record = {
  srcAddr: "10.10.10.10", dstAddr: "10.10.10.11", nextHop: "0.0.0.0", input: 65_535, output: 0, packets: 1, octets: 84,
  first: 3_600_000, last: 3_600_000, srcPort: 0, dstPort: 0x0800, tcpFlags: 0, protocol: 1, tos: 0,
  srcAs: 0, dstAs: 0, srcMask: 0, dstMask: 0,
};
const HEADER = { sysUptime: 3_600_000, unixSecs: 1_700_000_000, unixNsecs: 500_000_000, flowSequence: 100, engineType: 1, engineId: 7, samplingMode: 1, samplingInterval: 100 };

describe("NetFlow v5 codec", () => {
  test("decodes every header and record field at its offset", () => {
    const { datagram, errors } = decodeNetflowV5(DATAGRAM);
    assert.deepEqual(errors, []);
    assert.deepEqual(datagram, { header: { version: 5, count: 2, ...HEADER }, records: [TCP, ICMP] });
  });

  test("encodes the same bytes back", () => {
    assert.deepEqual(encodeNetflowV5(HEADER, [TCP, ICMP]), DATAGRAM);
  });

  test("a record's sysUptime times become Unix time through the header's pair of clocks", () => {
    const { datagram } = decodeNetflowV5(DATAGRAM);
    const h = datagram!.header;
    const exportMs = exportUnixMs(h.unixSecs, h.unixNsecs);
    assert.equal(exportMs, 1_700_000_000_500);
    assert.equal(uptimeToUnixMs(TCP.first, h.sysUptime, exportMs), 1_700_000_000_500 - 2000);
    assert.equal(uptimeToUnixMs(TCP.last, h.sysUptime, exportMs), 1_700_000_000_500 - 1000);
  });

  test("across the sysUptime wrap at 2^32 ms a flow still dates from before its export; a reading just after the header's stays after", () => {
    // The exporter's counter wrapped 500 ms ago; the flow began 1.5 s ago, before the wrap.
    assert.equal(uptimeToUnixMs(2 ** 32 - 1000, 500, 10_000_000), 10_000_000 - 1500);
    assert.equal(uptimeToUnixMs(3_600_010, 3_600_000, 10_000_000), 10_000_010);
  });

  test("fewer than 24 octets: short_datagram, nothing decoded", () => {
    for (const n of [0, 1, 23]) {
      const r = decodeNetflowV5(DATAGRAM.subarray(0, n));
      assert.equal(r.datagram, undefined);
      assert.deepEqual(r.errors.map((e) => [e.code, e.offset]), [["short_datagram", 0]]);
    }
  });

  test("another version: bad_version naming it, nothing decoded", () => {
    const ipfix = DATAGRAM.slice();
    ipfix[1] = 10;
    const r = decodeNetflowV5(ipfix);
    assert.equal(r.datagram, undefined);
    assert.equal(r.errors[0]!.code, "bad_version");
    assert.match(r.errors[0]!.message, /version 10, not 5/);
  });

  test("a datagram cut inside its second record keeps the first whole record: truncated_record at the cut record's offset", () => {
    const r = decodeNetflowV5(DATAGRAM.subarray(0, 24 + 48 + 20));
    assert.deepEqual(r.datagram!.records, [TCP]);
    assert.deepEqual(r.errors.map((e) => [e.code, e.offset]), [["truncated_record", 72]]);
    assert.match(r.errors[0]!.message, /ends in record 2 \(20 of 48 octets\)/);
  });

  test("octets after the announced records are reported and ignored", () => {
    const longer = new Uint8Array(DATAGRAM.length + 5);
    longer.set(DATAGRAM);
    const r = decodeNetflowV5(longer);
    assert.deepEqual(r.datagram!.records, [TCP, ICMP]);
    assert.deepEqual(r.errors.map((e) => [e.code, e.offset]), [["trailing_octets", 120]]);
  });

  test("a count of 0, or above 30, is bad_count; the whole records present are still decoded", () => {
    const zero = DATAGRAM.slice(0, 24);
    zero[3] = 0;
    assert.deepEqual(decodeNetflowV5(zero).errors.map((e) => e.code), ["bad_count"]);
    assert.deepEqual(decodeNetflowV5(zero).datagram!.records, []);

    const many = DATAGRAM.slice();
    many[3] = 31;
    const r = decodeNetflowV5(many);
    assert.deepEqual(r.errors.map((e) => e.code), ["bad_count", "truncated_record"]);
    assert.deepEqual(r.datagram!.records, [TCP, ICMP]);
  });

  test("the encoder refuses values that do not fit their fields, and more than 30 records", () => {
    assert.throws(() => encodeNetflowV5(HEADER, [{ ...TCP, srcPort: 65_536 }]), /srcPort 65536 does not fit 16 bits/);
    assert.throws(() => encodeNetflowV5(HEADER, [{ ...TCP, srcAddr: "2001:db8::1" }]), /srcAddr "2001:db8::1" is not an IPv4 address/);
    assert.throws(() => encodeNetflowV5({ ...HEADER, samplingInterval: 16_384 }, []), /samplingInterval 16384 does not fit 14 bits/);
    assert.throws(() => encodeNetflowV5(HEADER, Array.from({ length: 31 }, () => TCP)), /at most 30 records/);
  });
});
