// The libraries `rfm collect`'s Protobuf and Parquet formats were chosen
// among, each behind the same FileEncoder as rfm's own so that
// bench/collect-formats.ts measures them alike. None is a run-time
// dependency: each row loads its library when it is installed beside rfm
// (protobufjs and DuckDB are dev dependencies, for the tests; the rest with
// `npm install --no-save @bufbuild/protobuf @bufbuild/buf parquet-wasm
// apache-arrow @dsnp/parquetjs parquetjs-lite`) and says "not installed"
// otherwise. They write the same
// columns as rfm's formats, from the same values (PARQUET_COLUMNS), with
// Snappy and row groups of 32,768 where the library has them.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { FlowRecord } from "../src/flow-record/index.js";
import type { Chunk, FileEncoder, RecordFormat } from "../src/collect/format/formatter.js";
import { AddressOctetsCache, addressOctets, macOctets, nsBigInt, nsHalves } from "../src/collect/format/binary-values.js";
import { PARQUET_COLUMNS, PARQUET_ROW_GROUP } from "../src/collect/format/common-parquet.js";
import { PACKAGE_ROOT } from "../src/paths.js";

export interface Row {
  name: string;
  /** What it writes, and with what. */
  detail: string;
  load(): Promise<RecordFormat>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- libraries loaded by name, typed where used */
async function lib(name: string): Promise<any> {
  try {
    const m = await import(name);
    return { ...(m.default ?? {}), ...m }; // a CommonJS package's exports are its default
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") throw new Error(`${name} not installed (npm install --no-save ${name})`);
    throw e;
  }
}

const PROTO = join(PACKAGE_ROOT, "proto", "rfm-common-flow.proto");

/** A format whose encoders may finish in promises: `end` waits for them. */
function formatOf(extension: string, open: () => FileEncoder<FlowRecord>): RecordFormat {
  return { extension, streams: false, open };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = Buffer.concat(chunks);
  chunks.length = 0;
  return out;
}

// ---- Protobuf -------------------------------------------------------------

/** A CommonFlow as an object with the libraries' camelCase names; times through `time`. */
function message(f: FlowRecord, addresses: AddressOctetsCache, time: (ms: number, ns?: number) => unknown, count: (n: number) => unknown): Record<string, unknown> {
  const m: Record<string, unknown> = { flowType: f.flowType ?? "", bytes: count(f.bytes), packets: count(f.packets) };
  const set = (k: string, v: unknown) => {
    if (v !== undefined) m[k] = v;
  };
  const mac = (t: string | undefined) => {
    const b = new Uint8Array(6);
    return t !== undefined && macOctets(t, b) ? b : undefined;
  };
  if (f.receivedMs !== undefined) m.timeReceivedNs = time(f.receivedMs, f.receivedNs ?? 0);
  if (f.startMs !== undefined) m.timeFlowStartNs = time(f.startMs);
  if (f.endMs !== undefined) m.timeFlowEndNs = time(f.endMs);
  set("sequenceNum", f.sequence);
  set("samplingRate", f.samplingRate);
  set("samplerAddress", f.samplerAddress === undefined ? undefined : addresses.get(f.samplerAddress));
  set("srcAddr", f.src && addressOctets(f.src));
  set("dstAddr", f.dst && addressOctets(f.dst));
  set("srcMac", mac(f.srcMac));
  set("dstMac", mac(f.dstMac));
  set("etype", f.etype);
  set("proto", f.proto);
  set("srcPort", f.sport);
  set("dstPort", f.dport);
  set("inIf", f.inIf);
  set("outIf", f.outIf);
  set("ipTos", f.tos);
  set("ipTtl", f.ttl);
  set("tcpFlags", f.tcpFlags);
  set("icmpType", f.icmpType);
  set("icmpCode", f.icmpCode);
  set("ipv6FlowLabel", f.flowLabel);
  set("fragmentId", f.fragmentId);
  set("fragmentOffset", f.fragmentOffset);
  set("srcAs", f.srcAsn);
  set("dstAs", f.dstAsn);
  set("nextHop", f.nextHop === undefined ? undefined : addresses.get(f.nextHop));
  set("srcNet", f.srcMask);
  set("dstNet", f.dstMask);
  set("bgpNextHop", f.bgpNextHop === undefined ? undefined : addresses.get(f.bgpNextHop));
  set("srcVlan", f.srcVlan);
  set("dstVlan", f.dstVlan);
  set("observationDomainId", f.observationDomainId);
  set("templateId", f.templateId);
  return m;
}

const protobufjs: Row = {
  name: "protobuf/protobufjs",
  detail: "protobufjs reflection from the .proto (encodeDelimited)",
  async load() {
    const pb = await lib("protobufjs");
    const type = pb.parse(readFileSync(PROTO, "utf8")).root.lookupType("rustflow.CommonFlow");
    const addresses = new AddressOctetsCache();
    const time = (ms: number, ns?: number) => {
      const h: [number, number] = [0, 0];
      nsHalves(ms, ns, h);
      return { low: h[0], high: h[1], unsigned: false };
    };
    const encoder: FileEncoder<FlowRecord> = {
      begin: () => "",
      end: () => "",
      encode(batch) {
        const w = pb.Writer.create();
        for (const f of batch) type.encodeDelimited(message(f, addresses, time, (n) => n), w);
        return w.finish() as Uint8Array;
      },
    };
    return { extension: "pb", streams: true, open: () => encoder };
  },
};

const protobufEs: Row = {
  name: "protobuf/protobuf-es",
  detail: "@bufbuild/protobuf 2 (the descriptor generated code embeds, from buf build)",
  async load() {
    const es = await lib("@bufbuild/protobuf");
    const { FileDescriptorSetSchema } = await lib("@bufbuild/protobuf/wkt");
    const { sizeDelimitedEncode } = await lib("@bufbuild/protobuf/wire");
    await lib("@bufbuild/buf");
    const buf = createRequire(import.meta.url).resolve("@bufbuild/buf/bin/buf");
    const set = execFileSync(buf, ["build", join(PACKAGE_ROOT, "proto"), "-o", "-#format=binpb"]);
    const desc = es.createFileRegistry(es.fromBinary(FileDescriptorSetSchema, set)).getMessage("rustflow.CommonFlow");
    const addresses = new AddressOctetsCache();
    const encoder: FileEncoder<FlowRecord> = {
      begin: () => "",
      end: () => "",
      encode(batch) {
        const chunks: Uint8Array[] = [];
        for (const f of batch) chunks.push(sizeDelimitedEncode(desc, es.create(desc, message(f, addresses, nsBigInt, BigInt))));
        return concat(chunks);
      },
    };
    return { extension: "pb", streams: true, open: () => encoder };
  },
};

// ---- Parquet --------------------------------------------------------------

/** Rows of PARQUET_COLUMNS' values, handed on a row group at a time. */
abstract class Groups implements FileEncoder<FlowRecord> {
  protected readonly out: Uint8Array[] = [];
  protected rows: Record<string, unknown>[] = [];

  abstract begin(): Chunk;
  protected abstract group(rows: Record<string, unknown>[]): void;
  protected abstract finish(): Promise<void>;

  encode(batch: readonly FlowRecord[]): Chunk {
    for (const f of batch) {
      const row: Record<string, unknown> = {};
      for (const c of PARQUET_COLUMNS) row[c.name] = c.value(f) ?? null;
      this.rows.push(row);
      if (this.rows.length === PARQUET_ROW_GROUP) {
        this.group(this.rows);
        this.rows = [];
      }
    }
    return concat(this.out);
  }

  async end(): Promise<Chunk> {
    if (this.rows.length > 0) this.group(this.rows);
    this.rows = [];
    await this.finish();
    return concat(this.out);
  }
}

const parquetWasm: Row = {
  name: "parquet/parquet-wasm",
  detail: "parquet-wasm (Rust arrow-rs, as RustFlow) over apache-arrow",
  async load() {
    const arrow = await lib("apache-arrow");
    const pw = await lib("parquet-wasm");
    const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.SNAPPY).setMaxRowGroupSize(PARQUET_ROW_GROUP).build();
    const typeOf: Record<string, () => unknown> = {
      string: () => new arrow.Utf8(), u8: () => new arrow.Uint8(), u16: () => new arrow.Uint16(), u32: () => new arrow.Uint32(),
      u64: () => new arrow.Uint64(), ns: () => new arrow.TimestampNanosecond("UTC"),
    };
    const arrays: Record<string, (n: number) => ArrayLike<unknown> & { [i: number]: unknown }> = {
      u8: (n) => new Uint8Array(n), u16: (n) => new Uint16Array(n), u32: (n) => new Uint32Array(n), u64: (n) => new BigUint64Array(n), ns: (n) => new BigInt64Array(n),
    };
    /** One column as Arrow data: strings through the builder, numbers straight into typed arrays with a validity bitmap. */
    const vector = (kind: string, values: unknown[]) => {
      if (kind === "string") return arrow.vectorFromArray(values, typeOf.string!());
      const data = arrays[kind]!(values.length);
      const valid = new Uint8Array((values.length + 7) >> 3);
      let nulls = 0;
      values.forEach((v, i) => {
        if (v === null) nulls++;
        else {
          data[i] = v;
          valid[i >> 3]! |= 1 << (i & 7);
        }
      });
      return arrow.makeVector(arrow.makeData({ type: typeOf[kind]!(), length: values.length, nullCount: nulls, nullBitmap: valid, data }));
    };
    class File extends Groups {
      private controller: ReadableStreamDefaultController | undefined;
      private done: Promise<void> = Promise.resolve();
      begin(): Chunk {
        const input = new ReadableStream({ start: (c) => void (this.controller = c) });
        this.done = pw.transformParquetStream(input, props).then(async (bytes: ReadableStream<Uint8Array>) => {
          for await (const chunk of bytes) this.out.push(chunk);
        });
        return "";
      }
      protected group(rows: Record<string, unknown>[]): void {
        const columns: Record<string, unknown> = {};
        for (const c of PARQUET_COLUMNS) columns[c.name] = vector(c.kind, rows.map((r) => r[c.name]));
        const table = new arrow.Table(columns);
        this.controller!.enqueue(pw.Table.fromIPCStream(arrow.tableToIPC(table, "stream")).recordBatch(0));
      }
      protected async finish(): Promise<void> {
        this.controller!.close();
        await this.done;
      }
    }
    return formatOf("parquet", () => new File());
  },
};

/** @dsnp/parquetjs and parquetjs-lite: the same API (one forked from the other), a row at a time, async. */
function parquetjs(name: string, pkg: string): Row {
  return {
    name,
    detail: `${pkg} (row at a time; times as INT64)`,
    async load() {
      const pq = await lib(pkg);
      const lite = pkg === "parquetjs-lite";
      const types: Record<string, string> = { string: "UTF8", u8: "UINT_8", u16: "UINT_16", u32: "UINT_32", u64: lite ? "INT64" : "UINT_64", ns: "INT64" };
      const schema = new pq.ParquetSchema(
        Object.fromEntries(PARQUET_COLUMNS.map((c) => [c.name, { type: types[c.kind], optional: !c.required, compression: "SNAPPY" }])),
      );
      class File extends Groups {
        private writer: Promise<{ appendRow(r: object): Promise<void>; close(): Promise<void> }> | undefined;
        private chain: Promise<void> = Promise.resolve();
        begin(): Chunk {
          const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (this.out.push(chunk), cb()) });
          this.writer = pq.ParquetWriter.openStream(schema, sink, { rowGroupSize: PARQUET_ROW_GROUP });
          return "";
        }
        protected group(rows: Record<string, unknown>[]): void {
          // The library takes numbers for its INT64 without bigint support.
          const fix = lite ? (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])) : (r: Record<string, unknown>) => r;
          const clean = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(fix(r)).filter(([, v]) => v !== null));
          this.chain = this.chain.then(async () => {
            const w = await this.writer!;
            for (const r of rows) await w.appendRow(clean(r));
          });
        }
        protected async finish(): Promise<void> {
          await this.chain;
          await (await this.writer!).close();
        }
      }
      return formatOf("parquet", () => new File());
    },
  };
}

const duckdb: Row = {
  name: "parquet/duckdb",
  detail: "@duckdb/node-api: appender into a table, COPY TO parquet at end (holds every row)",
  async load() {
    const d = await lib("@duckdb/node-api");
    const sql: Record<string, string> = { string: "VARCHAR", u8: "UTINYINT", u16: "USMALLINT", u32: "UINTEGER", u64: "UBIGINT", ns: "TIMESTAMP_NS" };
    const instance = await d.DuckDBInstance.create(":memory:");
    const con = await instance.connect();
    await con.run(`CREATE TABLE flows (${PARQUET_COLUMNS.map((c) => `${c.name} ${sql[c.kind]}`).join(", ")})`);
    const appender = await con.createAppender("flows");
    const append: Record<string, (v: any) => void> = {
      string: (v) => appender.appendVarchar(v), u8: (v) => appender.appendUTinyInt(v), u16: (v) => appender.appendUSmallInt(v),
      u32: (v) => appender.appendUInteger(v), u64: (v) => appender.appendUBigInt(v), ns: (v) => appender.appendTimestampNanoseconds(new d.DuckDBTimestampNanosecondsValue(v)),
    };
    const columns = PARQUET_COLUMNS.map((c) => ({ value: c.value, append: append[c.kind]! }));
    const encoder: FileEncoder<FlowRecord> = {
      begin: () => "",
      encode(batch) {
        for (const f of batch) {
          for (const c of columns) {
            const v = c.value(f);
            if (v === undefined || v === null) appender.appendNull();
            else c.append(v);
          }
          appender.endRow();
        }
        return "";
      },
      async end() {
        appender.closeSync();
        const dir = mkdtempSync(join(tmpdir(), "rfm-bench-duckdb-"));
        try {
          await con.run(`COPY flows TO '${join(dir, "f.parquet")}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${PARQUET_ROW_GROUP})`);
          return readFileSync(join(dir, "f.parquet"));
        } finally {
          rmSync(dir, { recursive: true, force: true });
          con.closeSync();
          instance.closeSync();
        }
      },
    };
    return formatOf("parquet", () => encoder);
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

export const CANDIDATES: Row[] = [protobufjs, protobufEs, parquetWasm, parquetjs("parquet/dsnp-parquetjs", "@dsnp/parquetjs"), parquetjs("parquet/parquetjs-lite", "parquetjs-lite"), duckdb];
