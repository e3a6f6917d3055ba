// Why a flow record was emitted, with IPFIX's flowEndReason codes (IANA
// element 136) so every exporter and format shares one numbering.
export const enum EndReason {
  Idle = 1,
  Active = 2,
  EndOfFlow = 3,
  Forced = 4,
  LackOfResources = 5,
}

/** The short names the flow log and the collector's formats print. */
export const END_REASON_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1: "idle",
  2: "active",
  3: "end",
  4: "forced",
  5: "lack_of_resources",
});

export function endReasonName(reason: number): string {
  return END_REASON_NAMES[reason] ?? String(reason);
}
