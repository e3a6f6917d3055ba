import { before, describe, test, type TestContext } from "node:test";
import * as assert from "node:assert/strict";
import { copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Reader } from "maxmind";
import type { MmdbConfig } from "../../src/config/index.js";
import { MmdbError, MmdbSource, type EnrichLogger, type MmdbSourceOptions } from "../../src/enrich/index.js";
import { parseAddress } from "../../src/net/address.js";
import { asnRecord, cityRecord, writeMmdbs } from "./mmdb-writer.js";
import { tempDir } from "../harness/temp-dir.js";

const ASN_V1_BUILT = new Date("2024-01-02T03:04:05Z");
const ASN_V2_BUILT = new Date("2024-02-03T04:05:06Z");
const CITY_BUILT = new Date("2024-03-04T05:06:07Z");

const dir = tempDir("rfm-mmdb-");
const db = { asnV1: "", asnV2: "", city: "", truncated: "", corrupt: "" };

before(async () => {
  db.asnV1 = join(dir, "asn-v1.mmdb");
  db.asnV2 = join(dir, "asn-v2.mmdb");
  db.city = join(dir, "city.mmdb");
  await writeMmdbs([
    {
      path: db.asnV1,
      databaseType: "GeoLite2-ASN",
      buildEpoch: ASN_V1_BUILT.getTime() / 1000,
      networks: [
        ["10.77.0.0/25", asnRecord(64500, "Example Low")],
        ["2001:db8::/32", asnRecord(64502, "Example Six")],
      ],
    },
    {
      path: db.asnV2,
      databaseType: "GeoLite2-ASN",
      buildEpoch: ASN_V2_BUILT.getTime() / 1000,
      networks: [
        ["10.77.0.0/25", asnRecord(64600, "Renumbered")],
        ["2001:db8::/32", asnRecord(64602, "Renumbered Six")],
      ],
    },
    {
      path: db.city,
      databaseType: "GeoLite2-City",
      buildEpoch: CITY_BUILT.getTime() / 1000,
      networks: [
        ["10.77.0.0/25", cityRecord("Lyon")],
        ["198.51.100.0/24", cityRecord("Paris")],
      ],
    },
  ]);
  const v2 = await readFile(db.asnV2);
  db.truncated = join(dir, "asn-truncated.mmdb");
  await writeFile(db.truncated, v2.subarray(0, v2.length >> 1));
  // v2 with its records overwritten: it opens, but its lookups fail.
  db.corrupt = join(dir, "asn-corrupt.mmdb");
  const dataStart = new Reader(v2).metadata.searchTreeSize + 16;
  await writeFile(db.corrupt, Buffer.from(v2).fill(0xff, dataStart, dataStart + 64));
});


const LOW = parseAddress("10.77.0.1");
const SIX = parseAddress("2001:db8::1");
const PARIS = parseAddress("198.51.100.9");

interface Logged {
  level: "info" | "warn";
  message: string;
  fields: Record<string, unknown>;
}

function recordingLogger(): { logger: EnrichLogger; lines: Logged[] } {
  const lines: Logged[] = [];
  const logger: EnrichLogger = {
    info: (message, fields = {}) => lines.push({ level: "info", message, fields }),
    warn: (message, fields = {}) => lines.push({ level: "warn", message, fields }),
  };
  return { logger, lines };
}

/** A directory of its own per test, holding the "live" files a source watches. */
async function liveDir(t: TestContext): Promise<string> {
  const live = join(dir, `live-${Math.random().toString(36).slice(2)}`);
  await mkdir(live);
  t.after(() => rm(live, { recursive: true, force: true }));
  return live;
}

/** Installs `from` at `to` the way updaters do: write beside it, then rename over it. */
async function replaceByRename(from: string, to: string): Promise<void> {
  await copyFile(from, `${to}.new`);
  await rename(`${to}.new`, to);
}

/** Options that keep the source's log lines out of the test output. */
function quiet(extra: MmdbSourceOptions = {}): MmdbSourceOptions {
  return { ...extra, logger: recordingLogger().logger };
}

async function openSource(t: TestContext, config: Partial<MmdbConfig>, options: MmdbSourceOptions = {}): Promise<MmdbSource> {
  const source = await MmdbSource.open({ asn_db: "", city_db: "", ...config }, options);
  t.after(() => source.close());
  return source;
}

async function eventually(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe("MmdbSource.open", () => {
  test("answers ASN and city lookups for 16-byte addresses", async (t) => {
    const source = await openSource(t, { asn_db: db.asnV1, city_db: db.city }, quiet());
    assert.equal(source.lookupAsn(LOW), 64500);
    assert.equal(source.lookupAsn(SIX), 64502);
    assert.equal(source.lookupAsn(PARIS), 0);
    assert.equal(source.lookupCity(LOW), "Lyon");
    assert.equal(source.lookupCity(PARIS), "Paris");
    assert.equal(source.lookupCity(SIX), "");
  });
  test("logs each opened file with its type and build time", async (t) => {
    const { logger, lines } = recordingLogger();
    await openSource(t, { asn_db: db.asnV1 }, { logger });
    assert.deepEqual(lines, [
      {
        level: "info",
        message: "mmdb opened",
        fields: { key: "agent.enrich.mmdb.asn_db", path: db.asnV1, type: "GeoLite2-ASN", built: ASN_V1_BUILT.toISOString() },
      },
    ]);
  });
  test('with no file configured (""), answers 0 and ""', async (t) => {
    const source = await openSource(t, {});
    assert.equal(source.lookupAsn(LOW), 0);
    assert.equal(source.lookupCity(LOW), "");
    assert.deepEqual(source.versions(), {});
  });
  test("fails for a missing file, naming its key and path", async () => {
    const missing = join(dir, "no-such.mmdb");
    await assert.rejects(MmdbSource.open({ asn_db: missing, city_db: "" }, quiet()), {
      name: "MmdbError",
      message: `agent.enrich.mmdb.asn_db: cannot open ${JSON.stringify(missing)}: no such file`,
    });
  });
  test("names every file that cannot be used, in one error", async () => {
    const err = await MmdbSource.open({ asn_db: dir, city_db: db.truncated }, quiet()).catch((e: unknown) => e);
    assert.ok(err instanceof MmdbError);
    assert.deepEqual(err.failures, [
      { key: "asn_db", path: dir, reason: "is a directory" },
      { key: "city_db", path: db.truncated, reason: "not a MaxMind DB file (no metadata section; truncated?)" },
    ]);
  });
});

describe("MmdbSource.versions: the build time of each database in service", () => {
  test("comes from each file's metadata", async (t) => {
    const source = await openSource(t, { asn_db: db.asnV1, city_db: db.city }, quiet());
    assert.deepEqual(source.versions(), { asn: ASN_V1_BUILT, city: CITY_BUILT });
  });
});

describe("MmdbSource.reload: check the files now", () => {
  test("a file replaced by rename answers from its new version, and reload reports it", async (t) => {
    const live = join(await liveDir(t), "asn.mmdb");
    await copyFile(db.asnV1, live);
    const { logger, lines } = recordingLogger();
    const source = await openSource(t, { asn_db: live, city_db: db.city }, { logger });
    await replaceByRename(db.asnV2, live);
    assert.equal(source.lookupAsn(LOW), 64500, "the old version serves until the check");
    assert.deepEqual(await source.reload(), { asn: ASN_V2_BUILT, city: CITY_BUILT });
    assert.equal(source.lookupAsn(LOW), 64600);
    assert.equal(source.lookupAsn(SIX), 64602);
    assert.equal(lines.at(-1)?.message, "mmdb reloaded");
  });
  test("an unchanged file is not read again", async (t) => {
    const { logger, lines } = recordingLogger();
    const source = await openSource(t, { asn_db: db.asnV1 }, { logger });
    assert.deepEqual(await source.reload(), { asn: ASN_V1_BUILT });
    assert.deepEqual(lines.map((l) => l.message), ["mmdb opened"]);
  });
  test("a truncated replacement is refused and the previous version stays in service", async (t) => {
    const live = join(await liveDir(t), "asn.mmdb");
    await copyFile(db.asnV1, live);
    const { logger, lines } = recordingLogger();
    const source = await openSource(t, { asn_db: live }, { logger });
    await replaceByRename(db.truncated, live);
    await assert.rejects(source.reload(), {
      name: "MmdbError",
      message:
        `agent.enrich.mmdb.asn_db: cannot reload ${JSON.stringify(live)}: not a MaxMind DB file (no metadata section; truncated?) ` +
        `(the database built ${ASN_V1_BUILT.toISOString()} stays in service)`,
    });
    assert.equal(source.lookupAsn(LOW), 64500);
    assert.deepEqual(source.versions(), { asn: ASN_V1_BUILT });
    assert.equal(lines.filter((l) => l.level === "warn" && l.message === "mmdb reload failed").length, 1);
  });
  test("a deleted file is an error too, and the previous version stays in service", async (t) => {
    const live = join(await liveDir(t), "asn.mmdb");
    await copyFile(db.asnV1, live);
    const source = await openSource(t, { asn_db: live }, quiet());
    await rm(live);
    await assert.rejects(source.reload(), { message: /cannot reload .*: no such file \(the database built .* stays in service\)$/ });
    assert.equal(source.lookupAsn(LOW), 64500);
  });
  test("a good file after a bad one is taken", async (t) => {
    const live = join(await liveDir(t), "asn.mmdb");
    await copyFile(db.asnV1, live);
    const source = await openSource(t, { asn_db: live }, quiet());
    await replaceByRename(db.truncated, live);
    await assert.rejects(source.reload());
    await replaceByRename(db.asnV2, live);
    assert.deepEqual(await source.reload(), { asn: ASN_V2_BUILT });
    assert.equal(source.lookupAsn(LOW), 64600);
  });
});

describe("MmdbSource: the periodic check", () => {
  const often = { checkIntervalMs: 10 };

  test("takes a file replaced by rename without being asked", async (t) => {
    const live = join(await liveDir(t), "asn.mmdb");
    await copyFile(db.asnV1, live);
    const source = await openSource(t, { asn_db: live }, quiet(often));
    await replaceByRename(db.asnV2, live);
    await eventually("the new version", () => source.lookupAsn(LOW) === 64600);
    assert.deepEqual(source.versions(), { asn: ASN_V2_BUILT });
  });
  test("logs a bad replacement once, keeps the old version, and still takes the next good one", async (t) => {
    const live = join(await liveDir(t), "asn.mmdb");
    await copyFile(db.asnV1, live);
    const { logger, lines } = recordingLogger();
    const source = await openSource(t, { asn_db: live }, { ...often, logger });
    const failures = () => lines.filter((l) => l.message === "mmdb reload failed");
    await replaceByRename(db.truncated, live);
    await eventually("the failure to be logged", () => failures().length === 1);
    await sleep(100); // ten more checks of the same bad file
    assert.equal(failures().length, 1);
    assert.equal(source.lookupAsn(LOW), 64500);
    await replaceByRename(db.asnV2, live);
    await eventually("the good version", () => source.lookupAsn(LOW) === 64600);
  });
  test("stops at close: lookups then answer 0 and \"\"", async (t) => {
    const live = join(await liveDir(t), "asn.mmdb");
    await copyFile(db.asnV1, live);
    const { logger, lines } = recordingLogger();
    const source = await MmdbSource.open({ asn_db: live, city_db: db.city }, { ...often, logger });
    source.close();
    await replaceByRename(db.asnV2, live);
    await sleep(50);
    assert.equal(source.lookupAsn(LOW), 0);
    assert.equal(source.lookupCity(LOW), "");
    assert.deepEqual(lines.map((l) => l.message), ["mmdb opened", "mmdb opened"]);
  });
});

describe("MmdbSource: failed lookups", () => {
  test("answer 0 and are logged once per opened file", async (t) => {
    const live = join(await liveDir(t), "asn.mmdb");
    await copyFile(db.corrupt, live);
    const { logger, lines } = recordingLogger();
    const source = await openSource(t, { asn_db: live }, { logger });
    const logged = () => lines.filter((l) => l.message.startsWith("mmdb lookup failed"));
    assert.equal(source.lookupAsn(LOW), 0);
    assert.equal(source.lookupAsn(SIX), 0);
    assert.equal(logged().length, 1);
    const { reason, ...where } = logged()[0]?.fields ?? {};
    assert.deepEqual(where, { key: "agent.enrich.mmdb.asn_db", path: live, address: "10.77.0.1" });
    assert.equal(typeof reason, "string");
    // Another copy of the same bytes is another opened file: its first failure is logged again.
    await replaceByRename(db.corrupt, live);
    await source.reload();
    assert.equal(source.lookupAsn(LOW), 0);
    assert.equal(logged().length, 2);
  });
});
