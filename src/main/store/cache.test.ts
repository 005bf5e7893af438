import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { encryptEntry, VaultKey } from '../../core/crypto/envelope';
import { newVaultKeyBytes } from '../../core/crypto/keys';
import type { CachedEntry } from '../../core/storage/types';
import { encodeEntry } from '../../core/vault/entry-schema';
import { confOpener } from './conf-opener';
import { openProfileStores, profileFolder } from './profile-stores';

const root = await mkdtemp(join(tmpdir(), 'keyroom-estore-'));
afterAll(() => rm(root, { recursive: true, force: true }));
let userData: string;
beforeEach(async () => {
  userData = await mkdtemp(join(root, 'u-'));
});

const vaultA = randomUUID();
const vaultB = randomUUID();
const key = new VaultKey(newVaultKeyBytes(), 1);
const SECRET = 'hunter2-router-secret';

function row(vaultId: string, over: { id?: string; version?: number; seq?: string } = {}): CachedEntry {
  const id = over.id ?? randomUUID();
  const version = over.version ?? 1;
  return {
    id,
    vault_id: vaultId,
    envelope: encryptEntry(
      key,
      { vaultId, entryId: id, keyVersion: 1, entryVersion: version },
      encodeEntry({ title: 'Router', password: SECRET }),
    ),
    key_version: 1,
    version,
    seq: over.seq ?? '1',
    created_by: null,
    created_at: '2026-11-25T12:00:00+00:00',
    updated_by: null,
    updated_at: '2026-11-25T12:00:00+00:00',
    deleted_at: null,
    deleted_by: null,
  };
}

const cacheFile = (profile: string) => join(userData, profileFolder(profile), 'cache.json');
const cacheOf = (profile = 'anna@office.test') => openProfileStores(confOpener(userData), profile).cache;

describe('ElectronCacheStore on electron-store (conf under Node: Electron binary not available here)', () => {
  it('keeps rows, cursors, documents and highest versions across a restart, exactly as the server sent them', async () => {
    const cache = cacheOf();
    const a = { ...row(vaultA, { seq: '41' }), future_column: 'kept' };
    const b = row(vaultB, { seq: '42' });
    const profileDoc = { kdf: { m: 65536, t: 3, p: 1 }, wrapped_keys: 'abc' };
    await cache.apply({
      rows: [a, b],
      cursors: { [vaultA]: '41', global: '42' },
      documents: { profile: profileDoc },
    });
    const reopened = cacheOf();
    expect(await reopened.row(a.id)).toEqual(a);
    expect(await reopened.rows(vaultA)).toEqual([a]);
    expect(await reopened.rows()).toHaveLength(2);
    expect(await reopened.cursor('global')).toBe('42');
    expect(await reopened.document('profile')).toEqual(profileDoc);
    expect(await reopened.highestVersion(b.id)).toBe(1);
  });

  it('writes ciphertext only: the password and title never appear in the file', async () => {
    await cacheOf().apply({ rows: [row(vaultA)] });
    const body = await readFile(cacheFile('anna@office.test'), 'utf8');
    expect(body).toContain('"envelope"');
    expect(body).not.toContain(SECRET);
    expect(body).not.toContain('Router');
  });

  it('refuses a row older than the highest version seen, even after a restart, and keeps cursors monotonic', async () => {
    const id = randomUUID();
    await cacheOf().apply({
      rows: [row(vaultA, { id, version: 3, seq: '30' })],
      cursors: { [vaultA]: '30' },
    });
    const replayed = cacheOf();
    const result = await replayed.apply({
      rows: [row(vaultA, { id, version: 2, seq: '20' })],
      cursors: { [vaultA]: '20' },
    });
    expect(result.rolledBack).toEqual([id]);
    expect((await replayed.row(id))?.version).toBe(3);
    expect(await replayed.cursor(vaultA)).toBe('30');
    // Larger than 2^53: cursors compare as int8, not as floats or strings.
    await replayed.apply({ cursors: { [vaultA]: '9007199254740993' } });
    await replayed.apply({ cursors: { [vaultA]: '9007199254740992' } });
    expect(await cacheOf().cursor(vaultA)).toBe('9007199254740993');
  });

  it('stores document names and scopes with dots as plain keys, not nested paths', async () => {
    await cacheOf().apply({ documents: { 'policy.v2': { a: 1 } }, cursors: { 'x.y': '5' } });
    const raw = JSON.parse(await readFile(cacheFile('anna@office.test'), 'utf8'));
    expect(raw.cache.documents['policy.v2']).toEqual({ a: 1 });
    expect(raw.cache.cursors['x.y']).toBe('5');
    expect(await cacheOf().document('policy.v2')).toEqual({ a: 1 });
  });

  it('applies a batch all or nothing: an invalid cursor leaves rows and documents unchanged', async () => {
    const cache = cacheOf();
    await expect(cache.apply({ rows: [row(vaultA)], cursors: { [vaultA]: '-1' } })).rejects.toThrow(
      RangeError,
    );
    await expect(cache.apply({ rows: [{ ...row(vaultA), version: 0 }] })).rejects.toThrow();
    expect(await cacheOf().rows()).toEqual([]);
  });

  it('drops one vault but remembers its highest versions; wipe forgets everything and deletes the document', async () => {
    const cache = cacheOf();
    const a = row(vaultA, { version: 4 });
    const b = row(vaultB);
    await cache.apply({
      rows: [a, b],
      cursors: { [vaultA]: '1', [vaultB]: '1' },
      documents: { grants: [1] },
    });
    await cache.dropVault(vaultA);
    const reopened = cacheOf();
    expect(await reopened.rows()).toEqual([b]);
    expect(await reopened.cursor(vaultA)).toBeUndefined();
    expect(await reopened.highestVersion(a.id)).toBe(4);
    await reopened.wipe();
    expect(JSON.parse(await readFile(cacheFile('anna@office.test'), 'utf8'))).toEqual({});
    expect(await cacheOf().rows()).toEqual([]);
    expect(await cacheOf().highestVersion(a.id)).toBeUndefined();
  });

  it('keeps concurrent applies from losing each other', async () => {
    const cache = cacheOf();
    const rows = Array.from({ length: 20 }, () => row(vaultA));
    await Promise.all(rows.map((r) => cache.apply({ rows: [r] })));
    expect(await cacheOf().rows()).toHaveLength(20);
  });

  it('discards a damaged or foreign cache file and starts empty', async () => {
    await cacheOf().apply({ rows: [row(vaultA)] });
    await writeFile(cacheFile('anna@office.test'), '{"cache": {"format": 9}}');
    expect(await cacheOf().rows()).toEqual([]);
    await writeFile(cacheFile('anna@office.test'), 'not json{');
    const cache = cacheOf();
    expect(await cache.rows()).toEqual([]);
    await cache.apply({ rows: [row(vaultA)] });
    expect(await cacheOf().rows()).toHaveLength(1);
  });

  it('keeps each profile in its own owner-only folder, whatever characters the profile name has', async () => {
    const a = row(vaultA);
    await cacheOf('../../evil').apply({ rows: [a] });
    expect(await cacheOf('anna@office.test').rows()).toEqual([]);
    expect(profileFolder('../../evil')).toMatch(/^profiles\/[0-9a-f]{32}$/);
    expect(await cacheOf('../../evil').row(a.id)).toEqual(a);
    if (process.platform !== 'win32') expect((await stat(cacheFile('../../evil'))).mode & 0o777).toBe(0o600);
  });
});
