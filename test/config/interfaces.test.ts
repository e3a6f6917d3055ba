import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { effectiveIfaceStatsSize } from "../../src/config/index.js";
import { issuesOf, load, onlyIssue, SOURCE } from "./expect-config.js";

function agentWith(interfaces: string): string {
  return `[agent]\ninterfaces = ${interfaces}\n`;
}

function matcher(...patterns: string[]): (ifname: string) => boolean {
  const { config } = load(agentWith(JSON.stringify(patterns)));
  return (ifname) => config.agent.interfaceMatcher.inNamespace("").matches(ifname);
}

describe("agent.interfaces: regular expressions matched against the whole name", () => {
  test("a plain name matches only itself, not names containing it", () => {
    const matches = matcher("eth0");
    assert.equal(matches("eth0"), true);
    assert.equal(matches("eth01"), false);
    assert.equal(matches("veth0"), false);
  });

  test("a character class matches numbered names", () => {
    const matches = matcher("eth[0-9]+");
    assert.equal(matches("eth0"), true);
    assert.equal(matches("eth12"), true);
    assert.equal(matches("eth"), false);
    assert.equal(matches("xeth0"), false);
  });

  test("anchoring covers every branch of an alternation", () => {
    const matches = matcher("eth0|wlan0");
    assert.equal(matches("eth0"), true);
    assert.equal(matches("wlan0"), true);
    assert.equal(matches("eth0x"), false);
    assert.equal(matches("xwlan0"), false);
  });

  test("any of several patterns may match", () => {
    const matches = matcher("eth0", "en.+");
    assert.equal(matches("eth0"), true);
    assert.equal(matches("enp3s0"), true);
    assert.equal(matches("wlan0"), false);
  });

  test('the example config\'s "(?!lo$).+" matches every name except lo', () => {
    const matches = matcher("(?!lo$).+");
    for (const name of ["eth0", "enp3s0", "wlan0", "lo0", "bond0.10"]) assert.equal(matches(name), true, name);
    assert.equal(matches("lo"), false);
  });

  test("are required, reported at the [agent] header line", () => {
    assert.deepEqual(onlyIssue("# rfm\n[agent]\n"), { key: "agent.interfaces", line: 2, message: "missing required key" });
  });

  test("when missing without an [agent] header, the issue has no line", () => {
    assert.deepEqual(onlyIssue("[agent.bpf]\nsample_rate = 10\n"), { key: "agent.interfaces", message: "missing required key" });
  });

  test("must not be an empty list", () => {
    assert.deepEqual(onlyIssue(agentWith("[]")), {
      key: "agent.interfaces",
      line: 2,
      message: "must list at least one interface pattern",
    });
  });

  test("must be a list", () => {
    assert.equal(onlyIssue(agentWith('"eth0"')).message, 'expected a list of regular expressions like ["eth0", "en.+"], found string "eth0"');
  });

  test("every element must be a string", () => {
    assert.deepEqual(onlyIssue(agentWith('["eth0", 5]')), {
      key: "agent.interfaces[1]",
      line: 2,
      message: "expected a regular expression string, found integer 5",
    });
  });

  test("an invalid regular expression is an error naming the pattern, on its own line", () => {
    const issue = onlyIssue('[agent]\ninterfaces = [\n  "eth0",\n  "eth(",\n]\n');
    assert.equal(issue.key, "agent.interfaces[1]");
    assert.equal(issue.line, 4);
    assert.match(issue.message, /^invalid regular expression "eth\(": /);
  });

  test("every invalid pattern is reported", () => {
    const issues = issuesOf(agentWith('["eth(", "en.+", "[z-a]"]'));
    assert.deepEqual(issues.map((i) => i.key), ["agent.interfaces[0]", "agent.interfaces[2]"]);
  });

  test("an empty pattern is an error", () => {
    assert.equal(onlyIssue(agentWith('[""]')).message, "must not be empty");
  });
});

describe("agent.interfaces: shell-glob-looking patterns", () => {
  test('"eth*" loads, with a warning explaining the regex meaning and suggesting fixes', () => {
    const { config, warnings } = load(agentWith('["eth*"]'));
    assert.deepEqual(config.agent.interfaces, ["eth*"]);
    assert.equal(warnings.length, 1);
    const [warning = ""] = warnings;
    assert.ok(warning.startsWith(`${SOURCE}:2: agent.interfaces[0]: `), warning);
    assert.match(warning, /"eth\*" matches "et", "eth", "ethh", … but not "eth0"/);
    assert.match(warning, /did you mean "eth\.\*" or "eth\[0-9\]\+"\?/);
  });

  test("the warning points at the pattern's own line in a multi-line list", () => {
    const { warnings } = load('[agent]\ninterfaces = [\n  "eth0",\n  "wlan*",\n]\n');
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]?.startsWith(`${SOURCE}:4: agent.interfaces[1]: `));
  });

  test('"veth?" (a trailing ? after a letter) is warned about too', () => {
    assert.match(load(agentWith('["veth?"]')).warnings[0] ?? "", /"veth\?" matches "vet", "veth" but not "veth0"/);
  });

  for (const pattern of ["eth.*", "eth[0-9]+", "eth[0-9]*", "eth\\\\d*", "(eth|en).*", "wlan0?", "(?!lo$).+"]) {
    test(`regex syntax such as ${pattern} gets no warning`, () => {
      assert.deepEqual(load(agentWith(`["${pattern}"]`)).warnings, []);
    });
  }
});

describe("effectiveIfaceStatsSize", () => {
  test("is the configured size when non-zero", () => {
    const { config } = load(`[agent]\ninterfaces = ["eth0"]\n[agent.bpf]\niface_stats_size = 500\n`);
    assert.equal(effectiveIfaceStatsSize(config), 500);
  });

  test("is 1024 when 0 and there are few patterns", () => {
    assert.equal(effectiveIfaceStatsSize(load(agentWith('["eth0", "eth1"]')).config), 1024);
  });

  test("is 8 per pattern and 256 per namespace pattern when 0 and that exceeds 1024", () => {
    const patterns = [...Array.from({ length: 10 }, (_, i) => `eth${i}`), ...Array.from({ length: 4 }, (_, i) => `ns${i}/veth.+`)];
    assert.equal(effectiveIfaceStatsSize(load(agentWith(JSON.stringify(patterns))).config), 10 * 8 + 4 * 256);
  });
});

describe("agent.interfaces: NETNS_REGEX/IF_REGEX names interfaces in other network namespaces", () => {
  function nsMatcher(...patterns: string[]): (ifname: string, netns?: string) => boolean {
    const { config } = load(agentWith(JSON.stringify(patterns)));
    return (ifname, netns = "") => config.agent.interfaceMatcher.inNamespace(netns).matches(ifname);
  }

  test("a plain pattern matches in the agent's own namespace only", () => {
    const matches = nsMatcher("eth0");
    assert.equal(matches("eth0"), true);
    assert.equal(matches("eth0", "blue"), false);
  });

  test("a namespace pattern matches interfaces of namespaces whose whole name matches, never the agent's own", () => {
    const matches = nsMatcher("tenant-[0-9]+/veth.+");
    assert.equal(matches("veth0", "tenant-1"), true);
    assert.equal(matches("veth0", "tenant-12"), true);
    assert.equal(matches("veth0", "tenant-x"), false);
    assert.equal(matches("veth0", "xtenant-1"), false);
    assert.equal(matches("eth0", "tenant-1"), false);
    assert.equal(matches("veth0"), false);
  });

  test("the alternation inside each part stays anchored", () => {
    const matches = nsMatcher("a|b/c|d");
    assert.equal(matches("c", "a"), true);
    assert.equal(matches("d", "b"), true);
    assert.equal(matches("c", "ab"), false);
    assert.equal(matches("cd", "a"), false);
  });

  for (const [pattern, message] of [
    ["/eth0", /the network namespace part before "\/" is empty/],
    ["blue/", /the interface part after "\/" is empty/],
    ["blue/eth0/x", /only one "\/" is allowed/],
    ["blue(/eth0", /^invalid regular expression "blue\(": /],
    ["blue/eth(", /^invalid regular expression "eth\(": /],
  ] as const) {
    test(`"${pattern}" is an error`, () => {
      assert.match(onlyIssue(agentWith(JSON.stringify([pattern]))).message, message);
    });
  }

  test("a glob in either part is warned about", () => {
    assert.match(load(agentWith('["tenant*/eth0"]')).warnings[0] ?? "", /"tenant\*" matches/);
    assert.match(load(agentWith('["tenant/eth*"]')).warnings[0] ?? "", /"eth\*" matches/);
  });
});

describe("agent.netns_dir: where named network namespaces are", () => {
  test('defaults to "/run/netns" and takes another absolute path', () => {
    assert.equal(load(agentWith('["eth0"]')).config.agent.netns_dir, "/run/netns");
    assert.equal(load(`[agent]\ninterfaces = ["eth0"]\nnetns_dir = "/run/docker/netns"\n`).config.agent.netns_dir, "/run/docker/netns");
  });
  test("a relative path is an error", () => {
    assert.deepEqual(onlyIssue(`[agent]\ninterfaces = ["eth0"]\nnetns_dir = "netns"\n`), {
      key: "agent.netns_dir",
      line: 3,
      message: 'must be an absolute path, found "netns"',
    });
  });
});
