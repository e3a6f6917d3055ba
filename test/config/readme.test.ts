import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_FIELDS, FILLABLE_ELEMENTS } from "../../src/export/ipfix-fields.js";
import { PACKAGE_ROOT } from "../../src/paths.js";


// The README repeats the exporter's element lists; these keep them in step.
const README = readFileSync(join(PACKAGE_ROOT, "README.md"), "utf8");
const IPFIX_SECTION = README.slice(README.indexOf("### `[agent.ipfix]`"), README.indexOf("#### `[[agent.ipfix.collectors]]`"));

describe("README: the [agent.ipfix] reference", () => {
  test("is found", () => {
    assert.ok(IPFIX_SECTION.length > 0);
  });

  test("shows DEFAULT_FIELDS as the default of fields, in order", () => {
    const block = /```toml\nfields = \[([^\]]*)\]/.exec(IPFIX_SECTION)?.[1] ?? "";
    assert.deepEqual([...block.matchAll(/"([^"]+)"/g)].map((m) => m[1]), DEFAULT_FIELDS);
  });

  test("lists exactly the elements the agent can fill", () => {
    const prose = /The elements the agent can fill are([^.]*)\./.exec(IPFIX_SECTION)?.[1] ?? "";
    assert.deepEqual([...prose.matchAll(/`([^`]+)`/g)].map((m) => m[1]), FILLABLE_ELEMENTS);
  });
});
