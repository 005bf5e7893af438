import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealtimeChannel } from '@supabase/supabase-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Backend, type ChannelHandlers } from '../backend/client';
import { CoreError } from '../backend/errors';
import { envNetwork } from '../backend/network/network';
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
    state_proof: null,
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
      new Backend({ url: 'http://127.0.0.1:9', publishableKey: 'unused', network: envNetwork() }),
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
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
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

/** A backend whose channels are recorded and driven by the test; pulls return nothing. */
class FakeRealtime {
  readonly joined = new Map<string, ChannelHandlers>();
  readonly left: string[] = [];
  /** The server stopped answering: pulls fail as a refused connection does. */
  down = false;
  pulls = 0;
  asBackend(): Backend {
    return {
      subscribe: (topic: string, handlers: ChannelHandlers) => {
        this.joined.set(topic, handlers);
        handlers.status?.('SUBSCRIBED');
        return { topic, presenceState: () => ({}), track: async () => 'ok' } as unknown as RealtimeChannel;
      },
      unsubscribe: async (channel: RealtimeChannel) => {
        const topic = (channel as unknown as { topic: string }).topic;
        this.left.push(topic);
        this.joined.delete(topic);
      },
      // With the server down the socket is closed too (the engine tells a closed socket from a refused join).
      socketOpen: () => !this.down,
      pullEntries: async () => {
        this.pulls += 1;
        if (this.down) throw new CoreError('offline');
        return { rows: [], rejected: 0, pageSize: 0 };
      },
    } as unknown as Backend;
  }
  poke(topic: string, event: string, payload: unknown = {}): void {
    this.joined.get(topic)?.broadcast[event]?.(payload);
  }
}

describe('SyncEngine channels (Realtime checks access only at join and refresh)', () => {
  let dir: string;
  let rt: FakeRealtime;
  let engine: SyncEngine;
  const user = randomUUID();
  const [v1, v2] = [randomUUID(), randomUUID()];
  const events: string[] = [];
  /** The vault channels still joined when each member event reached the core. */
  const atEvent: string[][] = [];
  const vaultTopics = () => [...rt.joined.keys()].filter((t) => t.startsWith('vault:')).sort();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyroom-engine-'));
    const local = new LocalState({
      cache: await FileCacheStore.open(join(dir, 'cache.json')),
      outbox: await FileOutboxStore.open(join(dir, 'outbox.json')),
    });
    rt = new FakeRealtime();
    events.length = 0;
    engine = new SyncEngine(
      rt.asBackend(),
      local,
      user,
      {
        accept: () => 'ok',
        changed: () => {},
        rollback: () => {},
        damaged: () => {},
        memberEvent: (e) => {
          events.push(e);
          atEvent.push(vaultTopics());
        },
        officeEvent: () => {},
        presence: () => {},
        connection: () => {},
      },
      { pollMs: 50 },
    );
    await engine.start([v1, v2]);
    events.length = 0;
    atEvent.length = 0;
  });
  afterEach(async () => {
    await engine.stop();
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });

  it('leaves every vault channel on the disabled poke before telling the core, and rejoins what it still holds', async () => {
    rt.poke(`member:${user}`, 'disabled');
    expect(events).toEqual(['disabled']);
    expect(atEvent).toEqual([[]]);
    expect(engine.connection.live).toBe(false);
    expect(rt.joined.has(`member:${user}`)).toBe(true);
    await engine.setVaults([v1, v2]);
    expect(vaultTopics()).toEqual([`vault:${v1}`, `vault:${v2}`].sort());
    expect(engine.connection.live).toBe(true);
  });

  it('leaves only the vault whose grant was deleted or revoked; a new grant leaves nothing', async () => {
    rt.poke(`member:${user}`, 'grants', { vault_id: v1, op: 'create' });
    expect(vaultTopics()).toHaveLength(2);
    rt.poke(`member:${user}`, 'grants', { vault_id: v2, op: 'revoke' });
    expect(vaultTopics()).toEqual([`vault:${v1}`]);
    expect(events).toEqual(['grants', 'grants']);
    // Re-read grants still name v2 (a rotation deletes and re-inserts): rejoined. Then dropped for good.
    await engine.setVaults([v1, v2]);
    expect(vaultTopics()).toEqual([`vault:${v1}`, `vault:${v2}`].sort());
    await engine.setVaults([v1]);
    expect(vaultTopics()).toEqual([`vault:${v1}`]);
    expect(rt.left.filter((t) => t === `vault:${v2}`)).toHaveLength(2);
  });

  it('joins again, on the poll beat, a channel the server closed (token expired, refresh refused)', async () => {
    const handlers = rt.joined.get(`vault:${v1}`);
    handlers?.status?.('CLOSED');
    expect(engine.connection.live).toBe(false);
    const before = rt.left.length;
    for (let i = 0; i < 100 && rt.left.length === before; i++) await new Promise((r) => setTimeout(r, 10));
    expect(rt.left.slice(before)).toEqual([`vault:${v1}`]);
    expect(rt.joined.has(`vault:${v1}`)).toBe(true);
    expect(engine.connection.live).toBe(true);
  });
});

describe('SyncEngine noticing an outage (the 30 s poll beat of the app)', () => {
  let dir: string;
  let engine: SyncEngine;
  const rt = new FakeRealtime();
  const until = async (ok: () => boolean, ms: number) => {
    const start = Date.now();
    while (!ok() && Date.now() - start < ms) await new Promise((r) => setTimeout(r, 20));
    return Date.now() - start;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyroom-engine-'));
    const local = new LocalState({
      cache: await FileCacheStore.open(join(dir, 'cache.json')),
      outbox: await FileOutboxStore.open(join(dir, 'outbox.json')),
    });
    const hooks = {
      accept: () => 'ok' as const,
      changed: () => {},
      rollback: () => {},
      damaged: () => {},
      memberEvent: () => {},
      officeEvent: () => {},
      presence: () => {},
      connection: () => {},
    };
    engine = new SyncEngine(rt.asBackend(), local, randomUUID(), hooks, { pollMs: 30_000 });
    await engine.start([randomUUID()]);
  });
  afterEach(async () => {
    await engine.stop();
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });

  it('checks at once when the socket drops joined channels, and retries every 5 s until the server is back', {
    timeout: 15_000,
  }, async () => {
    expect(engine.connection).toMatchObject({ online: true, live: true });
    rt.down = true;
    for (const handlers of rt.joined.values()) handlers.status?.('CHANNEL_ERROR');
    expect(await until(() => !engine.connection.online, 2000)).toBeLessThan(1000);
    const pulls = rt.pulls;
    rt.down = false;
    expect(await until(() => engine.connection.online, 7000)).toBeLessThan(6000);
    expect(rt.pulls).toBeGreaterThan(pulls);
  });
});
