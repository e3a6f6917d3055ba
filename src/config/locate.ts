// smol-toml returns values without positions, so this scanner re-reads the
// (already valid) TOML text to learn the line on which each key is written.
// It only follows structure: headers, keys, strings, arrays and inline tables.

import { formatKeyPath, type KeyPath } from "./key-path.js";

export class KeyLocator {
  private readonly lines = new Map<string, number>();

  /** Remembers the first line a key appears on. */
  record(path: KeyPath, line: number): void {
    const key = formatKeyPath(path);
    if (!this.lines.has(key)) this.lines.set(key, line);
  }

  /** The line where this key or table header is written, if it is. */
  lineOf(path: KeyPath): number | undefined {
    return this.lines.get(formatKeyPath(path));
  }

  /**
   * The key's own line; else the first line inside it (a table created only by
   * `[a.b.c]` or `b.c = 1`); else the line of the closest enclosing key.
   */
  nearestLineOf(path: KeyPath): number | undefined {
    const exact = this.lineOf(path);
    if (exact !== undefined) return exact;
    const key = formatKeyPath(path);
    let first: number | undefined;
    for (const [other, line] of this.lines) {
      if ((other.startsWith(`${key}.`) || other.startsWith(`${key}[`)) && (first === undefined || line < first)) {
        first = line;
      }
    }
    if (first !== undefined) return first;
    for (let n = path.length - 1; n > 0; n--) {
      const enclosing = this.lineOf(path.slice(0, n));
      if (enclosing !== undefined) return enclosing;
    }
    return undefined;
  }
}

const BARE_KEY_CHAR = /[A-Za-z0-9_-]/;
const SCALAR_END = new Set([",", "]", "}", "#", "\n", "\r"]);
const BASIC_ESCAPES: Readonly<Record<string, string>> = {
  b: "\b", t: "\t", n: "\n", f: "\f", r: "\r", e: "\x1b", '"': '"', "\\": "\\",
};

export function locateKeys(text: string): KeyLocator {
  return new Scanner(text).scan();
}

class Scanner {
  private pos = 0;
  private line = 1;
  private readonly locator = new KeyLocator();
  // Element counts of `[[array.of.tables]]`, keyed by formatted path.
  private readonly arrayTables = new Map<string, number>();

  constructor(private readonly text: string) {}

  scan(): KeyLocator {
    let table: KeyPath = [];
    while (this.pos < this.text.length) {
      const start = this.pos;
      this.skipBlankLinesAndComments();
      if (this.pos >= this.text.length) break;
      if (this.text.startsWith("[[", this.pos)) {
        table = this.header(2);
      } else if (this.peek() === "[") {
        table = this.header(1);
      } else {
        this.keyValue(table);
      }
      this.skipToNextLine();
      if (this.pos === start) this.advance(); // never stall on unexpected input
    }
    return this.locator;
  }

  private header(brackets: 1 | 2): KeyPath {
    const line = this.line;
    this.pos += brackets;
    this.skipSpaces();
    const key = this.key() ?? [];
    // `[a.b]` after `[[a]]` means the b of a's last element.
    const resolved: (string | number)[] = [];
    key.forEach((segment, i) => {
      resolved.push(segment);
      const count = this.arrayTables.get(formatKeyPath(resolved));
      const isNewElement = brackets === 2 && i === key.length - 1;
      if (isNewElement) {
        this.locator.record(resolved, line);
        this.arrayTables.set(formatKeyPath(resolved), (count ?? 0) + 1);
        resolved.push(count ?? 0);
      } else if (count !== undefined) {
        resolved.push(count - 1);
      }
    });
    this.locator.record(resolved, line);
    return resolved;
  }

  private keyValue(table: KeyPath): void {
    const line = this.line;
    const key = this.key();
    if (key === undefined) return;
    for (let n = 1; n <= key.length; n++) this.locator.record([...table, ...key.slice(0, n)], line);
    this.skipSpaces();
    if (this.peek() !== "=") return;
    this.advance();
    this.skipSpaces();
    this.value([...table, ...key]);
  }

  private value(path: KeyPath): void {
    const c = this.peek();
    if (c === '"' || c === "'") {
      this.string();
    } else if (c === "[") {
      this.array(path);
    } else if (c === "{") {
      this.inlineTable(path);
    } else {
      while (this.pos < this.text.length && !SCALAR_END.has(this.peek())) this.advance();
    }
  }

  private array(path: KeyPath): void {
    this.advance(); // [
    for (let index = 0; this.pos < this.text.length; index++) {
      this.skipBlankLinesAndComments();
      if (this.peek() === "]") break;
      this.locator.record([...path, index], this.line);
      const start = this.pos;
      this.value([...path, index]);
      this.skipBlankLinesAndComments();
      if (this.peek() === ",") this.advance();
      else if (this.pos === start) break;
    }
    if (this.peek() === "]") this.advance();
  }

  private inlineTable(path: KeyPath): void {
    this.advance(); // {
    while (this.pos < this.text.length) {
      this.skipSpaces();
      if (this.peek() === "}") break;
      const line = this.line;
      const key = this.key();
      if (key === undefined) break;
      for (let n = 1; n <= key.length; n++) this.locator.record([...path, ...key.slice(0, n)], line);
      this.skipSpaces();
      if (this.peek() !== "=") break;
      this.advance();
      this.skipSpaces();
      this.value([...path, ...key]);
      this.skipSpaces();
      if (this.peek() !== ",") break;
      this.advance();
    }
    if (this.peek() === "}") this.advance();
  }

  /** A dotted key such as `a."b c".d`, or undefined if none starts here. */
  private key(): string[] | undefined {
    const segments: string[] = [];
    for (;;) {
      this.skipSpaces();
      const segment = this.keySegment();
      if (segment === undefined) return segments.length > 0 ? segments : undefined;
      segments.push(segment);
      this.skipSpaces();
      if (this.peek() !== ".") return segments;
      this.advance();
    }
  }

  private keySegment(): string | undefined {
    const c = this.peek();
    if (c === '"' || c === "'") return this.string();
    const start = this.pos;
    while (BARE_KEY_CHAR.test(this.peek())) this.advance();
    return this.pos > start ? this.text.slice(start, this.pos) : undefined;
  }

  /** Consumes any TOML string and returns its value (exact for keys, which are single-line). */
  private string(): string {
    const quote = this.peek();
    const multiline = this.text.startsWith(quote.repeat(3), this.pos);
    const delimiter = multiline ? quote.repeat(3) : quote;
    this.pos += delimiter.length;
    let value = "";
    while (this.pos < this.text.length) {
      if (this.text.startsWith(delimiter, this.pos)) {
        this.pos += delimiter.length;
        // A multi-line string may end with up to two extra quotes: """a"""""
        while (multiline && this.peek() === quote) this.advance();
        return value;
      }
      const c = this.peek();
      if (!multiline && c === "\n") return value; // unterminated: stop at the line end
      this.advance();
      if (c === "\\" && quote === '"') value += this.escape();
      else value += c;
    }
    return value;
  }

  private escape(): string {
    const c = this.peek();
    this.advance();
    const simple = BASIC_ESCAPES[c];
    if (simple !== undefined) return simple;
    const digits = c === "u" ? 4 : c === "U" ? 8 : c === "x" ? 2 : 0;
    if (digits > 0) {
      const code = Number.parseInt(this.text.slice(this.pos, this.pos + digits), 16);
      this.pos += digits;
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : "";
    }
    return ""; // a line-ending backslash or an invalid escape
  }

  private peek(): string {
    return this.text[this.pos] ?? "";
  }

  private advance(): void {
    if (this.text[this.pos] === "\n") this.line++;
    this.pos++;
  }

  private skipSpaces(): void {
    while (this.peek() === " " || this.peek() === "\t") this.advance();
  }

  private skipBlankLinesAndComments(): void {
    for (;;) {
      const c = this.peek();
      if (c === " " || c === "\t" || c === "\n" || c === "\r") this.advance();
      else if (c === "#") this.skipComment();
      else return;
    }
  }

  private skipComment(): void {
    while (this.pos < this.text.length && this.peek() !== "\n") this.advance();
  }

  /** Skips trailing comments and the rest of the current line (after `]` or a value). */
  private skipToNextLine(): void {
    while (this.pos < this.text.length && this.peek() !== "\n") {
      const c = this.peek();
      // Keep strings intact so a "#" or newline inside one is not misread.
      if (c === '"' || c === "'") this.string();
      else if (c === "#") this.skipComment();
      else this.advance();
    }
  }
}
