// [agent.prometheus]: where the metrics endpoint listens.

import { integer, string, table } from "../fields.js";

export const prometheusSchema = table({
  host: string().min(1, { error: "must not be empty (use \"::\" or \"0.0.0.0\" to listen on all addresses)" }).default("::1"),
  port: integer(1, 65_535).default(9669),
});
