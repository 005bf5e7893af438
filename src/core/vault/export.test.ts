// The export's two formats: their shape is Bitwarden's published one, and what they hold comes back unchanged
// through Keyroom's own import (the only loss is the CSV's: Bitwarden's CSV has no hidden custom fields).
import { describe, expect, it } from 'vitest';
import { type Entry, EntrySchema } from './entry-schema';
import { CSV_HEADER, openSealedExport, sealExport, toBitwardenCsv, toBitwardenJson } from './export';
import { parseImport } from './import/parse';

const entries: Entry[] = [
  EntrySchema.parse({
    title: 'Router',
    username: 'admin',
    password: 'p,a"ss\nword',
    url: 'https://192.168.1.1',
    notes: 'Line one\nline "two", with a comma',
    category: 'Network',
    totp: 'JBSWY3DPEHPK3PXP',
    fields: [
      { name: 'PIN', value: '1234', hidden: true },
      { name: 'Serial', value: 'A-77', hidden: false },
    ],
  }),
  EntrySchema.parse({
    title: 'Shop',
    username: 'orders@example.com',
    password: 'Zq9!zq9!Zq9!',
    category: '',
  }),
];

describe('vault export', () => {
  it('writes Bitwarden’s CSV header, and the file re-imports as Bitwarden with every field', () => {
    const csv = toBitwardenCsv(entries);
    expect(csv.split('\n')[0]).toBe(
      'folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp',
    );
    expect(CSV_HEADER.length).toBe(11);
    const back = parseImport(csv);
    expect(back.format).toBe('bitwarden');
    expect(back.problems).toEqual([]);
    expect(back.rows.map((r) => r.entry)).toEqual(
      entries.map((e) => ({ ...e, fields: e.fields.map((f) => ({ ...f, hidden: false })) })),
    );
  });

  it('writes Bitwarden’s JSON shape, and it re-imports with every field, hidden ones hidden', () => {
    const json = toBitwardenJson(entries);
    const doc = JSON.parse(json);
    expect(doc.encrypted).toBe(false);
    expect(doc.folders).toEqual([{ id: expect.any(String), name: 'Network' }]);
    expect(doc.items[0]).toMatchObject({
      type: 1,
      name: 'Router',
      folderId: doc.folders[0].id,
      notes: entries[0]?.notes,
      fields: [
        { name: 'PIN', value: '1234', type: 1 },
        { name: 'Serial', value: 'A-77', type: 0 },
      ],
      login: {
        username: 'admin',
        password: 'p,a"ss\nword',
        totp: 'JBSWY3DPEHPK3PXP',
        uris: [{ uri: 'https://192.168.1.1' }],
      },
    });
    expect(doc.items[1]).toMatchObject({ folderId: null, notes: null, login: { uris: [] } });
    const back = parseImport(json);
    expect(back.format).toBe('bitwardenjson');
    expect(back.problems).toEqual([]);
    expect(back.rows.map((r) => r.entry)).toEqual(entries);
  });

  it('names a card or identity in a Bitwarden JSON by its item number, and refuses an encrypted export', () => {
    const doc = JSON.parse(toBitwardenJson(entries));
    doc.items.splice(1, 0, { type: 3, name: 'Visa', card: {} });
    const back = parseImport(JSON.stringify(doc));
    expect(back.rows.map((r) => r.line)).toEqual([1, 3]);
    expect(back.problems).toEqual([{ line: 2, field: null, message: 'is not a login or a secure note' }]);
    expect(() => parseImport(JSON.stringify({ encrypted: true, items: [] }))).toThrow(/encrypted Bitwarden/);
  });

  it('seals the JSON under a passphrase: the file holds no plaintext, opens with it, refuses a wrong one or a change', async () => {
    const json = toBitwardenJson(entries);
    const sealed = await sealExport(json, 'a long export passphrase');
    expect(sealed).not.toContain('Router');
    expect(sealed).not.toContain('admin');
    expect(await openSealedExport(sealed, 'a long export passphrase')).toBe(json);
    await expect(openSealedExport(sealed, 'a long export passphrasE')).rejects.toThrow(/Wrong passphrase/);
    const doc = JSON.parse(sealed);
    const flipped = {
      ...doc,
      ct: `${doc.ct.slice(0, -2)}${doc.ct.endsWith('A') ? 'B' : 'A'}${doc.ct.slice(-1)}`,
    };
    await expect(openSealedExport(JSON.stringify(flipped), 'a long export passphrase')).rejects.toThrow(
      /Wrong passphrase/,
    );
    const relabelled = { ...doc, nonce: doc.nonce.replace(/^./, (c: string) => (c === 'A' ? 'B' : 'A')) };
    await expect(openSealedExport(JSON.stringify(relabelled), 'a long export passphrase')).rejects.toThrow(
      /Wrong passphrase/,
    );
    await expect(sealExport(json, 'short')).rejects.toThrow(/at least 12/);
  });
});
