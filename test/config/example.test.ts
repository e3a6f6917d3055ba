import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseConfig } from "../../src/config/index.js";
import { PACKAGE_ROOT } from "../../src/paths.js";


const EXAMPLE = join(PACKAGE_ROOT, "examples", "rfm.toml");

describe("examples/rfm.toml", () => {
  const text = readFileSync(EXAMPLE, "utf8");

  test("parses without errors or warnings", () => {
    assert.deepEqual(parseConfig(text, EXAMPLE).warnings, []);
  });

  test("watches every interface except loopback", () => {
    const { config } = parseConfig(text, EXAMPLE);
    const own = config.agent.interfaceMatcher.inNamespace("");
    assert.equal(own.matches("lo"), false);
    for (const name of ["eth0", "enp3s0", "ens18", "wlan0"]) assert.equal(own.matches(name), true, name);
  });

  test("serves metrics on [::1]:9669", () => {
    assert.deepEqual(parseConfig(text, EXAMPLE).config.agent.prometheus, { host: "::1", port: 9669 });
  });

  test("shows the defaults, as its comments claim", () => {
    const example = parseConfig(text, EXAMPLE).config.agent;
    const defaults = parseConfig('[agent]\ninterfaces = ["eth0"]\n').config.agent;
    assert.deepEqual(example.bpf, defaults.bpf);
    assert.deepEqual(example.collector, defaults.collector);
    assert.deepEqual(example.ipfix, defaults.ipfix);
    assert.deepEqual(example.log, defaults.log);
  });

  test("its commented-out [agent.enrich.rib.bmp] parses once uncommented, and shows the default distinguishers", () => {
    const block = /^# \[agent\.enrich\.rib\.bmp\]\n(?:# \w+ = .*\n)+/m.exec(text)?.[0] ?? "";
    assert.match(block, /^# distinguishers = /m);
    const uncommented = text.replace(block, block.replace(/^# /gm, ""));
    const loaded = parseConfig(uncommented, EXAMPLE);
    assert.deepEqual(loaded.warnings, []);
    const bmp = loaded.config.agent.enrich.rib.bmp;
    assert.deepEqual(bmp.listen, { host: "::1", port: 11019 });
    assert.deepEqual(bmp.distinguishers, parseConfig('[agent]\ninterfaces = ["eth0"]\n').config.agent.enrich.rib.bmp.distinguishers);
  });
});
