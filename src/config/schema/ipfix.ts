// [agent.ipfix]: IPFIX export of completed flows. Off unless a collector is
// named, either by `host`/`port` or by [[agent.ipfix.collectors]] entries.

import * as v from "valibot";
import { DEFAULT_FIELDS, type FillableElement } from "../../export/ipfix-fields.js";
import { duration, expected, integer, nonEmptyString, positiveU32, string, table, U32_MAX } from "../fields.js";
import { fieldListProblems } from "../ipfix-field-list.js";
import { IPFIX_DEFAULT_PORT, ipfixTargets, singleFormSet, type IpfixBind } from "../ipfix-targets.js";
import { isTable } from "../toml-value.js";

const SECOND = 1000;
const MAX_PORT = 65_535;

const bindSchema = table({
  host: v.optional(string(), ""),
  port: v.optional(integer(0, MAX_PORT), 0n),
});

const collectorSchema = table({
  host: nonEmptyString("must not be empty"),
  port: v.optional(integer(1, MAX_PORT), BigInt(IPFIX_DEFAULT_PORT)),
  // Absent (not defaulted) so that the collector can inherit agent.ipfix.bind.
  bind: v.optional(bindSchema),
  observation_domain_id: v.optional(positiveU32()),
});

// Keys the bind rule reads; it runs only when all of them parsed.
const BIND_RULE_KEYS: readonly string[] = ["host", "port", "bind", "collectors"];

const fieldsSchema = v.pipe(
  v.array(string(), expected("a list of IPFIX information element names")),
  // Entries that are not strings must not hide problems with the others.
  v.rawCheck(({ dataset, addIssue }) => {
    const names: unknown = dataset.value;
    if (!Array.isArray(names)) return;
    for (const { index, message } of fieldListProblems(names as string[])) {
      addIssue({ message, ...(index === undefined ? {} : { path: [{ type: "array", origin: "value", input: names, key: index, value: names[index] }] }) });
    }
  }),
  v.transform((names) => names as FillableElement[]),
);

export const ipfixSchema = v.pipe(
  table({
    host: v.optional(string(), ""),
    port: v.optional(integer(0, MAX_PORT), 0n),
    bind: v.optional(bindSchema, {}),
    template_refresh: v.optional(duration(SECOND), "60s"),
    observation_domain_id: v.optional(positiveU32(), 1n),
    queue_size: v.optional(integer(0, U32_MAX), 0n),
    flush_interval: v.optional(duration(10), "1s"),
    max_message_size: v.optional(integer(128, MAX_PORT), 1200n),
    fields: v.optional(fieldsSchema, () => [...DEFAULT_FIELDS]),
    collectors: v.optional(v.array(collectorSchema, expected("an array of tables ([[agent.ipfix.collectors]])")), []),
  }),
  // Runs even when other keys of the table are wrong, once the keys it reads parsed.
  v.rawCheck(({ dataset, addIssue }) => {
    const ipfix: unknown = dataset.value;
    if (!isTable(ipfix) || dataset.issues?.some((issue) => BIND_RULE_KEYS.includes(String(issue.path?.[0]?.key)))) return;
    const { host, port, bind, collectors } = ipfix as { host: string; port: number; bind: IpfixBind; collectors: unknown[] };
    const bindSet = bind.host !== "" || bind.port !== 0;
    if (bindSet && !singleFormSet({ host, port }) && collectors.length === 0) {
      addIssue({
        message: "requires agent.ipfix.host or agent.ipfix.port (or [[agent.ipfix.collectors]])",
        path: [{ type: "object", origin: "value", input: ipfix, key: "bind", value: bind }],
      });
    }
  }),
  v.transform((ipfix) => {
    const targets = ipfixTargets(ipfix);
    return { ...ipfix, enabled: targets.length > 0, targets };
  }),
);

