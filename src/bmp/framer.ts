// Cuts a BMP TCP stream into whole messages. BMP has no resynchronisation
// point: once a header is wrong (version, length) nothing after it can be
// trusted, so the error is fatal and the caller ends the session.
import { BMP_VERSION, COMMON_HEADER_LENGTH } from "./wire.js";

/**
 * Default largest message accepted: 1 MiB. The largest real message is a Route
 * Monitoring of an RFC 8654 extended UPDATE (6 + 42 + 65,535 octets), or a
 * Peer Up with two 4,096-octet OPENs and a few TLVs; 1 MiB leaves room for
 * verbose Initiation strings while bounding what one session can make us hold.
 */
export const DEFAULT_MAX_MESSAGE_LENGTH = 1 << 20;
/** No cap above this is accepted (the brief's ceiling for a sane session). */
export const MAX_MESSAGE_LENGTH_LIMIT = 16 << 20;
/** Below this no RFC 8654 Route Monitoring fits (6 + 42 + 65,535). */
export const MIN_MESSAGE_LENGTH_LIMIT = 65583;

export type FramingErrorCode =
  /** The first octet of a message is not 3. */
  | "bad_version"
  /** A length below the 6-octet common header or above the cap. */
  | "bad_length"
  /** The stream ended inside a message (reported by end()). */
  | "truncated_stream";

export interface FramingError {
  code: FramingErrorCode;
  message: string;
  /** Offset in the stream (all octets pushed so far) of the message at fault. */
  streamOffset: number;
}

export interface FramerOutput {
  /**
   * Whole messages, common header included, in stream order. A message that
   * arrived within one chunk is a view into that chunk (copy it if the chunk's
   * memory is reused); one that spanned chunks is a fresh array.
   */
  messages: Uint8Array[];
  /** Set once the stream is broken; messages before the fault are still returned. */
  error?: FramingError;
}

export interface BmpFramerOptions {
  /** Largest message accepted, 65,583 to 16 MiB; default 1 MiB. */
  maxMessageLength?: number;
}

export class BmpFramer {
  readonly maxMessageLength: number;
  private error: FramingError | undefined;
  /** The common header of the message being assembled. */
  private readonly header = new Uint8Array(COMMON_HEADER_LENGTH);
  private headerFill = 0;
  /** Length from the header, once all 6 octets are in. */
  private expected = 0;
  /** Body octets received so far (copies: the caller may reuse its chunks). */
  private parts: Uint8Array[] = [];
  private partsLength = 0;
  /** Stream offset of the first octet not yet framed into a message. */
  private messageStart = 0;

  constructor(opts: BmpFramerOptions = {}) {
    const max = opts.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH;
    if (!Number.isInteger(max) || max < MIN_MESSAGE_LENGTH_LIMIT || max > MAX_MESSAGE_LENGTH_LIMIT) {
      throw new RangeError(`maxMessageLength ${max} is outside ${MIN_MESSAGE_LENGTH_LIMIT}..${MAX_MESSAGE_LENGTH_LIMIT}`);
    }
    this.maxMessageLength = max;
  }

  /** The fatal error, if the stream broke. */
  get failed(): FramingError | undefined {
    return this.error;
  }

  /** Octets held for a message not yet complete; never above maxMessageLength. */
  get bufferedBytes(): number {
    return this.headerFill + this.partsLength;
  }

  push(chunk: Uint8Array): FramerOutput {
    const messages: Uint8Array[] = [];
    if (this.error) return { messages, error: this.error };
    let p = 0;
    while (p < chunk.length) {
      if (this.headerFill === 0) {
        // Fast path: a whole message inside the chunk is returned without a copy.
        const left = chunk.length - p;
        const fault = this.check(chunk, p, left);
        if (fault) return { messages, error: fault };
        if (left >= COMMON_HEADER_LENGTH) {
          const length = readLength(chunk, p);
          if (left >= length) {
            messages.push(chunk.subarray(p, p + length));
            p += length;
            this.messageStart += length;
            continue;
          }
        }
      }
      if (this.headerFill < COMMON_HEADER_LENGTH) {
        const take = Math.min(COMMON_HEADER_LENGTH - this.headerFill, chunk.length - p);
        this.header.set(chunk.subarray(p, p + take), this.headerFill);
        this.headerFill += take;
        p += take;
        const fault = this.check(this.header, 0, this.headerFill);
        if (fault) return { messages, error: fault };
        if (this.headerFill < COMMON_HEADER_LENGTH) continue;
        this.expected = readLength(this.header, 0);
      } else {
        const take = Math.min(this.expected - COMMON_HEADER_LENGTH - this.partsLength, chunk.length - p);
        this.parts.push(chunk.slice(p, p + take));
        this.partsLength += take;
        p += take;
      }
      if (this.headerFill === COMMON_HEADER_LENGTH && COMMON_HEADER_LENGTH + this.partsLength === this.expected) {
        messages.push(this.assemble());
      }
    }
    return { messages };
  }

  /** Call when the stream ends: an error if it ended inside a message. */
  end(): FramingError | undefined {
    if (this.error) return this.error;
    if (this.headerFill === 0) return undefined;
    const held = this.bufferedBytes;
    const want = this.headerFill === COMMON_HEADER_LENGTH ? ` of ${this.expected}` : "";
    return this.fail("truncated_stream", `stream ended ${held}${want} octets into a message`);
  }

  /** Checks as much of a header as is present; the version as soon as its octet arrives. */
  private check(bytes: Uint8Array, at: number, have: number): FramingError | undefined {
    if (have >= 1 && bytes[at] !== BMP_VERSION) return this.fail("bad_version", `version ${bytes[at]}, not ${BMP_VERSION}`);
    if (have < COMMON_HEADER_LENGTH) return undefined;
    const length = readLength(bytes, at);
    if (length < COMMON_HEADER_LENGTH) return this.fail("bad_length", `length ${length} is below the ${COMMON_HEADER_LENGTH}-octet header`);
    if (length > this.maxMessageLength) return this.fail("bad_length", `length ${length} is above the ${this.maxMessageLength}-octet cap`);
    return undefined;
  }

  private assemble(): Uint8Array {
    const out = new Uint8Array(this.expected);
    out.set(this.header, 0);
    let at = COMMON_HEADER_LENGTH;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    this.messageStart += this.expected;
    this.headerFill = 0;
    this.expected = 0;
    this.parts = [];
    this.partsLength = 0;
    return out;
  }

  private fail(code: FramingErrorCode, message: string): FramingError {
    this.error = { code, message, streamOffset: this.messageStart };
    // Nothing buffered is of use any more.
    this.headerFill = 0;
    this.parts = [];
    this.partsLength = 0;
    return this.error;
  }
}

function readLength(bytes: Uint8Array, at: number): number {
  return ((bytes[at + 1] << 24) >>> 0) + (bytes[at + 2] << 16) + (bytes[at + 3] << 8) + bytes[at + 4];
}
