// Decoding CapEff and deciding what the agent lacks. libcap's own decoder
// (capsh --decode) is the reference for the bit -> name table.
import { test, describe } from "node:test";
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import {
  capEffFromStatus, capabilityName, checkCapabilities, checkNamespaceCapability, effectiveCapabilities, missingAgentCapabilities, parseCapabilityMask,
} from "../../src/doctor/capabilities.js";

const CAPSH = "/usr/sbin/capsh";
const caps = (...names: string[]) => new Set(names);

describe("parseCapabilityMask", () => {
  test("an empty mask has no capabilities", () => {
    assert.deepEqual(parseCapabilityMask("0000000000000000"), new Set());
  });

  test("bits 12, 38 and 39 are CAP_NET_ADMIN, CAP_PERFMON and CAP_BPF", () => {
    assert.deepEqual(parseCapabilityMask("000000c000001000"), caps("CAP_NET_ADMIN", "CAP_PERFMON", "CAP_BPF"));
  });

  test("a full mask missing bit 24 lacks exactly CAP_SYS_RESOURCE", () => {
    const all = parseCapabilityMask("000001ffffffffff");
    const mask = parseCapabilityMask("000001fffeffffff");
    assert.equal(all.size, 41);
    assert.deepEqual([...all].filter((c) => !mask.has(c)), ["CAP_SYS_RESOURCE"]);
  });

  test("bits beyond the known table are named by number", () => {
    assert.deepEqual(parseCapabilityMask("20000000000"), caps("CAP_41"));
  });

  test("anything but 1-16 hex digits is rejected", () => {
    for (const bad of ["", "xyz", "0x10", "1".repeat(17), " 1"]) {
      assert.throws(() => parseCapabilityMask(bad), /not a capability mask/, bad);
    }
  });

  test("every named bit agrees with capsh --decode", () => {
    for (let bit = 0; bit <= 40; bit++) {
      const hex = (1n << BigInt(bit)).toString(16);
      const decoded = execFileSync(CAPSH, [`--decode=${hex}`], { encoding: "utf8" }).trim().split("=")[1];
      assert.equal(capabilityName(bit).toLowerCase(), decoded, `bit ${bit}`);
    }
  });

  test("random masks decode to the same set as capsh --decode", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 41n) - 1n }), (mask) => {
        const hex = mask.toString(16).padStart(16, "0");
        const out = execFileSync(CAPSH, [`--decode=${hex}`], { encoding: "utf8" }).trim();
        const expected = (out.split("=")[1] ?? "").split(",").filter(Boolean);
        const ours = [...parseCapabilityMask(hex)].map((c) => c.toLowerCase());
        assert.deepEqual(ours.sort(), expected.sort());
      }),
      { numRuns: 40 },
    );
  });
});

describe("capEffFromStatus", () => {
  const status = "Name:\tnode\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t0000000000001000\nCapBnd:\t000001ffffffffff\n";

  test("picks the CapEff line, not the other capability sets", () => {
    assert.equal(capEffFromStatus(status), "0000000000001000");
    assert.deepEqual(effectiveCapabilities(status), caps("CAP_NET_ADMIN"));
  });

  test("a status without CapEff is an error", () => {
    assert.throws(() => capEffFromStatus("Name:\tnode\n"), /no CapEff line/);
  });

  test("this process's own status parses", () => {
    assert.ok(effectiveCapabilities() instanceof Set);
  });
});

describe("missingAgentCapabilities", () => {
  test("CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON are enough", () => {
    assert.deepEqual(missingAgentCapabilities(caps("CAP_BPF", "CAP_NET_ADMIN", "CAP_PERFMON")), []);
  });

  test("CAP_SYS_ADMIN stands in for CAP_BPF and CAP_PERFMON, not for CAP_NET_ADMIN", () => {
    assert.deepEqual(missingAgentCapabilities(caps("CAP_SYS_ADMIN", "CAP_NET_ADMIN")), []);
    assert.deepEqual(missingAgentCapabilities(caps("CAP_SYS_ADMIN")), ["CAP_NET_ADMIN"]);
  });

  test("names every missing one in a fixed order", () => {
    assert.deepEqual(missingAgentCapabilities(caps("CAP_NET_ADMIN")), ["CAP_BPF", "CAP_PERFMON"]);
    assert.deepEqual(missingAgentCapabilities(caps()), ["CAP_BPF", "CAP_NET_ADMIN", "CAP_PERFMON"]);
  });

  test("the check fails, names what is missing and says how to grant it", () => {
    const r = checkCapabilities(caps("CAP_NET_ADMIN"));
    assert.equal(r.ok, false);
    assert.equal(r.required, true);
    assert.equal(r.detail, "missing CAP_BPF, CAP_PERFMON");
    assert.match(r.fix ?? "", /run as root/);
    assert.match(r.fix ?? "", /AmbientCapabilities=CAP_BPF CAP_NET_ADMIN CAP_PERFMON/);
  });
});

describe("checkNamespaceCapability: CAP_SYS_ADMIN, only for metering other network namespaces", () => {
  test("passes with CAP_SYS_ADMIN", () => {
    assert.equal(checkNamespaceCapability(caps("CAP_SYS_ADMIN")).ok, true);
  });
  test("without it: a warning (not required) saying what cannot be done", () => {
    const r = checkNamespaceCapability(caps("CAP_BPF", "CAP_NET_ADMIN", "CAP_PERFMON"));
    assert.deepEqual([r.ok, r.required], [false, false]);
    assert.match(r.detail, /rfm meter attach --netns/);
  });
});
