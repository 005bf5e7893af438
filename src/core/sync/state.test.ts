import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encryptEntry, VaultKey } from '../crypto/envelope';
import { newVaultKeyBytes } from '../crypto/keys';
import { FileCacheStore, FileOutboxStore } from '../storage/file';
import { encodeEntry } from '../vault/entry-schema';
import { type AuditOp, LocalState, type RefusedRecord, type WriteOp } from './state';

const VAULT = randomUUID();
const key = new VaultKey(newVaultKeyBytes(), 1);

function create(): WriteOp {
  const entryId = randomUUID();
  return {
    kind: 'create',
    opId: randomUUID(),
    entryId,
    vaultId: VAULT,
    queuedAt: new Date().toISOString(),
    keyVersion: 1,
    envelope: encryptEntry(
      key,
      { vaultId: VAULT, entryId, keyVersion: 1, entryVersion: 1 },
      encodeEntry({ title: 'Wi-Fi' }),
    ),
  };
}

const reveal = (): AuditOp => ({
  kind: 'audit',
  opId: randomUUID(),
  action: 'entry.reveal',
  entryId: randomUUID(),
  queuedAt: new Date().toISOString(),
});

const imported = (): Extract<AuditOp, { kind: 'import-audit' }> => ({
  kind: 'import-audit',
  opId: randomUUID(),
  vaultId: VAULT,
  count: 1000,
  format: 'bitwarden',
  queuedAt: new Date().toISOString(),
});

describe('LocalState outbox across a restart', () => {
  let dir: string;
  const open = async () => {
    const local = new LocalState({
      cache: await FileCacheStore.open(join(dir, 'cache.json')),
      outbox: await FileOutboxStore.open(join(dir, 'outbox.json')),
    });
    await local.load();
    return local;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyroom-state-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("keeps queued creates and an import's audit event, writes first, and forgets what was sent", async () => {
    const local = await open();
    const creates = [create(), create(), create()];
    const importEvent = imported();
    const revealEvent = reveal();
    await local.enqueue([...creates, importEvent]);
    await local.enqueue([revealEvent]);
    await local.flush();
    const again = await open();
    expect(again.outbox).toEqual([...creates, importEvent, revealEvent]);
    await again.dequeue(importEvent);
    await again.dequeue(creates[0]!);
    await again.flush();
    expect((await open()).outbox).toEqual([creates[1], creates[2], revealEvent]);
  });

  it('an audit event that no longer parses costs only itself', async () => {
    const local = await open();
    const good = imported();
    await local.enqueue([good, { ...imported(), format: 'Not A Format!' }]);
    await local.flush();
    expect((await open()).outbox).toEqual([good]);
  });

  const refusal = (op: WriteOp): RefusedRecord => ({
    id: op.opId,
    kind: op.kind,
    entryId: op.entryId,
    vaultId: op.vaultId,
    keyVersion: op.keyVersion,
    entryVersion: 1,
    envelope: op.envelope,
    rescue: null,
    reason: 'That vault or entry no longer exists.',
    queuedAt: op.queuedAt,
    refusedAt: new Date().toISOString(),
  });

  it('a refused write leaves the outbox for the refused records, survives a restart, and goes only when discarded', async () => {
    const local = await open();
    const [refused, next] = [create(), create()];
    await local.enqueue([refused, next]);
    await local.refuse(refused, refusal(refused));
    await local.flush();
    const again = await open();
    expect(again.outbox).toEqual([next]);
    expect(again.refused).toEqual(
      [refusal(refused)].map((r) => ({ ...r, refusedAt: again.refused[0]!.refusedAt })),
    );
    expect(await readFile(join(dir, 'cache.json'), 'utf8')).not.toContain('Wi-Fi');
    await again.discardRefused(refused.opId);
    await again.flush();
    const third = await open();
    expect(third.refused).toEqual([]);
    expect(third.outbox).toEqual([next]);
  });

  it('a refusal repeated after a crash keeps one record; a record that no longer parses costs only itself', async () => {
    const local = await open();
    const [a, b] = [create(), create()];
    await local.enqueue([a, b]);
    await local.refuse(a, refusal(a));
    await local.refuse(a, refusal(a));
    await local.refuse(b, { ...refusal(b), reason: 'x'.repeat(301) });
    await local.flush();
    const again = await open();
    expect(again.refused.map((r) => r.id)).toEqual([a.opId]);
    expect(again.outbox).toEqual([]);
  });
});
