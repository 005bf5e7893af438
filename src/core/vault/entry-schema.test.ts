import { randomBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { DamagedError } from '../crypto/damaged';
import { decryptEntry, encryptEntry, VaultKey } from '../crypto/envelope';
import { decodeEntry, ENTRY_LIMITS, encodeEntry } from './entry-schema';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe('entry schema', () => {
  it('fills defaults, trims, and round-trips through an envelope', () => {
    const key = new VaultKey(randomBytes(32), 1);
    const slot = {
      vaultId: '11111111-1111-4111-8111-111111111111',
      entryId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
      keyVersion: 1,
      entryVersion: 1,
    };
    const bytes = encodeEntry({
      title: '  Office Wi-Fi ',
      password: 'p@ss',
      totp: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      fields: [{ name: 'SSID', value: 'keyroom', hidden: false }],
    });
    const entry = decodeEntry(decryptEntry(key, slot, encryptEntry(key, slot, bytes)));
    expect(entry).toEqual({
      title: 'Office Wi-Fi',
      username: '',
      password: 'p@ss',
      url: '',
      notes: '',
      category: '',
      totp: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      fields: [{ name: 'SSID', value: 'keyroom', hidden: false }],
    });
  });

  it('refuses bad input with field paths the form can show', () => {
    const cases: [unknown, string][] = [
      [{ title: '' }, 'title'],
      [{ title: 'x', password: 'a'.repeat(ENTRY_LIMITS.password + 1) }, 'password'],
      [{ title: 'x', totp: 'not base32!' }, 'totp'],
      [
        { title: 'x', fields: Array.from({ length: 51 }, () => ({ name: 'n', value: '', hidden: true })) },
        'fields',
      ],
      [{ title: 'x', fields: [{ name: ' ', value: 'v', hidden: false }] }, 'fields'],
    ];
    for (const [input, path] of cases) {
      try {
        encodeEntry(input as never);
        expect.unreachable(path);
      } catch (e) {
        expect((e as { issues: { path: unknown[] }[] }).issues[0]?.path[0]).toBe(path);
      }
    }
  });

  it('refuses an entry over 192 KiB in all (custom fields included), whose envelope the database would refuse', () => {
    const fields = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `f${i}`, value: 'x'.repeat(10_000), hidden: false }));
    expect(() => encodeEntry({ title: 'big', fields: fields(20) })).toThrow(/too large to store/);
    const key = new VaultKey(randomBytes(32), 1);
    const slot = {
      vaultId: '11111111-1111-4111-8111-111111111111',
      entryId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
      keyVersion: 1,
      entryVersion: 1,
    };
    const plain = encodeEntry({ title: 'big', notes: 'n'.repeat(5_000), fields: fields(19) });
    expect(plain.length).toBeGreaterThan(ENTRY_LIMITS.bytes - 1_000);
    // entries_envelope_size: octet_length(envelope::text) <= 327680 (jsonb's text adds a space per key).
    const text = JSON.stringify(encryptEntry(key, slot, plain));
    expect(text.length + 20).toBeLessThanOrEqual(327_680);
  });

  it('decodes anything malformed as damaged', () => {
    for (const bad of [
      new Uint8Array([0xff, 0xfe]),
      enc('not json'),
      enc([]),
      enc({ username: 'no title' }),
    ]) {
      expect(() => decodeEntry(bad)).toThrow(DamagedError);
    }
  });

  it('strips unknown keys (forward compatibility)', () => {
    expect(decodeEntry(enc({ title: 't', futureField: 1 }))).not.toHaveProperty('futureField');
  });
});
