// A vault written out for leaving Keyroom, in Bitwarden's unencrypted export formats, which most password
// managers read. Both follow Bitwarden's documented import/export format (bitwarden.com/help/import-data:
// "Condition a .csv file" and "Condition a Bitwarden .json file"): the CSV header
// folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp with custom
// fields as one "name: value" per line; the JSON {encrypted: false, folders: [{id, name}], items: [{id, folderId,
// type: 1, name, notes, favorite, reprompt, fields: [{name, value, type}], login: {uris: [{match, uri}], username,
// password, totp}, collectionIds}]}, field type 0 text and 1 hidden. Categories become folders.
//
// The optional passphrase is Keyroom's own wrapping, not Bitwarden's "password protected" export (that one
// derives an AES-CBC + HMAC key with Bitwarden's EncString layout and a key-validation field; reproducing it
// right is more than a leaving office needs): Argon2id at the master-password floor, XChaCha20-Poly1305 over the
// whole JSON, the header bound as associated data. Only Keyroom opens it (openSealedExport).
import { randomUUID } from 'node:crypto';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { CoreError } from '../backend/errors';
import { fromBase64Url, toBase64Url, utf8 } from '../crypto/bytes';
import { argon2idRaw, KDF_DEFAULT } from '../crypto/kdf';
import type { Entry } from './entry-schema';

export const CSV_HEADER = [
  'folder',
  'favorite',
  'type',
  'name',
  'notes',
  'fields',
  'reprompt',
  'login_uri',
  'login_username',
  'login_password',
  'login_totp',
] as const;

export type ExportFormat = 'csv' | 'json';

// RFC 4180: a field with a separator, a quote or a line break is quoted and its quotes doubled. Values are not
// prefixed against spreadsheet formulas: the file is for another password manager, which must get the password
// exactly as it is.
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toBitwardenCsv(entries: Entry[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const e of entries) {
    const fields = e.fields.map((f) => `${f.name}: ${f.value}`).join('\n');
    const row = [
      e.category,
      '',
      'login',
      e.title,
      e.notes,
      fields,
      '0',
      e.url,
      e.username,
      e.password,
      e.totp,
    ];
    lines.push(row.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export function toBitwardenJson(entries: Entry[]): string {
  const folders = new Map<string, string>();
  for (const e of entries)
    if (e.category !== '' && !folders.has(e.category)) folders.set(e.category, randomUUID());
  const doc = {
    encrypted: false,
    folders: [...folders].map(([name, id]) => ({ id, name })),
    items: entries.map((e) => ({
      id: randomUUID(),
      organizationId: null,
      folderId: folders.get(e.category) ?? null,
      type: 1,
      reprompt: 0,
      name: e.title,
      notes: e.notes === '' ? null : e.notes,
      favorite: false,
      fields: e.fields.map((f) => ({ name: f.name, value: f.value, type: f.hidden ? 1 : 0, linkedId: null })),
      login: {
        uris: e.url === '' ? [] : [{ match: null, uri: e.url }],
        username: e.username === '' ? null : e.username,
        password: e.password === '' ? null : e.password,
        totp: e.totp === '' ? null : e.totp,
      },
      collectionIds: null,
    })),
  };
  return JSON.stringify(doc, null, 2);
}

const SEALED_FORMAT = 'keyroom-sealed-export';
const sealedSchema = z.strictObject({
  format: z.literal(SEALED_FORMAT),
  v: z.literal(1),
  kdf: z.strictObject({
    alg: z.literal('argon2id'),
    m: z.literal(KDF_DEFAULT.m),
    t: z.literal(KDF_DEFAULT.t),
    p: z.literal(KDF_DEFAULT.p),
    salt: z.string().max(64),
  }),
  alg: z.literal('xchacha20poly1305'),
  nonce: z.string().max(64),
  ct: z.string(),
});

/** The smallest passphrase the app accepts for a sealed export (the master password's minimum too). */
export const EXPORT_PASSPHRASE_MIN = 12;

type SealedHeader = Omit<z.infer<typeof sealedSchema>, 'ct'>;

// The associated data: the header in one fixed key order, whatever order the file lists it in.
function headerAd(h: SealedHeader): Uint8Array {
  const { alg: kdfAlg, m, t, p, salt } = h.kdf;
  return utf8(JSON.stringify([h.format, h.v, kdfAlg, m, t, p, salt, h.alg, h.nonce]));
}

async function exportKey(passphrase: string, salt: Uint8Array): Promise<Uint8Array> {
  // NFKC as the backup does: the same typed passphrase gives the same bytes on every OS and keyboard.
  return argon2idRaw({ password: utf8(passphrase.normalize('NFKC')), salt, ...KDF_DEFAULT, length: 32 });
}

/** The JSON export sealed under a passphrase; the header (everything but the ciphertext) is authenticated. */
export async function sealExport(json: string, passphrase: string): Promise<string> {
  if (passphrase.length < EXPORT_PASSPHRASE_MIN)
    throw new CoreError(
      'invalid_request',
      `The passphrase needs at least ${EXPORT_PASSPHRASE_MIN} characters.`,
    );
  const salt = randomBytes(16);
  const nonce = randomBytes(24);
  const key = await exportKey(passphrase, salt);
  const header: SealedHeader = {
    format: SEALED_FORMAT,
    v: 1,
    kdf: { alg: 'argon2id', ...KDF_DEFAULT, salt: toBase64Url(salt) },
    alg: 'xchacha20poly1305',
    nonce: toBase64Url(nonce),
  };
  const ct = xchacha20poly1305(key, nonce, headerAd(header)).encrypt(utf8(json));
  key.fill(0);
  return JSON.stringify({ ...header, ct: toBase64Url(ct) }, null, 2);
}

/** The JSON inside a sealed export; a wrong passphrase and a changed file are the same refusal. */
export async function openSealedExport(sealed: string, passphrase: string): Promise<string> {
  const refused = () => new CoreError('invalid_request', 'Wrong passphrase, or the file was changed.');
  let doc: z.infer<typeof sealedSchema>;
  try {
    doc = sealedSchema.parse(JSON.parse(sealed));
  } catch {
    throw refused();
  }
  const { ct, ...header } = doc;
  const salt = fromBase64Url(header.kdf.salt);
  const nonce = fromBase64Url(header.nonce);
  const body = fromBase64Url(ct);
  if (salt?.length !== 16 || nonce?.length !== 24 || !body) throw refused();
  const key = await exportKey(passphrase, salt);
  try {
    const plain = xchacha20poly1305(key, nonce, headerAd(header)).decrypt(body);
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw refused();
  } finally {
    key.fill(0);
  }
}
