// [collect]: `rfm collect -c FILE`. Its keys are the flags' long names with
// their defaults and rules; listeners come from flow_type (the flags' one)
// and [[collect.listeners]]; a file may hold only [collect], [agent] or both,
// and each command requires its own table while checking the whole file.
import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ConfigError, effectiveWorkers, formatIssue, parseAnyConfig, parseCollectConfig, parseConfig, type CollectConfig, type ConfigIssue,
} from "../../src/config/index.js";
import { PACKAGE_ROOT } from "../../src/paths.js";
import { SOURCE } from "./expect-config.js";

function collect(text: string): CollectConfig {
  return parseCollectConfig(text, SOURCE).config.collect;
}

/** The issues `parse` throws for `text`; fails the test if it succeeds. */
function issuesOf(text: string, parse: (text: string, source: string) => unknown = parseCollectConfig): ConfigIssue[] {
  try {
    parse(text, SOURCE);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return assert.fail(`expected a ConfigError for:\n${text}`);
}

function onlyIssue(text: string, parse?: (text: string, source: string) => unknown): ConfigIssue {
  const issues = issuesOf(text, parse);
  if (issues.length !== 1) assert.fail(`expected exactly one issue, got:\n${issues.map((i) => formatIssue(SOURCE, i)).join("\n")}`);
  return issues[0]!;
}

/** [collect] on line 1, `lines` from line 2 on. */
const withCollect = (...lines: string[]) => ["[collect]", ...lines].join("\n") + "\n";

const TWO_LISTENERS = withCollect(
  'format = "common"',
  'serialization = "csv"',
  'output = "/var/lib/rfm/flows"',
  'interval = "5m"',
  "level = 2",
  'prefix = "edge"',
  'exec = "gzip %f"',
  "renormalize = true",
  'template_timeout = "10m"',
  'ie_mapping = "/etc/rfm/ie.csv"',
  'enrich = ["type=prefix_lookup,source=asn.csv,key=dst_addr,fields=asn:dst_asn"]',
  'metrics_host = "127.0.0.1"',
  "metrics_port = 9191",
  "",
  "[[collect.listeners]]",
  'type = "netflow"',
  "port = 9995",
  "workers = 2",
  "",
  "[[collect.listeners]]",
  'type = "sflow"',
  'host = "192.0.2.10"',
);

describe("[collect]: a good file", () => {
  test("every key read as the flag reads it, durations in milliseconds, listeners in file order with their defaults", () => {
    const c = collect(TWO_LISTENERS);
    assert.deepEqual(
      [c.format, c.serialization, c.output, c.interval, c.level, c.prefix, c.exec, c.renormalize, c.template_timeout, c.ie_mapping, c.metrics_host, c.metrics_port],
      ["common", "csv", "/var/lib/rfm/flows", 300_000, 2, "edge", "gzip %f", true, 600_000, "/etc/rfm/ie.csv", "127.0.0.1", 9191],
    );
    assert.deepEqual(c.enrich.map((e) => [e.type, e.source, e.key, e.fields]), [["prefix_lookup", "asn.csv", "dst_addr", [{ from: "asn", to: "dst_asn" }]]]);
    assert.deepEqual(c.listen, [
      { protocol: "netflow", host: "::", port: 9995, workers: 2, entry: 0 },
      // Port and workers left unset: the type's port, and the share of the cores, at start.
      { protocol: "sflow", host: "192.0.2.10", entry: 1 },
    ]);
  });

  test("an empty [collect] has the flags' defaults and no listener", () => {
    const c = collect(withCollect());
    assert.deepEqual(
      [c.format, c.serialization, c.output, c.interval, c.level, c.prefix, c.exec, c.renormalize, c.template_timeout, c.ie_mapping, c.enrich, c.bmp, c.metrics_host, c.metrics_port, c.listen],
      ["raw", "ndjson", undefined, undefined, 0, "flows", undefined, false, 1_800_000, undefined, [], undefined, "::1", undefined, []],
    );
  });

  test("flow_type, host, port and workers are one listener, as -t, -H, -p and --workers are; it comes before the entries", () => {
    const c = collect(withCollect('flow_type = "sflow"', 'host = "127.0.0.1"', "[[collect.listeners]]", 'type = "netflow"'));
    assert.deepEqual(c.listen, [
      { protocol: "sflow", host: "127.0.0.1" },
      { protocol: "netflow", host: "::", entry: 0 },
    ]);
  });

  test("an --enrich spec can be a table of its parameters, fields as a table of column = name", () => {
    const asText = collect(withCollect('format = "common"', 'enrich = ["type=prefix_lookup,source=geo.mmdb,key=src_addr,fields=country.iso_code:src_country;city.names.en:src_city,reload=watch"]')).enrich;
    const asTable = collect(withCollect(
      'format = "common"',
      "[[collect.enrich]]",
      'type = "prefix_lookup"',
      'source = "geo.mmdb"',
      'key = "src_addr"',
      'fields = { "country.iso_code" = "src_country", "city.names.en" = "src_city" }',
      'reload = "watch"',
    )).enrich;
    assert.deepEqual(asTable.map(({ text: _, ...spec }) => spec), asText.map(({ text: _, ...spec }) => spec));
  });

  test("bmp is HOST:PORT, [IPv6]:PORT or PORT, as --bmp", () => {
    assert.deepEqual(collect(withCollect('format = "common"', 'bmp = "[::1]:1790"')).bmp, { host: "::1", port: 1790 });
    assert.deepEqual(collect(withCollect('format = "common"', 'bmp = "1790"')).bmp, { host: "::1", port: 1790 });
  });

  test("examples/collect.toml parses without errors or warnings, and shows the defaults it claims", () => {
    const path = join(PACKAGE_ROOT, "examples", "collect.toml");
    const text = readFileSync(path, "utf8");
    assert.deepEqual(parseAnyConfig(text, path).warnings, []);
    const example = collect(text);
    const defaults = collect(withCollect());
    for (const key of ["serialization", "level", "prefix", "renormalize", "template_timeout", "metrics_host"] as const) assert.deepEqual(example[key], defaults[key], key);
    assert.equal(example.format, "common");
    assert.equal(example.metrics_port, 9090);
    assert.deepEqual(example.listen.map((l) => [l.protocol, l.host, l.port]), [["netflow", "::", 2055], ["sflow", "::", 6343]]);
  });
});

describe("which tables a file needs", () => {
  const agentOnly = '[agent]\ninterfaces = ["eth0"]\n';
  const collectOnly = withCollect('flow_type = "netflow"');

  test("rfm collect -c takes a file with only [collect]; rfm agent does not, naming the table", () => {
    assert.equal(collect(collectOnly).listen.length, 1);
    assert.deepEqual(onlyIssue(collectOnly, parseConfig), { key: "agent", message: "missing required table [agent]" });
  });

  test("rfm agent takes a file with only [agent], as before; rfm collect -c does not", () => {
    assert.deepEqual(parseConfig(agentOnly, SOURCE).config.agent.interfaces, ["eth0"]);
    assert.equal(parseConfig(agentOnly, SOURCE).config.collect, undefined);
    assert.deepEqual(onlyIssue(agentOnly), { key: "collect", message: "missing required table [collect]" });
  });

  test("both tables in one file serve both commands", () => {
    const both = agentOnly + collectOnly;
    assert.equal(parseConfig(both, SOURCE).config.collect?.listen[0]?.protocol, "netflow");
    assert.deepEqual(parseCollectConfig(both, SOURCE).config.agent?.interfaces, ["eth0"]);
  });

  test("rfm config check takes either table, and says what is missing when there is neither", () => {
    assert.deepEqual(parseAnyConfig(agentOnly, SOURCE).warnings, []);
    assert.deepEqual(parseAnyConfig(collectOnly, SOURCE).warnings, []);
    assert.deepEqual(onlyIssue("# nothing\n", parseAnyConfig), { key: "agent", message: "missing required table [agent] (for rfm agent) or [collect] (for rfm collect -c)" });
  });

  test("the whole file is checked by every command: a mistake in [collect] stops rfm agent too", () => {
    const issue = onlyIssue(agentOnly + withCollect("level = 9"), parseConfig);
    assert.deepEqual(issue, { key: "collect.level", line: 4, message: "must be at most 3, found 9" });
  });

  test("rfm config check warns about a [collect] without a listener (only -t or --pcap can run it)", () => {
    assert.deepEqual(parseAnyConfig(withCollect('format = "common"'), SOURCE).warnings, [
      "test.toml:1: collect: no listener (set flow_type, or add [[collect.listeners]]): rfm collect -c runs this table only with -t or --pcap",
    ]);
  });
});

describe("[collect]: errors name the key, its line and what is wrong", () => {
  test("an unknown key suggests the one meant, in [collect] and in a listener", () => {
    assert.deepEqual(onlyIssue(withCollect('fromat = "common"')), { key: "collect.fromat", line: 2, message: "unknown key; did you mean `collect.format`?" });
    assert.deepEqual(onlyIssue(withCollect("metrics-port = 1")), { key: "collect.metrics-port", line: 2, message: "unknown key; did you mean `collect.metrics_port`?" });
    assert.deepEqual(onlyIssue(withCollect("[[collect.listeners]]", 'type = "sflow"', 'hots = "::"')), {
      key: "collect.listeners[0].hots", line: 4, message: "unknown key; did you mean `collect.listeners[0].host`?",
    });
    assert.deepEqual(onlyIssue(withCollect('format = "common"', "[[collect.enrich]]", 'type = "exact"', 'source = "p.csv"', 'key = "proto"', 'key_colum = "p"', 'fields = "n:proto_name"')), {
      key: "collect.enrich[0].key_colum", line: 7, message: "unknown key; did you mean `collect.enrich[0].key_column`?",
    });
    assert.deepEqual(issuesOf("[colect]\n"), [
      { key: "collect", message: "missing required table [collect]" },
      { key: "colect", line: 1, message: "unknown table; did you mean `collect`?" },
    ]);
  });

  test("a wrong type names the type expected and the value found", () => {
    assert.deepEqual(onlyIssue(withCollect('level = "1"')), { key: "collect.level", line: 2, message: 'expected an integer, found string "1"' });
    assert.deepEqual(onlyIssue(withCollect("interval = 300")), { key: "collect.interval", line: 2, message: 'expected a duration string like "30s", found integer 300' });
    assert.deepEqual(onlyIssue(withCollect('renormalize = "yes"')), { key: "collect.renormalize", line: 2, message: 'expected a boolean (true or false), found string "yes"' });
    assert.deepEqual(onlyIssue(withCollect("listeners = 5")), { key: "collect.listeners", line: 2, message: "expected an array of tables ([[collect.listeners]]), found integer 5" });
    assert.equal(onlyIssue(withCollect("enrich = [5]")).message.startsWith("expected an --enrich spec string like"), true);
  });

  test("a bad value says what is allowed", () => {
    assert.deepEqual(onlyIssue(withCollect("level = 4")), { key: "collect.level", line: 2, message: "must be at most 3, found 4" });
    assert.deepEqual(onlyIssue(withCollect('serialization = "json"')), {
      key: "collect.serialization", line: 2, message: 'must be one of "ndjson", "csv", "protobuf", "parquet", "discard", found string "json"',
    });
    assert.deepEqual(onlyIssue(withCollect('interval = "500ms"')), { key: "collect.interval", line: 2, message: 'must be at least 1s, found "500ms"' });
    assert.deepEqual(onlyIssue(withCollect('template_timeout = "30 minutes"')).key, "collect.template_timeout");
    assert.deepEqual(onlyIssue(withCollect('bmp = "::1:1790"')), { key: "collect.bmp", line: 2, message: '"::1:1790": an IPv6 host goes in brackets, e.g. [::1]:1790' });
    assert.deepEqual(onlyIssue(withCollect('format = "common"', 'enrich = ["type=prefix_lookup,source=asn.csv,key=dst_adr,fields=asn:dst_asn"]')), {
      key: "collect.enrich[0]", line: 3, message: 'key: "dst_adr" cannot be looked up by prefix (expected src_addr, dst_addr, next_hop or sampler_address)',
    });
  });

  test("a bad listener: its type missing or unknown, a port or thread count out of range", () => {
    const entry = (...lines: string[]) => withCollect("[[collect.listeners]]", ...lines);
    assert.deepEqual(onlyIssue(entry("port = 2055")), { key: "collect.listeners[0].type", line: 2, message: "missing required key" });
    assert.deepEqual(onlyIssue(entry('type = "ipfix"')), { key: "collect.listeners[0].type", line: 3, message: 'must be one of "netflow", "sflow", found string "ipfix"' });
    assert.deepEqual(onlyIssue(entry('type = "netflow"', "port = 65536")), { key: "collect.listeners[0].port", line: 4, message: "must be at most 65535, found 65536" });
    assert.deepEqual(onlyIssue(entry('type = "netflow"', "workers = 0")), { key: "collect.listeners[0].workers", line: 4, message: "must be at least 1, found 0" });
    assert.deepEqual(onlyIssue(entry('type = "netflow"', 'host = ""')), { key: "collect.listeners[0].host", line: 4, message: 'must not be empty ("::" takes IPv6 and IPv4)' });
  });

  test("two listeners on one address and port are refused, at the second, naming the first", () => {
    const text = withCollect("[[collect.listeners]]", 'type = "netflow"', 'host = "127.0.0.1"', "[[collect.listeners]]", 'type = "sflow"', 'host = "127.0.0.1"', "port = 2055");
    assert.deepEqual(onlyIssue(text), {
      key: "collect.listeners[1]", line: 5,
      message: "127.0.0.1:2055 is already the address of listeners[0]: two sockets on one port leave it to the kernel which one gets an exporter's datagrams (its templates could go to one and its data to the other)",
    });
  });

  test('"::" covers every address of its port, "0.0.0.0" every IPv4 one; the flow_type listener counts too', () => {
    const overlap = (a: string, b: string) => onlyIssue(withCollect('flow_type = "netflow"', `host = "${a}"`, "[[collect.listeners]]", 'type = "netflow"', `host = "${b}"`)).message;
    assert.match(overlap("::", "192.0.2.1"), /^192\.0\.2\.1:2055 overlaps \[::\]:2055 of the listener of flow_type: /);
    assert.match(overlap("0.0.0.0", "192.0.2.1"), /^192\.0\.2\.1:2055 overlaps 0\.0\.0\.0:2055 of the listener of flow_type: /);
    assert.match(overlap("192.0.2.1", "::"), /^\[::\]:2055 overlaps 192\.0\.2\.1:2055 /);
  });

  test("listeners on other ports, other addresses, or port 0 (a free port each) go together", () => {
    const ok = (...lines: string[]) => collect(withCollect(...lines)).listen.length;
    const l = (type: string, host: string, port?: number) => ["[[collect.listeners]]", `type = "${type}"`, `host = "${host}"`, ...(port === undefined ? [] : [`port = ${port}`])];
    assert.equal(ok(...l("netflow", "::"), ...l("sflow", "::")), 2, "2055 and 6343");
    assert.equal(ok(...l("netflow", "::", 2055), ...l("netflow", "::", 9995)), 2, "two netflow ports");
    assert.equal(ok(...l("netflow", "0.0.0.0"), ...l("netflow", "::1")), 2, "IPv4 any and IPv6 loopback");
    assert.equal(ok(...l("netflow", "127.0.0.1", 0), ...l("sflow", "127.0.0.1", 0)), 2, "port 0 twice");
  });

  test("the flags' rules, phrased with the keys, at the key at fault", () => {
    assert.deepEqual(onlyIssue(withCollect('serialization = "csv"')), { key: "collect.serialization", line: 2, message: 'format = "raw" writes ndjson or discard; csv needs format = "common"' });
    assert.deepEqual(onlyIssue(withCollect('format = "common"', 'serialization = "parquet"')), {
      key: "collect.serialization", line: 3, message: 'serialization = "parquet" needs output: its footer points back into the file, so it cannot stream to standard output',
    });
    assert.deepEqual(onlyIssue(withCollect('interval = "5m"')), { key: "collect.interval", line: 2, message: "interval needs output DIRECTORY to rotate files in" });
    assert.deepEqual(onlyIssue(withCollect('output = "out"', 'exec = "gzip %f"')), { key: "collect.exec", line: 3, message: "exec runs per finished file: it needs interval" });
    assert.deepEqual(onlyIssue(withCollect('bmp = "1790"')), { key: "collect.bmp", line: 2, message: 'enrich and bmp enrich flow records: they need format = "common"' });
    assert.deepEqual(onlyIssue(withCollect('format = "common"', 'serialization = "parquet"', 'output = "f.parquet"', "[[collect.listeners]]", 'type = "netflow"', "[[collect.listeners]]", 'type = "sflow"', "workers = 2")), {
      key: "collect.listeners[1].workers", line: 9, message: 'serialization = "parquet" is written by one thread: use workers = 1 (its row groups cannot be split across workers)',
    });
    assert.deepEqual(onlyIssue(withCollect('format = "common"', 'enrich = ["type=exact,source=a.csv,key=proto,key_column=p,fields=n:x", "type=exact,source=b.csv,key=proto,key_column=p,fields=m:x"]')), {
      key: "collect.enrich", line: 3, message: 'enrich: column "x" is named by two specs (a.csv and b.csv)',
    });
  });

  test("host, port and workers without flow_type are an error: they describe its listener", () => {
    assert.deepEqual(onlyIssue(withCollect("port = 2055", "[[collect.listeners]]", 'type = "netflow"', "port = 9995")), {
      key: "collect.port", line: 2, message: "configures the flow_type listener, but collect.flow_type is not set (set it, or give port in each [[collect.listeners]] entry)",
    });
  });

  test("every problem of a file in one run, in line order", () => {
    const issues = issuesOf(withCollect('fromat = "common"', "level = 9", "[[collect.listeners]]", 'type = "sflow"', "port = -1"));
    assert.deepEqual(issues.map((i) => [i.line, i.key]), [[2, "collect.fromat"], [3, "collect.level"], [6, "collect.listeners[0].port"]]);
  });
});

describe("workers left unset", () => {
  test("the core count shared out among the listeners, at least 1 each; 1 when the output needs one thread; as written otherwise", () => {
    assert.equal(effectiveWorkers({}, 1, 8, false), 8);
    assert.equal(effectiveWorkers({}, 2, 8, false), 4);
    assert.equal(effectiveWorkers({}, 3, 2, false), 1);
    assert.equal(effectiveWorkers({}, 1, 8, true), 1);
    assert.equal(effectiveWorkers({ workers: 3 }, 2, 8, false), 3);
  });
});
