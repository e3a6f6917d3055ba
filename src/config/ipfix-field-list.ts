// `agent.ipfix.fields` names the IANA information elements of each exported
// record. Each must be one the agent can fill, listed once, and the layout
// needs an address: the exporter picks a record's template by address family.

import { FILLABLE_ELEMENTS } from "../export/ipfix-fields.js";
import { IANA_ELEMENTS, elementByName } from "../ipfix/index.js";
import { closestMatch } from "./suggest.js";

const ADDRESS_ELEMENTS: readonly string[] = [
  "sourceIPv4Address",
  "destinationIPv4Address",
  "sourceIPv6Address",
  "destinationIPv6Address",
];

const FILLABLE: readonly string[] = FILLABLE_ELEMENTS;
const IANA_NAMES = IANA_ELEMENTS.map((element) => element.name);

export interface FieldListProblem {
  /** The entry at fault, or undefined for the list as a whole. */
  index?: number;
  message: string;
}

/** The element probably meant: a fillable one if any is close, else any IANA element. */
function probablyMeant(name: string): string | undefined {
  return closestMatch(name, FILLABLE) ?? closestMatch(name, IANA_NAMES);
}

function entryProblem(name: string): string | undefined {
  if (FILLABLE.includes(name)) return undefined;
  if (elementByName(name) === undefined) {
    const meant = probablyMeant(name);
    return `${JSON.stringify(name)} is not an IANA information element${meant ? `; did you mean ${JSON.stringify(meant)}?` : ""}`;
  }
  return `${JSON.stringify(name)} is an IANA information element rfm cannot fill; it can fill ${FILLABLE.join(", ")}`;
}

/**
 * Every problem with the list, in order. Entries that are not strings are the
 * schema's type errors and skipped here.
 */
export function fieldListProblems(names: readonly unknown[]): FieldListProblem[] {
  if (names.length === 0) return [{ message: "must list at least one information element" }];
  const problems: FieldListProblem[] = [];
  const firstIndex = new Map<string, number>();
  // A misspelt address ("sourceIPv4Adress") should not also count as a missing
  // one, so the address check looks at what each entry was probably meant to be.
  let mayHaveAddress = false;
  names.forEach((name, index) => {
    if (typeof name !== "string") {
      mayHaveAddress = true; // unknown intent: let the type error speak alone
      return;
    }
    const problem = entryProblem(name);
    const first = firstIndex.get(name);
    if (problem !== undefined) problems.push({ index, message: problem });
    else if (first !== undefined) {
      problems.push({ index, message: `${JSON.stringify(name)} is listed twice (first as agent.ipfix.fields[${first}])` });
    }
    if (first === undefined) firstIndex.set(name, index);
    const meant = problem === undefined ? name : probablyMeant(name);
    if (meant !== undefined && ADDRESS_ELEMENTS.includes(meant)) mayHaveAddress = true;
  });
  if (!mayHaveAddress) problems.push({ message: `must include an address element: ${ADDRESS_ELEMENTS.join(", ")}` });
  return problems;
}
