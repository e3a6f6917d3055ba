// [agent]: the interfaces to watch plus one sub-table per subsystem. A new
// subsystem is a schema file next to this one and one line in the table below.

import { z } from "zod";
import { expected, string, table } from "../fields.js";
import { isAbsolute } from "node:path";
import { patternProblem } from "../interface-patterns.js";
import { InterfaceMatcher } from "../interface-matcher.js";
import { bpfSchema } from "./bpf.js";
import { collectorSchema } from "./collector.js";
import { controlSchema } from "./control.js";
import { enrichSchema } from "./enrich.js";
import { ipfixSchema } from "./ipfix.js";
import { logSchema } from "./log.js";
import { prometheusSchema } from "./prometheus.js";

const interfacePattern = z.string({ error: expected("a regular expression string") }).superRefine((pattern, ctx) => {
  const problem = patternProblem(pattern);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, input: pattern });
});

const interfaces = z
  .array(interfacePattern, { error: expected('a list of regular expressions like ["eth0", "en.+"]') })
  .min(1, { error: "must list at least one interface pattern" });

// Where named network namespaces are: `ip netns` keeps them in /run/netns;
// container runtimes keep theirs elsewhere (e.g. /run/docker/netns).
const netnsDir = string().refine((p) => isAbsolute(p), {
  error: (issue) => `must be an absolute path, found ${JSON.stringify(issue.input)}`,
});

export const agentSchema = table({
  interfaces,
  netns_dir: netnsDir.default("/run/netns"),
  bpf: bpfSchema.prefault({}),
  collector: collectorSchema.prefault({}),
  prometheus: prometheusSchema.prefault({}),
  ipfix: ipfixSchema.prefault({}),
  log: logSchema.prefault({}),
  control: controlSchema.prefault({}),
  enrich: enrichSchema.prefault({}),
}).transform((agent) => ({ ...agent, interfaceMatcher: InterfaceMatcher.of(agent.interfaces) }));
