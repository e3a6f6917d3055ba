// Which format a run writes, from its settings: raw NDJSON, or the common
// format in one of its serialisations (Parquet's writer loaded only when
// asked for); undefined for `-s discard`. Shared by the process and its
// worker threads.
import type { Serialization } from "./serialization.js";
import { CommonCsv } from "./common-csv.js";
import { CommonNdjson } from "./common-ndjson.js";
import { CommonProtobuf } from "./common-protobuf.js";
import type { DatagramFormat, RecordFormat } from "./formatter.js";
import { RawNdjson } from "./raw-ndjson.js";

export type SelectedFormat = { kind: "raw"; format: DatagramFormat | undefined } | { kind: "common"; format: RecordFormat | undefined };

export async function selectFormat(format: "raw" | "common", serialization: Serialization, enrichColumns: readonly string[]): Promise<SelectedFormat> {
  if (format === "raw") return { kind: "raw", format: serialization === "discard" ? undefined : new RawNdjson() };
  if (serialization === "discard") return { kind: "common", format: undefined };
  if (serialization === "csv") return { kind: "common", format: new CommonCsv(enrichColumns) };
  if (serialization === "protobuf") return { kind: "common", format: new CommonProtobuf(enrichColumns) };
  if (serialization === "parquet") return { kind: "common", format: new (await import("./common-parquet.js")).CommonParquet(enrichColumns) };
  return { kind: "common", format: new CommonNdjson(enrichColumns) };
}
