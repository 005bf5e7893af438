import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { encryptEntry, VaultKey } from '../../core/crypto/envelope';
import { newVaultKeyBytes } from '../../core/crypto/keys';
import { OutboxUnreadableError } from '../../core/storage/file';
import type { OutboxItem } from '../../core/storage/types';
import { encodeEntry } from '../../core/vault/entry-schema';
import { confOpener } from './conf-opener';
import type { OpenStoreFile } from './kv';
import { openProfileStores, profileFolder } from './profile-stores';

const root = await mkdtemp(join(tmpdir(), 'keyroom-eoutbox-'));
afterAll(() => rm(root, { recursive: true, force: true }));
let userData: string;
beforeEach(async () => {
  userData = await mkdtemp(join(root, 'u-'));
});

const PROFILE = 'ben@office.test';
const SECRET = 'wifi-passphrase-never-on-disk';
const key = new VaultKey(newVaultKeyBytes(), 1);
const outboxOf = () => openProfileStores(confOpener(userData), PROFILE).outbox;
const outboxFile = () => join(userData, profileFolder(PROFILE), 'outbox.json');

function create(): OutboxItem {
  const vaultId = randomUUID();
  const entryId = randomUUID();
  return {
    kind: 'create',
    opId: randomUUID(),
    entryId,
    vaultId,
    queuedAt: new Date().toISOString(),
    keyVersion: 1,
    envelope: encryptEntry(
      key,
      { vaultId, entryId, keyVersion: 1, entryVersion: 1 },
      encodeEntry({ title: 'Wi-Fi', password: SECRET }),
    ),
  };
}

const del = (): OutboxItem => ({
  kind: 'delete',
  opId: randomUUID(),
  entryId: randomUUID(),
  vaultId: randomUUID(),
  queuedAt: new Date().toISOString(),
  baseVersion: 2,
});

describe('ElectronOutboxStore on electron-store (conf under Node: Electron binary not available here)', () => {
  it('keeps queued changes in order across a restart, encrypted, and ignores a repeated enqueue', async () => {
    const outbox = outboxOf();
    const [a, b, c] = [create(), del(), create()];
    for (const item of [a, b, c, a]) await outbox.enqueue([item]);
    expect(await outboxOf().list()).toEqual([a, b, c]);
    const body = await readFile(outboxFile(), 'utf8');
    expect(body).not.toContain(SECRET);
    expect(body).not.toContain('Wi-Fi');
  });

  it('queues a batch with one write of the store file and keeps it across a reopen', async () => {
    let sets = 0;
    const counting: OpenStoreFile = (options) => {
      const kv = confOpener(userData)(options);
      return {
        path: kv.path,
        get: (k) => kv.get(k),
        set: (k, v) => {
          sets++;
          kv.set(k, v);
        },
        delete: (k) => kv.delete(k),
      };
    };
    const outbox = openProfileStores(counting, PROFILE).outbox;
    const first = create();
    await outbox.enqueue([first]);
    const batch = Array.from({ length: 500 }, () => create());
    sets = 0;
    await outbox.enqueue([first, ...batch]);
    expect(sets).toBe(1);
    expect(await outboxOf().list()).toEqual([first, ...batch]);
    expect(await readFile(outboxFile(), 'utf8')).not.toContain(SECRET);
  });

  it('removes accepted items and wipes everything', async () => {
    const outbox = outboxOf();
    const [a, b] = [create(), del()];
    await outbox.enqueue([a, b]);
    await outbox.remove(a.opId);
    expect(await outboxOf().list()).toEqual([b]);
    await outbox.wipe();
    expect(await outboxOf().list()).toEqual([]);
  });

  it('refuses an item that is not a valid encrypted change', async () => {
    const bad = { ...create(), envelope: { title: 'Wi-Fi', password: SECRET } } as unknown as OutboxItem;
    await expect(outboxOf().enqueue([create(), bad])).rejects.toThrow();
    expect(await outboxOf().list()).toEqual([]);
  });

  it('reports a damaged queue and leaves the file on disk untouched', async () => {
    await outboxOf().enqueue([create()]);
    for (const body of ['not json{', '{"outbox": {"format": 1, "items": [{"kind": "create"}]}}']) {
      await writeFile(outboxFile(), body);
      expect(() => outboxOf()).toThrow(OutboxUnreadableError);
      expect(await readFile(outboxFile(), 'utf8')).toBe(body);
    }
  });
});
