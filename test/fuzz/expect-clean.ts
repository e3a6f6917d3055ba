// The CI side of a fuzz campaign: run it isolated, fail with the findings
// (hex inputs and the command that replays each) if anything crashed or hung.
import * as assert from "node:assert/strict";
import type { CampaignResult } from "./campaign.js";
import { describeFinding } from "./finding.js";
import { runIsolated } from "./isolated.js";

export async function fuzzClean(target: string, cases: number, seed: number): Promise<CampaignResult> {
  const r = await runIsolated({ target, seed, to: cases });
  const found = r.findings.map(describeFinding).join("\n\n");
  assert.equal(r.crashes + r.hangs, 0, `${target}: ${r.crashes} crashes and ${r.hangs} hangs in ${r.cases} cases:\n${found}`);
  assert.equal(r.cases, cases);
  return r;
}

/** Every name in `names` was reached at least once. */
export function assertReached(r: CampaignResult, names: readonly string[]): void {
  const missing = names.filter((n) => !(r.reached[n] > 0));
  assert.deepEqual(missing, [], `never reached in ${r.cases} cases: ${missing.join(", ")}`);
}
