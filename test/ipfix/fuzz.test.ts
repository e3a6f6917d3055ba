// Fuzz: 100,000 mutations of valid messages (bit flips, truncations, length
// fields rewritten, octets inserted and removed) through the decoder. It must
// never throw, never hang, and report only well-formed errors. Seeded, so a
// failure reproduces.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { VARIABLE_LENGTH, type FieldValue } from "../../src/ipfix/abstract-types.js";
import type { TemplateField } from "../../src/ipfix/decoded-template.js";
import type { DecodeErrorCode } from "../../src/ipfix/decode-error.js";
import { MessageBuilder } from "../../src/ipfix/message-builder.js";
import { decodeMessage } from "../../src/ipfix/message-decoder.js";
import { encodeMessage } from "../../src/ipfix/message-encoder.js";
import { TemplateCache } from "../../src/ipfix/template-cache.js";
import { enterpriseField, field, type Template } from "../../src/ipfix/template.js";
import { lookupFor } from "./round-trip.js";

const ITERATIONS = 100_000;
const SEED = 0x1bf1c;

/** mulberry32: small, fast, good enough to pick mutations. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int };
}

const FLOWS: Template = {
  id: 256,
  fields: [
    field("sourceIPv4Address"),
    field("destinationIPv4Address"),
    field("sourceTransportPort"),
    field("protocolIdentifier"),
    field("octetDeltaCount", 4),
    field("flowStartMilliseconds"),
    field("flowEndMicroseconds"),
    enterpriseField(32473, 1, "signed16"),
  ],
};
const NAMES: Template = {
  id: 257,
  fields: [field("interfaceName"), field("sourceMacAddress"), field("sourceIPv6Address"), field("dataRecordsReliability"), enterpriseField(32473, 2, "octetArray"), field("flowEndNanoseconds")],
};
const STATS: Template = { id: 300, scopeFieldCount: 1, fields: [field("exportingProcessId"), field("exportedMessageTotalCount"), field("samplingProbability", 4)] };
// One field: a single rewritten length makes it a template of empty records.
const PROTO: Template = { id: 258, fields: [field("protocolIdentifier")] };
const lookup = lookupFor([...FLOWS.fields, ...NAMES.fields]);

function corpus(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const b = new MessageBuilder({ observationDomainId: 5, maxMessageSize: 1200, alignSets: true, now: () => 1_700_000_000, onMessage: (m) => out.push(m) });
  const f = b.addTemplate(FLOWS);
  const n = b.addTemplate(NAMES);
  const s = b.addTemplate(STATS);
  const p = b.addTemplate(PROTO);
  for (let i = 0; i < 40; i++) {
    b.append(f, [`10.0.0.${i}`, "192.0.2.1", 1000 + i, 6, i * 1500, 1_700_000_000_000 + i, 1_700_000_000_000_000 + i, -i]);
    if (i % 7 === 0) b.append(n, ["x".repeat(i * 9), "00:1b:21:aa:bb:cc", "2001:db8::1", i % 2 === 0, new Uint8Array(i), BigInt(i) * 1_000_000_007n]);
    if (i % 13 === 0) b.append(s, [i, i * 3, 0.25]);
    if (i % 5 === 0) b.append(p, [17]);
  }
  b.flush();
  b.withdrawTemplate(257);
  b.withdrawAllTemplates(true);
  b.flush();
  out.push(
    encodeMessage({
      observationDomainId: 6,
      sets: [
        { kind: "templates", templates: [FLOWS, NAMES], padding: 3 },
        { kind: "templates", options: true, templates: [STATS], withdrawals: [3] },
        { kind: "data", template: NAMES, records: [["y".repeat(400), new Uint8Array(6), new Uint8Array(16), false, new Uint8Array(300), 5n]] },
      ],
    }),
  );
  return out;
}

const CODES = new Set<DecodeErrorCode>([
  "short_message",
  "bad_version",
  "length_mismatch",
  "short_set",
  "set_overrun",
  "reserved_set_id",
  "template_overrun",
  "bad_template_id",
  "bad_scope_count",
  "bad_field_length",
  "empty_template",
  "withdraw_unknown",
  "unknown_template",
  "field_overrun",
  "bad_value",
]);

/** Whether a decoded value has the shape its field's type promises. */
function wellFormed(f: TemplateField, v: FieldValue): boolean {
  const int = (n: unknown, bits: number, signed: boolean) =>
    typeof n === "number" && Number.isInteger(n) && (signed ? Math.abs(n) <= 2 ** (bits - 1) : n >= 0 && n < 2 ** bits);
  const big = (n: unknown, signed: boolean) => typeof n === "bigint" && (signed ? n >= -(2n ** 63n) && n < 2n ** 63n : n >= 0n && n < 2n ** 64n);
  switch (f.type) {
    case "unsigned8":
    case "unsigned16":
    case "unsigned32":
      return int(v, 32, false);
    case "signed8":
    case "signed16":
    case "signed32":
      return int(v, 32, true);
    case "unsigned64":
      return big(v, false);
    case "signed64":
      return big(v, true);
    case "float32":
    case "float64":
      return typeof v === "number";
    case "boolean":
      return v === true || v === false || v === null;
    case "macAddress":
      return typeof v === "string" && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(v);
    case "ipv4Address":
      return typeof v === "string" && v.split(".").length === 4 && v.split(".").every((x) => int(Number(x), 8, false));
    case "ipv6Address":
      return typeof v === "string" && v.includes(":");
    case "dateTimeSeconds":
      return int(v, 32, false);
    case "dateTimeMilliseconds":
      return int(v, 64, false);
    case "dateTimeMicroseconds":
      return int(v, 53, true);
    case "dateTimeNanoseconds":
      return big(v, true);
    case "string":
      return v === null || typeof v === "string";
    default:
      return v instanceof Uint8Array && (f.length === VARIABLE_LENGTH || v.length === f.length);
  }
}

function mutate(base: Uint8Array, r: ReturnType<typeof rng>): Uint8Array {
  let m: Uint8Array = base.slice();
  const rounds = 1 + r.int(3);
  for (let k = 0; k < rounds && m.length > 0; k++) {
    const v = new DataView(m.buffer, m.byteOffset, m.byteLength);
    const at = r.int(m.length);
    const at16 = Math.min(at & ~1, Math.max(0, m.length - 2));
    switch (r.int(9)) {
      case 0: // bit flips
        for (let i = 1 + r.int(4); i > 0; i--) m[r.int(m.length)] ^= 1 << r.int(8);
        break;
      case 1: // truncation
        m = m.subarray(0, r.int(m.length));
        break;
      case 2: // the header's length
        if (m.length >= 4) v.setUint16(2, r.next() < 0.5 ? r.int(65536) : Math.max(0, v.getUint16(2) + r.int(9) - 4));
        break;
      case 3: {
        // a set's length, found by walking the sets as far as they make sense
        const starts: number[] = [];
        for (let p = 16; p + 4 <= m.length && starts.length < 32; ) {
          starts.push(p);
          const len = v.getUint16(p + 2);
          if (len < 4) break;
          p += len;
        }
        if (starts.length > 0) {
          const s = starts[r.int(starts.length)];
          v.setUint16(s + 2, r.next() < 0.5 ? r.int(65536) : Math.max(0, v.getUint16(s + 2) + r.int(9) - 4));
        }
        break;
      }
      case 4: // an octet to a value lengths and counts like to break on
        m[at] = [0x00, 0xff, 0xfe, 0x80, 0x01][r.int(5)];
        break;
      case 5: // a 16-bit word (IDs, counts, field lengths) to anything
        if (m.length >= 2) v.setUint16(at16, r.next() < 0.4 ? [0, 1, 4, 255, 65535][r.int(5)] : r.int(65536));
        break;
      case 6: // octets inserted
        m = Buffer.concat([m.subarray(0, at), Uint8Array.from({ length: 1 + r.int(16) }, () => r.int(256)), m.subarray(at)]);
        break;
      case 7: // octets removed
        m = Buffer.concat([m.subarray(0, at), m.subarray(at + 1 + r.int(16))]);
        break;
      case 8: // a slice repeated at the end
        m = Buffer.concat([m, m.subarray(at, at + r.int(64))]);
        break;
    }
  }
  return m;
}

describe("decoder fuzz", () => {
  test(`${ITERATIONS} mutated messages: no throw, no hang, only well-formed errors`, { timeout: 120_000 }, () => {
    const bases = corpus();
    assert.ok(bases.length >= 5);
    const r = rng(SEED);
    const cache = new TemplateCache({ maxTemplates: 8 });
    const sessions = ["udp:192.0.2.1:4739", "udp:192.0.2.2:4739", "tcp:[2001:db8::1]:4739"];
    const seen = new Map<string, number>();
    const noise = Uint8Array.from({ length: 2048 + 65536 }, () => r.int(256));
    let records = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const base = bases[r.int(bases.length)];
      // Now and then the plain message, so the cache holds templates for mutated data sets to meet.
      const message = r.next() < 0.1 ? base : mutate(base, r);
      // Inside a larger buffer with random octets around it: reading past the
      // message would pick those up.
      const before = r.int(8);
      const framed = noise.slice(r.int(1024), 1024 + before + message.length + 64);
      framed.set(message, before);
      const bytes = framed.subarray(before, before + message.length);
      const session = sessions[r.int(sessions.length)];
      let d;
      try {
        d = decodeMessage(bytes, { session, cache, lookup });
      } catch (e) {
        assert.fail(`iteration ${i} threw ${(e as Error).stack}\nmessage: ${Buffer.from(bytes).toString("hex")}`);
      }
      for (const e of d.errors) {
        assert.ok(CODES.has(e.code), `iteration ${i}: ${e.code}: ${e.message}`);
        assert.ok(e.offset >= 0 && e.offset <= bytes.length, `iteration ${i}: ${e.code} at ${e.offset} of ${bytes.length}`);
        seen.set(e.code, (seen.get(e.code) ?? 0) + 1);
      }
      const fatal = d.errors.some((e) => e.code === "short_message" || e.code === "bad_version");
      assert.equal(d.header === undefined, fatal);
      for (const s of d.sets) {
        assert.ok(s.offset >= 16 && s.offset < bytes.length);
        if (s.kind !== "data") continue;
        assert.ok(s.records.length * s.template.minRecordLength <= bytes.length, `iteration ${i}: more records than octets`);
        // The records account for no more octets than their set holds.
        let used = 0;
        for (const rec of s.records) {
          assert.equal(rec.length, s.template.fields.length);
          s.template.fields.forEach((f, k) => {
            const v = rec[k];
            assert.ok(wellFormed(f, v), `iteration ${i}: ${f.type} field ${k} of template ${s.setId} decoded as ${String(v)}`);
            const octets = typeof v === "string" ? Buffer.byteLength(v) : v instanceof Uint8Array ? v.length : 0;
            used += f.length !== VARIABLE_LENGTH ? f.length : 1 + octets;
          });
        }
        const setLength = (bytes[s.offset + 2] << 8) | bytes[s.offset + 3];
        assert.ok(used <= setLength - 4, `iteration ${i}: records of set ${s.setId} take ${used} octets, the set has ${setLength - 4}`);
        records += s.records.length;
      }
    }
    assert.ok(records > 10_000, `${records} records decoded along the way`);
    // The mutations reach the decoder's error paths, not just its front door.
    for (const code of ["empty_template", "length_mismatch", "short_set", "set_overrun", "reserved_set_id", "template_overrun", "unknown_template", "field_overrun", "bad_value", "withdraw_unknown", "bad_field_length"] as const) {
      assert.ok((seen.get(code) ?? 0) > 0, `${code} never came up`);
    }
    assert.ok(cache.size <= 8 && cache.stats.evictions > 0);
  });
});
