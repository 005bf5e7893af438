// An RFC 4180 reader for the files people bring from other password managers: quoted fields, doubled quotes,
// CRLF or LF, line breaks inside quoted fields, a UTF-8 byte-order mark. Each record keeps the line it
// starts on, so a problem can be named by the line a person sees in a spreadsheet or editor.

export interface CsvRecord {
  /** 1-based physical line where the record starts. */
  line: number;
  fields: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

export interface CsvResult {
  records: CsvRecord[];
  problems: CsvProblem[];
}

/**
 * Reads every record. A quote left open swallows the rest of the file in a naive reader; here the open
 * record is reported and reading goes on from the line after the one it started on, so one bad line
 * never costs the rows behind it.
 */
export function readCsv(input: string): CsvResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const sep = delimiterOf(text);
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const start = { i, line };
    const r = readRecord(text, i, line, sep);
    if (r.ok) {
      // A blank line is no record (spreadsheets leave them at the end).
      if (!(r.fields.length === 1 && r.fields[0] === ''))
        records.push({ line: start.line, fields: r.fields });
      i = r.next;
      line = r.line;
      continue;
    }
    problems.push({ line: start.line, message: r.message });
    const eol = text.indexOf('\n', start.i);
    if (eol < 0) break;
    i = eol + 1;
    line = start.line + 1;
  }
  return { records, problems };
}

type RecordRead = { ok: true; fields: string[]; next: number; line: number } | { ok: false; message: string };

/**
 * Spreadsheets in many locales (German Excel among them) save "CSV" with semicolons, some tools with tabs: the
 * header row decides, by which of the three it holds most of outside quotes.
 */
function delimiterOf(text: string): string {
  const end = text.search(/\r|\n/);
  const header = (end < 0 ? text : text.slice(0, end)).replace(/"[^"]*"/g, '');
  let best = ',';
  let most = 0;
  for (const d of [',', ';', '\t']) {
    const n = header.split(d).length - 1;
    if (n > most) {
      best = d;
      most = n;
    }
  }
  return best;
}

function readRecord(text: string, from: number, startLine: number, sep: string): RecordRead {
  const fields: string[] = [];
  let i = from;
  let line = startLine;
  for (;;) {
    let value = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return { ok: false, message: 'a quoted field is never closed' };
        const chunk = text.slice(i, q);
        value += chunk;
        line += countNewlines(chunk);
        if (text[q + 1] === '"') {
          value += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      const c = text[i];
      if (c !== undefined && c !== sep && c !== '\r' && c !== '\n')
        return { ok: false, message: 'text follows a closing quote' };
    } else {
      let j = i;
      while (j < text.length && text[j] !== sep && text[j] !== '\n' && text[j] !== '\r') j++;
      value = text.slice(i, j);
      if (value.includes('"')) return { ok: false, message: 'a quote inside an unquoted field' };
      i = j;
    }
    fields.push(value);
    const c = text[i];
    if (c === sep) {
      i++;
      continue;
    }
    if (c === '\r' && text[i + 1] === '\n') i += 2;
    else if (c === '\n' || c === '\r') i++;
    return { ok: true, fields, next: i, line: c === undefined ? line : line + 1 };
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 10) n++;
    else if (c === 13 && s.charCodeAt(k + 1) !== 10) n++;
  }
  return n;
}
