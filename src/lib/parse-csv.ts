/**
 * Parses CSV text as RFC 4180 describes it, plus what spreadsheets actually produce: a UTF-8 byte
 * order mark at the start (Excel's "CSV UTF-8"), LF as well as CRLF line ends, and a missing final
 * line end. Fields may be quoted; inside quotes, `""` is a quote and commas and line breaks are
 * data. Returns the records as arrays of strings (no header handling); a blank line is a record
 * with one empty field, which callers usually skip.
 *
 * Throws a RangeError for an unterminated quoted field or a quote in the middle of an unquoted
 * one, because guessing would silently shift columns (a balance into the name column).
 */
export function parseCsv(text: string): string[][] {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  let line = 1;
  let quoteLine = 1;
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRecord = () => {
    endField();
    records.push(record);
    record = [];
    line++;
  };
  while (i < input.length) {
    const ch = input[i]!;
    if (quoted) {
      if (ch === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = input[i];
        if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
          throw new RangeError(`CSV line ${line}: unexpected text after a closing quote`);
        }
        continue;
      }
      if (ch === '\n') line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (fieldStarted) throw new RangeError(`CSV line ${line}: a quote inside an unquoted field`);
      quoted = true;
      quoteLine = line;
      fieldStarted = true;
      i++;
      continue;
    }
    if (ch === ',') {
      endField();
      i++;
      continue;
    }
    if (ch === '\r' && input[i + 1] === '\n') {
      endRecord();
      i += 2;
      continue;
    }
    if (ch === '\n' || ch === '\r') {
      endRecord();
      i++;
      continue;
    }
    field += ch;
    fieldStarted = true;
    i++;
  }
  if (quoted) throw new RangeError(`CSV line ${quoteLine}: a quoted field is not closed`);
  // Text ending with a line break has no further record; otherwise the last one is unterminated.
  if (fieldStarted || record.length > 0) endRecord();
  return records;
}
