// The collector's templates, keyed by (transport session, observation domain,
// template ID) as RFC 7011 section 8 scopes them. Bounded in count and in
// fields (a template's memory grows with its fields: one of 2,000 fields
// weighs as much as a hundred ordinary ones), in all and per session, so one
// exporter flooding new template IDs can only churn its own: past a
// session's caps its least recently defined template goes; past the caps
// in all, the least recently used of any session. Every eviction is counted.
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
  /** Fields of those templates, added up (default 64 per template of maxTemplates). */
  maxFields?: number;
  /** Templates one session may hold (default: maxTemplates, no cap of its own). */
  maxTemplatesPerSession?: number;
  /** Fields one session's templates may hold (default: maxFields). */
  maxFieldsPerSession?: number;
  /**
   * A template not defined again within this many ms expires (RFC 7011
   * section 8.4's template lifetime for UDP; default: never). Time is
   * `now`, which the caller sets (a capture file's replay has its own).
   */
  maxAgeMs?: number;
}

/** One session's templates, least recently defined first, and their fields. */
interface SessionTemplates {
  keys: Set<string>;
  fields: number;
}

export class TemplateCache {
  readonly maxTemplates: number;
  readonly maxFields: number;
  readonly maxTemplatesPerSession: number;
  readonly maxFieldsPerSession: number;
  readonly stats = {
    /** Templates dropped to stay under a cap (in all, or a session's own). */
    evictions: 0,
    /** Of those, dropped because their session held its most (its least recently defined went). */
    sessionEvictions: 0,
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
  // Definition order (a template defined again moves to the end): the first key is the oldest.
  private readonly definedAt = new Map<string, number>();
  private readonly sessions = new Map<string, SessionTemplates>();
  private heldFields = 0;
  private readonly maxAgeMs: number;
  /** The current time for template lifetimes, in ms (set by the caller per datagram). */
  now = 0;

  constructor(opts: TemplateCacheOptions = {}) {
    const positive = (name: string, n: number) => {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer`);
      return n;
    };
    this.maxTemplates = positive("maxTemplates", opts.maxTemplates ?? 4096);
    this.maxFields = positive("maxFields", opts.maxFields ?? 64 * this.maxTemplates);
    this.maxTemplatesPerSession = positive("maxTemplatesPerSession", opts.maxTemplatesPerSession ?? this.maxTemplates);
    this.maxFieldsPerSession = positive("maxFieldsPerSession", opts.maxFieldsPerSession ?? this.maxFields);
    this.maxAgeMs = opts.maxAgeMs ?? Infinity;
    if (!(this.maxAgeMs > 0)) throw new RangeError("maxAgeMs must be positive");
  }

  get size(): number {
    return this.entries.size;
  }

  /** Fields of every template held, added up. */
  get fields(): number {
    return this.heldFields;
  }

  get(session: string, domain: number, templateId: number): CachedTemplate | undefined {
    const key = keyOf(session, domain, templateId);
    const e = this.entries.get(key);
    if (e && this.maxAgeMs !== Infinity && this.now - (this.definedAt.get(key) ?? this.now) > this.maxAgeMs) {
      this.remove(key, e);
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
    this.expire();
    const old = this.entries.get(key);
    if (old) {
      if (old.options !== options || !sameTemplate(old.template, template)) this.stats.redefinitions++;
      this.remove(key, old);
    }
    const n = template.fields.length;
    let own = this.sessions.get(session);
    // The session's own caps first (where they are below the caps in all): an exporter defining ever new IDs loses its own oldest, not others' templates.
    while (
      own && own.keys.size > 0 &&
      ((this.maxTemplatesPerSession < this.maxTemplates && own.keys.size >= this.maxTemplatesPerSession) || (this.maxFieldsPerSession < this.maxFields && own.fields + n > this.maxFieldsPerSession))
    ) {
      const oldest = own.keys.values().next().value as string;
      this.remove(oldest, this.entries.get(oldest)!);
      this.stats.evictions++;
      this.stats.sessionEvictions++;
      own = this.sessions.get(session);
    }
    while (this.entries.size > 0 && (this.entries.size >= this.maxTemplates || this.heldFields + n > this.maxFields)) {
      const [lru, e] = this.entries.entries().next().value as [string, CachedTemplate];
      this.remove(lru, e);
      this.stats.evictions++;
    }
    const entry: CachedTemplate = { session, domain, template, reader: new RecordReader(template), options };
    this.entries.set(key, entry);
    if (this.maxAgeMs !== Infinity) this.definedAt.set(key, this.now);
    own = this.sessions.get(session);
    if (!own) this.sessions.set(session, (own = { keys: new Set(), fields: 0 }));
    own.keys.add(key);
    own.fields += n;
    this.heldFields += n;
    return entry;
  }

  /** Removes one template; false when it was not there. */
  withdraw(session: string, domain: number, templateId: number): boolean {
    const key = keyOf(session, domain, templateId);
    const e = this.entries.get(key);
    if (!e) return false;
    this.remove(key, e);
    this.stats.withdrawals++;
    return true;
  }

  /** Removes every data template (or every options template) of a session's domain; returns how many. */
  withdrawAll(session: string, domain: number, options: boolean): number {
    let n = 0;
    for (const key of [...(this.sessions.get(session)?.keys ?? [])]) {
      const e = this.entries.get(key)!;
      if (e.domain === domain && e.options === options) {
        this.remove(key, e);
        n++;
      }
    }
    this.stats.withdrawals += n;
    return n;
  }

  /** Drops everything a transport session defined (its connection closed, its exporter restarted). */
  forgetSession(session: string): number {
    const keys = [...(this.sessions.get(session)?.keys ?? [])];
    for (const key of keys) this.remove(key, this.entries.get(key)!);
    return keys.length;
  }

  /** Drops the templates past their lifetime, oldest definition first (a capture's times may step back: it stops at the first one still alive). */
  private expire(): void {
    if (this.maxAgeMs === Infinity) return;
    for (const [key, at] of this.definedAt) {
      if (this.now - at <= this.maxAgeMs) break;
      this.remove(key, this.entries.get(key)!);
      this.stats.expirations++;
    }
  }

  private remove(key: string, e: CachedTemplate): void {
    this.entries.delete(key);
    this.definedAt.delete(key);
    const own = this.sessions.get(e.session)!;
    own.keys.delete(key);
    own.fields -= e.template.fields.length;
    if (own.keys.size === 0) this.sessions.delete(e.session);
    this.heldFields -= e.template.fields.length;
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
