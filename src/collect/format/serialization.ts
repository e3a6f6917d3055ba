// How the common format is written (`-s`).
export type Serialization = "ndjson" | "csv" | "protobuf" | "parquet" | "discard";
