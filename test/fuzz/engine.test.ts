// The fuzz engine itself, on decoders that misbehave on purpose: a thrown
// exception, a broken contract, a slow case, a case that never returns and a
// heap eaten are each found and reported with the input that did it; cases
// are reproducible from (seed, case index); every seed is cut at every offset.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { caseInput, runCampaign, type CampaignOptions } from "./campaign.js";
import { createTarget } from "./faulty-targets.js";
import { runIsolated } from "./isolated.js";
import { Mutator } from "./mutator.js";
import { Prng } from "./prng.js";

const TARGETS = new URL("./faulty-targets.js", import.meta.url).href;
const campaign = (target: string, to = 200, seed = 1): CampaignOptions => ({ target, seed, to, targets: TARGETS });

describe("fuzz engine", () => {
  test("an exception is a crash, reported with the case that raised it and its input", async () => {
    const r = await runCampaign(campaign("throws"));
    assert.ok(r.crashes >= 1 && r.hangs === 0);
    const f = r.findings[0];
    assert.equal(f.kind, "crash");
    assert.equal(f.input.length, 3);
    assert.match(f.error, /^TypeError: /);
    assert.deepEqual(f.input, caseInput(createTarget, "throws", 1, f.caseIndex), "the input again from (seed, case index) alone");
  });

  test("a ContractViolation is a crash too", async () => {
    const r = await runCampaign(campaign("violates"));
    assert.ok(r.crashes >= 1);
    assert.match(r.findings[0].error, /^ContractViolation: an offset past the end/);
  });

  test("a case slower than 100 ms, three times over, is a hang", async () => {
    const r = await runCampaign(campaign("slow", 40));
    assert.equal(r.crashes, 0);
    assert.ok(r.hangs >= 1);
    assert.equal(r.findings[0].input.length, 5);
    assert.ok(r.findings[0].ms > 100);
  });

  test("a case that never returns is stopped by the watchdog and reported as a hang", async () => {
    const r = await runIsolated(campaign("stuck", 1000), { stallMs: 1000 });
    assert.equal(r.hangs, 1);
    assert.equal(r.findings[0].input.length, 2);
    assert.match(r.findings[0].error, /still running after 1000 ms/);
  });

  test("a decoder that eats the heap ends its campaign with a crash, not the process", async () => {
    const r = await runIsolated(campaign("greedy", 1000), { maxHeapMb: 32 });
    assert.equal(r.crashes, 1);
    assert.equal(r.findings[0].input.length, 4);
    assert.match(r.findings[0].error, /memory/);
  });

  test("a clean decoder: no findings, and the same seed gives the same cases", async () => {
    const a = await runIsolated(campaign("clean", 5000, 7));
    const b = await runCampaign(campaign("clean", 5000, 7));
    const c = await runCampaign(campaign("clean", 5000, 8));
    assert.equal(a.crashes + a.hangs, 0);
    assert.deepEqual(a.reached, b.reached);
    assert.notDeepEqual(a.reached, c.reached);
    assert.ok(a.peakHeapBytes > 0);
  });

  test("every seed is cut at every offset, every fourth case, before the random cases take over", () => {
    const seeds = [
      { name: "a", bytes: Uint8Array.of(1, 2, 3), lengthFields: [] },
      { name: "b", bytes: Uint8Array.of(4, 5), lengthFields: [] },
    ];
    const m = new Mutator(seeds, { maxLength: 16 });
    const rng = new Prng();
    const cut = Array.from({ length: m.truncations }, (_, t) => {
      rng.reseed(1, t * 4);
      return [...m.input(t * 4, rng)];
    });
    assert.deepEqual(cut, [[], [1], [1, 2], [], [4]]);
  });

  test("inputs never exceed maxLength, whatever the mutations insert", () => {
    const m = new Mutator([{ name: "a", bytes: new Uint8Array(60).fill(7), lengthFields: [{ offset: 0, width: 4 }] }], { maxLength: 64, dictionary: [new Uint8Array(40)] });
    const rng = new Prng();
    for (let i = 0; i < 20_000; i++) {
      rng.reseed(3, i);
      assert.ok(m.input(i, rng).length <= 64);
    }
  });
});
