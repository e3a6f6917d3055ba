// Kernel-touching tests call requirePrivileges(t) first. Unprivileged local
// runs skip them; CI must never skip them silently, so there it fails.
import type { TestContext } from "node:test";
import { effectiveCapabilities } from "../../src/doctor/capabilities.js";

/**
 * What the lab and the agent need: CAP_SYS_ADMIN for network namespaces,
 * CAP_NET_ADMIN for links and tc, CAP_BPF + CAP_PERFMON for loading programs.
 */
export const PRIVILEGED_CAPABILITIES = ["CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_BPF", "CAP_PERFMON"] as const;

/** CI (any non-empty value) or RFM_REQUIRE_PRIVILEGED=1 turn a skip into a failure. */
export function privilegedRunRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.CI ?? "") !== "" || env.RFM_REQUIRE_PRIVILEGED === "1";
}

/** Why this process cannot run kernel tests, or undefined when it can. */
export function missingPrivileges(): string | undefined {
  const caps = effectiveCapabilities();
  const missing = PRIVILEGED_CAPABILITIES.filter((c) => !caps.has(c));
  const notRoot = process.getuid?.() !== 0;
  if (!notRoot && missing.length === 0) return undefined;
  const parts = [...(notRoot ? ["uid 0"] : []), ...missing];
  return `needs root with ${PRIVILEGED_CAPABILITIES.join(", ")} (missing ${parts.join(", ")})`;
}

/**
 * true: go ahead. false: the test was marked skipped, return from it.
 * Throws (failing the test) when privileges are missing but required.
 */
export function requirePrivileges(t: TestContext): boolean {
  const why = missingPrivileges();
  if (why === undefined) return true;
  if (privilegedRunRequired()) {
    throw new Error(`${why}; CI or RFM_REQUIRE_PRIVILEGED=1 forbids skipping kernel tests`);
  }
  t.skip(why);
  return false;
}
