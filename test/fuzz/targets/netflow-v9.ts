// NetFlow v9 datagrams through decodeNetflowV9 and its template cache, as a
// collector gets them: from three sessions, with a cache small enough to
// evict, either lookup, and the pending FlowSets of earlier cases decoded
// again as templates arrive. Seeds: softflowd's export (captured) and built
// datagrams with options templates of every scope type, strings, MAC and
// IPv6 addresses, unknown field types, padding, several source IDs and data
// ahead of its template.
// Contract: never throws; a header comes back exactly when there are 20
// octets and version 9; every problem is a NetflowV9Error with a documented
// code (never internal_error) at an offset inside the datagram; values have
// the shape their type promises at their template's length; records take no
// more octets than their FlowSet and the datagram hold; pending FlowSets are
// the datagram's own octets.
import type { FieldValue } from "../../../src/ipfix/abstract-types.js";
import type { TemplateField } from "../../../src/ipfix/decoded-template.js";
import { TemplateCache } from "../../../src/ipfix/template-cache.js";
import type { Template } from "../../../src/ipfix/template.js";
import {
  decodeNetflowV9,
  decodePendingFlowSet,
  encodeNetflowV9,
  netflowV9IanaLookup,
  netflowV9Lookup,
  type NetflowV9Error,
  type NetflowV9ErrorCode,
  type NetflowV9PendingFlowSet,
} from "../../../src/netflow-v9/index.js";
import { FLOWSET_HEADER_LENGTH, HEADER_LENGTH, MAX_RECORD_LENGTH, OPTIONS_TEMPLATE_FLOWSET_ID, TEMPLATE_FLOWSET_ID } from "../../../src/netflow-v9/wire.js";
import { splitV9Capture } from "../capture/netflow-v9.js";
import { capture } from "../captures.js";
import type { LengthField, Seed } from "../mutator.js";
import { count, violation, type FuzzTarget } from "../target.js";

const CODES: ReadonlySet<NetflowV9ErrorCode> = new Set<NetflowV9ErrorCode>([
  "short_datagram",
  "bad_version",
  "count_mismatch",
  "short_flowset",
  "truncated_flowset",
  "reserved_flowset_id",
  "template_overrun",
  "bad_template_id",
  "bad_option_lengths",
  "bad_field_length",
  "empty_template",
  "oversized_template",
  "unknown_template",
  "bad_padding",
  "bad_value",
]);

const FLOWS: Template = {
  id: 256,
  fields: [
    { id: 8, length: 4 },
    { id: 12, length: 4 },
    { id: 7, length: 2 },
    { id: 11, length: 2 },
    { id: 4, length: 1 },
    { id: 1, length: 8 },
    { id: 2, length: 3 },
    { id: 22, length: 4 },
    { id: 21, length: 4 },
    { id: 136, length: 1, type: "unsigned8" },
  ],
};
const NAMES: Template = {
  id: 257,
  fields: [
    { id: 27, length: 16 },
    { id: 56, length: 6 },
    { id: 82, length: 12 },
    { id: 40_000, length: 5 },
    { id: 61, length: 1 },
  ],
};
const SCOPES: Template = {
  id: 300,
  scopeFieldCount: 5,
  fields: [
    { id: 1, length: 4 },
    { id: 2, length: 2 },
    { id: 3, length: 4 },
    { id: 4, length: 2 },
    { id: 5, length: 2 },
    { id: 34, length: 4 },
    { id: 35, length: 1 },
    { id: 83, length: 10 },
  ],
};
// One field of one octet: a single rewritten length makes it empty, and its records cannot be padded.
const PROTO: Template = { id: 258, fields: [{ id: 4, length: 1 }] };

/** Datagrams built to reach what softflowd's do not: every scope type, strings, MAC and IPv6, 8- and 3-octet counters, several sources, data ahead of its template. */
function builtDatagrams(): Uint8Array[] {
  const flow = (i: number) => [`10.0.0.${i}`, "192.0.2.1", 1024 + i, 443, 6, BigInt(i) * 1_000_000_007n, i * 3, 3_600_000 - i, 3_600_000, i % 5];
  const names = (i: number) => ["2001:db8::" + i.toString(16), "00:1b:21:aa:bb:cc", "x".repeat(i % 13), new Uint8Array(5).fill(i), i % 2];
  const scopes = (i: number) => [Uint8Array.of(192, 0, 2, i), i, 7, Uint8Array.of(0, i), Uint8Array.of(1, 0), 100, 2, "card " + i];
  const header = { sysUptime: 3_600_000, unixSecs: 1_700_000_000, sequenceNumber: 41 };
  return [
    encodeNetflowV9({
      ...header,
      sourceId: 5,
      sets: [
        { kind: "templates", templates: [FLOWS, NAMES, PROTO] },
        { kind: "templates", options: true, templates: [SCOPES] },
        { kind: "data", template: FLOWS, records: Array.from({ length: 12 }, (_, i) => flow(i)) },
        { kind: "data", template: NAMES, records: Array.from({ length: 4 }, (_, i) => names(i)) },
        { kind: "data", template: SCOPES, records: [scopes(1), scopes(2)] },
        { kind: "data", template: PROTO, records: [[17], [6], [1]] },
      ],
    }),
    // Another source with the same template IDs, data first (pending until the template FlowSet after it).
    encodeNetflowV9({
      ...header,
      sourceId: 6,
      sets: [
        { kind: "data", template: NAMES, records: [names(7)] },
        { kind: "templates", templates: [NAMES] },
        { kind: "data", template: NAMES, records: [names(8), names(9)], padding: 2 },
      ],
    }),
    encodeNetflowV9({ ...header, sourceId: 5, count: 3, sets: [{ kind: "data", template: FLOWS, records: [flow(40), flow(41)] }] }),
  ];
}

/** The header's count, every FlowSet length, and in template FlowSets every field count (or scope and option length) and field length. */
function lengthFields(d: Uint8Array): LengthField[] {
  const fields: LengthField[] = [{ offset: 2, width: 2 }];
  const u16 = (p: number) => (d[p] << 8) | d[p + 1];
  for (let p = HEADER_LENGTH; p + FLOWSET_HEADER_LENGTH <= d.length; ) {
    const id = u16(p);
    const len = u16(p + 2);
    fields.push({ offset: p + 2, width: 2 });
    if (len < FLOWSET_HEADER_LENGTH) break;
    const end = Math.min(p + len, d.length);
    if (id === TEMPLATE_FLOWSET_ID || id === OPTIONS_TEMPLATE_FLOWSET_ID) {
      const options = id === OPTIONS_TEMPLATE_FLOWSET_ID;
      for (let r = p + FLOWSET_HEADER_LENGTH; r + (options ? 6 : 4) <= end; ) {
        fields.push({ offset: r + 2, width: 2 });
        if (options) fields.push({ offset: r + 4, width: 2 });
        const n = options ? (u16(r + 2) + u16(r + 4)) / 4 : u16(r + 2);
        let q = r + (options ? 6 : 4);
        for (let k = 0; k < n && q + 4 <= end; k++, q += 4) fields.push({ offset: q + 2, width: 2 });
        if (!Number.isInteger(n) || n === 0) break;
        r = q;
      }
    }
    p += len;
  }
  return fields;
}

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Whether a decoded value has the shape its field's type promises at the field's length. */
function wellFormed(f: TemplateField, v: FieldValue): boolean {
  const uint = (bits: number) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v < 2 ** bits;
  const int = (bits: number) => typeof v === "number" && Number.isInteger(v) && v >= -(2 ** (bits - 1)) && v < 2 ** (bits - 1);
  const big = (signed: boolean) => {
    if (typeof v !== "bigint") return false;
    const bits = BigInt(8 * f.length);
    return signed ? v >= -(1n << (bits - 1n)) && v < 1n << (bits - 1n) : v >= 0n && v < 1n << bits;
  };
  switch (f.type) {
    case "unsigned8":
    case "unsigned16":
    case "unsigned32":
      return uint(8 * f.length);
    case "signed8":
    case "signed16":
    case "signed32":
      return int(8 * f.length);
    case "unsigned64":
      return big(false);
    case "signed64":
      return big(true);
    case "float32":
    case "float64":
      return typeof v === "number";
    case "boolean":
      return v === true || v === false || v === null;
    case "macAddress":
      return typeof v === "string" && MAC.test(v);
    case "ipv4Address": {
      const m = typeof v === "string" ? IPV4.exec(v) : null;
      return m !== null && m.slice(1).every((p) => Number(p) <= 255);
    }
    case "ipv6Address":
      return typeof v === "string" && v.includes(":");
    case "dateTimeSeconds":
      return uint(32);
    case "dateTimeMilliseconds":
      return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 2 ** 64;
    case "dateTimeMicroseconds":
      return typeof v === "number" && Number.isInteger(v);
    case "dateTimeNanoseconds":
      return typeof v === "bigint";
    case "string":
      return v === null || (typeof v === "string" && Buffer.byteLength(v) <= f.length);
    default:
      return v instanceof Uint8Array && v.length === f.length;
  }
}

const SESSIONS = ["udp:192.0.2.1:2055", "udp:192.0.2.2:2055", "udp:[2001:db8::1]:9995"];
const LOOKUPS = [netflowV9Lookup, netflowV9IanaLookup];
const MAX_TEMPLATES = 8;
const MAX_PENDING = 8;

export function netflowV9Target(): FuzzTarget {
  const seeds: Seed[] = [
    ...splitV9Capture(capture("softflowd-v9.bin")).map((bytes, i) => ({ name: `softflowd-v9.bin #${i}`, bytes, lengthFields: lengthFields(bytes) })),
    ...builtDatagrams().map((bytes, i) => ({ name: `built #${i}`, bytes, lengthFields: lengthFields(bytes) })),
  ];
  const reached = new Map<string, number>();
  let cache = new TemplateCache({ maxTemplates: MAX_TEMPLATES });
  // Pending FlowSets of earlier cases of the epoch, with the session they came from.
  let pending: { set: NetflowV9PendingFlowSet; session: string }[] = [];

  const checkErrors = (errors: NetflowV9Error[], from: number, to: number) => {
    for (const e of errors) {
      if (!CODES.has(e.code)) violation(`error code ${e.code}: ${e.message}`);
      if (!(e.offset >= from && e.offset <= to)) violation(`${e.code} at offset ${e.offset}, outside ${from}-${to}`);
      count(reached, e.code);
    }
  };
  const checkRecords = (records: FieldValue[][], fields: readonly TemplateField[], flowSetId: number) => {
    for (const rec of records) {
      if (rec.length !== fields.length) violation(`record of ${rec.length} values for ${fields.length} fields`);
      for (let k = 0; k < rec.length; k++) {
        if (!wellFormed(fields[k], rec[k])) violation(`${fields[k].type} field ${k} (${fields[k].length} octets) of template ${flowSetId} decoded as ${String(rec[k])}`);
      }
    }
    reached.set("records", (reached.get("records") ?? 0) + records.length);
  };

  return {
    name: "netflow-v9",
    contract: "decodeNetflowV9 never throws; documented error codes at offsets inside the datagram; values of their types' shape; records within their FlowSet",
    seeds,
    mutator: { maxLength: 65_507 },
    epoch: 1000,
    reached,
    reset() {
      cache = new TemplateCache({ maxTemplates: MAX_TEMPLATES });
      pending = [];
    },
    run(bytes, rng) {
      const session = rng.pick(SESSIONS);
      const lookup = rng.pick(LOOKUPS);
      const d = decodeNetflowV9(bytes, { session, cache, lookup });
      checkErrors(d.errors, 0, bytes.length);
      const decodable = bytes.length >= HEADER_LENGTH && bytes[0] === 0 && bytes[1] === 9;
      if (decodable !== (d.header !== undefined)) violation(`a header ${d.header ? "from" : "missing for"} ${bytes.length} octets starting ${bytes[0]} ${bytes[1]}`);
      for (const s of d.sets) {
        if (!(s.offset >= HEADER_LENGTH && s.offset + FLOWSET_HEADER_LENGTH <= bytes.length)) violation(`FlowSet at offset ${s.offset} of ${bytes.length}`);
        const declared = (bytes[s.offset + 2] << 8) | bytes[s.offset + 3];
        const room = Math.min(declared, bytes.length - s.offset) - FLOWSET_HEADER_LENGTH;
        if (s.kind === "templates") {
          for (const t of s.templates) {
            const length = t.fields.reduce((n, f) => n + f.length, 0);
            if (t.minRecordLength !== length || length < 1 || length > MAX_RECORD_LENGTH) violation(`template ${t.id} kept with records of ${t.minRecordLength} octets (fields: ${length})`);
            if (t.scopeFieldCount > t.fields.length || t.id < 256) violation(`template ${t.id} with ${t.scopeFieldCount} scopes of ${t.fields.length} fields`);
          }
        } else if (s.kind === "pending") {
          if (s.bytes.length !== room + FLOWSET_HEADER_LENGTH || !Buffer.from(s.bytes).equals(bytes.subarray(s.offset, s.offset + s.bytes.length))) {
            violation(`pending FlowSet of ${s.bytes.length} octets at ${s.offset}, not the datagram's ${room + FLOWSET_HEADER_LENGTH}`);
          }
          if (pending.length < MAX_PENDING) pending.push({ set: s, session });
        } else {
          if (s.records.length * s.template.minRecordLength > room) violation(`${s.records.length} records of ${s.template.minRecordLength} octets in a FlowSet with room for ${room}`);
          checkRecords(s.records, s.template.fields, s.flowSetId);
        }
      }
      // Held FlowSets whose templates arrived since.
      pending = pending.filter(({ set, session: from }) => {
        const r = decodePendingFlowSet(set, { session: from, cache, lookup });
        checkErrors(r.errors, set.offset, set.offset + set.bytes.length);
        if (!r.flowSet) return true;
        if (r.flowSet.records.length * r.flowSet.template.minRecordLength > set.bytes.length - FLOWSET_HEADER_LENGTH) violation(`a pending FlowSet of ${set.bytes.length} octets gave ${r.flowSet.records.length} records`);
        checkRecords(r.flowSet.records, r.flowSet.template.fields, set.flowSetId);
        count(reached, "pending_decoded");
        return false;
      });
      if (cache.size > MAX_TEMPLATES) violation(`${cache.size} templates cached, the cap is ${MAX_TEMPLATES}`);
      if (cache.stats.evictions > 0) count(reached, "evictions");
    },
  };
}
