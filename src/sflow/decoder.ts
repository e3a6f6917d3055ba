// sFlow v5 datagram decoder: a pure function over bytes. Bad input never
// throws; it comes back as errors beside every sample and record that was
// whole. Sample and record formats it does not read are returned as opaque
// "unknown" ones (skipped by their length, no error).
import { readAddress } from "./address.js";
import type { SflowHeader, SflowSample } from "./datagram.js";
import type { SflowError } from "./decode-error.js";
import { readSample } from "./samples.js";
import { HEADER_PREFIX_LENGTH, HEADER_SUFFIX_LENGTH, MAX_SAMPLES, padded, TAG_LENGTH, VERSION } from "./wire.js";
import { XdrReader } from "./xdr-reader.js";

export interface SflowDecoded {
  /** The datagram header; absent when the datagram is too short, not version 5, or its agent address type is unknown. */
  datagram?: SflowHeader;
  samples: SflowSample[];
  errors: SflowError[];
}

const ADDRESS_LENGTHS = [0, 4, 16];

export function decodeSflow(bytes: Uint8Array): SflowDecoded {
  const errors: SflowError[] = [];
  const samples: SflowSample[] = [];
  if (bytes.length < HEADER_PREFIX_LENGTH + HEADER_SUFFIX_LENGTH) {
    errors.push({ code: "short_datagram", offset: 0, message: `${bytes.length} octets, fewer than the 24 of an sFlow v5 header` });
    return { samples, errors };
  }
  const r = new XdrReader(bytes);
  const version = r.u32();
  if (version !== VERSION) {
    errors.push({ code: "bad_version", offset: 0, message: `version ${version}, not 5` });
    return { samples, errors };
  }
  const type = r.view.getUint32(4);
  const headerLength = HEADER_PREFIX_LENGTH + (ADDRESS_LENGTHS[type] ?? 0) + HEADER_SUFFIX_LENGTH;
  if (type < ADDRESS_LENGTHS.length && bytes.length < headerLength) {
    errors.push({ code: "short_datagram", offset: 0, message: `${bytes.length} octets, fewer than the ${headerLength} of an sFlow v5 header with this agent address` });
    return { samples, errors };
  }
  const agentAddress = readAddress(r, "agent address");
  if (typeof agentAddress !== "string") {
    errors.push(agentAddress);
    return { samples, errors };
  }
  const subAgentId = r.u32();
  const sequence = r.u32();
  const uptime = r.u32();
  const countAt = r.pos;
  const sampleCount = r.u32();
  const datagram: SflowHeader = { version: VERSION, agentAddress, subAgentId, sequence, uptime, sampleCount };

  let n = sampleCount;
  if (sampleCount > MAX_SAMPLES) {
    errors.push({ code: "too_many_samples", offset: countAt, message: `the header announces ${sampleCount} samples; the first ${MAX_SAMPLES} are decoded, ${sampleCount - MAX_SAMPLES} ignored` });
    n = MAX_SAMPLES;
  }
  const end = bytes.length;
  for (let i = 0; i < n; i++) {
    const at = r.pos;
    if (!r.has(TAG_LENGTH)) {
      const where = r.left === 0 ? "before" : "inside the tag of";
      errors.push({ code: "truncated_sample", offset: at, message: `the datagram ends ${where} sample ${i + 1} of the ${sampleCount} it announces` });
      return { datagram, samples, errors };
    }
    const tag = r.u32();
    const length = r.u32();
    if (length > r.left) {
      errors.push({ code: "truncated_sample", offset: at, message: `sample ${i + 1} (${tag >>> 12}:${tag & 0xfff}) states ${length} octets; the datagram has ${r.left} left` });
      return { datagram, samples, errors };
    }
    const start = r.pos;
    r.span(start, start + length);
    const sample = readSample(r, tag >>> 12, tag & 0xfff, at, errors);
    if (sample) samples.push(sample);
    r.span(Math.min(end, start + padded(length)), end);
  }
  if (sampleCount === n && r.pos < end) errors.push({ code: "trailing_octets", offset: r.pos, message: `${end - r.pos} octets after the ${sampleCount} samples the header announces` });
  return { datagram, samples, errors };
}
