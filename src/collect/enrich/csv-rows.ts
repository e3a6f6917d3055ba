// The rows of a CSV enrichment table (RFC 4180): fields split on commas,
// double quotes around fields that hold commas, quotes ("") or line breaks,
// CRLF or LF line ends, a UTF-8 byte order mark ignored, blank lines skipped.
// Spaces around an unquoted field are trimmed (hand-edited tables have them).
// Each row carries the line it starts on, for the bad-row report.

export interface CsvRow {
  line: number;
  fields: string[];
}

export interface CsvEnd {
  /** Set when a quoted field is not closed before the end: the line of the row it starts, which is lost. */
  unterminatedAt?: number;
}

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Hands each row to `onRow` in order (rows are not kept: a big table is parsed as it is built). */
export function forEachCsvRow(text: string, onRow: (row: CsvRow) => void): CsvEnd {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let blank = true;
    // One row: fields until a line end outside quotes.
    for (;;) {
      let field: string;
      let j = i;
      while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
      if (j < n && text.charCodeAt(j) === QUOTE) {
        blank = false;
        let value = "";
        let from = j + 1;
        for (j = from; ; j++) {
          if (j >= n) return { unterminatedAt: start };
          const c = text.charCodeAt(j);
          if (c === LF) line++;
          if (c !== QUOTE) continue;
          value += text.slice(from, j);
          if (text.charCodeAt(j + 1) === QUOTE) {
            value += '"';
            from = ++j + 1;
            continue;
          }
          break;
        }
        // After the closing quote: anything up to the separator is kept as is (lenient).
        let k = j + 1;
        while (k < n && text.charCodeAt(k) !== COMMA && text.charCodeAt(k) !== LF && text.charCodeAt(k) !== CR) k++;
        field = value + text.slice(j + 1, k).trim();
        i = k;
      } else {
        let k = i;
        while (k < n && text.charCodeAt(k) !== COMMA && text.charCodeAt(k) !== LF && text.charCodeAt(k) !== CR) k++;
        field = text.slice(i, k).trim();
        if (field !== "" || (k < n && text.charCodeAt(k) === COMMA)) blank = false;
        i = k;
      }
      fields.push(field);
      if (i < n && text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      // A line end (CRLF, LF or a lone CR) or the end of the text.
      if (i < n && text.charCodeAt(i) === CR) i++;
      if (i < n && text.charCodeAt(i) === LF) i++;
      line++;
      break;
    }
    if (!blank) onRow({ line: start, fields });
  }
  return {};
}
