// [agent.log]: completed flow records written as JSON lines to a rotated file.

import { integer, string, table } from "../fields.js";

export const logSchema = table({
  // Left out (the default "") means no log; written, it must name a file.
  path: string().min(1, { error: "must not be empty (leave agent.log.path out to not write a flow log)" }).default(""),
  max_size: integer(4096, Number.MAX_SAFE_INTEGER).default(104_857_600),
  max_files: integer(1, 1000).default(5),
});
