// FIRST_SWITCHED and LAST_SWITCHED (field types 22 and 21) are the
// exporter's sysUptime in milliseconds, as in v5: Unix time follows from the
// header's pair of clocks, through the conversion v5 uses (signed 32-bit
// difference, so a counter wrap dates right). The v9 header's wall clock has
// whole seconds only, so a converted time can be up to a second early.
import type { FieldValue } from "../ipfix/abstract-types.js";
import type { DecodedTemplate } from "../ipfix/decoded-template.js";
import { exportUnixMs, uptimeToUnixMs } from "../netflow-v5/uptime.js";
import type { NetflowV9Header } from "./datagram.js";
import { FIRST_SWITCHED, LAST_SWITCHED } from "./wire.js";

/** Unix milliseconds of a sysUptime reading (a FIRST_SWITCHED or LAST_SWITCHED value) of the datagram with this header. */
export function switchedToUnixMs(uptimeMs: number, header: Pick<NetflowV9Header, "sysUptime" | "unixSecs">): number {
  return uptimeToUnixMs(uptimeMs, header.sysUptime, exportUnixMs(header.unixSecs, 0));
}

/**
 * A data record's flow start and end in Unix milliseconds, from the
 * template's FIRST_SWITCHED and LAST_SWITCHED fields (absent when the
 * template has no such field or it did not decode as a number).
 */
export function switchedTimes(template: DecodedTemplate, values: readonly FieldValue[], header: Pick<NetflowV9Header, "sysUptime" | "unixSecs">): { start?: number; end?: number } {
  const out: { start?: number; end?: number } = {};
  for (let i = template.scopeFieldCount; i < template.fields.length; i++) {
    const id = template.fields[i].id;
    const v = values[i];
    if (typeof v !== "number") continue;
    if (id === FIRST_SWITCHED) out.start = switchedToUnixMs(v, header);
    else if (id === LAST_SWITCHED) out.end = switchedToUnixMs(v, header);
  }
  return out;
}
