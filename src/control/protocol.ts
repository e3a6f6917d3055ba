// The control protocol: one JSON request per connection, one JSON answer,
// newline-terminated, versioned so an older CLI gets a clear error.
export const PROTOCOL_VERSION = 1;
/** Requests are small; anything bigger is garbage or hostile. */
export const MAX_REQUEST_BYTES = 64 * 1024;
export const REQUEST_DEADLINE_MS = 5000;
export const DEFAULT_SOCKET = "/run/rfm/rfm.sock";

export interface ControlRequest {
  version: number;
  command: string;
  args?: Record<string, unknown>;
}

export type ControlResponse = { version: number; ok: true; data: unknown } | { version: number; ok: false; error: string };

/** Parses and checks a request line; returns an error text instead of throwing. */
export function parseRequest(line: string): ControlRequest | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return "request is not valid JSON";
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return "request must be a JSON object";
  const r = v as Record<string, unknown>;
  if (r.version !== PROTOCOL_VERSION) return `unsupported protocol version ${JSON.stringify(r.version)} (this agent speaks ${PROTOCOL_VERSION})`;
  if (typeof r.command !== "string" || r.command === "") return "request has no command";
  if (r.args !== undefined && (typeof r.args !== "object" || r.args === null || Array.isArray(r.args))) return "args must be an object";
  return { version: PROTOCOL_VERSION, command: r.command, args: (r.args as Record<string, unknown> | undefined) ?? {} };
}
