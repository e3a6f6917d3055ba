// IPFIX messages through decodeMessage and its template cache, as a collector
// gets them: from three transport sessions, with a cache small enough to
// evict. Seeds: our agent's and pmacct's exports (captured), and built
// messages with enterprise and variable-length fields, options templates,
// withdrawals and set padding.
// Contract: never throws; every problem is a DecodeError with a documented
// code (never internal_error) at an offset inside the message; values have
// the shape their type promises; records take no more octets than their set.
import { VARIABLE_LENGTH, type FieldValue } from "../../../src/ipfix/abstract-types.js";
import type { DecodeErrorCode } from "../../../src/ipfix/decode-error.js";
import type { TemplateField } from "../../../src/ipfix/decoded-template.js";
import { MessageBuilder } from "../../../src/ipfix/message-builder.js";
import { decodeMessage } from "../../../src/ipfix/message-decoder.js";
import { encodeMessage } from "../../../src/ipfix/message-encoder.js";
import { TemplateCache } from "../../../src/ipfix/template-cache.js";
import { enterpriseField, field, type Template } from "../../../src/ipfix/template.js";
import { ENTERPRISE_BIT, MESSAGE_HEADER_LENGTH, OPTIONS_TEMPLATE_SET_ID, SET_HEADER_LENGTH, TEMPLATE_SET_ID } from "../../../src/ipfix/wire.js";
import { lookupFor } from "../../ipfix/round-trip.js";
import { capture } from "../captures.js";
import type { LengthField, Seed } from "../mutator.js";
import { count, violation, type FuzzTarget } from "../target.js";

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

/** Messages built to reach what the captures do not: enterprise and variable-length fields, withdrawals, padding. */
function builtMessages(): Uint8Array[] {
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

/** A capture of datagrams one after another, cut at each message's length. */
export function ipfixMessages(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let p = 0; p + 4 <= stream.length; ) {
    const len = (stream[p + 2] << 8) | stream[p + 3];
    if (len < MESSAGE_HEADER_LENGTH) throw new Error(`capture: IPFIX message of length ${len} at ${p}`);
    out.push(stream.subarray(p, p + len));
    p += len;
  }
  return out;
}

/** The message length, every set length, and in template sets every field count and field length. */
function lengthFields(m: Uint8Array): LengthField[] {
  const fields: LengthField[] = [{ offset: 2, width: 2 }];
  const u16 = (p: number) => (m[p] << 8) | m[p + 1];
  for (let p = MESSAGE_HEADER_LENGTH; p + SET_HEADER_LENGTH <= m.length; ) {
    const setId = u16(p);
    const len = u16(p + 2);
    fields.push({ offset: p + 2, width: 2 });
    if (len < SET_HEADER_LENGTH) break;
    if (setId === TEMPLATE_SET_ID || setId === OPTIONS_TEMPLATE_SET_ID) {
      const header = setId === TEMPLATE_SET_ID ? 4 : 6;
      for (let r = p + SET_HEADER_LENGTH; r + 4 <= p + len; ) {
        const n = u16(r + 2);
        fields.push({ offset: r + 2, width: 2 });
        if (setId === OPTIONS_TEMPLATE_SET_ID) fields.push({ offset: r + 4, width: 2 });
        if (n === 0) {
          r += 4;
          continue;
        }
        let q = r + header;
        for (let k = 0; k < n && q + 4 <= p + len; k++) {
          fields.push({ offset: q + 2, width: 2 });
          q += u16(q) & ENTERPRISE_BIT ? 8 : 4;
        }
        r = q;
      }
    }
    p += len;
  }
  return fields;
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

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;

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
      return typeof v === "string" && MAC.test(v);
    case "ipv4Address":
      return typeof v === "string" && v.split(".").length === 4 && v.split(".").every((x) => int(Number(x), 8, false));
    case "ipv6Address":
      return typeof v === "string" && v.includes(":");
    case "dateTimeSeconds":
      return int(v, 32, false);
    case "dateTimeMilliseconds":
      // A number, exact below 2^53 (abstract-types.ts): the largest 64-bit value rounds to 2^64 itself.
      return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 2 ** 64;
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

const SESSIONS = ["udp:192.0.2.1:4739", "udp:192.0.2.2:4739", "tcp:[2001:db8::1]:4739"];
const MAX_TEMPLATES = 8;

export function ipfixTarget(): FuzzTarget {
  const seeds: Seed[] = [
    ...ipfixMessages(capture("agent-ipfix.bin")).map((bytes, i) => ({ name: `agent-ipfix.bin #${i}`, bytes, lengthFields: lengthFields(bytes) })),
    ...ipfixMessages(capture("pmacct-ipfix.bin")).map((bytes, i) => ({ name: `pmacct-ipfix.bin #${i}`, bytes, lengthFields: lengthFields(bytes) })),
    ...builtMessages().map((bytes, i) => ({ name: `built #${i}`, bytes, lengthFields: lengthFields(bytes) })),
  ];
  const reached = new Map<string, number>();
  let cache = new TemplateCache({ maxTemplates: MAX_TEMPLATES });
  return {
    name: "ipfix",
    contract: "decodeMessage never throws; problems are DecodeErrors with documented codes at offsets inside the message",
    seeds,
    mutator: { maxLength: 65535 },
    epoch: 1000,
    reached,
    reset() {
      cache = new TemplateCache({ maxTemplates: MAX_TEMPLATES });
    },
    run(bytes, rng) {
      const d = decodeMessage(bytes, { session: rng.pick(SESSIONS), cache, lookup });
      for (const e of d.errors) {
        if (!CODES.has(e.code)) violation(`error code ${e.code}: ${e.message}`);
        if (!(e.offset >= 0 && e.offset <= bytes.length)) violation(`${e.code} at offset ${e.offset} of ${bytes.length}`);
        count(reached, e.code);
      }
      const fatal = d.errors.some((e) => e.code === "short_message" || e.code === "bad_version");
      if ((d.header === undefined) !== fatal) violation(`header ${d.header ? "present" : "absent"} with errors ${d.errors.map((e) => e.code).join(",")}`);
      for (const s of d.sets) {
        if (!(s.offset >= MESSAGE_HEADER_LENGTH && s.offset < bytes.length)) violation(`set at offset ${s.offset} of ${bytes.length}`);
        if (s.kind !== "data") continue;
        let used = 0;
        for (const rec of s.records) {
          if (rec.length !== s.template.fields.length) violation(`record of ${rec.length} values for ${s.template.fields.length} fields`);
          for (let k = 0; k < rec.length; k++) {
            const f = s.template.fields[k];
            const v = rec[k];
            if (!wellFormed(f, v)) violation(`${f.type} field ${k} of template ${s.setId} decoded as ${String(v)}`);
            const octets = typeof v === "string" ? Buffer.byteLength(v) : v instanceof Uint8Array ? v.length : 0;
            used += f.length !== VARIABLE_LENGTH ? f.length : 1 + octets;
          }
        }
        const setLength = (bytes[s.offset + 2] << 8) | bytes[s.offset + 3];
        if (used > setLength - SET_HEADER_LENGTH) violation(`records of set ${s.setId} take ${used} octets, the set has ${setLength - SET_HEADER_LENGTH}`);
        reached.set("records", (reached.get("records") ?? 0) + s.records.length);
      }
      if (cache.size > MAX_TEMPLATES) violation(`${cache.size} templates cached, the cap is ${MAX_TEMPLATES}`);
      if (cache.stats.evictions > 0) count(reached, "evictions");
    },
  };
}
