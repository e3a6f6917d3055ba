// Zod building blocks for config values. Each one phrases its own messages
// ("expected an integer, found string \"100\""), so schemas stay declarative.

import { z } from "zod";
import { formatDuration, parseDuration } from "./duration.js";
import { describeValue } from "./toml-value.js";

export const U32_MAX = 4_294_967_295;

type ErrorMap = (issue: z.core.$ZodRawIssue) => string | undefined;

/** Type errors become "expected WHAT, found VALUE"; other issues keep their own message. */
export function expected(what: string): ErrorMap {
  return (issue) => (issue.code === "invalid_type" ? `expected ${what}, found ${describeValue(issue.input)}` : undefined);
}

function reject(ctx: z.core.$RefinementCtx, input: unknown, message: string): never {
  ctx.issues.push({ code: "custom", input, message });
  return z.NEVER;
}

/** A TOML table whose unknown keys are errors. */
export function table<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  // zod takes any non-array object for a table, including the Date smol-toml
  // returns for a TOML date-time, which would then silently get all defaults.
  const notDate = (value: unknown, ctx: z.core.$RefinementCtx) => {
    if (!(value instanceof Date)) return value;
    return reject(ctx, value, `expected a table, found ${describeValue(value)}`);
  };
  return z.preprocess(notDate, z.strictObject(shape, { error: expected("a table") }));
}

/**
 * A TOML integer in [min, max], as a JS number. Floats are type errors even when
 * whole (100.0), because the TOML is parsed with integers as bigints.
 * `rule` adds a field-specific check returning a problem, or undefined if fine.
 */
export function integer(min: number, max: number, rule?: (n: number) => string | undefined) {
  return z.bigint({ error: expected("an integer") }).transform((value, ctx) => {
    if (value < BigInt(min)) return reject(ctx, value, `must be at least ${min}, found ${value}`);
    if (value > BigInt(max)) return reject(ctx, value, `must be at most ${max}, found ${value}`);
    const n = Number(value);
    const problem = rule?.(n);
    return problem === undefined ? n : reject(ctx, value, problem);
  });
}

/** An unsigned 32-bit integer that must not be zero. */
export function positiveU32() {
  return integer(1, U32_MAX);
}

export function boolean() {
  return z.boolean({ error: expected("a boolean (true or false)") });
}

export function string() {
  return z.string({ error: expected("a string") });
}

/**
 * A Go duration string, as milliseconds, of at least `minMs`. With
 * `zeroDisables`, 0 is also accepted and means "off".
 */
export function duration(minMs: number, options: { zeroDisables?: boolean } = {}) {
  return z.string({ error: expected('a duration string like "30s"') }).transform((text, ctx) => {
    let ms: number;
    try {
      ms = parseDuration(text);
    } catch (err) {
      return reject(ctx, text, (err as Error).message);
    }
    if (ms < 0) return reject(ctx, text, `must not be negative, found ${JSON.stringify(text)}`);
    if (ms === 0 && options.zeroDisables) return 0;
    if (ms < minMs) {
      const floor = options.zeroDisables ? `0 (disabled) or at least ${formatDuration(minMs)}` : `at least ${formatDuration(minMs)}`;
      return reject(ctx, text, `must be ${floor}, found ${JSON.stringify(text)}`);
    }
    return ms;
  });
}
