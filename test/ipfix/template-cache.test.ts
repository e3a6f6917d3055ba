// The collector's template cache: templates scoped to (session, observation
// domain, template ID), bounded in templates and fields, in all (least
// recently used eviction) and per session (its least recently defined),
// expiry, withdrawals.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { ianaLookup, resolveTemplate } from "../../src/ipfix/decoded-template.js";
import { decodeMessage } from "../../src/ipfix/message-decoder.js";
import { encodeMessage } from "../../src/ipfix/message-encoder.js";
import { TemplateCache } from "../../src/ipfix/template-cache.js";
import { field, type Template } from "../../src/ipfix/template.js";

const t = (id: number, options = false): Template =>
  options ? { id, scopeFieldCount: 1, fields: [field("exportingProcessId"), field("exportedMessageTotalCount")] } : { id, fields: [field("protocolIdentifier")] };

function define(cache: TemplateCache, session: string, domain: number, ...templates: Template[]) {
  const data = templates.filter((x) => !x.scopeFieldCount);
  const options = templates.filter((x) => x.scopeFieldCount);
  const sets = [
    ...(data.length ? [{ kind: "templates" as const, templates: data }] : []),
    ...(options.length ? [{ kind: "templates" as const, options: true, templates: options }] : []),
  ];
  const d = decodeMessage(encodeMessage({ observationDomainId: domain, sets }), { session, cache });
  assert.deepEqual(d.errors, []);
}

function withdraw(cache: TemplateCache, session: string, domain: number, ids: number[], options = false) {
  return decodeMessage(encodeMessage({ observationDomainId: domain, sets: [{ kind: "templates", options, withdrawals: ids }] }), { session, cache });
}

/** Whether a data set for this template decodes. */
function known(cache: TemplateCache, session: string, domain: number, id: number, options = false): boolean {
  const template = t(id, options);
  const records = [options ? [1, 2] : [6]];
  const d = decodeMessage(encodeMessage({ observationDomainId: domain, sets: [{ kind: "data", template, records }] }), { session, cache });
  return d.errors.length === 0;
}

/** A decoded template of `fields` protocolIdentifier fields, stored straight into the cache. */
function put(cache: TemplateCache, session: string, id: number, fields = 1, domain = 1) {
  const wire = Array.from({ length: fields }, () => ({ id: 4, enterprise: 0, length: 1 }));
  cache.set(session, domain, resolveTemplate(id, wire, 0, ianaLookup, () => undefined), false);
}

const has = (cache: TemplateCache, session: string, id: number, domain = 1) => cache.get(session, domain, id) !== undefined;

describe("template cache", () => {
  test("a template belongs to its session and observation domain only", () => {
    const cache = new TemplateCache();
    define(cache, "udp:192.0.2.1:4739", 1, t(256));
    assert.ok(known(cache, "udp:192.0.2.1:4739", 1, 256));
    assert.ok(!known(cache, "udp:192.0.2.1:4739", 2, 256), "another domain");
    assert.ok(!known(cache, "udp:192.0.2.2:4739", 1, 256), "another exporter");
    assert.equal(cache.stats.unknownTemplateSets, 2);
  });

  test("past the cap the least recently used template is evicted, and counted", () => {
    const cache = new TemplateCache({ maxTemplates: 3 });
    define(cache, "s", 1, t(256), t(257), t(258));
    assert.ok(known(cache, "s", 1, 256), "using 256 makes 257 the oldest");
    define(cache, "s", 1, t(259));
    assert.equal(cache.size, 3);
    assert.equal(cache.stats.evictions, 1);
    assert.ok(!known(cache, "s", 1, 257));
    for (const id of [256, 258, 259]) assert.ok(known(cache, "s", 1, id), `${id} kept`);
  });

  test("a withdrawal removes one template; withdraw-all removes every template of its kind in its domain", () => {
    const cache = new TemplateCache();
    define(cache, "s", 1, t(256), t(257), t(300, true));
    define(cache, "s", 2, t(256));
    withdraw(cache, "s", 1, [257]);
    assert.ok(!known(cache, "s", 1, 257));
    assert.ok(known(cache, "s", 1, 256));
    withdraw(cache, "s", 1, [2]);
    assert.ok(!known(cache, "s", 1, 256));
    assert.ok(known(cache, "s", 1, 300, true), "options templates stay");
    assert.ok(known(cache, "s", 2, 256), "other domains stay");
    withdraw(cache, "s", 1, [3], true);
    assert.ok(!known(cache, "s", 1, 300, true));
    assert.equal(cache.stats.withdrawals, 3);
  });

  test("a withdrawal decodes as such; of an unknown template it is reported and ignored", () => {
    const cache = new TemplateCache();
    define(cache, "s", 1, t(256));
    const d = withdraw(cache, "s", 1, [256, 256]);
    assert.deepEqual(
      d.errors.map((e) => e.code),
      ["withdraw_unknown"],
    );
    const set = d.sets[0];
    assert.ok(set.kind === "templates");
    assert.deepEqual(set.withdrawals, [{ templateId: 256, all: false }]);
  });

  test("a template ID defined again replaces the old definition, and a different one is counted", () => {
    const cache = new TemplateCache();
    define(cache, "s", 1, t(256));
    define(cache, "s", 1, t(256));
    assert.equal(cache.stats.redefinitions, 0, "a refresh of the same template");
    define(cache, "s", 1, { id: 256, fields: [field("sourceTransportPort")] });
    assert.equal(cache.stats.redefinitions, 1);
    assert.equal(cache.size, 1);
    assert.equal(cache.get("s", 1, 256)?.template.fields[0].name, "sourceTransportPort");
  });

  test("forgetting a session drops its templates only", () => {
    const cache = new TemplateCache();
    define(cache, "a", 1, t(256), t(257));
    define(cache, "b", 1, t(256));
    assert.equal(cache.forgetSession("a"), 2);
    assert.equal(cache.size, 1);
    assert.ok(known(cache, "b", 1, 256));
  });

  test("the cap must be a positive integer", () => {
    assert.throws(() => new TemplateCache({ maxTemplates: 0 }), RangeError);
    for (const k of ["maxFields", "maxTemplatesPerSession", "maxFieldsPerSession"]) assert.throws(() => new TemplateCache({ [k]: 1.5 }), RangeError, k);
  });

  test("past a session's own cap its least recently defined template goes, not another session's, and it is counted", () => {
    const cache = new TemplateCache({ maxTemplates: 100, maxTemplatesPerSession: 3 });
    put(cache, "other", 256);
    put(cache, "flood", 256);
    put(cache, "flood", 257);
    put(cache, "flood", 258);
    put(cache, "flood", 256); // defined again: now the most recently defined
    assert.ok(has(cache, "flood", 257), "used, but least recently defined");
    put(cache, "flood", 259);
    assert.ok(!has(cache, "flood", 257));
    for (const id of [256, 258, 259]) assert.ok(has(cache, "flood", id), `${id} kept`);
    assert.ok(has(cache, "other", 256));
    assert.equal(cache.size, 4);
    assert.deepEqual([cache.stats.evictions, cache.stats.sessionEvictions], [1, 1]);
  });

  test("fields are capped in all: a large template evicts the least recently used until it fits", () => {
    const cache = new TemplateCache({ maxTemplates: 100, maxFields: 10 });
    put(cache, "a", 256, 4);
    put(cache, "b", 256, 4);
    assert.equal(cache.fields, 8);
    assert.ok(has(cache, "a", 256), "a is now the most recently used");
    put(cache, "c", 256, 5);
    assert.ok(!has(cache, "b", 256));
    assert.ok(has(cache, "a", 256) && has(cache, "c", 256));
    assert.equal(cache.fields, 9);
    assert.deepEqual([cache.stats.evictions, cache.stats.sessionEvictions], [1, 0]);
  });

  test("a session's fields are capped: its own oldest go first", () => {
    const cache = new TemplateCache({ maxTemplates: 100, maxFields: 1000, maxFieldsPerSession: 10 });
    put(cache, "other", 256, 8);
    put(cache, "flood", 256, 6);
    put(cache, "flood", 257, 6);
    assert.ok(!has(cache, "flood", 256) && has(cache, "flood", 257) && has(cache, "other", 256));
    assert.equal(cache.fields, 14);
    assert.equal(cache.stats.sessionEvictions, 1);
  });

  test("replacing a template by a larger one under the same ID keeps the field count right", () => {
    const cache = new TemplateCache({ maxFields: 20 });
    put(cache, "s", 256, 5);
    put(cache, "s", 256, 12);
    assert.deepEqual([cache.size, cache.fields, cache.stats.evictions, cache.stats.redefinitions], [1, 12, 0, 1]);
    cache.withdraw("s", 1, 256);
    assert.deepEqual([cache.size, cache.fields], [0, 0]);
  });

  test("templates past their lifetime are dropped when others are defined, oldest first, and counted", () => {
    const cache = new TemplateCache({ maxAgeMs: 1000 });
    cache.now = 0;
    put(cache, "s", 256);
    put(cache, "s", 257);
    cache.now = 600;
    put(cache, "s", 256); // refreshed: lives on
    cache.now = 1500;
    put(cache, "t", 256);
    assert.equal(cache.size, 2, "257 expired on the next definition, without being looked up");
    assert.equal(cache.stats.expirations, 1);
    assert.ok(has(cache, "s", 256));
    cache.now = 1700;
    assert.ok(!has(cache, "s", 256), "and on lookup, as before");
    assert.equal(cache.stats.expirations, 2);
  });

  test("one session flooding 100,000 new template IDs of every size churns its own: the others' stay, and every cap holds", () => {
    const cache = new TemplateCache({ maxTemplates: 4096, maxFields: 262_144, maxTemplatesPerSession: 1024, maxFieldsPerSession: 65_536 });
    for (let e = 0; e < 100; e++) for (let id = 256; id < 266; id++) put(cache, `exporter ${e}`, id, 20);
    for (let i = 0; i < 100_000; i++) {
      put(cache, "flood", 256 + (i % 65_280), i % 100 === 0 ? 2000 + (i % 7) : 1 + (i % 50), 1 + Math.floor(i / 65_280));
      assert.ok(cache.size <= 4096 && cache.fields <= 262_144);
    }
    for (let e = 0; e < 100; e++) for (let id = 256; id < 266; id++) assert.ok(has(cache, `exporter ${e}`, id), `exporter ${e} template ${id}`);
    assert.ok(cache.fields - 100 * 10 * 20 <= 65_536, "the flood holds at most its own cap of fields");
    assert.equal(cache.stats.evictions, cache.stats.sessionEvictions, "every eviction was the flood's own");
    assert.ok(cache.stats.sessionEvictions > 90_000);
    cache.forgetSession("flood");
    assert.deepEqual([cache.size, cache.fields], [1000, 20_000]);
  });
});
