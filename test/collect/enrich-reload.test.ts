// Reloading `--enrich` tables: by interval and by watching the directory
// (an atomic rename-replace), a reload that fails (a file that is no table,
// a missing file, a truncated database) keeping the old table in service
// with one log line naming the file and the reason, once per bad version.
// Every wait is on the table file's own events.
import { before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { once } from "node:events";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ColumnSource } from "../../src/collect/enrich/column-source.js";
import { parseEnrichSpec, type EnrichSpec, type ReloadSpec } from "../../src/collect/enrich/enrich-spec.js";
import type { FlowRecord } from "../../src/flow-record/index.js";
import { parseAddress } from "../../src/net/address.js";
import { tempDir } from "../harness/temp-dir.js";
import { asnRecord, writeMmdbs } from "../enrich/mmdb-writer.js";

const to = (dst: string): FlowRecord => ({ packets: 1, bytes: 1, dst: parseAddress(dst) });

/** Writes next to the file and renames over it, as updaters do. */
async function replace(path: string, content: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

function withReload(text: string, reload: ReloadSpec): EnrichSpec {
  return { ...parseEnrichSpec(text), reload };
}

const mmdbDir = tempDir("rfm-enrich-reload-mmdb-");
const v1 = join(mmdbDir, "v1.mmdb");
const v2 = join(mmdbDir, "v2.mmdb");

before(async () => {
  await writeMmdbs([
    { path: v1, databaseType: "rfm-test-asn", networks: [["192.0.2.0/24", asnRecord(64501, "One")]] },
    { path: v2, databaseType: "rfm-test-asn", networks: [["192.0.2.0/24", asnRecord(64502, "Two")]] },
  ]);
});

describe("reloading enrichment tables", () => {
  test("reload=DUR: a replaced CSV is read on the next look; a failed reload keeps the old table and is logged once", async (t) => {
    const dir = tempDir("rfm-enrich-reload-", t);
    const path = join(dir, "asn.csv");
    await writeFile(path, "prefix,asn\n192.0.2.0/24,64500\n");
    const lines: string[] = [];
    const source = await ColumnSource.open(withReload(`type=prefix_lookup,source=${path},key=dst_addr,fields=asn:dst_asn`, { kind: "interval", ms: 20 }), (l) => lines.push(l));
    t.after(() => source.close());
    assert.deepEqual(source.values(to("192.0.2.1")), ["64500"]);

    let reloaded = once(source.file, "reloaded");
    await replace(path, "prefix,asn\n192.0.2.0/24,64510\n198.51.100.0/24,64511\n");
    await reloaded;
    assert.deepEqual(source.values(to("192.0.2.1")), ["64510"]);
    assert.deepEqual(source.values(to("198.51.100.1")), ["64511"]);
    assert.equal(lines.at(-1), `enrich ${path}: reloaded 2 prefixes (2 IPv4, 0 IPv6)`);

    // Not a table any more: the old one stays, one line says why.
    const failed = once(source.file, "failed");
    await replace(path, "network_address,asn\n192.0.2.0/24,1\n");
    const [reason] = (await failed) as [string];
    assert.match(reason, /no prefix, cidr, network column/);
    assert.deepEqual(source.values(to("192.0.2.1")), ["64510"], "the old table stays in service");
    const failure = lines.at(-1)!;
    assert.match(failure, new RegExp(`^enrich ${path}: reload failed: no prefix, cidr, network column .*; the table loaded .* \\(2 prefixes \\(2 IPv4, 0 IPv6\\)\\) stays in service$`));
    // The same bad version is looked at again, not reported again.
    for (let i = 0; i < 3; i++) await once(source.file, "checked");
    assert.equal(lines.filter((l) => l.includes("reload failed")).length, 1);

    // Gone: another failure, the old table still serves.
    const gone = once(source.file, "failed");
    await rm(path);
    assert.equal(((await gone) as [string])[0], "no such file");
    assert.deepEqual(source.values(to("198.51.100.1")), ["64511"]);
    assert.match(lines.at(-1)!, /reload failed: no such file; the table loaded/);

    // Back, with a bad row: loaded, the row named.
    reloaded = once(source.file, "reloaded");
    await replace(path, "prefix,asn\n203.0.113.0/24,64520\nnonsense,1\n");
    await reloaded;
    assert.deepEqual(source.values(to("203.0.113.9")), ["64520"]);
    assert.equal(source.values(to("192.0.2.1")), undefined);
    assert.equal(lines.at(-1), `enrich ${path}: reloaded 1 prefix (1 IPv4, 0 IPv6); 1 bad row skipped (line 3: not an IP address: "nonsense")`);
  });

  test("reload=watch: an atomic rename-replace of a MaxMind DB is seen; a truncated one is refused and the old one serves", async (t) => {
    const dir = tempDir("rfm-enrich-watch-", t);
    const path = join(dir, "asn.mmdb");
    await writeFile(path, await readFile(v1));
    const lines: string[] = [];
    const spec = parseEnrichSpec(`type=prefix_lookup,source=${path},key=dst_addr,fields=autonomous_system_number:dst_asn;autonomous_system_organization:dst_org,reload=watch`);
    const source = await ColumnSource.open(spec, (l) => lines.push(l), 10);
    t.after(() => source.close());
    assert.deepEqual(source.values(to("192.0.2.1")), ["64501", "One"]);

    const reloaded = once(source.file, "reloaded");
    await replace(path, await readFile(v2));
    await reloaded;
    assert.deepEqual(source.values(to("192.0.2.1")), ["64502", "Two"]);

    const failed = once(source.file, "failed");
    const whole = await readFile(v1);
    await replace(path, whole.subarray(0, whole.length >> 1));
    const [reason] = (await failed) as [string];
    assert.match(reason, /truncated|not a MaxMind DB/);
    assert.deepEqual(source.values(to("192.0.2.1")), ["64502", "Two"], "the old database stays in service");
    assert.match(lines.at(-1)!, new RegExp(`^enrich ${path}: reload failed: .*; the table loaded .* \\(rfm-test-asn built \\d{4}-\\d\\d-\\d\\d\\) stays in service$`));
    assert.equal(lines.filter((l) => l.includes("reload failed")).length, 1);
  });

  test("reload=watch on a CSV written in place: the table follows", async (t) => {
    const dir = tempDir("rfm-enrich-watch-csv-", t);
    const path = join(dir, "sites.csv");
    await writeFile(path, "prefix,site\n10.0.0.0/8,old\n");
    const source = await ColumnSource.open(parseEnrichSpec(`type=prefix_lookup,source=${path},key=dst_addr,fields=site:site,reload=watch`), () => undefined, 10);
    t.after(() => source.close());
    const reloaded = once(source.file, "reloaded");
    await writeFile(path, "prefix,site\n10.0.0.0/8,new\n");
    await reloaded;
    assert.deepEqual(source.values(to("10.1.1.1")), ["new"]);
  });
});
