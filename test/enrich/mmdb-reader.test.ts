import { before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { Reader } from "maxmind";
import { MmdbReader } from "../../src/enrich/index.js";
import { parseAddress } from "../../src/net/address.js";
import { asnRecord, cityRecord, writeMmdbs } from "./mmdb-writer.js";
import { tempDir } from "../harness/temp-dir.js";

const run = promisify(execFile);

const ASN_BUILT = 1_700_000_000; // 2023-11-14T22:13:20Z

const dir = tempDir("rfm-mmdb-");
const files = { asn: "", city: "", asnV4Only: "" };
const bytes = { asn: Buffer.alloc(0), city: Buffer.alloc(0), asnV4Only: Buffer.alloc(0) };

before(async () => {
  files.asn = join(dir, "asn.mmdb");
  files.city = join(dir, "city.mmdb");
  files.asnV4Only = join(dir, "asn-v4.mmdb");
  await writeMmdbs([
    {
      path: files.asn,
      databaseType: "GeoLite2-ASN",
      buildEpoch: ASN_BUILT,
      networks: [
        ["10.77.0.0/25", asnRecord(64500, "Example Low")],
        ["10.77.0.128/25", asnRecord(64501, "Example High")],
        ["2001:db8::/32", asnRecord(64502, "Example Six")],
        ["198.51.100.0/24", asnRecord(64503, "Example Net")],
      ],
    },
    {
      path: files.city,
      databaseType: "GeoLite2-City",
      networks: [
        ["10.77.0.0/25", cityRecord("Lyon")],
        ["10.77.0.128/25", { country: { iso_code: "FR" } }], // a country-only record, as GeoLite2-City has many
        ["2001:db8::/32", cityRecord("Zürich")],
      ],
    },
    { path: files.asnV4Only, databaseType: "GeoLite2-ASN", ipVersion: 4, networks: [["10.77.0.0/16", asnRecord(64510, "Four")]] },
  ]);
  bytes.asn = await readFile(files.asn);
  bytes.city = await readFile(files.city);
  bytes.asnV4Only = await readFile(files.asnV4Only);
});


const at = parseAddress;

describe("MmdbReader.asn: the autonomous_system_number of a GeoLite2-ASN record", () => {
  test("answers for IPv4 addresses given in the mapped form, up to each network's edges", () => {
    const reader = new MmdbReader(bytes.asn);
    assert.equal(reader.asn(at("10.77.0.0")), 64500);
    assert.equal(reader.asn(at("10.77.0.127")), 64500);
    assert.equal(reader.asn(at("10.77.0.128")), 64501);
    assert.equal(reader.asn(at("10.77.0.255")), 64501);
    assert.equal(reader.asn(at("::ffff:198.51.100.7")), 64503);
  });
  test("answers 0 for IPv4 addresses outside every network", () => {
    const reader = new MmdbReader(bytes.asn);
    assert.equal(reader.asn(at("10.76.255.255")), 0);
    assert.equal(reader.asn(at("10.77.1.0")), 0);
    assert.equal(reader.asn(at("192.0.2.1")), 0);
  });
  test("answers for IPv6 addresses inside 2001:db8::/32, and 0 just outside it", () => {
    const reader = new MmdbReader(bytes.asn);
    assert.equal(reader.asn(at("2001:db8::")), 64502);
    assert.equal(reader.asn(at("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")), 64502);
    assert.equal(reader.asn(at("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff")), 0);
    assert.equal(reader.asn(at("2001:db9::")), 0);
  });
  test("answers 0, without throwing, for an address that is not 16 bytes", () => {
    const reader = new MmdbReader(bytes.asn);
    assert.equal(reader.asn(new Uint8Array([10, 77, 0, 1])), 0);
    assert.equal(reader.asn(new Uint8Array(0)), 0);
  });
  test("agrees with libmaxminddb's mmdblookup", async () => {
    const reader = new MmdbReader(bytes.asn);
    for (const address of ["10.77.0.1", "10.77.0.200", "10.77.1.1", "198.51.100.255", "2001:db8:1::1", "2001:db9::1"]) {
      const theirs = await mmdblookup(files.asn, address, ["autonomous_system_number"]);
      assert.equal(String(reader.asn(at(address))), theirs ?? "0", address);
    }
  });
});

describe("MmdbReader.city: city.names.en of a GeoLite2-City record", () => {
  test("answers the English name for IPv4 (mapped) and IPv6 addresses", () => {
    const reader = new MmdbReader(bytes.city);
    assert.equal(reader.city(at("10.77.0.5")), "Lyon");
    assert.equal(reader.city(at("2001:db8::1")), "Zürich");
  });
  test('answers "" for a record without a city', () => {
    assert.equal(new MmdbReader(bytes.city).city(at("10.77.0.200")), "");
  });
  test('answers "" outside every network', () => {
    assert.equal(new MmdbReader(bytes.city).city(at("203.0.113.1")), "");
  });
  test("agrees with libmaxminddb's mmdblookup", async () => {
    const reader = new MmdbReader(bytes.city);
    for (const address of ["10.77.0.1", "10.77.0.200", "2001:db8::5", "203.0.113.1"]) {
      const theirs = await mmdblookup(files.city, address, ["city", "names", "en"]);
      assert.equal(JSON.stringify(reader.city(at(address))), theirs ?? '""', address);
    }
  });
});

describe("MmdbReader over an IPv4-only database", () => {
  test("answers for IPv4 addresses", () => {
    assert.equal(new MmdbReader(bytes.asnV4Only).asn(at("10.77.3.4")), 64510);
  });
  test("answers 0 for an IPv6 address whose first 32 bits spell a known IPv4 network", () => {
    // a4d:: starts with the bytes of 10.77.0.0; walking the IPv4 tree with it would answer 64510.
    assert.equal(new MmdbReader(bytes.asnV4Only).asn(at("a4d::1")), 0);
  });
});

describe("MmdbReader: the database's metadata", () => {
  test("carries the build time and database type", () => {
    const reader = new MmdbReader(bytes.asn);
    assert.deepEqual(reader.buildEpoch, new Date(ASN_BUILT * 1000));
    assert.equal(reader.databaseType, "GeoLite2-ASN");
  });
});

describe("MmdbReader: bytes that are not a whole MaxMind DB are refused", () => {
  test("text", () => {
    assert.throws(() => new MmdbReader(Buffer.from("not a database\n")), { message: "not a MaxMind DB file (no metadata section; truncated?)" });
  });
  test("a database cut short, losing its metadata", () => {
    assert.throws(() => new MmdbReader(bytes.asn.subarray(0, bytes.asn.length >> 1)), { message: /^not a MaxMind DB file \(no metadata section/ });
  });
  test("a database cut inside its metadata", () => {
    assert.throws(() => new MmdbReader(bytes.asn.subarray(0, bytes.asn.length - 8)), { message: /^not a MaxMind DB file \(metadata unreadable: / });
  });
  test("a database missing the start of its search tree", () => {
    assert.throws(() => new MmdbReader(bytes.asn.subarray(600)), { message: /^truncated MaxMind DB file \(its search tree needs \d+ bytes/ });
  });
});

describe("MmdbReader: a failed lookup", () => {
  test("answers 0 and is reported once, with the address, however often it recurs", () => {
    const corrupt = withCorruptData(bytes.asn);
    const reports: string[] = [];
    const reader = new MmdbReader(corrupt, (address, err) => reports.push(`${address}: ${err.message}`));
    assert.equal(reader.asn(at("10.77.0.1")), 0);
    assert.equal(reader.asn(at("10.77.0.200")), 0);
    assert.equal(reader.city(at("2001:db8::1")), "");
    assert.equal(reports.length, 1);
    assert.match(reports[0] ?? "", /^10\.77\.0\.1: /);
  });
  test("is not a miss: an address outside every network is not reported", () => {
    const reports: string[] = [];
    const reader = new MmdbReader(bytes.asn, (address) => reports.push(address));
    assert.equal(reader.asn(at("192.0.2.1")), 0);
    assert.deepEqual(reports, []);
  });
});

/** The database with its data section overwritten, so that records cannot be decoded. */
function withCorruptData(db: Buffer): Buffer {
  const corrupt = Buffer.from(db);
  const dataStart = new Reader(db).metadata.searchTreeSize + 16; // the tree, then a 16-byte separator
  corrupt.fill(0xff, dataStart, dataStart + 64);
  return corrupt;
}

async function mmdblookup(file: string, address: string, path: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run("mmdblookup", ["--file", file, "--ip", address, ...path]);
    return /^\s*(.*?) <\w+>\s*$/s.exec(stdout)?.[1];
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === "ENOENT") throw new Error("mmdblookup not found (install mmdb-bin: scripts/setup.sh --with-test-peers)");
    if (code === 5 || code === 6) return undefined; // no entry, or no such key in it
    throw err;
  }
}
