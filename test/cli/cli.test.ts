// The command line contract: usage errors exit 2, help and version exit 0,
// `config check` prints ok or every error and exits 0 or 1.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "./run-cli.js";
import { tempDir } from "../harness/temp-dir.js";

function tempFile(name: string, text: string): string {
  const dir = tempDir("rfm-cli-");
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("rfm CLI", () => {
  test("an unknown command prints the usage and exits 2", async () => {
    const r = await runCli(["frobnicate"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    assert.match(r.stderr, /Usage: rfm/);
  });

  test("an unknown flag exits 2", async () => {
    const r = await runCli(["doctor", "--frob"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--frob'/);
  });

  test("no command at all is a usage error", async () => {
    const r = await runCli([]);
    assert.equal(r.code, 2);
    assert.match(r.stdout + r.stderr, /Usage: rfm/);
  });

  for (const cmd of [["--help"], ["agent", "--help"], ["config", "check", "--help"], ["doctor", "--help"], ["version", "--help"]]) {
    test(`${cmd.join(" ")} shows usage with examples and exits 0`, async () => {
      const r = await runCli(cmd);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Usage: rfm/);
      assert.match(r.stdout, /Examples:/);
    });
  }

  test("version prints rfm, node, libbpf and kernel versions", async () => {
    const r = await runCli(["version", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const v = JSON.parse(r.stdout) as Record<string, string>;
    assert.match(v.rfm!, /^\d+\.\d+\.\d+/);
    assert.equal(v.node, process.versions.node);
    assert.match(v.libbpf!, /^1\.\d+$/);
    const flag = await runCli(["--version"]);
    assert.equal(flag.code, 0);
    assert.equal(flag.stdout.trim(), v.rfm);
  });

  test("config check prints ok for a valid file and exits 0", async () => {
    const r = await runCli(["config", "check", tempFile("ok.toml", '[agent]\ninterfaces = ["veth.*"]\n')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, "ok\n");
  });

  test("config check lists every error with its line and exits 1", async () => {
    const path = tempFile(
      "bad.toml",
      ['[agent]', 'interfaces = ["eth0"]', "", "[agent.bpf]", "sample_rat = 10", 'wakeup_batch = "64"', "", "[agent.prometheus]", "port = 70000", ""].join("\n"),
    );
    const r = await runCli(["config", "check", path]);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 3, r.stdout);
    assert.match(lines[0]!, new RegExp(`^${path}:5: agent\\.bpf\\.sample_rat: .*did you mean .*agent\\.bpf\\.sample_rate`));
    assert.match(lines[1]!, new RegExp(`^${path}:6: agent\\.bpf\\.wakeup_batch: .*integer.*"64"`));
    assert.match(lines[2]!, new RegExp(`^${path}:9: agent\\.prometheus\\.port: `));
  });

  test("config check of a missing file names it and exits 1", async () => {
    const r = await runCli(["config", "check", "/nonexistent/rfm.toml"]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /\/nonexistent\/rfm\.toml/);
  });

  test("config check with two paths is a usage error", async () => {
    const r = await runCli(["config", "check", "a.toml", "b.toml"]);
    assert.equal(r.code, 2);
  });
});
