import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Backend } from '../backend/client';
import type { EntryRow } from '../backend/rows';
import { FileCacheStore, FileOutboxStore } from '../storage/file';
import { type Change, SyncEngine, type Verdict } from './engine';
import { LocalState } from './state';

const VAULT = randomUUID();

function row(id: string, version: number, seq: number, vault = VAULT): EntryRow {
  return {
    id,
    vault_id: vault,
    envelope: { ok: version },
    key_version: 1,
    version,
    seq,
    created_by: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_by: null,
    updated_at: '2026-01-01T00:00:00Z',
    deleted_at: null,
  };
}

describe('SyncEngine.applyPage', () => {
  let dir: string;
  let local: LocalState;
  let engine: SyncEngine;
  const log = { changed: [] as Change[], rollbacks: [] as string[], damaged: [] as string[] };
  // Rows whose envelope says {ok: false} fail verification, as a tampered row would.
  const verdict = (r: EntryRow): Verdict => ((r.envelope as { ok: unknown }).ok ? 'ok' : 'damaged');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyroom-engine-'));
    local = new LocalState({
      cache: await FileCacheStore.open(join(dir, 'cache.json')),
      outbox: await FileOutboxStore.open(join(dir, 'outbox.json')),
    });
    log.changed = [];
    log.rollbacks = [];
    log.damaged = [];
    engine = new SyncEngine(
      new Backend({ url: 'http://127.0.0.1:9', publishableKey: 'unused' }),
      local,
      randomUUID(),
      {
        accept: verdict,
        changed: (c) => log.changed.push(...c),
        rollback: (id) => log.rollbacks.push(id),
        damaged: (r) => log.damaged.push(r.id),
        memberEvent: () => {},
        officeEvent: () => {},
        presence: () => {},
        connection: () => {},
      },
    );
  });
  afterEach(async () => {
    await local.flush();
    await rm(dir, { recursive: true, force: true });
  });

  it('applies verified rows in order and moves the cursor past the page', () => {
    const a = randomUUID();
    engine.applyPage(VAULT, [row(a, 1, 10), row(a, 2, 11)]);
    expect(local.rows.get(a)?.version).toBe(2);
    expect(local.cursors.get(VAULT)).toBe(11);
    expect(log.changed.map((c) => c.id)).toEqual([a, a]);
  });

  it('reports a lower version than seen as a rollback and keeps the newer row', () => {
    const a = randomUUID();
    engine.applyPage(VAULT, [row(a, 3, 10)]);
    engine.applyPage(VAULT, [row(a, 2, 12)]);
    expect(log.rollbacks).toEqual([a]);
    expect(local.rows.get(a)?.version).toBe(3);
    expect(local.cursors.get(VAULT)).toBe(12);
  });

  it('keeps the last good row when a newer one fails to verify, and a row filed under another vault is damage', () => {
    const a = randomUUID();
    const b = randomUUID();
    engine.applyPage(VAULT, [row(a, 1, 10)]);
    engine.applyPage(VAULT, [{ ...row(a, 2, 11), envelope: { ok: false } }, row(b, 1, 12, randomUUID())]);
    expect(local.rows.get(a)?.version).toBe(1);
    expect(local.rows.has(b)).toBe(false);
    expect(log.damaged).toEqual([a, b]);
    expect(local.seen.get(a)).toBe(1);
  });

  it("does not move the cursor for the PC's own writes", () => {
    engine.applyPage(VAULT, [row(randomUUID(), 1, 5)]);
    engine.applyOwn(row(randomUUID(), 1, 9));
    expect(local.cursors.get(VAULT)).toBe(5);
  });

  it('keeps rows, highest versions and cursors across a restart', async () => {
    const a = randomUUID();
    engine.applyPage(VAULT, [row(a, 4, 21)]);
    await local.persist();
    const again = new LocalState({
      cache: await FileCacheStore.open(join(dir, 'cache.json')),
      outbox: await FileOutboxStore.open(join(dir, 'outbox.json')),
    });
    await again.load();
    expect(again.rows.get(a)?.version).toBe(4);
    expect(again.seen.get(a)).toBe(4);
    expect(await again.loadCursor(VAULT)).toBe(21);
  });
});
