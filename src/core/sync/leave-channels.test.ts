// A PC's sync engine on the local stack, whose Realtime checks access only at join and token refresh as
// Supabase Realtime does: when the member loses a grant or is disabled, the server keeps delivering on
// channels already joined, so the engine leaves them itself on the member poke, and what the PC may read
// rests on RLS at its next pull. A second client with the same member's session stands for a PC that
// does not leave (a modified or stuck client): it still gets the pokes, and its pulls return nothing.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningStack, startStack } from '../../../scripts/local-stack/server';
import { Backend } from '../backend/client';
import { envNetwork } from '../backend/network/network';
import { FileCacheStore, FileOutboxStore } from '../storage/file';
import { SyncEngine } from './engine';
import { LocalState } from './state';

const PASSWORD = 'correct horse battery staple 42';
const KEY43 = (c: string) => c.repeat(43);

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a PC that loses access on a Realtime that checks only at join (local stack, PGlite)', () => {
  let stack: RunningStack;
  let dir: string;
  let admin: SupabaseClient;
  const clients: SupabaseClient[] = [];
  const engines: SyncEngine[] = [];

  beforeAll(async () => {
    stack = await startStack({ port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'keyroom-leave-'));
    admin = createClient(stack.url, stack.secretKey, {
      auth: { persistSession: false },
      realtime: { transport: WebSocket as never },
    });
  }, 300_000);
  afterAll(async () => {
    for (const e of engines) await e.stop();
    await Promise.all(clients.map((c) => c.removeAllChannels()));
    await stack?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const sql = (text: string, params: unknown[] = []) => stack.db.query(text, params);

  const user = async (role: 'admin' | 'member') => {
    const email = `${role}-${randomUUID()}@office.test`;
    const created = await admin.auth.admin.createUser({ email, password: PASSWORD, email_confirm: true });
    if (created.error) throw created.error;
    const id = created.data.user.id;
    await sql(
      `insert into public.profiles (id, email, display_name, role, status, x25519_public, ed25519_public)
       values ($1, $2, $2, $3, 'active', $4, $5)`,
      [id, email, role, KEY43(role === 'admin' ? 'A' : 'M'), KEY43(role === 'admin' ? 'B' : 'N')],
    );
    return { id, email };
  };

  const vault = async (boss: string, member: string) => {
    const id = randomUUID();
    await sql(`insert into public.vaults (id, name, created_by) values ($1, 'v', $2)`, [id, boss]);
    await sql(
      `insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, granted_by,
         signature) values ($1, $2, 1, 'sealed', $3, $4, 'sig')`,
      [id, member, KEY43('M'), boss],
    );
    return id;
  };

  const entry = async (vaultId: string) => {
    const id = randomUUID();
    await sql(
      `insert into public.entries (id, vault_id, envelope, key_version, version, seq)
       values ($1, $2, '{"sealed":true}', 1, 1, 0)`,
      [id, vaultId],
    );
    return id;
  };

  it('leaves the vault channel of a revoked grant and every vault channel when disabled; pulls then return nothing', async () => {
    const boss = await user('admin');
    const m = await user('member');
    const kept = await vault(boss.id, m.id);
    const revoked = await vault(boss.id, m.id);
    const first = await entry(kept);

    const backend = new Backend({
      url: stack.url,
      publishableKey: stack.publishableKey,
      network: envNetwork(),
    });
    await backend.signIn(m.email, PASSWORD);
    const local = new LocalState({
      cache: await FileCacheStore.open(join(dir, 'cache.json')),
      outbox: await FileOutboxStore.open(join(dir, 'outbox.json')),
    });
    const events: string[] = [];
    const engine = new SyncEngine(
      backend,
      local,
      m.id,
      {
        accept: () => 'ok',
        changed: () => {},
        rollback: () => {},
        damaged: () => {},
        memberEvent: (e) => events.push(e),
        officeEvent: () => {},
        presence: () => {},
        connection: () => {},
      },
      { pollMs: 600_000 },
    );
    engines.push(engine);
    await engine.start([kept, revoked]);
    await until('every channel joined', () => engine.connection.live);
    await until('the first entry', () => local.rows.has(first));
    // The joins' own `grants` nudge (a rejoin re-reads grants) is not what this test is about.
    events.length = 0;

    // The stuck PC: the same member's session on the vault channel, never left.
    const stuck = createClient(stack.url, stack.publishableKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as never },
    });
    clients.push(stuck);
    const signedIn = await stuck.auth.signInWithPassword({ email: m.email, password: PASSWORD });
    if (signedIn.error) throw signedIn.error;
    await stuck.realtime.setAuth();
    const stuckPokes: unknown[] = [];
    await new Promise<void>((resolve, reject) =>
      stuck
        .channel(`vault:${kept}`, { config: { private: true } })
        .on('broadcast', { event: 'entry' }, (m) => stuckPokes.push(m.payload))
        .subscribe((s, err) => (s === 'SUBSCRIBED' ? resolve() : s !== 'CLOSED' && reject(err))),
    );

    // A revoked grant: its vault's channel is left on the poke, the other stays.
    await sql('update public.vault_grants set revoked_at = now() where vault_id = $1 and member_id = $2', [
      revoked,
      m.id,
    ]);
    await until('the grants poke', () => events.includes('grants'));
    expect(engine.topics()).not.toContain(`vault:${revoked}`);
    expect(engine.topics()).toContain(`vault:${kept}`);
    // What the core does next: re-read the grants and follow them; the kept vault is not rejoined.
    await engine.setVaults([kept]);
    expect(engine.topics().filter((t) => t.startsWith('vault:'))).toEqual([`vault:${kept}`]);
    const afterRevoke = await entry(revoked);
    expect((await backend.pullEntries(revoked, 0, 100)).rows).toEqual([]);

    // Disabled: every vault channel is left on the poke, before the core has even looked at the account.
    await sql(`update public.profiles set status = 'disabled' where id = $1`, [m.id]);
    await until('the disabled poke', () => events.includes('disabled'));
    expect(engine.topics().filter((t) => t.startsWith('vault:'))).toEqual([]);
    // The socket is up: the member channel is still joined, and the stuck PC still gets vault pokes,
    // because Realtime does not re-check a joined channel.
    expect(engine.topics()).toContain(`member:${m.id}`);
    expect(engine.connection.live).toBe(false);
    const afterDisable = await entry(kept);
    await until('the stuck PC gets the poke', () => stuckPokes.length === 1);
    expect(stuckPokes[0]).toMatchObject({ id: afterDisable });

    // RLS at the next pull is what keeps the data away: nothing comes, not even from the start.
    const cursor = local.cursors.get(kept);
    await engine.pullAll();
    expect(local.cursors.get(kept)).toBe(cursor);
    expect(local.rows.has(afterDisable)).toBe(false);
    expect(local.rows.has(afterRevoke)).toBe(false);
    expect((await backend.pullEntries(kept, 0, 100)).rows).toEqual([]);
    const { data, error } = await stuck.from('entries').select('id').eq('vault_id', kept);
    expect(error).toBeNull();
    expect(data).toEqual([]);
  }, 120_000);
});
