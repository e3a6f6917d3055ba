#!/usr/bin/env node
// The test command: compile, then run every dist/test/**/*.test.js with Node's
// runner. Under CI (or RFM_REQUIRE_PRIVILEGED=1) a skipped test is a failure:
// kernel tests must really run there.
import { spawn, execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

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
const env = { ...process.env, ...(strict ? { RFM_REQUIRE_PRIVILEGED: "1" } : {}) };
const child = spawn(process.execPath, ["--test", "--test-reporter=spec", "--test-concurrency=1", ...files], { env, stdio: ["ignore", "pipe", "inherit"] });
let tail = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4096);
});
child.on("exit", (code, signal) => {
  const count = (name) => Number(new RegExp(`^\\S* ?${name} (\\d+)$`, "m").exec(tail)?.[1] ?? NaN);
  const [skipped, todo] = [count("skipped"), count("todo")];
  if (code === 0 && strict && (skipped > 0 || todo > 0)) {
    console.error(`test: ${skipped} skipped and ${todo} todo tests: under CI every test must run`);
    process.exit(1);
  }
  process.exit(code ?? (signal ? 1 : 0));
});
