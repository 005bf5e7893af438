// From the text of an exported file to entries ready to encrypt, with every row that cannot be imported
// named by its line and field. Nothing here echoes a value from the file: problems say which field and what
// is wrong with it, never what it held (a password in the wrong column would otherwise land in a message).
import type { z } from 'zod';
import { CoreError } from '../../backend/errors';
import { type Entry, EntrySchema } from '../entry-schema';
import { readBitwardenJson as readJson } from './bitwarden-json';
import { readCsv } from './csv';
import { detectFormat, type ImportFormat, type RawEntry } from './formats';

/** Larger than any office's export; a bigger file is a mistake (or an attack on memory), refused whole. */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 20_000;

export interface ImportProblem {
  line: number;
  /** The entry field at fault, or null for a row that could not be read at all. */
  field: string | null;
  message: string;
}

export interface ImportRow {
  line: number;
  entry: Entry;
  /** Same title, username and address as an entry already in the vault, or an earlier row of the file. */
  duplicateOf: 'vault' | number | null;
}

export interface ParsedImport {
  format: ImportFormat;
  rows: ImportRow[];
  problems: ImportProblem[];
}

export interface DuplicateKeySource {
  title: string;
  username: string;
  url: string;
}

export function duplicateKey(e: DuplicateKeySource): string {
  const url = e.url.trim().toLowerCase().replace(/\/+$/, '');
  return JSON.stringify([e.title.trim().toLowerCase(), e.username.trim().toLowerCase(), url]);
}

const FIELD_NAMES = new Set(['title', 'username', 'password', 'url', 'notes', 'category', 'totp', 'fields']);

function describe(issue: z.core.$ZodIssue): ImportProblem['message'] {
  if (issue.code === 'too_big')
    return issue.origin === 'string'
      ? `longer than ${String(issue.maximum)} characters`
      : `more than ${String(issue.maximum)} items`;
  if (issue.code === 'too_small') return 'missing';
  // The only custom rule (the authenticator key) has a fixed message that names no value.
  if (issue.code === 'custom') return issue.message;
  return 'not valid';
}

// Firefox has no title column and people leave titles empty: the site's host name, else the username.
function withTitle(raw: RawEntry): RawEntry {
  if (raw.title.trim() !== '') return raw;
  let host = '';
  try {
    host = new URL(raw.url.trim()).hostname;
  } catch {
    host = raw.url.trim();
  }
  return { ...raw, title: (host || raw.username.trim()).slice(0, 200) };
}

/**
 * Reads the whole file. A file that is too big, empty or of an unknown layout is refused with one error;
 * otherwise every row either becomes an entry or is listed in `problems`, and the caller decides.
 */
export function parseImport(text: string, existing: Iterable<DuplicateKeySource> = []): ParsedImport {
  if (Buffer.byteLength(text, 'utf8') > IMPORT_MAX_BYTES)
    throw new CoreError('invalid_request', 'This file is larger than 10 MB, too large to import.');
  const read = readBitwardenJson(text) ?? readCsvRows(text);
  if (read.records.length > IMPORT_MAX_ROWS)
    throw new CoreError('invalid_request', `This file has more than ${IMPORT_MAX_ROWS} rows.`);

  const problems: ImportProblem[] = [...read.problems];
  const seen = new Map<string, 'vault' | number>();
  for (const e of existing) seen.set(duplicateKey(e), 'vault');
  const rows: ImportRow[] = [];
  for (const rec of read.records) {
    if (typeof rec.raw === 'string') {
      problems.push({ line: rec.line, field: null, message: rec.raw });
      continue;
    }
    const parsed = EntrySchema.safeParse(withTitle(rec.raw));
    if (!parsed.success) {
      const fields = new Set<string>();
      for (const issue of parsed.error.issues) {
        const top = issue.path[0];
        const field = typeof top === 'string' && FIELD_NAMES.has(top) ? top : 'entry';
        if (fields.has(field)) continue;
        fields.add(field);
        problems.push({ line: rec.line, field, message: describe(issue) });
      }
      continue;
    }
    const key = duplicateKey(parsed.data);
    rows.push({ line: rec.line, entry: parsed.data, duplicateOf: seen.get(key) ?? null });
    if (!seen.has(key)) seen.set(key, rec.line);
  }
  problems.sort((a, b) => a.line - b.line);
  return { format: read.format, rows, problems };
}

/** A file read into rows: each an entry to check, or the words for why it could not be read at all. */
interface ReadFile {
  format: ImportFormat;
  records: { line: number; raw: RawEntry | string }[];
  problems: ImportProblem[];
}

function readBitwardenJson(text: string): ReadFile | null {
  const items = readJson(text);
  if (!items) return null;
  return {
    format: 'bitwardenjson',
    records: items.map((r) => ({ line: r.line, raw: r.raw ?? 'is not a login or a secure note' })),
    problems: [],
  };
}

function readCsvRows(text: string): ReadFile {
  const { records, problems } = readCsv(text);
  const [header, ...data] = records;
  if (!header) throw new CoreError('invalid_request', 'This file has no rows to import.');
  const detected = detectFormat(header.fields);
  if (!detected)
    throw new CoreError(
      'invalid_request',
      'The first row of this file does not name its columns (title, username, password, url…).',
    );
  return {
    format: detected.format,
    problems: problems.map((p) => ({ line: p.line, field: null, message: p.message })),
    records: data.map((rec) => ({
      line: rec.line,
      raw:
        rec.fields.length === header.fields.length
          ? detected.map(rec.fields)
          : `has ${rec.fields.length} columns where the first row has ${header.fields.length}`,
    })),
  };
}
