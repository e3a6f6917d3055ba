// Packs template sets and data sets into messages no larger than a maximum
// size, for an exporter: records go straight into one preallocated buffer and
// each finished message is handed out as a copy.
import type { FieldInput } from "./abstract-types.js";
import { RecordWriter } from "./record-writer.js";
import { isOptionsTemplate, type Template } from "./template.js";
import { templateRecordLength, writeTemplateRecord, writeWithdrawalRecord } from "./template-record.js";
import {
  IPFIX_VERSION,
  MAX_MESSAGE_LENGTH,
  MESSAGE_HEADER_LENGTH,
  OPTIONS_TEMPLATE_SET_ID,
  SET_HEADER_LENGTH,
  TEMPLATE_RECORD_HEADER_LENGTH,
  TEMPLATE_SET_ID,
} from "./wire.js";

/** 1200 bytes plus IPv6 and UDP headers stay within the IPv6 minimum MTU (1280). */
export const DEFAULT_MAX_MESSAGE_SIZE = 1200;

export interface MessageBuilderOptions {
  observationDomainId: number;
  /** Largest message, header included (default 1200). */
  maxMessageSize?: number;
  /** Receives each finished message: a fresh copy the builder does not touch again. */
  onMessage: (message: Uint8Array) => void;
  /** Header export time in seconds since 1970 (default: the wall clock). */
  now?: () => number;
  /** Sequence number of the first message (default 0). */
  sequenceNumber?: number;
  /**
   * Pad each set to a multiple of 4 octets where RFC 7011 section 3.3.1 allows
   * it (padding shorter than the set's smallest record). Default false.
   */
  alignSets?: boolean;
}

/** A template the builder knows; pass it to `append`. */
export interface TemplateHandle {
  readonly id: number;
  readonly template: Template;
  readonly writer: RecordWriter;
}

interface Handle extends TemplateHandle {
  active: boolean;
  announced: boolean;
}

type Pending = { setId: number; length: number; template?: Handle; withdrawId?: number };

export class MessageBuilder {
  readonly maxMessageSize: number;
  readonly observationDomainId: number;
  /** Messages handed out, data records in them, and their bytes. */
  readonly stats = { messages: 0, records: 0, bytes: 0 };

  private readonly buf: Uint8Array;
  private readonly view: DataView;
  private readonly onMessage: (message: Uint8Array) => void;
  private readonly now: () => number;
  private readonly alignSets: boolean;
  private readonly templates = new Map<number, Handle>();
  private pending: Pending[] = [];
  private seq: number;
  private off = MESSAGE_HEADER_LENGTH;
  /** Offset of the open set's header, or -1. */
  private setStart = -1;
  private setId = 0;
  /** Smallest record the open set may hold (bounds its padding). */
  private setMinRecord = 0;
  private recordsInMessage = 0;

  constructor(opts: MessageBuilderOptions) {
    const max = opts.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    if (!Number.isInteger(max) || max < MESSAGE_HEADER_LENGTH + SET_HEADER_LENGTH + TEMPLATE_RECORD_HEADER_LENGTH || max > MAX_MESSAGE_LENGTH) {
      throw new RangeError(`maxMessageSize ${max} is not between 24 and 65535`);
    }
    if (!Number.isInteger(opts.observationDomainId) || opts.observationDomainId < 0 || opts.observationDomainId > 0xffffffff) {
      throw new RangeError("observationDomainId is a 32-bit unsigned integer");
    }
    this.maxMessageSize = max;
    this.observationDomainId = opts.observationDomainId;
    this.buf = new Uint8Array(max);
    this.view = new DataView(this.buf.buffer);
    this.onMessage = opts.onMessage;
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.seq = (opts.sequenceNumber ?? 0) >>> 0;
    this.alignSets = opts.alignSets ?? false;
  }

  /** The sequence number the next message will carry: data records handed out so far, modulo 2^32. */
  get sequenceNumber(): number {
    return this.seq;
  }

  /**
   * Compiles the template's record writer and queues its template record: it
   * goes out ahead of the next data record, or on `flush`.
   */
  addTemplate(template: Template): TemplateHandle {
    if (this.templates.get(template.id)?.active) throw new RangeError(`template ${template.id} is in use: withdraw it first`);
    const writer = new RecordWriter(template);
    const length = templateRecordLength(template);
    if (MESSAGE_HEADER_LENGTH + SET_HEADER_LENGTH + length > this.maxMessageSize) {
      throw new RangeError(`template ${template.id} (${length} octets) does not fit in a ${this.maxMessageSize}-octet message`);
    }
    if (MESSAGE_HEADER_LENGTH + SET_HEADER_LENGTH + writer.minLength > this.maxMessageSize) {
      throw new RangeError(`template ${template.id}: its records (${writer.minLength}+ octets) do not fit in a ${this.maxMessageSize}-octet message`);
    }
    const h: Handle = { id: template.id, template, writer, active: true, announced: false };
    this.templates.set(template.id, h);
    this.queueTemplate(h);
    return h;
  }

  /**
   * Queues every active template again. Over UDP, templates must be resent
   * periodically (RFC 7011 section 8.4): call this on that timer.
   */
  resendTemplates(): void {
    for (const h of this.templates.values()) if (h.active) this.queueTemplate(h);
  }

  /**
   * Withdraws one template (RFC 7011 section 8.1). Not for UDP, where RFC 7011
   * forbids withdrawals: there, templates simply stop being refreshed.
   */
  withdrawTemplate(id: number): void {
    const h = this.templates.get(id);
    if (!h?.active) throw new RangeError(`template ${id} is not in use`);
    this.retire(h);
    if (h.announced) this.pending.push(this.withdrawal(id, isOptionsTemplate(h.template) ? OPTIONS_TEMPLATE_SET_ID : TEMPLATE_SET_ID));
  }

  /** Withdraws every data template, or every options template, with one record. */
  withdrawAllTemplates(options = false): void {
    const setId = options ? OPTIONS_TEMPLATE_SET_ID : TEMPLATE_SET_ID;
    for (const h of this.templates.values()) if (h.active && isOptionsTemplate(h.template) === options) this.retire(h);
    this.pending.push(this.withdrawal(setId, setId));
  }

  /** Appends one data record; a full message goes to `onMessage` first. */
  append(handle: TemplateHandle, values: ArrayLike<FieldInput>): void {
    const h = handle as Handle;
    if (!h.active || this.templates.get(h.id) !== h) throw new RangeError(`template ${h.id} is not in use`);
    if (this.pending.length > 0) this.writePending();
    const writer = h.writer;
    const max = this.maxMessageSize;
    if (this.setStart >= 0 && this.setId === h.id) {
      const end = writer.write(this.view, this.buf, this.off, max, values);
      if (end >= 0) {
        this.off = end;
        this.recordsInMessage++;
        return;
      }
    }
    // A new data set, here or in the next message. The set header is written
    // only once the record is in, and a value that throws reopens the set it
    // closed, so a bad record leaves no trace.
    const off = this.off;
    const setStart = this.setStart;
    const setId = this.setId;
    const setMin = this.setMinRecord;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (attempt === 1 || this.setStart >= 0) this.closeSet();
      const at = this.off;
      let end = -1;
      try {
        if (at + SET_HEADER_LENGTH + writer.minLength <= max) end = writer.write(this.view, this.buf, at + SET_HEADER_LENGTH, max, values);
      } catch (e) {
        if (attempt === 0) {
          this.off = off;
          this.setStart = setStart;
          this.setId = setId;
          this.setMinRecord = setMin;
        }
        throw e;
      }
      if (end >= 0) {
        this.view.setUint16(at, h.id);
        this.setStart = at;
        this.setId = h.id;
        this.setMinRecord = writer.minLength;
        this.off = end;
        this.recordsInMessage++;
        return;
      }
      if (at === MESSAGE_HEADER_LENGTH) break; // an empty message could not take it either
      this.finishMessage();
    }
    throw new RangeError(`a record of template ${h.id} does not fit in a ${max}-octet message`);
  }

  /** Hands out the message being built (with any queued template records), if it has anything. */
  flush(): void {
    if (this.pending.length > 0) this.writePending();
    this.finishMessage();
  }

  private retire(h: Handle): void {
    h.active = false;
    this.pending = this.pending.filter((p) => p.template !== h);
  }

  private queueTemplate(h: Handle): void {
    if (this.pending.some((p) => p.template === h)) return;
    const setId = isOptionsTemplate(h.template) ? OPTIONS_TEMPLATE_SET_ID : TEMPLATE_SET_ID;
    this.pending.push({ setId, length: templateRecordLength(h.template), template: h });
  }

  private withdrawal(id: number, setId: number): Pending {
    return { setId, length: TEMPLATE_RECORD_HEADER_LENGTH, withdrawId: id };
  }

  /** Template and withdrawal records, in the order they were queued. */
  private writePending(): void {
    const max = this.maxMessageSize;
    for (const p of this.pending) {
      if (!(this.setStart >= 0 && this.setId === p.setId && this.off + p.length <= max)) {
        this.closeSet();
        if (this.off + SET_HEADER_LENGTH + p.length > max) this.finishMessage();
        this.view.setUint16(this.off, p.setId);
        this.setStart = this.off;
        this.setId = p.setId;
        this.setMinRecord = TEMPLATE_RECORD_HEADER_LENGTH;
        this.off += SET_HEADER_LENGTH;
      }
      if (p.template) {
        this.off = writeTemplateRecord(this.view, this.off, p.template.template);
        p.template.announced = true;
      } else {
        this.off = writeWithdrawalRecord(this.view, this.off, p.withdrawId!);
      }
    }
    this.pending = [];
  }

  private closeSet(): void {
    if (this.setStart < 0) return;
    if (this.alignSets) {
      const pad = (4 - ((this.off - this.setStart) & 3)) & 3;
      if (pad > 0 && pad < this.setMinRecord && this.off + pad <= this.maxMessageSize) {
        this.buf.fill(0, this.off, this.off + pad);
        this.off += pad;
      }
    }
    this.view.setUint16(this.setStart + 2, this.off - this.setStart);
    this.setStart = -1;
  }

  private finishMessage(): void {
    this.closeSet();
    const length = this.off;
    if (length === MESSAGE_HEADER_LENGTH) return;
    const v = this.view;
    v.setUint16(0, IPFIX_VERSION);
    v.setUint16(2, length);
    v.setUint32(4, this.now() >>> 0);
    v.setUint32(8, this.seq);
    v.setUint32(12, this.observationDomainId);
    const message = this.buf.slice(0, length);
    this.seq = (this.seq + this.recordsInMessage) >>> 0;
    this.stats.messages++;
    this.stats.records += this.recordsInMessage;
    this.stats.bytes += length;
    this.recordsInMessage = 0;
    this.off = MESSAGE_HEADER_LENGTH;
    this.onMessage(message);
  }
}
