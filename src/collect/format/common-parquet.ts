// "common" as Parquet, the way RustFlow writes it: RustFlow's columns in its
// order, Snappy, native unsigned widths (UINT_8/16/32/64), the time_*_ns
// columns as TIMESTAMP(NANOS, UTC), addresses and MACs as UTF-8 strings,
// enrichment columns as strings, statistics and delta encoding on the time
// columns only, row groups of 32,768 rows. The encoder holds rows column by
// column until a group is full and only then returns its bytes; `end`
// writes the last, short group and the footer. Written with
// hyparquet-writer (pure JS, one dependency): in bench/collect-formats.ts
// the fastest of the writers that take row groups as they come
// (parquet-wasm, @dsnp/parquetjs, parquetjs-lite; DuckDB holds every row
// until the end), with the smallest files and peak RSS. A footer points back
// into the file, so this format cannot stream to a pipe.
import { ByteWriter, ParquetWriter, type SchemaElement } from "hyparquet-writer";
import type { FlowRecord } from "../../flow-record/index.js";
import { formatAddress } from "../../net/address.js";
import { nsBigInt } from "./binary-values.js";
import type { FileEncoder, RecordFormat } from "./formatter.js";

export const PARQUET_ROW_GROUP = 32_768;

type Kind = "string" | "u8" | "u16" | "u32" | "u64" | "ns";
type Value = string | number | bigint | null;

interface ParquetColumn {
  name: string;
  kind: Kind;
  required?: boolean;
  value(f: FlowRecord): Value | undefined;
}

const addr = (a: Uint8Array | undefined) => (a && a.length === 16 ? formatAddress(a) : undefined);
const ns = (ms: number | undefined, within?: number) => (ms === undefined ? undefined : nsBigInt(ms, within));

/** In COMMON_COLUMNS' order (a test holds them equal), RustFlow's widths. */
export const PARQUET_COLUMNS: readonly ParquetColumn[] = [
  { name: "flow_type", kind: "string", value: (f) => f.flowType },
  { name: "time_received_ns", kind: "ns", value: (f) => ns(f.receivedMs, f.receivedNs ?? 0) },
  { name: "sequence_num", kind: "u32", value: (f) => f.sequence },
  { name: "sampling_rate", kind: "u32", value: (f) => f.samplingRate },
  { name: "sampler_address", kind: "string", value: (f) => f.samplerAddress },
  { name: "time_flow_start_ns", kind: "ns", value: (f) => ns(f.startMs) },
  { name: "time_flow_end_ns", kind: "ns", value: (f) => ns(f.endMs) },
  { name: "bytes", kind: "u64", required: true, value: (f) => BigInt(f.bytes) },
  { name: "packets", kind: "u64", required: true, value: (f) => BigInt(f.packets) },
  { name: "src_addr", kind: "string", value: (f) => addr(f.src) },
  { name: "dst_addr", kind: "string", value: (f) => addr(f.dst) },
  { name: "src_mac", kind: "string", value: (f) => f.srcMac },
  { name: "dst_mac", kind: "string", value: (f) => f.dstMac },
  { name: "etype", kind: "u16", value: (f) => f.etype },
  { name: "proto", kind: "u8", value: (f) => f.proto },
  { name: "src_port", kind: "u16", value: (f) => f.sport },
  { name: "dst_port", kind: "u16", value: (f) => f.dport },
  { name: "in_if", kind: "u32", value: (f) => f.inIf },
  { name: "out_if", kind: "u32", value: (f) => f.outIf },
  { name: "ip_tos", kind: "u8", value: (f) => f.tos },
  { name: "ip_ttl", kind: "u8", value: (f) => f.ttl },
  { name: "tcp_flags", kind: "u16", value: (f) => f.tcpFlags },
  { name: "icmp_type", kind: "u8", value: (f) => f.icmpType },
  { name: "icmp_code", kind: "u8", value: (f) => f.icmpCode },
  { name: "ipv6_flow_label", kind: "u32", value: (f) => f.flowLabel },
  { name: "fragment_id", kind: "u32", value: (f) => f.fragmentId },
  { name: "fragment_offset", kind: "u16", value: (f) => f.fragmentOffset },
  { name: "src_as", kind: "u32", value: (f) => f.srcAsn },
  { name: "dst_as", kind: "u32", value: (f) => f.dstAsn },
  { name: "next_hop", kind: "string", value: (f) => f.nextHop },
  { name: "src_net", kind: "u8", value: (f) => f.srcMask },
  { name: "dst_net", kind: "u8", value: (f) => f.dstMask },
  { name: "bgp_next_hop", kind: "string", value: (f) => f.bgpNextHop },
  { name: "src_vlan", kind: "u16", value: (f) => f.srcVlan },
  { name: "dst_vlan", kind: "u16", value: (f) => f.dstVlan },
  { name: "observation_domain_id", kind: "u32", value: (f) => f.observationDomainId },
  { name: "template_id", kind: "u16", value: (f) => f.templateId },
];

// Unsigned widths as ConvertedType alone: hyparquet-writer 0.17 writes the
// INTEGER logical type's bitWidth as a Thrift i32 where the format says i8,
// and DuckDB rejects the whole footer for it; readers map UINT_8..UINT_64 to
// the same unsigned types (the format keeps them for that).
const unsigned = (bitWidth: 8 | 16 | 32 | 64): Partial<SchemaElement> => ({
  type: bitWidth === 64 ? "INT64" : "INT32",
  converted_type: `UINT_${bitWidth}`,
});

const ELEMENT: Record<Kind, Partial<SchemaElement>> = {
  string: { type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } },
  u8: unsigned(8),
  u16: unsigned(16),
  u32: unsigned(32),
  u64: unsigned(64),
  ns: { type: "INT64", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "NANOS" } },
};

export class CommonParquet implements RecordFormat {
  readonly extension = "parquet";
  readonly streams = false;
  private readonly columns: readonly ParquetColumn[];

  constructor(enrichColumns: readonly string[] = [], private readonly rowGroup = PARQUET_ROW_GROUP) {
    this.columns = [
      ...PARQUET_COLUMNS,
      ...enrichColumns.map((name): ParquetColumn => ({ name, kind: "string", value: (f) => f.enriched?.[name] })),
    ];
  }

  open(): FileEncoder<FlowRecord> {
    return new ParquetFile(this.columns, this.rowGroup);
  }
}

/** One file: rows held column by column until a row group is full. */
class ParquetFile implements FileEncoder<FlowRecord> {
  private readonly out = new ByteWriter(1 << 20);
  private writer: ParquetWriter | undefined;
  private readonly data: Value[][];
  private rows = 0;

  constructor(private readonly columns: readonly ParquetColumn[], private readonly rowGroup: number) {
    this.data = columns.map(() => new Array<Value>(rowGroup));
  }

  /** The magic number. */
  begin(): Uint8Array {
    const schema: SchemaElement[] = [
      { name: "root", num_children: this.columns.length },
      ...this.columns.map((c): SchemaElement => ({ name: c.name, repetition_type: c.required ? "REQUIRED" : "OPTIONAL", ...ELEMENT[c.kind] })),
    ];
    this.writer = new ParquetWriter({ writer: this.out, schema, codec: "SNAPPY", statistics: false, createdBy: "rfm" });
    return this.take();
  }

  encode(batch: readonly FlowRecord[]): Uint8Array {
    const columns = this.columns;
    const data = this.data;
    for (const f of batch) {
      const row = this.rows++;
      for (let c = 0; c < columns.length; c++) data[c]![row] = columns[c]!.value(f) ?? null;
      if (this.rows === this.rowGroup) this.flushGroup();
    }
    return this.take();
  }

  /** The rows still held, then the footer. */
  end(): Uint8Array {
    if (this.rows > 0) this.flushGroup();
    void this.writer!.finish();
    return this.take();
  }

  private flushGroup(): void {
    const n = this.rows;
    this.writer!.write({
      columnData: this.columns.map((c, i) => ({
        name: c.name,
        data: n === this.rowGroup ? this.data[i]! : this.data[i]!.slice(0, n),
        // Times: statistics (what a reader prunes row groups by) and deltas,
        // small for times that mostly rise: half the file, twice the speed.
        ...(c.kind === "ns" ? { statistics: true, encoding: "DELTA_BINARY_PACKED" as const } : { statistics: false }),
      })),
      rowGroupSize: this.rowGroup,
    });
    this.rows = 0;
  }

  /** What the writer has put out since the last call, as a copy: its buffer is reused. */
  private take(): Uint8Array {
    const bytes = this.out.getBytes().slice();
    this.out.index = 0;
    return bytes;
  }
}
