// Property: any header and up to 30 records come back from the decoder as
// they went into the encoder, with no error.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import fc from "fast-check";
import { decodeNetflowV5, encodeNetflowV5, type NetflowV5Record } from "../../src/netflow-v5/index.js";

const u = (bits: number) => fc.integer({ min: 0, max: 2 ** bits - 1 });
const ipv4 = fc.ipV4();

const record: fc.Arbitrary<NetflowV5Record> = fc.record({
  srcAddr: ipv4, dstAddr: ipv4, nextHop: ipv4, input: u(16), output: u(16), packets: u(32), octets: u(32), first: u(32), last: u(32),
  srcPort: u(16), dstPort: u(16), tcpFlags: u(8), protocol: u(8), tos: u(8), srcAs: u(16), dstAs: u(16), srcMask: u(8), dstMask: u(8),
});
const header = fc.record({
  sysUptime: u(32), unixSecs: u(32), unixNsecs: u(32), flowSequence: u(32), engineType: u(8), engineId: u(8), samplingMode: u(2), samplingInterval: u(14),
});

test("encode then decode gives back every header and record value", () => {
  fc.assert(
    fc.property(header, fc.array(record, { minLength: 1, maxLength: 30 }), (h, records) => {
      const bytes = encodeNetflowV5(h, records);
      assert.equal(bytes.length, 24 + 48 * records.length);
      const { datagram, errors } = decodeNetflowV5(bytes);
      assert.deepEqual(errors, []);
      // fast-check's records have no prototype; the decoder's are plain objects.
      assert.deepEqual(datagram, { header: { version: 5, count: records.length, ...h }, records: records.map((r) => ({ ...r })) });
    }),
    { numRuns: 2000 },
  );
});
