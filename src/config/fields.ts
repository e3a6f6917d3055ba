// Valibot building blocks for config values. Each one phrases its own messages
// ("expected an integer, found string \"100\""), so schemas stay declarative.
// Defaults are given as the TOML would write them (integers as bigints,
// durations as strings) and are checked like a written value.

import * as v from "valibot";
import { formatDuration, parseDuration } from "./duration.js";
import { describeValue, isTable } from "./toml-value.js";

export const U32_MAX = 4_294_967_295;

/** `expected` of the issue a table raises for each key it does not know. */
export const UNKNOWN_KEY = "a known key";

type Message = (issue: v.BaseIssue<unknown>) => string;

/** A type error as "expected WHAT, found VALUE". */
export function expected(what: string): Message {
  return (issue) => `expected ${what}, found ${describeValue(issue.input)}`;
}

/** A TOML table whose unknown keys are errors (every one of them, not just the first). */
export function table<const Entries extends v.ObjectEntries>(entries: Entries) {
  return v.pipe(
    // Valibot takes any object for a table, including the Date smol-toml returns
    // for a TOML date-time, which would then silently get all defaults.
    v.custom<unknown>((value) => !(value instanceof Date), expected("a table")),
    v.looseObject(entries, expected("a table")),
    v.rawCheck(({ dataset, addIssue }) => {
      const value: unknown = dataset.value;
      if (!isTable(value)) return;
      for (const key of Object.keys(value)) {
        if (Object.hasOwn(entries, key)) continue;
        addIssue({ input: key, expected: UNKNOWN_KEY, path: [{ type: "object", origin: "key", input: value, key, value: value[key] }] });
      }
    }),
    // Reached only without unknown keys, so the loose object is exactly the entries.
    v.transform((value) => value as v.InferOutput<v.ObjectSchema<Entries, undefined>>),
  );
}

/**
 * A TOML integer in [min, max], as a JS number. Floats are type errors even when
 * whole (100.0), because the TOML is parsed with integers as bigints.
 * `rule` adds a field-specific check returning a problem, or undefined if fine.
 */
export function integer(min: number, max: number, rule?: (n: number) => string | undefined) {
  return v.pipe(
    v.bigint(expected("an integer")),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const value = dataset.value;
      const problem =
        value < BigInt(min) ? `must be at least ${min}, found ${value}`
        : value > BigInt(max) ? `must be at most ${max}, found ${value}`
        : rule?.(Number(value));
      if (problem === undefined) return Number(value);
      addIssue({ message: problem });
      return NEVER;
    }),
  );
}

/** An unsigned 32-bit integer that must not be zero. */
export function positiveU32() {
  return integer(1, U32_MAX);
}

export function boolean() {
  return v.boolean(expected("a boolean (true or false)"));
}

export function string() {
  return v.string(expected("a string"));
}

/** A string that must not be empty when written; `message` says why or what to write instead. */
export function nonEmptyString(message: string) {
  return v.pipe(string(), v.minLength(1, message));
}

/** A string with a rule: `problem` returns what is wrong with it, or undefined if fine. */
export function checkedString(what: string, problem: (text: string) => string | undefined) {
  return v.pipe(
    v.string(expected(what)),
    v.check((text) => problem(text) === undefined, (issue) => problem(issue.input as string) ?? ""),
  );
}

/**
 * A Go duration string, as milliseconds, of at least `minMs`. With
 * `zeroDisables`, 0 is also accepted and means "off".
 */
export function duration(minMs: number, options: { zeroDisables?: boolean } = {}) {
  return v.pipe(
    v.string(expected('a duration string like "30s"')),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
      const text = dataset.value;
      let ms: number;
      try {
        ms = parseDuration(text);
      } catch (err) {
        addIssue({ message: (err as Error).message });
        return NEVER;
      }
      if (ms === 0 && options.zeroDisables) return 0;
      if (ms >= minMs) return ms;
      const floor = options.zeroDisables ? `0 (disabled) or at least ${formatDuration(minMs)}` : `at least ${formatDuration(minMs)}`;
      addIssue({ message: ms < 0 ? `must not be negative, found ${JSON.stringify(text)}` : `must be ${floor}, found ${JSON.stringify(text)}` });
      return NEVER;
    }),
  );
}

/** One of `choices`, named in the message when the value is another string. */
export function oneOf<const T extends readonly [string, ...string[]]>(choices: T) {
  return v.picklist(choices, (issue) =>
    typeof issue.input === "string"
      ? `must be one of ${choices.map((c) => `"${c}"`).join(", ")}, found ${describeValue(issue.input)}`
      : `expected a string, found ${describeValue(issue.input)}`,
  );
}
