// dateTimeMicroseconds and dateTimeNanoseconds travel as 64-bit NTP timestamps
// (RFC 7011 sections 6.1.9 and 6.1.10): 32 bits of seconds since 1900, then a
// 32-bit binary fraction of a second.
//
// The seconds wrap on 2036-02-07. As in RFC 4330 section 3, a seconds field
// with its top bit clear is read as the era after the wrap, so the timestamps
// cover 1968-01-20T03:14:08Z up to (not including) 2104-02-26T09:42:24Z.

/** Seconds from 1900-01-01 to 1970-01-01. */
const NTP_UNIX_OFFSET = 2208988800;
const TWO32 = 4294967296;
/** The earliest and (exclusive) latest Unix second the format can carry. */
export const NTP_MIN_UNIX_SECONDS = 2147483648 - NTP_UNIX_OFFSET;
export const NTP_END_UNIX_SECONDS = NTP_MIN_UNIX_SECONDS + TWO32;

/** NTP seconds field for a Unix second; RangeError outside the window. */
function ntpSeconds(unixSeconds: number): number {
  if (!(unixSeconds >= NTP_MIN_UNIX_SECONDS && unixSeconds < NTP_END_UNIX_SECONDS)) {
    throw new RangeError(`time ${unixSeconds}s since 1970 is outside the NTP timestamp window (1968-2104)`);
  }
  const t = unixSeconds + NTP_UNIX_OFFSET;
  return t >= TWO32 ? t - TWO32 : t;
}

/** Unix second for an NTP seconds field. */
function unixSeconds(ntp: number): number {
  return ntp >= 0x80000000 ? ntp - NTP_UNIX_OFFSET : ntp + TWO32 - NTP_UNIX_OFFSET;
}

/**
 * Microseconds since 1970 as NTP (seconds, fraction). The fraction's low 11
 * bits stay zero: below microsecond precision, so RFC 7011 asks for them zero.
 */
export function microsToNtp(micros: number): [seconds: number, fraction: number] {
  const s = Math.floor(micros / 1e6);
  const us = Math.floor(micros - s * 1e6);
  // Nearest multiple of 2^11 in 2^32ths of a second: us * 2^21 / 1e6 steps.
  return [ntpSeconds(s), Math.round(us * 2.097152) * 2048];
}

/** Microseconds since 1970, rounded to the nearest; the low 11 fraction bits are ignored. */
export function ntpToMicros(seconds: number, fraction: number): number {
  return unixSeconds(seconds) * 1e6 + Math.round((fraction >>> 11) / 2.097152);
}

/** Nanoseconds since 1970 as NTP (seconds, fraction), the fraction rounded to the nearest. */
export function nanosToNtp(nanos: bigint): [seconds: number, fraction: number] {
  let s = nanos / 1_000_000_000n;
  let ns = nanos - s * 1_000_000_000n;
  if (ns < 0n) {
    s -= 1n;
    ns += 1_000_000_000n;
  }
  // At most 999,999,999 ns, so the rounded fraction stays below 2^32.
  const fraction = Number((ns * 4294967296n + 500_000_000n) / 1_000_000_000n);
  return [ntpSeconds(Number(s)), fraction];
}

/** Nanoseconds since 1970, the fraction rounded to the nearest nanosecond. */
export function ntpToNanos(seconds: number, fraction: number): bigint {
  const ns = (BigInt(fraction) * 1_000_000_000n + 2147483648n) >> 32n;
  return BigInt(unixSeconds(seconds)) * 1_000_000_000n + ns;
}
