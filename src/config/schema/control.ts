// [agent.control]: the unix socket `rfm status`, `rfm flows`, ... talk to.

import * as v from "valibot";
import { isAbsolute } from "node:path";
import { checkedString, table } from "../fields.js";

const socketPath = checkedString("a string", (p) =>
  p === "" || isAbsolute(p) ? undefined : `must be an absolute path (or "" to turn the control socket off), found ${JSON.stringify(p)}`,
);

export const controlSchema = table({
  // Off by default; the example config uses /run/rfm/rfm.sock. The agent does not create the directory.
  socket: v.optional(socketPath, ""),
});
