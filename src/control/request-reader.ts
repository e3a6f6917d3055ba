// One request off a control connection: the bytes up to the first newline (or
// the whole stream, if it ends without one), refused past MAX_REQUEST_BYTES.
// Bytes are gathered and decoded as UTF-8 once, whole: a character split
// across two chunks stays one character. Pure, so the server's reading can be
// tested and fuzzed without a socket.
import { MAX_REQUEST_BYTES } from "./protocol.js";

export type RequestEvent =
  /** The request line (without its newline). */
  | { kind: "request"; line: string }
  /** The connection ended without sending anything but whitespace. */
  | { kind: "empty" }
  /** More than MAX_REQUEST_BYTES arrived before a newline. */
  | { kind: "too_large" };

const NEWLINE = 0x0a;

export class RequestReader {
  private readonly parts: Buffer[] = [];
  private size = 0;
  /** A request (or a refusal) was given: nothing after it counts, so a command never runs twice. */
  private finished = false;

  /** A chunk of the connection; an event once the request is complete or too large. */
  push(chunk: Uint8Array): RequestEvent | undefined {
    if (this.finished) return undefined;
    const nl = chunk.indexOf(NEWLINE);
    const take = nl < 0 ? chunk.length : nl;
    if (this.size + take > MAX_REQUEST_BYTES) return this.finish({ kind: "too_large" });
    // A copy: the caller may reuse its chunk.
    this.parts.push(Buffer.from(chunk.subarray(0, take)));
    this.size += take;
    return nl < 0 ? undefined : this.finish({ kind: "request", line: this.text() });
  }

  /** The connection's end: what was sent without a newline, if nothing was given yet. */
  end(): RequestEvent | undefined {
    if (this.finished) return undefined;
    const text = this.text();
    return this.finish(text.trim() === "" ? { kind: "empty" } : { kind: "request", line: text });
  }

  private text(): string {
    return Buffer.concat(this.parts, this.size).toString("utf8");
  }

  private finish(e: RequestEvent): RequestEvent {
    this.finished = true;
    return e;
  }
}
