import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfigFile } from "../../src/config/index.js";
import { tempDir } from "../harness/temp-dir.js";

const dir = tempDir("rfm-config-");

async function rejection(path: string): Promise<ConfigError> {
  try {
    await loadConfigFile(path);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  return assert.fail(`loading ${path} should fail`);
}

describe("loadConfigFile", () => {
  test("the default path is /etc/rfm/rfm.toml", () => {
    assert.equal(DEFAULT_CONFIG_PATH, "/etc/rfm/rfm.toml");
  });

  test("parses a file, using its path as the source", async () => {
    const path = join(dir, "ok.toml");
    writeFileSync(path, '[agent]\ninterfaces = ["eth0"]\n');
    const loaded = await loadConfigFile(path);
    assert.equal(loaded.source, path);
    assert.deepEqual(loaded.config.agent.interfaces, ["eth0"]);
  });

  test("a missing file is a ConfigError saying so", async () => {
    const path = join(dir, "absent.toml");
    const error = await rejection(path);
    assert.deepEqual(error.issues, [{ key: "", message: `cannot read config file ${path}: no such file` }]);
    assert.equal(error.message, `cannot read config file ${path}: no such file`);
  });

  test("a directory is a ConfigError saying so", async () => {
    assert.equal((await rejection(dir)).issues[0]?.message, `cannot read config file ${dir}: is a directory`);
  });

  test("problems in the file are reported against its path", async () => {
    const path = join(dir, "bad.toml");
    writeFileSync(path, '[agent]\ninterfaces = ["eth0"]\n[agent.bpf]\nsample_rate = 0\n');
    assert.equal((await rejection(path)).message, `${path}:4: agent.bpf.sample_rate: must be at least 1, found 0`);
  });
});
