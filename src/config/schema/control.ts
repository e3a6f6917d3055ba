// [agent.control]: the unix socket `rfm status`, `rfm flows`, ... talk to.

import { isAbsolute } from "node:path";
import { string, table } from "../fields.js";

const socketPath = string().refine((p) => p === "" || isAbsolute(p), {
  error: (issue) => `must be an absolute path (or "" to turn the control socket off), found ${JSON.stringify(issue.input)}`,
});

export const controlSchema = table({
  // Off by default; the example config uses /run/rfm/rfm.sock. The agent does not create the directory.
  socket: socketPath.default(""),
});
