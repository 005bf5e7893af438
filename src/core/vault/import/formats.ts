// Which program wrote the file, told from its header row, and how its columns map onto an entry. Every
// format's header is what that program writes in its CSV export; anything else falls back to the generic
// mapping by column name (title/name, username/login, password, url, notes, totp/otp, folder/category).
import type { EntryInput } from '../entry-schema';

export const IMPORT_FORMATS = [
  'bitwarden',
  'bitwardenjson',
  '1password',
  'lastpass',
  'keepassxc',
  'keepass',
  'chrome',
  'firefox',
  'generic',
] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const FORMAT_NAMES: Record<ImportFormat, string> = {
  bitwarden: 'Bitwarden',
  bitwardenjson: 'Bitwarden (JSON)',
  '1password': '1Password',
  lastpass: 'LastPass',
  keepassxc: 'KeePassXC',
  keepass: 'KeePass',
  chrome: 'Chrome / Edge',
  firefox: 'Firefox',
  generic: 'Spreadsheet (CSV)',
};

/** An entry as read from one row, before validation; `field` names which column fed which entry field. */
export type RawEntry = Required<Omit<EntryInput, 'fields'>> & { fields: NonNullable<EntryInput['fields']> };

type Row = (column: string) => string;

interface Format {
  id: ImportFormat;
  /** Columns whose presence identifies the program. */
  requires: string[];
  /** Only these columns may appear (a layout too plain to tell from a spreadsheet otherwise). */
  only?: string[];
  map(row: Row): RawEntry;
}

const norm = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');

function blank(): RawEntry {
  return { title: '', username: '', password: '', url: '', notes: '', category: '', totp: '', fields: [] };
}

// KeePass and KeePassXC put everything under a root group ("Root", "Database" or the file's name).
function groupCategory(group: string): string {
  const parts = group.split('/').filter((p) => p.trim() !== '');
  return (parts.length > 1 ? parts.slice(1) : parts).join(' / ');
}

// Bitwarden's "fields" column: one "name: value" per line.
function bitwardenFields(text: string): RawEntry['fields'] {
  const out: RawEntry['fields'] = [];
  for (const l of text.split(/\r?\n/)) {
    const at = l.indexOf(': ');
    if (l.trim() === '') continue;
    const name = (at > 0 ? l.slice(0, at) : l).trim();
    if (name) out.push({ name, value: at > 0 ? l.slice(at + 2) : '', hidden: false });
  }
  return out;
}

const FORMATS: Format[] = [
  {
    id: 'bitwarden',
    requires: ['login password', 'login username', 'login uri', 'name'],
    map: (r) => ({
      ...blank(),
      title: r('name'),
      username: r('login username'),
      password: r('login password'),
      url: r('login uri').split(',')[0] ?? '',
      notes: r('notes'),
      category: r('folder'),
      totp: r('login totp'),
      fields: bitwardenFields(r('fields')),
    }),
  },
  {
    id: 'lastpass',
    requires: ['url', 'username', 'password', 'extra', 'name', 'grouping'],
    map: (r) => ({
      ...blank(),
      title: r('name'),
      username: r('username'),
      password: r('password'),
      // Secure notes carry this placeholder instead of an address.
      url: r('url') === 'http://sn' ? '' : r('url'),
      notes: r('extra'),
      category: r('grouping').replace(/\\/g, ' / '),
      totp: r('totp'),
    }),
  },
  {
    id: 'keepassxc',
    requires: ['group', 'title', 'username', 'password', 'url', 'notes'],
    map: (r) => ({
      ...blank(),
      title: r('title'),
      username: r('username'),
      password: r('password'),
      url: r('url'),
      notes: r('notes'),
      category: groupCategory(r('group')),
      totp: r('totp'),
    }),
  },
  {
    id: 'keepass',
    requires: ['account', 'login name', 'password', 'web site', 'comments'],
    map: (r) => ({
      ...blank(),
      title: r('account'),
      username: r('login name'),
      password: r('password'),
      url: r('web site'),
      notes: r('comments'),
    }),
  },
  {
    id: 'firefox',
    requires: ['url', 'username', 'password', 'httprealm', 'formactionorigin'],
    map: (r) => ({ ...blank(), username: r('username'), password: r('password'), url: r('url') }),
  },
  {
    id: '1password',
    requires: ['title', 'url', 'username', 'password', 'otpauth'],
    map: (r) => ({
      ...blank(),
      title: r('title'),
      username: r('username'),
      password: r('password'),
      url: r('url'),
      notes: r('notes'),
      category: (r('tags').split(/[,;]/)[0] ?? '').trim(),
      totp: r('otpauth'),
    }),
  },
  {
    // Edge exports the same columns as Chrome; "note" came in later versions.
    id: 'chrome',
    requires: ['name', 'url', 'username', 'password'],
    only: ['name', 'url', 'username', 'password', 'note'],
    map: (r) => ({
      ...blank(),
      title: r('name'),
      username: r('username'),
      password: r('password'),
      url: r('url'),
      notes: r('note'),
    }),
  },
];

// Generic spreadsheets: the first column whose name is one of these feeds the field.
// German names too: the offices this is for keep their lists in German Excel as often as not.
const GENERIC: Record<Exclude<keyof RawEntry, 'fields'>, string[]> = {
  title: ['title', 'name', 'account', 'site', 'service', 'entry', 'titel', 'bezeichnung', 'konto', 'dienst'],
  username: [
    'username',
    'user',
    'login',
    'user name',
    'login name',
    'email',
    'e mail',
    'benutzername',
    'benutzer',
    'anmeldename',
  ],
  password: ['password', 'pass', 'passwd', 'pwd', 'kennwort', 'passwort'],
  url: ['url', 'uri', 'website', 'web site', 'address', 'link', 'login uri', 'webseite', 'adresse'],
  notes: ['notes', 'note', 'comments', 'comment', 'extra', 'description', 'notizen', 'notiz', 'bemerkung'],
  totp: ['totp', 'otp', 'otpauth', '2fa', 'authenticator'],
  category: ['category', 'folder', 'group', 'grouping', 'tags', 'tag', 'kategorie', 'ordner', 'gruppe'],
};

export interface DetectedFormat {
  format: ImportFormat;
  /** Maps a data row onto an entry; columns the format does not name are ignored. */
  map(fields: string[]): RawEntry;
}

/** Null when the header row names neither a known program's columns nor a password or title column. */
export function detectFormat(header: string[]): DetectedFormat | null {
  const cols = header.map(norm);
  const index = new Map<string, number>();
  cols.forEach((c, i) => {
    if (!index.has(c)) index.set(c, i);
  });
  const rowOf =
    (fields: string[]): Row =>
    (column) => {
      const i = index.get(column);
      return i === undefined ? '' : (fields[i] ?? '');
    };
  const known = FORMATS.find(
    (f) => f.requires.every((c) => index.has(c)) && (!f.only || cols.every((c) => f.only?.includes(c))),
  );
  if (known) return { format: known.id, map: (fields) => known.map(rowOf(fields)) };
  const pick = Object.fromEntries(
    Object.entries(GENERIC).map(([field, names]) => [field, names.find((n) => index.has(n))]),
  ) as Record<keyof typeof GENERIC, string | undefined>;
  if (!pick.password && !pick.title) return null;
  return {
    format: 'generic',
    map: (fields) => {
      const r = rowOf(fields);
      const out = blank();
      for (const key of Object.keys(GENERIC) as (keyof typeof GENERIC)[]) {
        const col = pick[key];
        if (col) out[key] = r(col);
      }
      return out;
    },
  };
}
