// The agent's control socket: a unix socket of mode 0600 (only the agent's
// user can talk to it). A stale socket file is replaced; a path that is not a
// socket, or one another process still listens on, fails the start.
import { createServer, createConnection, type Server, type Socket } from "node:net";
import { lstatSync, unlinkSync, chmodSync } from "node:fs";
import { MAX_REQUEST_BYTES, PROTOCOL_VERSION, REQUEST_DEADLINE_MS, parseRequest, type ControlResponse } from "./protocol.js";
import { log } from "../log/logger.js";
import { RequestReader, type RequestEvent } from "./request-reader.js";

export type CommandHandler = (args: Record<string, unknown>) => unknown;

/** An error a command raises for the user: its message is the answer. */
export class CommandError extends Error {}

export class ControlServer {
  private server: Server | undefined;
  readonly stats = { requests: 0, badRequests: 0 };

  constructor(
    private readonly path: string,
    private readonly commands: Map<string, CommandHandler>,
  ) {}

  async listen(): Promise<void> {
    await removeStaleSocket(this.path);
    const server = createServer({ allowHalfOpen: true }, (conn) => this.onConnection(conn));
    this.server = server;
    // The socket file is created with mode 0600 from the start: no window where others can connect.
    const oldMask = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(this.path, () => {
          server.off("error", reject);
          resolve();
        });
      });
    } finally {
      process.umask(oldMask);
    }
    chmodSync(this.path, 0o600);
  }

  close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => {
      s.close(() => {
        try {
          unlinkSync(this.path);
        } catch {
          // already gone
        }
        resolve();
      });
    });
  }

  private onConnection(conn: Socket): void {
    const reader = new RequestReader();
    let answered = false;
    const deadline = setTimeout(() => reply({ version: PROTOCOL_VERSION, ok: false, error: `no complete request within ${REQUEST_DEADLINE_MS} ms` }), REQUEST_DEADLINE_MS);
    const reply = (r: ControlResponse) => {
      if (answered) return;
      answered = true;
      clearTimeout(deadline);
      if (!r.ok) this.stats.badRequests++;
      conn.end(`${JSON.stringify(r)}\n`);
    };
    const take = (e: RequestEvent | undefined) => {
      if (e?.kind === "request") void this.handle(e.line, reply);
      else if (e?.kind === "empty") reply({ version: PROTOCOL_VERSION, ok: false, error: "empty request" });
      else if (e?.kind === "too_large") {
        reply({ version: PROTOCOL_VERSION, ok: false, error: `request larger than ${MAX_REQUEST_BYTES} bytes` });
        conn.destroySoon();
      }
    };
    conn.on("error", () => clearTimeout(deadline));
    conn.on("data", (chunk: Buffer) => take(reader.push(chunk)));
    conn.on("end", () => take(reader.end()));
  }

  private async handle(line: string, reply: (r: ControlResponse) => void): Promise<void> {
    this.stats.requests++;
    const req = parseRequest(line);
    if (typeof req === "string") return reply({ version: PROTOCOL_VERSION, ok: false, error: req });
    const handler = this.commands.get(req.command);
    if (!handler) return reply({ version: PROTOCOL_VERSION, ok: false, error: `unknown command ${JSON.stringify(req.command)}` });
    try {
      reply({ version: PROTOCOL_VERSION, ok: true, data: await handler(req.args ?? {}) });
    } catch (e) {
      if (!(e instanceof CommandError)) log.warn("control command failed", { command: req.command, error: (e as Error).message });
      reply({ version: PROTOCOL_VERSION, ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
}

async function removeStaleSocket(path: string): Promise<void> {
  let st;
  try {
    st = lstatSync(path);
  } catch {
    return; // nothing there
  }
  if (!st.isSocket()) throw new Error(`control socket path ${path} exists and is not a socket: remove it or choose another agent.control.socket`);
  const alive = await new Promise<boolean>((resolve) => {
    const c = createConnection(path);
    c.once("connect", () => {
      c.destroy();
      resolve(true);
    });
    c.once("error", () => resolve(false));
  });
  if (alive) throw new Error(`another process is listening on the control socket ${path} (another rfm agent?)`);
  unlinkSync(path);
}
