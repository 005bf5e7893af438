// The unlock snapshot and the replica opened from it, without a server: what the snapshot may and may not do.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EntryRow } from '../backend/rows';
import { generateUserKeys } from '../crypto/keys';
import { openSnapshot, SnapshotKey, sealSnapshot } from '../session/snapshot';
import { type EntryInput, encodeEntry } from '../vault/entry-schema';
import { Keyring } from '../vault/keyring';
import { Replica } from '../vault/replica';

function setup(count: number) {
  const keys = generateUserKeys();
  const userId = randomUUID();
  const keyring = new Keyring(userId, keys, { id: randomUUID(), ed25519Public: keys.ed25519Public });
  const vaultId = randomUUID();
  keyring.addVaultKey(vaultId, new Uint8Array(randomBytes(32)), 1);
  const rows: EntryRow[] = [];
  const at = new Date().toISOString();
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const input: EntryInput = {
      title: `Service ${i}`,
      username: `user${i}@office.test`,
      password: `pw-${i}`,
      url: `https://svc${i}.example`,
      totp: i === 0 ? 'JBSWY3DPEHPK3PXP' : '',
    };
    rows.push({
      id,
      vault_id: vaultId,
      envelope: keyring.encrypt(vaultId, id, 1, encodeEntry(input)),
      key_version: 1,
      version: 1,
      seq: i + 1,
      created_by: null,
      created_at: at,
      updated_by: null,
      updated_at: at,
      deleted_at: null,
      state_proof: null,
    });
  }
  const snapshotKey = new SnapshotKey(userId, keys.x25519Secret);
  const first = new Replica(keyring);
  for (const r of rows) first.accept(r);
  const sealed = sealSnapshot(snapshotKey, userId, first.snapshotItems());
  return { keys, userId, keyring, rows, snapshotKey, sealed };
}

describe('the unlock snapshot', () => {
  it('opens only for its user and only untouched', () => {
    const { userId, snapshotKey, sealed, keys } = setup(3);
    expect(openSnapshot(snapshotKey, userId, sealed).size).toBe(3);
    expect(openSnapshot(snapshotKey, randomUUID(), sealed).size).toBe(0);
    expect(openSnapshot(new SnapshotKey(randomUUID(), keys.x25519Secret), userId, sealed).size).toBe(0);
    const env = sealed as { ct: string };
    const flipped = { ...env, ct: `${env.ct[0] === 'A' ? 'B' : 'A'}${env.ct.slice(1)}` };
    expect(openSnapshot(snapshotKey, userId, flipped).size).toBe(0);
    expect(openSnapshot(snapshotKey, userId, { v: 2 }).size).toBe(0);
  });

  it('holds no password, authenticator key or custom field', () => {
    const { sealed, userId, snapshotKey } = setup(2);
    const items = [...openSnapshot(snapshotKey, userId, sealed).values()];
    expect(JSON.stringify(items)).not.toMatch(/pw-|JBSWY3DPEHPK3PXP/);
    expect(items.find((i) => i.title === 'Service 0')?.hasTotp).toBe(true);
  });

  it('lists and finds every entry right after restore; secrets decrypt from the row on demand', () => {
    const { rows, keyring, snapshotKey, userId, sealed } = setup(1_200);
    const replica = new Replica(keyring);
    expect(replica.restore(rows, openSnapshot(snapshotKey, userId, sealed))).toEqual([]);
    expect(replica.size).toBe(1_200);
    // Nothing indexed yet in the background; a search indexes the rest before it answers.
    expect(replica.index.search('service', 2_000)).toHaveLength(1_200);
    expect(replica.index.search('user1199@office.test')[0]?.id).toBe(rows[1_199]!.id);
    expect(replica.get(rows[7]!.id)?.entry.password).toBe('pw-7');
    expect(replica.get(rows[0]!.id)?.entry.totp).toBe('JBSWY3DPEHPK3PXP');
    expect(replica.get(rows[1]!.id)?.entry.totp).toBe('');
  });

  it('cannot vouch for a row that changed on disk, nor add an entry the cache does not hold', () => {
    const { rows, keyring, snapshotKey, userId, sealed } = setup(3);
    const relabelled = { ...rows[0]!, version: 2 };
    const swapped = { ...rows[1]!, envelope: rows[2]!.envelope };
    const replica = new Replica(keyring);
    const failed = replica.restore([relabelled, swapped], openSnapshot(snapshotKey, userId, sealed));
    expect(failed.map((r) => r.id)).toEqual([relabelled.id, swapped.id]);
    expect(replica.isDamaged(relabelled.id)).toBe(true);
    expect(replica.isDamaged(swapped.id)).toBe(true);
    expect(replica.get(rows[2]!.id)).toBeUndefined();
    expect(replica.index.search('service')).toEqual([]);
  });

  it('without the vault key the snapshot opens nothing', () => {
    const { rows, snapshotKey, userId, sealed, keys } = setup(2);
    const bare = new Keyring(userId, keys, { id: randomUUID(), ed25519Public: keys.ed25519Public });
    const replica = new Replica(bare);
    expect(replica.restore(rows, openSnapshot(snapshotKey, userId, sealed))).toHaveLength(2);
    expect(replica.size).toBe(0);
  });
});
