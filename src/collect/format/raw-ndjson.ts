// "raw" as NDJSON: one object per datagram as its protocol has it. IPFIX:
// header, then each set with its template records or its data records
// keyed by element name (unknown elements by id, enterprise ones as
// "pen:id"), values typed: addresses and MACs as text, dateTime as RFC 3339
// with milliseconds, octet arrays as hex. A repeated element is a repeated
// key, as on the wire. A data set whose template is unknown has no records.
// NetFlow v9 likewise, its FlowSets under "flow_sets" (RustFlow's name);
// sFlow as its samples and records, flow and counter samples alike.
import type { DecodedMessage, FieldValue, TemplateField } from "../../ipfix/index.js";
import type { DecodedTemplate } from "../../ipfix/index.js";
import type { NetflowV5Datagram } from "../../netflow-v5/index.js";
import type { NetflowV9Decoded } from "../../netflow-v9/index.js";
import type { SflowDecoded } from "../../sflow/index.js";
import type { DecodedDatagram } from "../decode/flow-decoder.js";
import type { DatagramFormat, FileEncoder } from "./formatter.js";

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
const rfc3339 = (ms: number) => (Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms));

function value(field: TemplateField, v: FieldValue): string {
  if (v === null) return "null";
  if (v instanceof Uint8Array) return `"${hex(v)}"`;
  switch (field.type) {
    case "dateTimeSeconds":
      return JSON.stringify(rfc3339((v as number) * 1000));
    case "dateTimeMilliseconds":
      return JSON.stringify(rfc3339(v as number));
    case "dateTimeMicroseconds":
      return JSON.stringify(rfc3339(Math.floor((v as number) / 1000)));
    case "dateTimeNanoseconds":
      return JSON.stringify(rfc3339(Number((v as bigint) / 1_000_000n)));
    default:
      if (typeof v === "bigint") return v.toString();
      if (typeof v === "number") return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
      return JSON.stringify(v);
  }
}

function key(f: TemplateField): string {
  return JSON.stringify(f.name ?? (f.enterprise === 0 ? String(f.id) : `${f.enterprise}:${f.id}`));
}

function templateJson(t: DecodedTemplate): string {
  return JSON.stringify({
    template_id: t.id,
    field_count: t.fields.length,
    ...(t.scopeFieldCount > 0 ? { scope_field_count: t.scopeFieldCount } : {}),
    fields: t.fields.map((f) => ({ enterprise_bit: f.enterprise !== 0, information_element_identifier: f.id, field_length: f.length, enterprise_number: f.enterprise === 0 ? null : f.enterprise })),
  });
}

function dataJson(id: number, template: DecodedTemplate, records: readonly (readonly FieldValue[])[]): string {
  const fields = template.fields;
  const rows = records.map((r) => `{${r.map((v, i) => `${key(fields[i]!)}:${value(fields[i]!, v)}`).join(",")}}`);
  return `{"id":${id},"records":[${rows.join(",")}]}`;
}

function v9Json(m: NetflowV9Decoded): string {
  const h = m.header!;
  const sets = m.sets.map((s) =>
    s.kind === "templates" ? `{"id":${s.flowSetId},"records":[${s.templates.map(templateJson).join(",")}]}` : s.kind === "data" ? dataJson(s.flowSetId, s.template, s.records) : `{"id":${s.flowSetId},"records":[]}`,
  );
  return `{"version":9,"count":${h.count},"sys_uptime":${h.sysUptime},"unix_secs":${h.unixSecs},"sequence_number":${h.sequenceNumber},"source_id":${h.sourceId},"flow_sets":[${sets.join(",")}]}`;
}

const BIG = "\u0000big:";

/**
 * sFlow as decoded, keys in snake_case: octets (sampled headers, opaque
 * data) as hex, 64-bit counters as exact integers; a sampled header's
 * dissection offsets are left out (the header itself is there).
 */
function sflowJson(m: SflowDecoded): string {
  const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const text = JSON.stringify({ ...m.datagram, samples: m.samples }, function (this: unknown, k, v: unknown) {
    if (k === "layers") return undefined;
    if (typeof v === "bigint") return `${BIG}${v}`;
    if (v instanceof Uint8Array) return hex(v);
    if (v && typeof v === "object" && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([key, x]) => [snake(key), x]));
    return v;
  });
  return text.replace(/"\\u0000big:(-?\d+)"/g, "$1");
}

function ipfixJson(m: DecodedMessage): string {
  const h = m.header!;
  const sets = m.sets.map((s) => {
    if (s.kind === "templates") {
      const records = [...s.templates.map(templateJson), ...s.withdrawals.map((w) => JSON.stringify({ template_id: w.templateId, field_count: 0 }))];
      return `{"id":${s.setId},"records":[${records.join(",")}]}`;
    }
    return dataJson(s.setId, s.template, s.records);
  });
  return `{"version":10,"length":${h.length},"export_time":${JSON.stringify(rfc3339(h.exportTime * 1000).replace(".000Z", "Z"))},"sequence_number":${h.sequenceNumber},"observation_domain_id":${h.observationDomainId},"sets":[${sets.join(",")}]}`;
}

function v5Json(m: NetflowV5Datagram): string {
  const h = m.header;
  return JSON.stringify({
    version: 5, count: h.count, sys_uptime: h.sysUptime, unix_secs: h.unixSecs, unix_nsecs: h.unixNsecs, flow_sequence: h.flowSequence,
    engine_type: h.engineType, engine_id: h.engineId, sampling_mode: h.samplingMode, sampling_interval: h.samplingInterval,
    records: m.records.map((r) => ({
      src_addr: r.srcAddr, dst_addr: r.dstAddr, next_hop: r.nextHop, input: r.input, output: r.output, packets: r.packets, octets: r.octets,
      first: r.first, last: r.last, src_port: r.srcPort, dst_port: r.dstPort, tcp_flags: r.tcpFlags, protocol: r.protocol, tos: r.tos,
      src_as: r.srcAs, dst_as: r.dstAs, src_mask: r.srcMask, dst_mask: r.dstMask,
    })),
  });
}

export class RawNdjson implements DatagramFormat, FileEncoder<DecodedDatagram> {
  readonly extension = "ndjson";
  readonly streams = true;

  open(): FileEncoder<DecodedDatagram> {
    return this;
  }

  begin(): string {
    return "";
  }

  end(): string {
    return "";
  }

  encode(batch: readonly DecodedDatagram[]): string {
    let out = "";
    for (const d of batch) {
      if (d.kind === "ipfix" && d.message.header) out += `${ipfixJson(d.message)}\n`;
      else if (d.kind === "netflow_v9" && d.message.header) out += `${v9Json(d.message)}\n`;
      else if (d.kind === "sflow" && d.message.datagram) out += `${sflowJson(d.message)}\n`;
      else if (d.kind === "netflow_v5" && d.message) out += `${v5Json(d.message)}\n`;
    }
    return out;
  }
}
