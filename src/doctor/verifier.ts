// Does the kernel verifier accept the BPF object on this kernel? Loading it is
// the only reliable answer: verdicts differ between kernel versions.
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { BPF_OBJECT_PATH, verifyObject } from "../bpf/datapath.js";
import { PACKAGE_ROOT } from "../paths.js";
import { errorMessage } from "./native-addon.js";
import type { CheckResult } from "./check.js";

/** Enough of the verifier log to show the rejected instruction and its reason. */
export const VERIFIER_LOG_LINES = 12;

export function verifierLogTail(log: string, lines: number = VERIFIER_LOG_LINES): string[] {
  return log.split("\n").map((l) => l.trimEnd()).filter((l) => l !== "").slice(-lines);
}

function displayPath(path: string): string {
  const rel = relative(PACKAGE_ROOT, path);
  return rel.startsWith("..") ? path : rel;
}

export function checkVerifier(objectPath: string = BPF_OBJECT_PATH): CheckResult {
  const shown = displayPath(objectPath);
  if (!existsSync(objectPath)) {
    return {
      name: "verifier",
      ok: false,
      required: true,
      detail: `BPF object ${shown} missing`,
      fix: "npm run build (compiles bpf/ with clang)",
    };
  }
  try {
    const { programs } = verifyObject(objectPath);
    return { name: "verifier", ok: true, required: true, detail: `${shown} accepted: ${programs.join(", ")}` };
  } catch (e) {
    const { verifierLog, code } = e as { verifierLog?: unknown; code?: unknown };
    const tail = typeof verifierLog === "string" ? verifierLogTail(verifierLog) : [];
    const detail = tail.length > 0
      ? `${shown}: ${errorMessage(e)}\nlog (last ${tail.length} lines):\n${tail.join("\n")}`
      : `${shown}: ${errorMessage(e)}`;
    // EPERM is a privilege problem, anything else on a packaged object is a bug.
    const fix = code === "EPERM"
      ? "the kernel refused to load BPF: grant the capabilities (see the capabilities check)"
      : "the kernel rejected the object: report it with this log and `uname -r`";
    return { name: "verifier", ok: false, required: true, detail, fix };
  }
}
