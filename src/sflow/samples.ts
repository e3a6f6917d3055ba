// One sample from the span of its stated length: the fixed fields of its
// format, then its records, each skipped by its own length whatever happens
// inside it. The datagram decoder goes on with the next sample regardless.
import { readCounterRecord } from "./counter-records.js";
import type { SflowCounterRecord, SflowFlowRecord, SflowSample } from "./datagram.js";
import type { SflowError } from "./decode-error.js";
import { readFlowRecord } from "./flow-records.js";
import {
  COUNTERS_SAMPLE_EXPANDED_FIXED, COUNTERS_SAMPLE_FIXED, FLOW_SAMPLE_EXPANDED_FIXED, FLOW_SAMPLE_FIXED, MAX_RECORDS, padded, SAMPLE_COUNTERS,
  SAMPLE_COUNTERS_EXPANDED, SAMPLE_FLOW, SAMPLE_FLOW_EXPANDED, TAG_LENGTH,
} from "./wire.js";
import type { XdrReader } from "./xdr-reader.js";

const NAMES: Record<number, string> = {
  [SAMPLE_FLOW]: "flow_sample",
  [SAMPLE_COUNTERS]: "counters_sample",
  [SAMPLE_FLOW_EXPANDED]: "flow_sample_expanded",
  [SAMPLE_COUNTERS_EXPANDED]: "counters_sample_expanded",
};
const FIXED: Record<number, number> = {
  [SAMPLE_FLOW]: FLOW_SAMPLE_FIXED,
  [SAMPLE_COUNTERS]: COUNTERS_SAMPLE_FIXED,
  [SAMPLE_FLOW_EXPANDED]: FLOW_SAMPLE_EXPANDED_FIXED,
  [SAMPLE_COUNTERS_EXPANDED]: COUNTERS_SAMPLE_EXPANDED_FIXED,
};

/**
 * The sample of `enterprise`:`format` whose data spans the reader's pos to
 * end; `tagAt` is where its tag starts. Undefined when its fixed fields do
 * not fit (a short_sample in `errors`).
 */
export function readSample(r: XdrReader, enterprise: number, format: number, tagAt: number, errors: SflowError[]): SflowSample | undefined {
  const name = enterprise === 0 ? NAMES[format] : undefined;
  if (name === undefined) return { kind: "unknown", enterprise, format, data: r.bytes.subarray(r.pos, r.end) };
  const fixed = FIXED[format]!;
  if (!r.has(fixed)) {
    errors.push({ code: "short_sample", offset: tagAt, message: `${name} of ${r.left} octets, fewer than its ${fixed} of fixed fields` });
    return undefined;
  }
  const expanded = format === SAMPLE_FLOW_EXPANDED || format === SAMPLE_COUNTERS_EXPANDED;
  const sequence = r.u32();
  let sourceIdType: number;
  let sourceIdIndex: number;
  if (expanded) {
    sourceIdType = r.u32();
    sourceIdIndex = r.u32();
  } else {
    // Compact source id: type in the top 8 bits, index in the low 24.
    const id = r.u32();
    sourceIdType = id >>> 24;
    sourceIdIndex = id & 0xffffff;
  }
  if (format === SAMPLE_COUNTERS || format === SAMPLE_COUNTERS_EXPANDED) {
    const records: SflowCounterRecord[] = [];
    readRecords(r, name, false, records, errors);
    return { kind: "counters_sample", expanded, sequence, sourceIdType, sourceIdIndex, records };
  }
  const samplingRate = r.u32();
  const samplePool = r.u32();
  const drops = r.u32();
  let inputFormat: number, input: number, outputFormat: number, output: number;
  if (expanded) {
    inputFormat = r.u32();
    input = r.u32();
    outputFormat = r.u32();
    output = r.u32();
  } else {
    // Compact interface: format in the top 2 bits, value in the low 30.
    const i = r.u32();
    const o = r.u32();
    inputFormat = i >>> 30;
    input = i & 0x3fffffff;
    outputFormat = o >>> 30;
    output = o & 0x3fffffff;
  }
  const records: SflowFlowRecord[] = [];
  readRecords(r, name, true, records, errors);
  return { kind: "flow_sample", expanded, sequence, sourceIdType, sourceIdIndex, samplingRate, samplePool, drops, inputFormat, input, outputFormat, output, records };
}

/** The record count at the cursor, then the records; the reader ends at the sample's end. */
function readRecords(r: XdrReader, name: string, flow: boolean, out: (SflowFlowRecord | SflowCounterRecord)[], errors: SflowError[]): void {
  const countAt = r.pos;
  const count = r.u32();
  const sampleEnd = r.end;
  let n = count;
  if (count > MAX_RECORDS) {
    errors.push({ code: "too_many_records", offset: countAt, message: `${name} announces ${count} records; the first ${MAX_RECORDS} are decoded, ${count - MAX_RECORDS} ignored` });
    n = MAX_RECORDS;
  }
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    if (!r.has(TAG_LENGTH)) {
      const where = r.left === 0 ? "before" : "inside the tag of";
      errors.push({ code: "truncated_record", offset: at, message: `${name} ends ${where} record ${i + 1} of the ${count} it announces` });
      return;
    }
    const tag = r.u32();
    const length = r.u32();
    const enterprise = tag >>> 12;
    const format = tag & 0xfff;
    if (length > r.left) {
      errors.push({ code: "truncated_record", offset: at, message: `${name} record ${i + 1} (${enterprise}:${format}) states ${length} octets; the sample has ${r.left} left` });
      return;
    }
    const start = r.pos;
    const recordEnd = start + length;
    const next = Math.min(sampleEnd, start + padded(length));
    r.span(start, recordEnd);
    const record = enterprise === 0 ? (flow ? readFlowRecord(r, format) : readCounterRecord(r, format)) : undefined;
    if (record === undefined) {
      out.push({ type: "unknown", enterprise, format, data: r.bytes.subarray(start, recordEnd) });
    } else if ("code" in record) {
      errors.push(record);
    } else {
      out.push(record);
      if (r.pos < recordEnd) errors.push({ code: "trailing_octets", offset: r.pos, message: `${recordEnd - r.pos} octets after the fields of ${name} record ${i + 1} (${record.type})` });
    }
    r.span(next, sampleEnd);
  }
  // Left over after too_many_records is what was not decoded, not trailing octets.
  if (count === n && r.pos < sampleEnd) errors.push({ code: "trailing_octets", offset: r.pos, message: `${sampleEnd - r.pos} octets after the ${count} records ${name} announces` });
}
