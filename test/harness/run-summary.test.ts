// The test command passes a run only on a summary it can read.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { readRunSummary, runVerdict } from "./run-summary.js";

const SUMMARY = "ℹ tests 12\nℹ suites 3\nℹ pass 11\nℹ fail 0\nℹ cancelled 0\nℹ skipped 1\nℹ todo 0\nℹ duration_ms 5.1\n";

test("the spec reporter's closing counts are read", () => {
  assert.deepEqual(readRunSummary(SUMMARY), { tests: 12, pass: 11, fail: 0, cancelled: 0, skipped: 1, todo: 0 });
});

test("a summary that cannot be read fails the run", () => {
  const cut = SUMMARY.replace("ℹ skipped 1\n", "");
  assert.equal(readRunSummary(cut), 'the runner\'s summary has no "skipped" count');
  assert.match(runVerdict(readRunSummary(cut), false) ?? "", /not counted as passed/);
  assert.match(runVerdict(readRunSummary("garbage"), false) ?? "", /no "tests" count/);
});

test("skips fail only a strict (CI) run; no tests, failures and cancellations fail any run", () => {
  const s = readRunSummary(SUMMARY);
  assert.equal(runVerdict(s, false), undefined);
  assert.match(runVerdict(s, true) ?? "", /1 skipped and 0 todo tests/);
  assert.match(runVerdict(readRunSummary(SUMMARY.replace("tests 12", "tests 0")), false) ?? "", /no test ran/);
  assert.match(runVerdict(readRunSummary(SUMMARY.replace("fail 0", "fail 2")), false) ?? "", /2 failed/);
  assert.match(runVerdict(readRunSummary(SUMMARY.replace("cancelled 0", "cancelled 1")), false) ?? "", /1 cancelled/);
});
