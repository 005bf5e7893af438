// Bitwarden's unencrypted JSON export, read as an import. The shape is the one Bitwarden documents for its own
// JSON import and export (bitwarden.com/help/import-data, "Condition a Bitwarden .json file"):
// {encrypted: false, folders: [{id, name}], items: [{type, name, notes, folderId, fields: [{name, value, type}],
//  login: {username, password, totp, uris: [{uri}]}}]}. Item type 1 is a login, 2 a secure note (its text in
// notes); cards and identities (3, 4) have no place in an entry and are reported by their item number. Field
// type 1 is hidden. An encrypted Bitwarden export (encrypted: true) cannot be opened here and is refused whole.
import { z } from 'zod';
import { CoreError } from '../../backend/errors';
import type { RawEntry } from './formats';

const text = z
  .string()
  .nullish()
  .transform((s) => s ?? '');
const itemSchema = z.object({
  type: z.number().int(),
  name: text,
  notes: text,
  folderId: z.string().nullish(),
  fields: z
    .array(z.object({ name: text, value: text, type: z.number().int().nullish() }))
    .nullish()
    .transform((f) => f ?? []),
  login: z
    .object({
      username: text,
      password: text,
      totp: text,
      uris: z
        .array(z.object({ uri: text }))
        .nullish()
        .transform((u) => u ?? []),
    })
    .nullish(),
});
const fileSchema = z.object({
  encrypted: z.boolean().optional(),
  folders: z
    .array(z.object({ id: z.string(), name: text }))
    .nullish()
    .transform((f) => f ?? []),
  items: z.array(z.unknown()),
});

/** A vault export sealed under a passphrase (vault/export.ts), told by its format marker. */
export function isSealedExport(json: unknown): boolean {
  return (
    typeof json === 'object' &&
    json !== null &&
    (json as { format?: unknown }).format === 'keyroom-sealed-export'
  );
}

export interface JsonRecord {
  /** The item's number in the file, 1-based: a problem is named by it as a CSV problem is by its line. */
  line: number;
  raw: RawEntry | null;
}

/** Null when the text is not a Bitwarden JSON export (the caller reads it as CSV then). */
export function readBitwardenJson(input: string): JsonRecord[] | null {
  const trimmed = input.replace(/^\uFEFF/, '').trimStart();
  if (!trimmed.startsWith('{')) return null;
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    throw new CoreError('invalid_request', 'This file looks like JSON but cannot be read.');
  }
  if (isSealedExport(json))
    throw new CoreError(
      'invalid_request',
      'This Keyroom export is protected with a passphrase: open it with the passphrase first.',
    );
  const file = fileSchema.safeParse(json);
  if (!file.success)
    throw new CoreError('invalid_request', 'This JSON file is not a Bitwarden export (it has no items).');
  if (file.data.encrypted === true)
    throw new CoreError(
      'invalid_request',
      'This is an encrypted Bitwarden export: export it again from Bitwarden without encryption.',
    );
  const folders = new Map(file.data.folders.map((f) => [f.id, f.name]));
  return file.data.items.map((value, i) => {
    const item = itemSchema.safeParse(value);
    if (!item.success || (item.data.type !== 1 && item.data.type !== 2)) return { line: i + 1, raw: null };
    const it = item.data;
    return {
      line: i + 1,
      raw: {
        title: it.name,
        username: it.login?.username ?? '',
        password: it.login?.password ?? '',
        url: it.login?.uris[0]?.uri ?? '',
        notes: it.notes,
        category: (it.folderId && folders.get(it.folderId)) || '',
        totp: it.login?.totp ?? '',
        fields: it.fields
          .filter((f) => f.name.trim() !== '')
          .map((f) => ({ name: f.name, value: f.value, hidden: f.type === 1 })),
      },
    };
  });
}
