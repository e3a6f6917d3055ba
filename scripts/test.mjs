#!/usr/bin/env node
// The test command: compile, then run every dist/test/**/*.test.js with Node's
// runner. Under CI (or RFM_REQUIRE_PRIVILEGED=1) a skipped test is a failure:
// kernel tests must really run there.
import { spawn, execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

// tsc is also the typecheck; eslint keeps the style honest before anything runs.
execFileSync(process.execPath, ["scripts/build.mjs", "ts"], { stdio: "inherit" });
if (!process.argv.includes("--no-lint")) {
  execFileSync(process.execPath, ["node_modules/eslint/bin/eslint.js", "."], { stdio: "inherit" });
}

const strict = Boolean(process.env.CI) || process.env.RFM_REQUIRE_PRIVILEGED === "1";
const filters = process.argv.slice(2).filter((a) => a !== "--no-lint");
const files = readdirSync("dist/test", { recursive: true })
  .map(String)
  .filter((f) => f.endsWith(".test.js"))
  .map((f) => join("dist/test", f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error("test: no test files matched");
  process.exit(1);
}

// One file at a time: kernel tests read global state (loaded programs, links).
// The leak check, loaded into each file's process, fails a file that leaves a
// process, namespace, link, pin or temporary file behind.
const env = { ...process.env, ...(strict ? { RFM_REQUIRE_PRIVILEGED: "1" } : {}) };
const leakCheck = pathToFileURL(join(root, "dist/test/harness/leak-check.js")).href;
const args = ["--import", leakCheck, "--test", "--test-reporter=spec", "--test-concurrency=1", ...files];
const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "inherit"] });
let tail = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4096);
});
child.on("close", async (code, signal) => {
  if (code !== 0) process.exit(code ?? 1);
  if (signal) process.exit(1);
  const { readRunSummary, runVerdict } = await import(pathToFileURL(join(root, "dist/test/harness/run-summary.js")).href);
  const why = runVerdict(readRunSummary(tail), strict);
  if (why) {
    console.error(`test: ${why}`);
    process.exit(1);
  }
  process.exit(0);
});
