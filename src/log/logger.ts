// Plain line logger on stderr: `LEVEL message key=value ...`, one line per
// event, so journald and `2>&1 | grep` both work without a library.
export type Level = "debug" | "info" | "warn" | "error";

const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold: number = ORDER[(process.env.RFM_LOG_LEVEL as Level | undefined) ?? "info"] ?? ORDER.info;

function fmt(fields?: Record<string, unknown>): string {
  if (!fields) return "";
  let s = "";
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const text = typeof v === "string" ? v : JSON.stringify(v);
    s += ` ${k}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`;
  }
  return s;
}

function write(level: Level, msg: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < threshold) return;
  process.stderr.write(`${level.toUpperCase().padEnd(5)} ${msg}${fmt(fields)}\n`);
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};
