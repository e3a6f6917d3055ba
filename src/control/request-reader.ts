// One request off a control connection: the text up to the first newline (or
// the whole stream, if it ends without one), refused past MAX_REQUEST_BYTES.
// Pure, so the server's reading can be tested and fuzzed without a socket.
import { MAX_REQUEST_BYTES } from "./protocol.js";

export type RequestEvent =
  /** The request line (without its newline). */
  | { kind: "request"; line: string }
  /** The connection ended without sending anything but whitespace. */
  | { kind: "empty" }
  /** More than MAX_REQUEST_BYTES arrived before a newline. */
  | { kind: "too_large" };

export class RequestReader {
  private buf = "";
  /** A request (or a refusal) was given: nothing after it counts, so a command never runs twice. */
  private finished = false;

  /** A chunk of the connection; an event once the request is complete or too large. */
  push(chunk: Uint8Array): RequestEvent | undefined {
    if (this.finished) return undefined;
    this.buf += Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("utf8");
    if (this.buf.length > MAX_REQUEST_BYTES) return this.finish({ kind: "too_large" });
    const nl = this.buf.indexOf("\n");
    return nl < 0 ? undefined : this.finish({ kind: "request", line: this.buf.slice(0, nl) });
  }

  /** The connection's end: what was sent without a newline, if nothing was given yet. */
  end(): RequestEvent | undefined {
    if (this.finished) return undefined;
    return this.finish(this.buf.trim() === "" ? { kind: "empty" } : { kind: "request", line: this.buf });
  }

  private finish(e: RequestEvent): RequestEvent {
    this.finished = true;
    return e;
  }
}
