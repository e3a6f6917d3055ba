// The CLI side of the control socket: one request, one answer.
import { createConnection } from "node:net";
import { PROTOCOL_VERSION, REQUEST_DEADLINE_MS, type ControlResponse } from "./protocol.js";

export async function request(socketPath: string, command: string, args: Record<string, unknown> = {}): Promise<unknown> {
  const answer = await new Promise<string>((resolve, reject) => {
    const c = createConnection(socketPath);
    let buf = "";
    const timer = setTimeout(() => {
      c.destroy();
      reject(new Error(`no answer from ${socketPath} within ${REQUEST_DEADLINE_MS} ms`));
    }, REQUEST_DEADLINE_MS + 1000);
    c.on("connect", () => c.write(`${JSON.stringify({ version: PROTOCOL_VERSION, command, args })}\n`));
    c.on("data", (d: Buffer) => (buf += d.toString("utf8")));
    c.on("end", () => {
      clearTimeout(timer);
      resolve(buf);
    });
    c.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === "ENOENT" || e.code === "ECONNREFUSED") reject(new Error(`cannot reach the agent at ${socketPath} (is it running with agent.control.socket set?)`));
      else if (e.code === "EACCES") reject(new Error(`permission denied on ${socketPath} (the socket is mode 0600: run as the agent's user)`));
      else reject(e);
    });
  });
  let r: ControlResponse;
  try {
    r = JSON.parse(answer) as ControlResponse;
  } catch {
    throw new Error(`garbled answer from ${socketPath}`);
  }
  if (!r.ok) throw new Error(r.error);
  return r.data;
}
