// The whole config file. Everything lives under [agent] so that other rfm
// components can get their own top-level tables later.

import type * as v from "valibot";
import { table } from "../fields.js";
import { agentSchema } from "./agent.js";

export const configSchema = table({
  agent: agentSchema,
});

export type Config = v.InferOutput<typeof configSchema>;
export type AgentConfig = Config["agent"];
export type BpfConfig = AgentConfig["bpf"];
export type CollectorConfig = AgentConfig["collector"];
export type PrometheusConfig = AgentConfig["prometheus"];
export type IpfixConfig = AgentConfig["ipfix"];
export type LogConfig = AgentConfig["log"];
export type ControlConfig = AgentConfig["control"];
