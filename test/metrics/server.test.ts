// The metrics endpoint: serves /metrics, limits concurrent scrapes with 503,
// and reports a bind failure instead of dying later.
import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { createServer } from "node:net";
import { MetricsServer, CONTENT_TYPE } from "../../src/metrics/server.js";
import { TextWriter, escapeLabelValue, renderLabels } from "../../src/metrics/exposition.js";

describe("metrics server", () => {
  test("serves the rendered text with the exposition content type", async () => {
    const s = new MetricsServer({ host: "127.0.0.1", port: 0, render: async () => "x 1\n" });
    const { port } = await s.listen();
    try {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-type"), CONTENT_TYPE);
      assert.equal(await res.text(), "x 1\n");
      assert.equal((await fetch(`http://127.0.0.1:${port}/nope`)).status, 404);
    } finally {
      await s.close();
    }
  });

  test("a scrape beyond the concurrency limit gets 503 while the others complete", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const s = new MetricsServer({ host: "127.0.0.1", port: 0, maxConcurrent: 2, render: async () => (await gate, "ok 1\n") });
    const { port } = await s.listen();
    try {
      const slow = [fetch(`http://127.0.0.1:${port}/metrics`), fetch(`http://127.0.0.1:${port}/metrics`)];
      await new Promise((r) => setTimeout(r, 100));
      const third = await fetch(`http://127.0.0.1:${port}/metrics`);
      assert.equal(third.status, 503);
      release();
      for (const r of await Promise.all(slow)) assert.equal(r.status, 200);
      assert.equal(s.rejected, 1);
    } finally {
      await s.close();
    }
  });

  test("a port in use is a listen error naming EADDRINUSE", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    const s = new MetricsServer({ host: "127.0.0.1", port, render: async () => "" });
    try {
      await assert.rejects(s.listen(), /EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });
});

describe("exposition text", () => {
  test("label values escape backslash, quote and newline", () => {
    assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
    assert.equal(renderLabels([["ifname", 'we"ird']]), '{ifname="we\\"ird"}');
  });
  test("a counter renders as HELP, TYPE and samples", () => {
    const w = new TextWriter();
    w.header("rfm_x_total", "counter", "things");
    w.sample("rfm_x_total", renderLabels([["a", "b"]]), 3);
    assert.equal(w.text(), '# HELP rfm_x_total things\n# TYPE rfm_x_total counter\nrfm_x_total{a="b"} 3\n');
  });
});
