// The whole config file: [agent] for `rfm agent`, [collect] for
// `rfm collect -c`. A file may hold either or both; each command requires its
// own table, and the whole file is checked whichever command reads it (so
// `rfm config check` and every command agree on what is wrong with a file).

import * as v from "valibot";
import { table } from "../fields.js";
import { agentSchema } from "./agent.js";
import { collectSchema } from "./collect.js";

/** `rfm agent`'s view: [agent] required, [collect] checked when present. */
export const configSchema = table({
  agent: agentSchema,
  collect: v.optional(collectSchema),
});

/** `rfm collect -c`'s view: [collect] required, [agent] checked when present. */
export const collectFileSchema = table({
  agent: v.optional(agentSchema),
  collect: collectSchema,
});

/** `rfm config check`'s view: either table, or both. */
export const anyFileSchema = v.pipe(
  table({
    agent: v.optional(agentSchema),
    collect: v.optional(collectSchema),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    const file = dataset.value as { agent?: unknown; collect?: unknown };
    if (file.agent !== undefined || file.collect !== undefined) return;
    // An input (null, not undefined) keeps this message rather than the generic "missing required table".
    addIssue({ input: null, message: "missing required table [agent] (for rfm agent) or [collect] (for rfm collect -c)", path: [{ type: "object", origin: "value", input: file as Record<string, unknown>, key: "agent", value: undefined }] });
  }),
);

export type Config = v.InferOutput<typeof configSchema>;
export type CollectFile = v.InferOutput<typeof collectFileSchema>;
export type AnyFile = v.InferOutput<typeof anyFileSchema>;
export type AgentConfig = Config["agent"];
export type BpfConfig = AgentConfig["bpf"];
export type CollectorConfig = AgentConfig["collector"];
export type PrometheusConfig = AgentConfig["prometheus"];
export type IpfixConfig = AgentConfig["ipfix"];
export type LogConfig = AgentConfig["log"];
export type ControlConfig = AgentConfig["control"];
export type { CollectConfig, ConfiguredListener } from "./collect.js";
