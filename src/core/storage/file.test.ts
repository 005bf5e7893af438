import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { encryptEntry, VaultKey } from '../crypto/envelope';
import { newVaultKeyBytes } from '../crypto/keys';
import { encodeEntry } from '../vault/entry-schema';
import { AtomicJsonFile } from './atomic-file';
import { FileCacheStore, FileOutboxStore, OutboxUnreadableError } from './file';
import type { CachedEntry, OutboxItem } from './types';

const root = await mkdtemp(join(tmpdir(), 'keyroom-storage-'));
afterAll(() => rm(root, { recursive: true, force: true }));
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(root, 't-'));
});

const vaultA = randomUUID();
const vaultB = randomUUID();
const key = new VaultKey(newVaultKeyBytes(), 1);

function row(vaultId: string, over: Partial<CachedEntry> & { secret?: string } = {}): CachedEntry {
  const id = over.id ?? randomUUID();
  const version = over.version ?? 1;
  const envelope = encryptEntry(
    key,
    { vaultId, entryId: id, keyVersion: 1, entryVersion: version },
    encodeEntry({ title: 'Router', password: over.secret ?? 'hunter2-router-secret' }),
  );
  return {
    id,
    vault_id: vaultId,
    envelope,
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

describe('FileCacheStore', () => {
  it('keeps rows, cursors and highest versions across a restart, exactly as given', async () => {
    const path = join(dir, 'cache.json');
    const cache = await FileCacheStore.open(path);
    const a = { ...row(vaultA, { seq: '41' }), future_column: 'kept' };
    const b = row(vaultB, { seq: '42' });
    expect(await cache.apply({ rows: [a, b], cursors: { [vaultA]: '41', [vaultB]: '42' } })).toEqual({
      rolledBack: [],
    });
    const reopened = await FileCacheStore.open(path);
    expect(await reopened.row(a.id)).toEqual(a);
    expect(await reopened.rows(vaultA)).toEqual([a]);
    expect(await reopened.rows()).toHaveLength(2);
    expect(await reopened.cursor(vaultB)).toBe('42');
    expect(await reopened.highestVersion(a.id)).toBe(1);
  });

  it('keeps server documents for offline unlock, replaces and deletes them', async () => {
    const path = join(dir, 'cache.json');
    const cache = await FileCacheStore.open(path);
    const profile = { kdf: { alg: 'argon2id', v: 19, m: 65536, t: 3, p: 1, salt: 'AAAAAAAAAAAAAAAAAAAAAA' } };
    await cache.apply({ documents: { profile, grants: [{ vault_id: vaultA }] } });
    expect(await (await FileCacheStore.open(path)).document('profile')).toEqual(profile);
    await cache.apply({ documents: { grants: undefined } });
    const reopened = await FileCacheStore.open(path);
    expect(await reopened.document('grants')).toBeUndefined();
    expect(await reopened.document('profile')).toEqual(profile);
    await expect(cache.apply({ documents: { bad: () => 1 } })).rejects.toThrow();
  });

  it('stores ciphertext only: no plaintext on disk', async () => {
    const path = join(dir, 'cache.json');
    const cache = await FileCacheStore.open(path);
    await cache.apply({ rows: [row(vaultA, { secret: 'correct-horse-battery-staple' })] });
    const disk = await readFile(path, 'utf8');
    expect(disk).not.toContain('correct-horse-battery-staple');
    expect(disk).not.toContain('Router');
    expect(disk).toContain('xchacha20poly1305');
  });

  it('refuses a rolled-back version and never moves a cursor backwards, also after a restart', async () => {
    const path = join(dir, 'cache.json');
    const cache = await FileCacheStore.open(path);
    const v3 = row(vaultA, { version: 3, seq: '30' });
    await cache.apply({ rows: [v3], cursors: { [vaultA]: '30' } });
    const reopened = await FileCacheStore.open(path);
    const v2 = row(vaultA, { id: v3.id, version: 2, seq: '31' });
    expect(await reopened.apply({ rows: [v2], cursors: { [vaultA]: '9' } })).toEqual({ rolledBack: [v3.id] });
    expect((await reopened.row(v3.id))?.version).toBe(3);
    expect(await reopened.cursor(vaultA)).toBe('30');
    // Cursors compare as int8, not as text ("100" > "99").
    await reopened.apply({ cursors: { [vaultA]: '100' } });
    await reopened.apply({ cursors: { [vaultA]: '99' } });
    expect(await reopened.cursor(vaultA)).toBe('100');
  });

  it('validates rows and cursors before storing anything', async () => {
    const cache = await FileCacheStore.open(join(dir, 'cache.json'));
    await expect(cache.apply({ rows: [{ ...row(vaultA), version: 0 }] })).rejects.toThrow();
    await expect(cache.apply({ cursors: { [vaultA]: '-1' } })).rejects.toThrow(RangeError);
    expect(await cache.rows()).toEqual([]);
  });

  it('loses nothing under concurrent applies', async () => {
    const path = join(dir, 'cache.json');
    const cache = await FileCacheStore.open(path);
    const rows = Array.from({ length: 40 }, (_, i) => row(vaultA, { seq: String(i + 1) }));
    await Promise.all(rows.map((r) => cache.apply({ rows: [r], cursors: { [vaultA]: r.seq } })));
    const reopened = await FileCacheStore.open(path);
    expect(await reopened.rows()).toHaveLength(40);
    expect(await reopened.cursor(vaultA)).toBe('40');
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('drops one vault, or wipes everything (file gone)', async () => {
    const path = join(dir, 'cache.json');
    const cache = await FileCacheStore.open(path);
    await cache.apply({ rows: [row(vaultA), row(vaultB)], cursors: { [vaultA]: '1', [vaultB]: '2' } });
    await cache.dropVault(vaultA);
    expect((await cache.rows()).map((r) => r.vault_id)).toEqual([vaultB]);
    expect(await cache.cursor(vaultA)).toBeUndefined();
    await cache.wipe();
    expect(await readdir(dir)).toEqual([]);
    expect(await (await FileCacheStore.open(path)).rows()).toEqual([]);
  });

  it('starts empty from a damaged cache file (the server can send it all again)', async () => {
    const path = join(dir, 'cache.json');
    for (const junk of ['{"format":1,"rows":', '{"format":2}', '[]']) {
      await writeFile(path, junk);
      const cache = await FileCacheStore.open(path);
      expect(await cache.rows()).toEqual([]);
      expect(await cache.cursor('global')).toBeUndefined();
    }
  });
});

describe('FileOutboxStore', () => {
  const item = (kind: 'create' | 'update' | 'delete', n: number): OutboxItem => {
    const base = {
      opId: randomUUID(),
      entryId: randomUUID(),
      vaultId: vaultA,
      queuedAt: new Date(n).toISOString(),
    };
    const envelope = encryptEntry(
      key,
      { vaultId: vaultA, entryId: base.entryId, keyVersion: 1, entryVersion: kind === 'create' ? 1 : 5 },
      encodeEntry({ title: `queued ${n}` }),
    );
    if (kind === 'create') return { kind, ...base, keyVersion: 1, envelope };
    if (kind === 'update') return { kind, ...base, baseVersion: 4, keyVersion: 1, envelope };
    return { kind, ...base, baseVersion: 4 };
  };

  it('keeps queued changes in order across a restart and removes them once sent', async () => {
    const path = join(dir, 'outbox.json');
    const outbox = await FileOutboxStore.open(path);
    const items = [item('create', 1), item('update', 2), item('delete', 3)];
    for (const i of items) await outbox.enqueue([i]);
    await outbox.enqueue([items[0] as OutboxItem]); // same opId again: no duplicate
    const reopened = await FileOutboxStore.open(path);
    expect(await reopened.list()).toEqual(items);
    await reopened.remove(items[1]?.opId as string);
    expect((await (await FileOutboxStore.open(path)).list()).map((i) => i.kind)).toEqual([
      'create',
      'delete',
    ]);
    await reopened.wipe();
    expect(await (await FileOutboxStore.open(path)).list()).toEqual([]);
  });

  it('refuses items that are not ciphertext or lack a base version', async () => {
    const outbox = await FileOutboxStore.open(join(dir, 'outbox.json'));
    const good = item('update', 1);
    await expect(outbox.enqueue([{ ...good, envelope: { title: 'plain' } } as never])).rejects.toThrow();
    const { baseVersion: _b, ...noBase } = good as Extract<OutboxItem, { kind: 'update' }>;
    await expect(outbox.enqueue([noBase as never])).rejects.toThrow();
    // One bad item refuses the whole batch: nothing of it is half queued.
    await expect(outbox.enqueue([item('create', 2), noBase as never])).rejects.toThrow();
    expect(await outbox.list()).toEqual([]);
  });

  it('queues a batch in one write of the file, skips items already queued, and keeps them across a reopen', async () => {
    const path = join(dir, 'outbox.json');
    const outbox = await FileOutboxStore.open(path);
    const first = item('create', 0);
    await outbox.enqueue([first]);
    const batch = Array.from({ length: 1_000 }, (_, n) => item('create', n + 1));
    const writes = vi.spyOn(AtomicJsonFile.prototype, 'write');
    try {
      await outbox.enqueue([first, ...batch]);
      expect(writes).toHaveBeenCalledTimes(1);
    } finally {
      writes.mockRestore();
    }
    const reopened = await (await FileOutboxStore.open(path)).list();
    expect(reopened).toEqual([first, ...batch]);
    expect(await readFile(path, 'utf8')).not.toContain('queued 1');
  });

  it('keeps a damaged outbox file untouched and says so, instead of dropping queued work', async () => {
    const path = join(dir, 'outbox.json');
    await writeFile(path, '{"format":1,"items":[{"kind":"create"');
    await expect(FileOutboxStore.open(path)).rejects.toBeInstanceOf(OutboxUnreadableError);
    expect(await readFile(path, 'utf8')).toBe('{"format":1,"items":[{"kind":"create"');
  });
});
