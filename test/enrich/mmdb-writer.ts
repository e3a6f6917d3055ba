// Writes small MaxMind DBs for the specs with Debian's Perl writer
// (libmaxmind-db-writer-perl), the same library MaxMind built its own test
// databases with. All databases of a spec file are written in one perl run.

import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface MmdbSpec {
  path: string;
  /** Written as the metadata's database_type, e.g. "GeoLite2-ASN". */
  databaseType: string;
  ipVersion?: 4 | 6;
  /** Seconds since the epoch; the writer uses "now" otherwise. */
  buildEpoch?: number;
  /** CIDR → record; IPv4 networks go into the IPv4 subtree (::/96) of an IPv6 database. */
  networks: ReadonlyArray<readonly [string, Record<string, unknown>]>;
}

export function asnRecord(asn: number, organization: string): Record<string, unknown> {
  return { autonomous_system_number: asn, autonomous_system_organization: organization };
}

export function cityRecord(name: string): Record<string, unknown> {
  return { city: { names: { en: name } }, country: { iso_code: "FR" } };
}

// Notes on the writer:
// - remove_reserved_networks => 0, or 10.0.0.0/8 and 2001:db8::/32 are dropped silently;
// - map_key_type_callback must type every key (maps included) or write_tree dies;
// - _set_build_epoch is its own test hook for a fixed build time.
const WRITER = String.raw`
use strict; use warnings;
use JSON::PP; use MaxMind::DB::Writer::Tree;
my %types = (
  autonomous_system_number => 'uint32', autonomous_system_organization => 'utf8_string',
  city => 'map', country => 'map', names => 'map', en => 'utf8_string', iso_code => 'utf8_string',
);
local $/;
my $specs = JSON::PP->new->utf8->decode(<STDIN>);
for my $db (@$specs) {
  my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version => $db->{ipVersion} // 6, record_size => 24,
    database_type => $db->{databaseType}, languages => ['en'], description => { en => 'rfm test database' },
    remove_reserved_networks => 0,
    map_key_type_callback => sub { $types{$_[0]} or die "no MMDB type for key $_[0]\n" },
  );
  $tree->_set_build_epoch($db->{buildEpoch}) if defined $db->{buildEpoch};
  $tree->insert_network($_->[0], $_->[1]) for @{$db->{networks}};
  open my $fh, '>:raw', $db->{path} or die "$db->{path}: $!\n";
  $tree->write_tree($fh);
  close $fh or die "$db->{path}: $!\n";
}
`;

export async function writeMmdbs(specs: readonly MmdbSpec[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "rfm-mmdb-writer-"));
  try {
    const script = join(dir, "write-mmdb.pl");
    await writeFile(script, WRITER);
    const child = run("perl", [script], { encoding: "utf8" });
    child.child.stdin?.end(JSON.stringify(specs));
    await child;
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? "");
    const hint = stderr.includes("Can't locate MaxMind/DB/Writer")
      ? " (install libmaxmind-db-writer-perl: scripts/setup.sh --with-test-peers)"
      : "";
    throw new Error(`writing test MaxMind DBs failed${hint}: ${stderr || (err as Error).message}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
