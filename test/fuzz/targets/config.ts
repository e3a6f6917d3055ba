// Config files as `rfm config check` reads them: the bytes as UTF-8 text,
// then parseAnyConfig (TOML syntax, every schema of [agent] and [collect],
// the cross-key rules, line location, suggestions, warnings). Seeds:
// examples/rfm.toml, examples/collect.toml and configs that reach the tables
// the examples leave out; a TOML dictionary lets mutations spell tables, keys
// and values.
// Contract: parseAnyConfig returns a config or throws ConfigError, whose
// issues each have a key, a message and (if any) a line inside the file.
import { readFileSync } from "node:fs";
import { ConfigError, parseAnyConfig } from "../../../src/config/index.js";
import { packagePath } from "../../../src/paths.js";
import type { Seed } from "../mutator.js";
import { count, violation, type FuzzTarget } from "../target.js";

const CONFIGS: Record<string, string> = {
  minimal: '[agent]\ninterfaces = ["eth0"]\n',
  namespaces: '[agent]\ninterfaces = ["eth*", "blue/veth[0-9]+", ".+/eth0"]\nnetns_dir = "/run/netns"\n[agent.bpf]\nsample_rate = 1\nadaptive_sampling = true\nmax_sample_rate = 5000\n',
  collectors: [
    "[agent]",
    'interfaces = ["eth0"]',
    "[agent.ipfix]",
    'fields = ["sourceIPv4Address", "destinationIPv4Address", "octetDeltaCount", "bgpSourceAsNumber"]',
    'bind = { host = "192.0.2.1" }',
    "[[agent.ipfix.collectors]]",
    'host = "192.0.2.10"',
    "port = 4739",
    "[[agent.ipfix.collectors]]",
    'host = "2001:db8::10"',
    "observation_domain_id = 7",
    "bind = {}",
    "[agent.log]",
    'path = "/var/log/rfm/flows.jsonl"',
    "max_files = 3",
    "",
  ].join("\n"),
  collect: [
    "[collect]",
    'flow_type = "netflow"',
    'host = "127.0.0.1"',
    'format = "common"',
    'serialization = "csv"',
    'output = "/var/lib/rfm/flows"',
    'interval = "5m"',
    'exec = "gzip %f"',
    'enrich = ["type=prefix_lookup,source=asn.csv,key=dst_addr,fields=asn:dst_asn"]',
    "[[collect.enrich]]",
    'type = "exact"',
    'source = "p.csv"',
    'key = "proto"',
    'key_column = "p"',
    'fields = { name = "proto_name" }',
    "[[collect.listeners]]",
    'type = "sflow"',
    "port = 6343",
    "workers = 2",
    "",
  ].join("\n"),
  enrich: '[agent]\ninterfaces = ["eth0"]\n[agent.enrich.mmdb]\nasn_db = "/var/lib/GeoIP/GeoLite2-ASN.mmdb"\ncity_db = ""\n[agent.enrich.rib.bmp]\nhost = "::1"\nport = 11019\n[agent.control]\nsocket = "/run/rfm/rfm.sock"\n',
};

const TOKENS = [
  "[agent]", "[agent.bpf]", "[agent.collector]", "[agent.prometheus]", "[agent.ipfix]", "[[agent.ipfix.collectors]]", "[agent.ipfix.bind]",
  "[agent.log]", "[agent.control]", "[agent.enrich.mmdb]", "[agent.enrich.rib.bmp]", "[[agent]]", "[agnet]",
  "[collect]", "[[collect.listeners]]", "[[collect.enrich]]", 'type = "netflow"\n', 'type = "sflow"\n', 'flow_type = "netflow"\n', 'format = "common"\n',
  'serialization = "parquet"\n', 'bmp = "[::1]:1790"\n', 'enrich = ["type=exact"]\n', 'host = "::"\n', "workers = 65\n",
  "sample_rate = ", "interfaces = ", "host = ", "port = ", "fields = ", "eviction_timeout = ", "max_flows = ", "agent.bpf.sample_rate = ",
  " = ", "=", '"', "'", '"""', "'''", "[", "]", "{", "}", "[]", "{}", ",", "\n", "\r\n", "\t", "#", ".", "\\", "\\u0000", "\\U0010FFFF",
  "true", "false", "0", "-1", "0x10", "0o777", "0b101", "1_000", "1e999", "-inf", "nan", "99999999999999999999", "1.5",
  "1979-05-27T07:32:00Z", "07:32:00", '"30s"', '"1h2m3.5s"', '"-1s"', '"9999999999h"', '"0"', '"µs"',
  '"(?!lo$).+"', '"eth*"', '"("', '"[0-9]+"', '"a/b/c"', '"/"', "é", "\u{1f600}", "\ufeff",
  // Whole lines, right and wrong, so arrangements of them reach the schema, the locator and the suggestions.
  'interfaces = ["eth*", "(?!lo$).+"]\n', 'interfaces = ["("]\n', "interfaces = []\n", "sample_rate = 0\n", "max_sample_rate = 5\n", "ring_buf_size = 3\n",
  'active_timeout = "0"\n', 'eviction_timeout = "x"\n', "active_timeout = 5\n", "port = 70000\n", 'pin_path = "rel"\n', "bpf.sample_rat = 1\n",
  'prometheus = { port = 1, hots = "x" }\n', 'fields = ["octetDeltaCout"]\n', "fields = []\n", 'bind = { hots = "x" }\n',
  'collectors = [{ port = 1 }, { host = "b" }]\n', 'path = ""\n', "max_files = 0\n", '"quoted key" = 1\n', "x = [1,\n2]\n", 'notes = """\n[agent]\n"""\n', "= 1\n",
];

export function configTarget(): FuzzTarget {
  const seeds: Seed[] = [
    ...["examples/rfm.toml", "examples/collect.toml"].map((example) => ({ name: example, bytes: new Uint8Array(readFileSync(packagePath(example))), lengthFields: [] })),
    ...Object.entries(CONFIGS).map(([name, text]) => ({ name, bytes: new Uint8Array(Buffer.from(text)), lengthFields: [] })),
  ];
  const reached = new Map<string, number>();
  return {
    name: "config",
    contract: "parseAnyConfig returns a config or throws ConfigError whose issues have a key, a message and a line inside the file",
    seeds,
    mutator: { maxLength: 16_384, dictionary: TOKENS.map((t) => new Uint8Array(Buffer.from(t))) },
    epoch: 1,
    reached,
    reset() {},
    run(bytes) {
      // As readFile(path, "utf8") gives it: invalid UTF-8 becomes U+FFFD.
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("utf8");
      try {
        const loaded = parseAnyConfig(text, "fuzz.toml");
        count(reached, loaded.warnings.length > 0 ? "valid with warnings" : "valid");
        for (const w of loaded.warnings) if (typeof w !== "string" || w === "") violation("an empty warning");
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        if (e.issues.length === 0) violation("a ConfigError without issues");
        const lines = text.split(/\r?\n/).length;
        for (const issue of e.issues) {
          if (typeof issue.key !== "string") violation(`an issue key of type ${typeof issue.key}`);
          if (!(issue.message.length > 0)) violation(`an issue without a message at ${issue.key}`);
          if (issue.line !== undefined && !(Number.isInteger(issue.line) && issue.line >= 1 && issue.line <= lines)) violation(`an issue at line ${issue.line} of ${lines}: ${issue.message}`);
        }
        count(reached, e.issues[0].message.startsWith("invalid TOML") ? "syntax error" : "schema errors");
      }
    },
  };
}
