import { describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { closestMatch } from "../../src/config/suggest.js";

const KEYS = ["sample_rate", "ring_buf_size", "wakeup_batch", "max_sample_rate", "pin_path"];

describe("closestMatch: which known key an unknown one probably meant", () => {
  const cases: Array<[string, string | undefined]> = [
    ["sample_rat", "sample_rate"], // deletion
    ["samplee_rate", "sample_rate"], // insertion
    ["sample_rote", "sample_rate"], // substitution
    ["smaple_rate", "sample_rate"], // transposition
    ["SAMPLE-RATE", "sample_rate"], // case and dash
    ["wakeup", "wakeup_batch"], // truncation
    ["max_sample", "max_sample_rate"],
    ["ring", "ring_buf_size"],
    ["colour", undefined],
    ["pid", undefined], // too short and too far to guess
    ["rate", undefined],
  ];
  for (const [word, expected] of cases) {
    test(`${word} -> ${expected ?? "nothing"}`, () => {
      assert.equal(closestMatch(word, KEYS), expected);
    });
  }
});
