// The collector's templates, keyed by (transport session, observation domain,
// template ID) as RFC 7011 section 8 scopes them. Bounded: past the cap the
// least recently used template goes, and the eviction is counted.
import type { DecodedTemplate } from "./decoded-template.js";
import { RecordReader } from "./record-reader.js";

export interface CachedTemplate {
  readonly session: string;
  readonly domain: number;
  readonly template: DecodedTemplate;
  readonly reader: RecordReader;
  /** Defined in an options template set. */
  readonly options: boolean;
}

export interface TemplateCacheOptions {
  /** Templates kept across all sessions (default 4096). */
  maxTemplates?: number;
  /**
   * A template not defined again within this many ms expires (RFC 7011
   * section 8.4's template lifetime for UDP; default: never). Time is
   * `now`, which the caller sets (a capture file's replay has its own).
   */
  maxAgeMs?: number;
}

export class TemplateCache {
  readonly maxTemplates: number;
  readonly stats = {
    /** Templates dropped to stay under the cap. */
    evictions: 0,
    /** Templates that went unrefreshed past maxAgeMs. */
    expirations: 0,
    /** Templates removed by withdrawals. */
    withdrawals: 0,
    /** Templates replaced by a different definition under the same ID. */
    redefinitions: 0,
    /** Data sets that arrived for a template not in the cache. */
    unknownTemplateSets: 0,
  };
  // Map order is recency order: the first key is the least recently used.
  private readonly entries = new Map<string, CachedTemplate>();
  private readonly definedAt = new Map<string, number>();
  private readonly maxAgeMs: number;
  /** The current time for template lifetimes, in ms (set by the caller per datagram). */
  now = 0;

  constructor(opts: TemplateCacheOptions = {}) {
    const max = opts.maxTemplates ?? 4096;
    if (!Number.isInteger(max) || max < 1) throw new RangeError("maxTemplates must be a positive integer");
    this.maxTemplates = max;
    this.maxAgeMs = opts.maxAgeMs ?? Infinity;
    if (!(this.maxAgeMs > 0)) throw new RangeError("maxAgeMs must be positive");
  }

  get size(): number {
    return this.entries.size;
  }

  get(session: string, domain: number, templateId: number): CachedTemplate | undefined {
    const key = keyOf(session, domain, templateId);
    const e = this.entries.get(key);
    if (e && this.maxAgeMs !== Infinity && this.now - (this.definedAt.get(key) ?? this.now) > this.maxAgeMs) {
      this.entries.delete(key);
      this.definedAt.delete(key);
      this.stats.expirations++;
      return undefined;
    }
    if (e) {
      this.entries.delete(key);
      this.entries.set(key, e);
    }
    return e;
  }

  /** Stores (or replaces) a template; returns the entry. */
  set(session: string, domain: number, template: DecodedTemplate, options: boolean): CachedTemplate {
    const key = keyOf(session, domain, template.id);
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      if (old.options !== options || !sameTemplate(old.template, template)) this.stats.redefinitions++;
    } else if (this.entries.size >= this.maxTemplates) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      this.definedAt.delete(oldest);
      this.stats.evictions++;
    }
    const entry: CachedTemplate = { session, domain, template, reader: new RecordReader(template), options };
    this.entries.set(key, entry);
    if (this.maxAgeMs !== Infinity) this.definedAt.set(key, this.now);
    return entry;
  }

  /** Removes one template; false when it was not there. */
  withdraw(session: string, domain: number, templateId: number): boolean {
    this.definedAt.delete(keyOf(session, domain, templateId));
    const removed = this.entries.delete(keyOf(session, domain, templateId));
    if (removed) this.stats.withdrawals++;
    return removed;
  }

  /** Removes every data template (or every options template) of a session's domain; returns how many. */
  withdrawAll(session: string, domain: number, options: boolean): number {
    let n = 0;
    for (const [key, e] of this.entries) {
      if (e.session === session && e.domain === domain && e.options === options) {
        this.entries.delete(key);
        this.definedAt.delete(key);
        n++;
      }
    }
    this.stats.withdrawals += n;
    return n;
  }

  /** Drops everything a transport session defined (its connection closed, its exporter restarted). */
  forgetSession(session: string): number {
    let n = 0;
    for (const [key, e] of this.entries) {
      if (e.session === session) {
        this.entries.delete(key);
        this.definedAt.delete(key);
        n++;
      }
    }
    return n;
  }
}

function keyOf(session: string, domain: number, templateId: number): string {
  return `${domain}/${templateId}/${session}`;
}

function sameTemplate(a: DecodedTemplate, b: DecodedTemplate): boolean {
  if (a.scopeFieldCount !== b.scopeFieldCount || a.fields.length !== b.fields.length) return false;
  return a.fields.every((f, i) => {
    const g = b.fields[i];
    return f.id === g.id && f.enterprise === g.enterprise && f.length === g.length;
  });
}
