// How parsed TOML values are named in messages ("found string \"100\"").
// smol-toml is run with integersAsBigInt, so bigint means a TOML integer and
// number means a TOML float.

const MAX_SHOWN = 40;

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

// As TOML writes it: 100.0 stays visibly a float, infinities are "inf".
function formatFloat(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "undefined":
      return "nothing";
    case "string": {
      const quoted = JSON.stringify(value);
      return `string ${quoted.length > MAX_SHOWN ? `${quoted.slice(0, MAX_SHOWN)}…` : quoted}`;
    }
    case "bigint":
      return `integer ${value}`;
    case "number":
      return `float ${formatFloat(value)}`;
    case "boolean":
      return `boolean ${value}`;
  }
  if (Array.isArray(value)) return `array of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (value instanceof Date) return `date-time ${value.toISOString()}`;
  if (isTable(value)) return "table";
  return typeof value;
}
