// [agent.log]: completed flow records written as JSON lines to a rotated file.

import * as v from "valibot";
import { integer, nonEmptyString, table } from "../fields.js";

export const logSchema = v.pipe(
  table({
    // Left out means no log; written, it must name a file.
    path: v.optional(nonEmptyString("must not be empty (leave agent.log.path out to not write a flow log)")),
    max_size: v.optional(integer(4096, Number.MAX_SAFE_INTEGER), 104_857_600n),
    max_files: v.optional(integer(1, 1000), 5n),
  }),
  // "" (no log) is what a left-out path means, though it may not be written.
  v.transform((log) => ({ ...log, path: log.path ?? "" })),
);
