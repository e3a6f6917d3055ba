// [agent]: the interfaces to watch plus one sub-table per subsystem. A new
// subsystem is a schema file next to this one and one line in the table below.

import * as v from "valibot";
import { checkedString, expected, table } from "../fields.js";
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

const interfacePattern = checkedString("a regular expression string", patternProblem);

const interfaces = v.pipe(
  v.array(interfacePattern, expected('a list of regular expressions like ["eth0", "en.+"]')),
  v.minLength(1, "must list at least one interface pattern"),
);

// Where named network namespaces are: `ip netns` keeps them in /run/netns;
// container runtimes keep theirs elsewhere (e.g. /run/docker/netns).
const netnsDir = checkedString("a string", (p) => (isAbsolute(p) ? undefined : `must be an absolute path, found ${JSON.stringify(p)}`));

export const agentSchema = v.pipe(
  table({
    interfaces,
    netns_dir: v.optional(netnsDir, "/run/netns"),
    bpf: v.optional(bpfSchema, {}),
    collector: v.optional(collectorSchema, {}),
    prometheus: v.optional(prometheusSchema, {}),
    ipfix: v.optional(ipfixSchema, {}),
    log: v.optional(logSchema, {}),
    control: v.optional(controlSchema, {}),
    enrich: v.optional(enrichSchema, {}),
  }),
  v.transform((agent) => ({ ...agent, interfaceMatcher: InterfaceMatcher.of(agent.interfaces) })),
);
