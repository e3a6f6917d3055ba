// [agent.ipfix]: IPFIX export of completed flows. Off unless a collector is
// named, either by `host`/`port` or by [[agent.ipfix.collectors]] entries.

import { z } from "zod";
import { DEFAULT_FIELDS, type FillableElement } from "../../export/ipfix-fields.js";
import { duration, expected, integer, positiveU32, string, table, U32_MAX } from "../fields.js";
import { fieldListProblems } from "../ipfix-field-list.js";
import { IPFIX_DEFAULT_PORT, ipfixTargets, singleFormSet } from "../ipfix-targets.js";

const SECOND = 1000;
const MAX_PORT = 65_535;

const bindSchema = table({
  host: string().default(""),
  port: integer(0, MAX_PORT).default(0),
});

const collectorSchema = table({
  host: string().min(1, { error: "must not be empty" }),
  port: integer(1, MAX_PORT).default(IPFIX_DEFAULT_PORT),
  // Absent (not defaulted) so that the collector can inherit agent.ipfix.bind.
  bind: bindSchema.optional(),
  observation_domain_id: positiveU32().optional(),
});

const fieldsSchema = z
  .array(string(), { error: expected("a list of IPFIX information element names") })
  .superRefine(
    (names, ctx) => {
      for (const { index, message } of fieldListProblems(names)) {
        ctx.addIssue({ code: "custom", message, input: names, ...(index === undefined ? {} : { path: [index] }) });
      }
    },
    // Entries that are not strings must not hide problems with the others.
    { when: (payload) => Array.isArray(payload.value) },
  )
  .transform((names) => names as FillableElement[])
  .default(() => [...DEFAULT_FIELDS]);

// Keys the bind rule reads; it runs only when all of them parsed.
const BIND_RULE_KEYS: readonly PropertyKey[] = ["host", "port", "bind", "collectors"];

export const ipfixSchema = table({
  host: string().default(""),
  port: integer(0, MAX_PORT).default(0),
  bind: bindSchema.prefault({}),
  template_refresh: duration(SECOND).prefault("60s"),
  observation_domain_id: positiveU32().default(1),
  queue_size: integer(0, U32_MAX).default(0),
  flush_interval: duration(10).prefault("1s"),
  max_message_size: integer(128, MAX_PORT).default(1200),
  fields: fieldsSchema,
  collectors: z
    .array(collectorSchema, { error: expected("an array of tables ([[agent.ipfix.collectors]])") })
    .default([]),
})
  .superRefine(
    (ipfix, ctx) => {
      const bindSet = ipfix.bind.host !== "" || ipfix.bind.port !== 0;
      if (bindSet && !singleFormSet(ipfix) && ipfix.collectors.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["bind"],
          message: "requires agent.ipfix.host or agent.ipfix.port (or [[agent.ipfix.collectors]])",
        });
      }
    },
    // Zod skips refinements once any key failed; this one still runs when
    // other keys of the table are wrong.
    {
      when: (payload) =>
        typeof payload.value === "object" && payload.value !== null &&
        !payload.issues.some((issue) => BIND_RULE_KEYS.includes(issue.path?.[0] as PropertyKey)),
    },
  )
  .transform((ipfix) => {
    const targets = ipfixTargets(ipfix);
    return { ...ipfix, enabled: targets.length > 0, targets };
  });
