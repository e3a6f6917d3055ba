import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { configSchema, type BmpConfig, type MmdbConfig } from "../../src/config/index.js";
import { knownKeysAt } from "../../src/config/schema/known-keys.js";
import { issuesOf, load, onlyIssue, withAgent, withTable } from "./expect-config.js";
import { PACKAGE_ROOT } from "../../src/paths.js";

function mmdb(...lines: string[]): MmdbConfig {
  return load(withTable("enrich.mmdb", ...lines)).config.agent.enrich.mmdb;
}

function bmp(...lines: string[]): BmpConfig {
  return load(withTable("enrich.rib.bmp", ...lines)).config.agent.enrich.rib.bmp;
}

/** The message of the one issue, which must be at `agent.TABLE.KEY` on line 4 (the first line after the header). */
function problem(table: string, key: string, line: string): string {
  const issue = onlyIssue(withTable(table, line));
  assert.equal(issue.key, `agent.${table}.${key}`);
  assert.equal(issue.line, 4);
  return issue.message;
}

describe("[agent.enrich]: everything off by default", () => {
  test("no MaxMind DB files and no BMP listener", () => {
    assert.deepEqual(load(withAgent()).config.agent.enrich, {
      mmdb: { asn_db: "", city_db: "" },
      rib: { bmp: { host: "", port: 0, distinguishers: [0n], enabled: false, listen: null } },
    });
  });
});

describe("agent.enrich.mmdb.asn_db and city_db: paths, checked only for type", () => {
  test("accept paths that do not exist here: the agent opens them when it starts", () => {
    const missing = "/nonexistent/rfm-test/GeoLite2-ASN.mmdb";
    assert.deepEqual(mmdb(`asn_db = "${missing}"`, 'city_db = "GeoLite2-City.mmdb"'), { asn_db: missing, city_db: "GeoLite2-City.mmdb" });
  });
  test("reject a non-string asn_db", () => {
    assert.equal(problem("enrich.mmdb", "asn_db", "asn_db = true"), "expected a string, found boolean true");
  });
  test("reject a non-string city_db", () => {
    assert.equal(problem("enrich.mmdb", "city_db", 'city_db = ["a.mmdb"]'), "expected a string, found array of 1 item");
  });
});

describe("agent.enrich.rib.bmp: the BMP listener is on when host or port is set", () => {
  test('is off when host = "" and port = 0 are written out (both mean unset)', () => {
    assert.deepEqual(bmp('host = ""', "port = 0"), { host: "", port: 0, distinguishers: [0n], enabled: false, listen: null });
  });
  test('port alone turns it on, listening on "::1"', () => {
    assert.deepEqual(bmp("port = 1790"), { host: "", port: 1790, distinguishers: [0n], enabled: true, listen: { host: "::1", port: 1790 } });
  });
  test("host alone turns it on, listening on port 11019", () => {
    assert.deepEqual(bmp('host = "0.0.0.0"').listen, { host: "0.0.0.0", port: 11019 });
  });
  test("host and port are used as written", () => {
    assert.deepEqual(bmp('host = "::"', "port = 5000").listen, { host: "::", port: 5000 });
  });
});

describe("agent.enrich.rib.bmp.host: a string", () => {
  test("rejects a non-string", () => {
    assert.equal(problem("enrich.rib.bmp", "host", "host = 1"), "expected a string, found integer 1");
  });
});

describe("agent.enrich.rib.bmp.port: 0 (unset) or 1 to 65535", () => {
  test("accepts 65535", () => {
    assert.equal(bmp("port = 65535").listen?.port, 65535);
  });
  test("rejects 65536", () => {
    assert.equal(problem("enrich.rib.bmp", "port", "port = 65536"), "must be at most 65535, found 65536");
  });
  test("rejects a negative port", () => {
    assert.equal(problem("enrich.rib.bmp", "port", "port = -1"), "must be at least 0, found -1");
  });
  test("rejects a string", () => {
    assert.equal(problem("enrich.rib.bmp", "port", 'port = "11019"'), 'expected an integer, found string "11019"');
  });
});

describe("agent.enrich.rib.bmp.distinguishers: the peer distinguishers whose routes label flows", () => {
  const distinguishers = (list: string) => bmp(`distinguishers = ${list}`).distinguishers;

  test('defaults to ["0"]: the global instance only', () => {
    assert.deepEqual(bmp("port = 1790").distinguishers, [0n]);
  });
  test("takes every route distinguisher form, as its 64-bit value (RFC 4364 type and value)", () => {
    assert.deepEqual(distinguishers('["0", "65500:108", "4200000000:7", "192.0.2.1:7", "0x0003000000000001"]'), [
      0n,
      (0xffdcn << 32n) | 108n,
      (2n << 48n) | (4_200_000_000n << 16n) | 7n,
      (1n << 48n) | (0xc0000201n << 16n) | 7n,
      (3n << 48n) | 1n,
    ]);
  });
  test("may leave the global instance out", () => {
    assert.deepEqual(distinguishers('["65500:108"]'), [(0xffdcn << 32n) | 108n]);
  });
  test("rejects an entry that is no route distinguisher, naming it", () => {
    assert.equal(
      problem("enrich.rib.bmp", "distinguishers[0]", 'distinguishers = ["65500"]'),
      '"65500" is not a route distinguisher: write "0" (the global instance), AS:NUMBER ("65500:108"), IPV4:NUMBER ("192.0.2.1:7") or 0x and 16 hex digits',
    );
  });
  test("rejects a number too large for the form, saying which", () => {
    assert.equal(
      problem("enrich.rib.bmp", "distinguishers[1]", 'distinguishers = ["0", "192.0.2.1:65536"]'),
      '"192.0.2.1:65536": the number after an IPv4 address must be at most 65535',
    );
  });
  test("reports every bad entry on its own line", () => {
    const text = withTable("enrich.rib.bmp", "distinguishers = [", '  "0",', '  "65500:4294967296",', "  108,", '  "65500:108",', "]");
    assert.deepEqual(
      issuesOf(text).map((i) => `${i.line}: ${i.key}: ${i.message}`),
      [
        '6: agent.enrich.rib.bmp.distinguishers[1]: "65500:4294967296": the number after a 2-octet AS number must be at most 4294967295',
        '7: agent.enrich.rib.bmp.distinguishers[2]: expected a route distinguisher string like "65500:108", found integer 108',
      ],
    );
  });
  test("rejects an empty list: no route would label", () => {
    assert.equal(problem("enrich.rib.bmp", "distinguishers", "distinguishers = []"), 'must list at least one distinguisher ("0" is the global instance)');
  });
  test("rejects a single string", () => {
    assert.equal(
      problem("enrich.rib.bmp", "distinguishers", 'distinguishers = "65500:108"'),
      'expected a list of route distinguishers like ["0", "65500:108"], found string "65500:108"',
    );
  });
});

describe("agent.enrich: unknown keys", () => {
  test("a misspelt key is named in full, with its line and the key meant", () => {
    assert.deepEqual(onlyIssue(withTable("enrich.mmdb", 'asn = "a.mmdb"')), {
      key: "agent.enrich.mmdb.asn",
      line: 4,
      message: "unknown key; did you mean `agent.enrich.mmdb.asn_db`?",
    });
    assert.equal(onlyIssue(withTable("enrich.rib.bmp", "prot = 1")).message, "unknown key; did you mean `agent.enrich.rib.bmp.port`?");
  });
  test("a misspelt table is reported at its header, with the table meant", () => {
    assert.deepEqual(onlyIssue(withTable("enrich.rib.bpm", "port = 1")), {
      key: "agent.enrich.rib.bpm",
      line: 3,
      message: "unknown table; did you mean `agent.enrich.rib.bmp`?",
    });
  });
  test("a key of these tables written elsewhere points to where it belongs", () => {
    assert.equal(onlyIssue(withTable("enrich", 'city_db = "c.mmdb"')).message, "unknown key; did you mean `agent.enrich.mmdb.city_db`?");
  });
});

describe("agent.enrich: every problem in one run", () => {
  test("reports the problems of both tables, in line order", () => {
    const text = withAgent("[agent.enrich.mmdb]", "asn_db = 1", "citydb = 'c.mmdb'", "[agent.enrich.rib.bmp]", "port = 70000", "host = false");
    assert.deepEqual(
      issuesOf(text).map((i) => `${i.line}: ${i.key}: ${i.message}`),
      [
        "4: agent.enrich.mmdb.asn_db: expected a string, found integer 1",
        "5: agent.enrich.mmdb.citydb: unknown key; did you mean `agent.enrich.mmdb.city_db`?",
        "7: agent.enrich.rib.bmp.port: must be at most 65535, found 70000",
        "8: agent.enrich.rib.bmp.host: expected a string, found boolean false",
      ],
    );
  });
});

describe("README: the [agent.enrich] reference", () => {
  const readme = readFileSync(join(PACKAGE_ROOT, "README.md"), "utf8");
  for (const table of ["agent.enrich.mmdb", "agent.enrich.rib.bmp"]) {
    test(`documents every key of [${table}]`, () => {
      const start = readme.indexOf(`### \`[${table}]\``);
      assert.ok(start >= 0, `README has no "### \`[${table}]\`" section`);
      const section = readme.slice(start, readme.indexOf("\n### ", start + 1));
      const documented = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
      assert.deepEqual(documented, knownKeysAt(configSchema, table.split(".")));
    });
  }
});

