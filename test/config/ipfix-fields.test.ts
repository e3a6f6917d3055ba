import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { DEFAULT_FIELDS, FILLABLE_ELEMENTS } from "../../src/export/ipfix-fields.js";
import { issuesOf, load, onlyIssue, withTable } from "./expect-config.js";

function fields(list: readonly unknown[]): string {
  return withTable("ipfix", `fields = ${JSON.stringify(list)}`);
}

const ADDRESSES = "sourceIPv4Address, destinationIPv4Address, sourceIPv6Address, destinationIPv6Address";

describe("agent.ipfix.fields: the IANA information elements of each record", () => {
  test("defaults to the exporter's DEFAULT_FIELDS", () => {
    assert.deepEqual(load(withTable("ipfix")).config.agent.ipfix.fields, DEFAULT_FIELDS);
  });
  test("DEFAULT_FIELDS written out passes every rule", () => {
    assert.deepEqual(load(fields(DEFAULT_FIELDS)).config.agent.ipfix.fields, DEFAULT_FIELDS);
  });
  test("accepts every element the agent can fill, in any order", () => {
    const all = [...FILLABLE_ELEMENTS].reverse();
    assert.deepEqual(load(fields(all)).config.agent.ipfix.fields, all);
  });
  test("accepts a layout with addresses of one family only", () => {
    const list = ["sourceIPv4Address", "octetDeltaCount"];
    assert.deepEqual(load(fields(list)).config.agent.ipfix.fields, list);
  });
});

describe("agent.ipfix.fields: each name must be an IANA element the agent can fill", () => {
  test("a misspelt name is an error at its entry, suggesting the element meant", () => {
    assert.deepEqual(onlyIssue(fields(["sourceIPv4Address", "octetDeltaCout"])), {
      key: "agent.ipfix.fields[1]",
      line: 4,
      message: '"octetDeltaCout" is not an IANA information element; did you mean "octetDeltaCount"?',
    });
  });
  test("names are case-sensitive, and a wrong case suggests the right one", () => {
    assert.equal(
      onlyIssue(fields(["sourceIPv4Address", "OctetDeltaCount"])).message,
      '"OctetDeltaCount" is not an IANA information element; did you mean "octetDeltaCount"?',
    );
  });
  test("the suggestion prefers an element the agent can fill", () => {
    assert.equal(
      onlyIssue(fields(["sourceAddress", "destinationIPv4Address"])).message,
      '"sourceAddress" is not an IANA information element; did you mean "sourceIPv4Address"?',
    );
  });
  test("without a close fillable element, the suggestion is the closest IANA element", () => {
    assert.equal(
      onlyIssue(fields(["sourceIPv4Address", "mplsTopLabelStackSectio"])).message,
      '"mplsTopLabelStackSectio" is not an IANA information element; did you mean "mplsTopLabelStackSection"?',
    );
  });
  test("a name like no element gets no suggestion", () => {
    assert.equal(onlyIssue(fields(["sourceIPv4Address", "colour"])).message, '"colour" is not an IANA information element');
  });
  test("an IANA element the agent cannot fill is an error listing what it can fill", () => {
    assert.deepEqual(onlyIssue(fields(["sourceIPv4Address", "mplsTopLabelStackSection"])), {
      key: "agent.ipfix.fields[1]",
      line: 4,
      message: `"mplsTopLabelStackSection" is an IANA information element rfm cannot fill; it can fill ${FILLABLE_ELEMENTS.join(", ")}`,
    });
  });
  test("every bad entry is reported", () => {
    const issues = issuesOf(fields(["octetDeltaCout", "sourceIPv4Address", "mplsTopLabelStackSection"]));
    assert.deepEqual(issues.map((i) => i.key), ["agent.ipfix.fields[0]", "agent.ipfix.fields[2]"]);
  });
  test("an entry that is not a string is a type error, and the others are still checked", () => {
    const issues = issuesOf(fields(["sourceIPv4Address", 7, "octetDeltaCout"]));
    assert.deepEqual(
      issues.map((i) => [i.key, i.message]),
      [
        ["agent.ipfix.fields[1]", "expected a string, found integer 7"],
        ["agent.ipfix.fields[2]", '"octetDeltaCout" is not an IANA information element; did you mean "octetDeltaCount"?'],
      ],
    );
  });
});

describe("agent.ipfix.fields: long unknown names", () => {
  // Found by the fuzz bench: a mutated example config took over 100 ms, the
  // "did you mean" comparing each long unknown name with every IANA element in
  // full (a 500-character name cost 240 ms; 50 of 2,000 characters, minutes).
  test("fifty unknown names of 2,000 characters are each reported, without a suggestion, in well under a second", () => {
    const names = Array.from({ length: 50 }, (_, i) => `${i}${"zq".repeat(1000)}`.slice(0, 2000));
    const started = performance.now();
    const issues = issuesOf(fields(["sourceIPv4Address", ...names]));
    const ms = performance.now() - started;
    assert.equal(issues.length, 50);
    assert.ok(issues.every((i) => i.message.endsWith("is not an IANA information element")));
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
  });
  test("a long name that starts like an element still suggests it", () => {
    assert.ok(onlyIssue(fields(["sourceIPv4Address", `octetDeltaCount${"x".repeat(3000)}`])).message.endsWith('; did you mean "octetDeltaCount"?'));
  });
});

describe("agent.ipfix.fields: no element twice", () => {
  test("a repeated element is an error at the repeat, naming the first", () => {
    assert.deepEqual(onlyIssue(fields(["octetDeltaCount", "sourceIPv4Address", "octetDeltaCount"])), {
      key: "agent.ipfix.fields[2]",
      line: 4,
      message: '"octetDeltaCount" is listed twice (first as agent.ipfix.fields[0])',
    });
  });
});

describe("agent.ipfix.fields: at least one address element", () => {
  test("a list without an address is an error at the list, naming the address elements", () => {
    assert.deepEqual(onlyIssue(fields(["octetDeltaCount", "packetDeltaCount"])), {
      key: "agent.ipfix.fields",
      line: 4,
      message: `must include an address element: ${ADDRESSES}`,
    });
  });
  test("one destination address of either family is enough", () => {
    assert.deepEqual(load(fields(["destinationIPv6Address"])).config.agent.ipfix.fields, ["destinationIPv6Address"]);
  });
  test("a misspelt address is reported as misspelt, not also as missing", () => {
    assert.deepEqual(onlyIssue(fields(["sourceIPv4Adress", "octetDeltaCount"])), {
      key: "agent.ipfix.fields[0]",
      line: 4,
      message: '"sourceIPv4Adress" is not an IANA information element; did you mean "sourceIPv4Address"?',
    });
  });
  test("an entry that is not a string might be the address, so only its type error is reported", () => {
    assert.deepEqual(issuesOf(fields(["octetDeltaCount", 8])).map((i) => [i.key, i.message]), [
      ["agent.ipfix.fields[1]", "expected a string, found integer 8"],
    ]);
  });
  test("a misspelt non-address does not hide a missing address", () => {
    const issues = issuesOf(fields(["octetDeltaCout"]));
    assert.deepEqual(issues.map((i) => i.key), ["agent.ipfix.fields[0]", "agent.ipfix.fields"]);
  });
});

describe("agent.ipfix.fields: a non-empty list of strings", () => {
  test("an empty list is an error", () => {
    assert.deepEqual(onlyIssue(fields([])), {
      key: "agent.ipfix.fields",
      line: 4,
      message: "must list at least one information element",
    });
  });
  test("a single string is a type error", () => {
    assert.equal(
      onlyIssue(withTable("ipfix", 'fields = "sourceIPv4Address"')).message,
      'expected a list of IPFIX information element names, found string "sourceIPv4Address"',
    );
  });
});
