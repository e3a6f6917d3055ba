// Prometheus text exposition (format 0.0.4) for the agent's own metrics,
// written by hand because the flow tuples can number 65,536 and must be
// rendered without one object per sample.

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** A sample value in Prometheus' float syntax. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

export class TextWriter {
  private parts: string[] = [];

  header(name: string, type: "counter" | "gauge" | "histogram", help: string): void {
    this.parts.push(`# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}\n# TYPE ${name} ${type}\n`);
  }

  /** `labels` is pre-rendered `{a="b",...}` text (or "") so tuples render it once per scrape. */
  sample(name: string, labels: string, value: number): void {
    this.parts.push(`${name}${labels} ${formatValue(value)}\n`);
  }

  text(): string {
    return this.parts.join("");
  }
}

export function renderLabels(pairs: [string, string][]): string {
  if (pairs.length === 0) return "";
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}`;
}
