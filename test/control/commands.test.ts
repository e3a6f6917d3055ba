// The control commands' own argument checks, against a stand-in agent (no
// kernel): a value the CLI would never send gets a CommandError naming the
// flag, never another exception (the agent would log it as a failure of its
// own) and never reaches the agent.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { controlCommands } from "../../src/agent/control-commands.js";
import { CommandError } from "../../src/control/server.js";
import { standInAgent } from "./stand-in-agent.js";

function run(command: string, args: Record<string, unknown>): unknown {
  return controlCommands(standInAgent(), "", 0).get(command)!(args);
}

describe("control command arguments", () => {
  // Found by the fuzz bench: String() of {"toString":1} throws a TypeError.
  test("flows.flush with an --iface or --netns that is not a string is a CommandError naming the flag", () => {
    const cases: [string, unknown, string][] = [
      ["iface", { toString: 1 }, '--iface must be a name, not {"toString":1}'],
      ["netns", { valueOf: {} }, '--netns must be a name, not {"valueOf":{}}'],
      ["iface", 5, "--iface must be a name, not 5"],
      ["netns", null, "--netns must be a name, not null"],
    ];
    for (const [key, value, message] of cases) {
      assert.throws(() => run("flows.flush", { [key]: value }), (e: unknown) => e instanceof CommandError && e.message === message, `${key}: ${JSON.stringify(value)}`);
    }
  });

  test("flows.flush by name still selects by name (the captured flows are all on ifindex 1, \"if1\" to the stand-in)", () => {
    const all = run("flows.count", {}) as number;
    assert.ok(all > 0);
    assert.deepEqual(run("flows.flush", { iface: "if1", netns: "" }), { flushed: all });
    assert.deepEqual(run("flows.flush", { iface: "if2" }), { flushed: 0 });
  });
});
