// What the codec knows about one Information Element: the IANA registry row
// (registry.generated.ts) or an enterprise-specific definition the caller adds.
import type { AbstractType } from "./abstract-types.js";

/** RFC 7012 section 3.2, plus the SNMP semantics of RFC 8038. */
export type Semantics =
  | "default"
  | "quantity"
  | "totalCounter"
  | "deltaCounter"
  | "identifier"
  | "flags"
  | "list"
  | "snmpCounter"
  | "snmpGauge";

export const SEMANTICS: readonly Semantics[] = [
  "default",
  "quantity",
  "totalCounter",
  "deltaCounter",
  "identifier",
  "flags",
  "list",
  "snmpCounter",
  "snmpGauge",
];

export interface InformationElement {
  readonly id: number;
  readonly name: string;
  readonly type: AbstractType;
  /** Absent where the registry gives none. */
  readonly semantics?: Semantics;
  readonly units?: string;
}

/**
 * How the decoder finds an element's type: by private enterprise number (0 for
 * IANA) and element id. Unknown elements decode as raw octets.
 */
export type ElementLookup = (enterprise: number, id: number) => InformationElement | undefined;
