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
    const log = (e as { verifierLog?: unknown }).verifierLog;
    const tail = typeof log === "string" ? verifierLogTail(log) : [];
    const detail = tail.length > 0
      ? `${shown}: ${errorMessage(e)}\nverifier log (last ${tail.length} lines):\n${tail.join("\n")}`
      : `${shown}: ${errorMessage(e)}`;
    return {
      name: "verifier",
      ok: false,
      required: true,
      detail,
      fix: "check the capabilities and addon results above; a verifier rejection on this kernel is a bug to report with this log",
    };
  }
}
