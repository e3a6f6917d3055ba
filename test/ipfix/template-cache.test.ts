// The collector's template cache: templates scoped to (session, observation
// domain, template ID), bounded with least-recently-used eviction, withdrawals.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
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
  });
});
