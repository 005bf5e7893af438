// /realtime/v1 conformance through @supabase/supabase-js, on PGlite and on a fresh PostgreSQL: broadcast
// (self, ack, REST fallback), database → realtime.send → channel, presence, private channels refused and
// accepted by RLS, losing access (disabled, token expiry, refreshed token without access), resuming after a
// server restart. With SUPABASE_URL, SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY set (plus
// SUPABASE_DB_URL and SUPABASE_JWT_SECRET) the same cases run against that project instead, except the two
// that only the local stack promises. Users are made with the admin API and sign in through /auth/v1. Besides the project's own
// topic policies (member:<id>), a fixture policy on `rt-test:*` topics lets a test grant and withdraw
// access row by row; like the project's policies it refuses disabled users.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createClient,
  type RealtimeChannel,
  type SupabaseClient,
  type WebSocketLikeConstructor,
} from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestDatabase } from '../../test/pg';
import { type RunningStack, startStack } from '../server';
import { STARTUP_TIMEOUT_MS } from './conformance/target';

const FIXTURE_SQL = `
  create table if not exists public.rt_fixture_acl (user_id uuid not null, topic text not null,
    primary key (user_id, topic));
  create or replace function public.rt_fixture_allows() returns boolean
  language sql stable security definer set search_path = '' as $$
    select exists (select 1 from public.rt_fixture_acl a where a.user_id = auth.uid() and a.topic = realtime.topic())
      and coalesce(public.my_status(), 'invited') <> 'disabled'
  $$;
  drop policy if exists rt_fixture_select on realtime.messages;
  drop policy if exists rt_fixture_insert on realtime.messages;
  create policy rt_fixture_select on realtime.messages for select to authenticated
    using (public.rt_fixture_allows());
  create policy rt_fixture_insert on realtime.messages for insert to authenticated
    with check (public.rt_fixture_allows());
`;

/** Where the suite runs: what it needs from a target, whether local or a real project. */
interface Target {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  /** One SQL statement as the database owner. */
  sql(text: string, params?: unknown[]): Promise<void>;
  /** A multi-statement script as the database owner. */
  exec(script: string): Promise<void>;
  /** Restarts the server on the same data and port (local stacks only). */
  restart?: () => Promise<void>;
  close(): Promise<void>;
}

interface Backend {
  name: string;
  /** Keyroom's local Realtime re-checks channels after member pokes; Supabase Realtime checks at join only. */
  local: boolean;
  start(): Promise<Target>;
}

async function localTarget(dbUrl: string | undefined, cleanup: () => Promise<void>): Promise<Target> {
  const dataDir = await mkdtemp(join(tmpdir(), 'keyroom-rt-'));
  let stack: RunningStack = await startStack({ port: 0, dataDir, dbUrl });
  const port = Number(new URL(stack.url).port);
  return {
    url: stack.url,
    anonKey: stack.anonKey,
    serviceRoleKey: stack.serviceRoleKey,
    jwtSecret: stack.jwtSecret,
    sql: async (text, params) => {
      await stack.db.query(text, params);
    },
    exec: (script) => stack.db.exec(script),
    restart: async () => {
      await stack.stop();
      stack = await startStack({ port, dataDir, dbUrl });
    },
    close: async () => {
      await stack.stop();
      await cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} must be set to run the realtime conformance suite against a project`);
  return v;
}

const backends: Backend[] =
  process.env.SUPABASE_URL && process.env.SUPABASE_ANON_KEY && process.env.SUPABASE_SERVICE_ROLE_KEY
    ? [
        {
          name: 'Supabase',
          local: false,
          start: async () => {
            const pool = new pg.Pool({ connectionString: required('SUPABASE_DB_URL'), max: 2 });
            return {
              url: required('SUPABASE_URL').replace(/\/$/, ''),
              anonKey: required('SUPABASE_ANON_KEY'),
              serviceRoleKey: required('SUPABASE_SERVICE_ROLE_KEY'),
              jwtSecret: required('SUPABASE_JWT_SECRET'),
              sql: async (text, params) => {
                await pool.query(text, params);
              },
              exec: async (script) => {
                await pool.query(script);
              },
              close: () => pool.end(),
            };
          },
        },
      ]
    : [
        { name: 'PGlite', local: true, start: () => localTarget(undefined, async () => {}) },
        {
          name: 'PostgreSQL',
          local: true,
          start: async () => {
            const db = await createTestDatabase('keyroom_rt');
            return localTarget(db.url, db.drop);
          },
        },
      ];

// Node 20 has no WebSocket of its own; realtime-js needs one. ws's overloaded constructor does not match
// realtime-js's declared constructor type, though it is what realtime-js documents for Node.
const realtime = { transport: WebSocket as unknown as WebSocketLikeConstructor, timeout: 5_000 };
const PASSWORD = 'correct horse battery staple 42';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

type Outcome = { status: string; error?: Error };
/** Resolves with the first outcome of subscribe(): SUBSCRIBED, CHANNEL_ERROR or TIMED_OUT. */
const subscribe = (ch: RealtimeChannel) =>
  new Promise<Outcome>((resolve) => {
    ch.subscribe((status, error) => {
      if (status !== 'CLOSED') resolve(error ? { status, error } : { status });
    });
  });

/** Watches a channel: its broadcasts, its system messages and whether it was closed. */
function watch(ch: RealtimeChannel, event = '*') {
  const w = {
    got: [] as Array<{ event: string; payload: Record<string, unknown> }>,
    system: [] as Array<{ message?: string }>,
    closed: false,
  };
  ch.on('broadcast', { event }, (m) => w.got.push({ event: m.event, payload: m.payload }));
  ch.on('system', {}, (m) => w.system.push(m));
  const subscribed = new Promise<void>((resolve, reject) =>
    ch.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      else if (status === 'CLOSED') w.closed = true;
      else reject(error ?? new Error(status));
    }),
  );
  return Object.assign(w, { subscribed });
}

describe.each(backends)('realtime on $name', (backend) => {
  let target: Target;
  let admin: SupabaseClient;
  const clients: SupabaseClient[] = [];
  const topic = () => `rt-test:${randomUUID()}`;

  beforeAll(async () => {
    target = await backend.start();
    await target.exec(FIXTURE_SQL);
    admin = createClient(target.url, target.serviceRoleKey, { auth: { persistSession: false }, realtime });
  }, STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.removeAllChannels()));
    await target?.close();
  }, STARTUP_TIMEOUT_MS);

  const newClient = (options: { reconnectAfterMs?: () => number } = {}) => {
    const c = createClient(target.url, target.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { ...realtime, ...options },
    });
    clients.push(c);
    return c;
  };

  /** A member of the office (profile status invited) signed in through /auth/v1. */
  const member = async (options: { reconnectAfterMs?: () => number } = {}) => {
    const email = `rt-${randomUUID()}@example.test`;
    const created = await admin.auth.admin.createUser({ email, password: PASSWORD, email_confirm: true });
    if (created.error) throw created.error;
    const id = created.data.user.id;
    await target.sql(`insert into public.profiles (id, email, display_name) values ($1, $2, 'rt')`, [
      id,
      email,
    ]);
    const client = newClient(options);
    const signedIn = await client.auth.signInWithPassword({ email, password: PASSWORD });
    if (signedIn.error) throw signedIn.error;
    // Hand the session token to realtime now rather than racing the auth event.
    await client.realtime.setAuth();
    return { id, client };
  };

  /** A client holding a token minted with the stack's secret (for expiry and foreign-token cases). */
  const withToken = async (sub: string, expiresInSeconds = 3600) => {
    const token = await new SignJWT({ role: 'authenticated', aud: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
      .sign(new TextEncoder().encode(target.jwtSecret));
    const client = newClient();
    await client.realtime.setAuth(token);
    return { client, token };
  };

  const allow = (userId: string, t: string) =>
    target.sql('insert into public.rt_fixture_acl (user_id, topic) values ($1, $2)', [userId, t]);

  const send = (t: string, event: string, payload: Record<string, unknown>) =>
    target.sql('select realtime.send($1::jsonb, $2, $3, true)', [JSON.stringify(payload), event, t]);

  it('carries a broadcast between two clients, with self and ack', async () => {
    const room = `room-${randomUUID()}`;
    const a = newClient().channel(room, { config: { broadcast: { self: true, ack: true } } });
    const b = newClient().channel(room);
    const wa = watch(a, 'hello');
    const wb = watch(b, 'hello');
    await Promise.all([wa.subscribed, wb.subscribed]);

    expect(await a.send({ type: 'broadcast', event: 'hello', payload: { n: 1, text: 'hi' } })).toBe('ok');
    await waitFor('both receive', () => wa.got.length === 1 && wb.got.length === 1);
    expect(wb.got[0]?.payload).toEqual({ n: 1, text: 'hi' });
    expect(wa.got[0]?.payload).toEqual({ n: 1, text: 'hi' });

    // b has self: false, so its own message comes back only to a.
    await b.send({ type: 'broadcast', event: 'hello', payload: { n: 2 } });
    await waitFor('a receives b', () => wa.got.length === 2);
    await sleep(150);
    expect(wb.got).toHaveLength(1);
  });

  it('falls back to the REST broadcast endpoint for send() before join, and serves httpSend()', async () => {
    const room = `room-${randomUUID()}`;
    const w = watch(newClient().channel(room));
    await w.subscribed;
    const sender = newClient().channel(room);
    expect(await sender.send({ type: 'broadcast', event: 'rest', payload: { via: 'rest' } })).toBe('ok');
    expect(await sender.httpSend('single', { via: 'httpSend' })).toEqual({ success: true });
    await waitFor('two REST broadcasts', () => w.got.length === 2);
    expect(w.got).toEqual([
      { event: 'rest', payload: { via: 'rest' } },
      { event: 'single', payload: { via: 'httpSend' } },
    ]);
  });

  it('delivers realtime.send from a committed transaction to a subscribed private channel', async () => {
    const { id, client } = await member();
    const t = topic();
    await allow(id, t);
    const w = watch(client.channel(t, { config: { private: true } }), 'entry');
    await w.subscribed;

    // A rolled-back transaction announces nothing.
    await expect(
      target.exec(`do $$ begin
        perform realtime.send('{"op":"lost"}'::jsonb, 'entry', '${t}', true);
        raise exception 'roll back';
      end $$`),
    ).rejects.toThrow(/roll back/);
    await send(t, 'entry', { seq: 7, op: 'insert' });
    await waitFor('the poke', () => w.got.length === 1);
    expect(w.got[0]?.event).toBe('entry');
    expect(w.got[0]?.payload).toMatchObject({ seq: 7, op: 'insert', id: expect.any(String) });
    await sleep(150);
    expect(w.got).toHaveLength(1);
  });

  it('syncs presence across three clients: state, joins and leaves', async () => {
    const room = `presence-${randomUUID()}`;
    const names = ['ann', 'bob', 'cy'] as const;
    const channels = names.map((key) => newClient().channel(room, { config: { presence: { key } } }));
    const [ann, bob, cy] = channels as [RealtimeChannel, RealtimeChannel, RealtimeChannel];
    const joins: string[] = [];
    const leaves: string[] = [];
    ann.on('presence', { event: 'join' }, ({ key }) => joins.push(key));
    ann.on('presence', { event: 'leave' }, ({ key }) => leaves.push(key));
    // A presence binding before subscribe() is what asks the server for presence (and its state) at join.
    for (const ch of [bob, cy]) ch.on('presence', { event: 'sync' }, () => {});
    for (const [i, ch] of channels.entries()) {
      expect((await subscribe(ch)).status).toBe('SUBSCRIBED');
      expect(await ch.track({ name: names[i], app_version: '1.0.0' })).toBe('ok');
    }
    const keys = (ch: RealtimeChannel) => Object.keys(ch.presenceState()).sort().join();
    await waitFor('everyone sees three', () => channels.every((ch) => keys(ch) === 'ann,bob,cy'));
    expect(bob.presenceState().cy?.[0]).toMatchObject({ name: 'cy', app_version: '1.0.0' });
    expect(joins.sort()).toEqual(['ann', 'bob', 'cy']);

    // A late joiner gets the whole state on join, without tracking anything itself.
    const late = newClient().channel(room, { config: { presence: { key: 'dee' } } });
    late.on('presence', { event: 'sync' }, () => {});
    expect((await subscribe(late)).status).toBe('SUBSCRIBED');
    await waitFor('late joiner state', () => keys(late) === 'ann,bob,cy');

    expect(await bob.untrack()).toBe('ok');
    await waitFor('bob leaves', () => leaves.includes('bob'));
    await cy.unsubscribe();
    await waitFor('cy leaves', () => leaves.includes('cy'));
    await waitFor('state shrinks', () => keys(ann) === 'ann' && keys(late) === 'ann');
  });

  it('refuses a private channel to a user whom RLS denies and accepts one it allows', async () => {
    const owner = await member();
    const other = await member();
    const t = `member:${owner.id}`;

    const refused = await subscribe(other.client.channel(t, { config: { private: true } }));
    expect(refused.status).toBe('CHANNEL_ERROR');
    expect(refused.error?.message).toBe(
      `Unauthorized: You do not have permissions to read from this Channel topic: ${t}`,
    );
    const anonRefused = await subscribe(newClient().channel(t, { config: { private: true } }));
    expect(anonRefused.status).toBe('CHANNEL_ERROR');

    const w = watch(owner.client.channel(t, { config: { private: true } }));
    await w.subscribed;
    await send(t, 'grants', { vault_id: randomUUID(), op: 'insert' });
    await waitFor('the owner gets its member poke', () => w.got.length === 1);
  });

  it('does not let a member without INSERT send on a private channel', async () => {
    const reader = await member();
    const writer = await member();
    const t = topic();
    await allow(reader.id, t);
    // The writer may read (a second policy) but not insert.
    await target.exec(`drop policy if exists rt_fixture_ro on realtime.messages;
      create policy rt_fixture_ro on realtime.messages for select to authenticated
      using (realtime.topic() = '${t}' and auth.uid() = '${writer.id}')`);
    const w = watch(reader.client.channel(t, { config: { private: true } }));
    await w.subscribed;
    const ch = writer.client.channel(t, { config: { private: true, broadcast: { ack: true } } });
    expect((await subscribe(ch)).status).toBe('SUBSCRIBED');
    expect(await ch.send({ type: 'broadcast', event: 'x', payload: {} }, { timeout: 500 })).toBe('timed out');
    await sleep(100);
    expect(w.got).toEqual([]);
  });

  // Supabase Realtime authorizes at join and token refresh only; there the Keyroom client acts on the poke.
  if (backend.local)
    it("stops a disabled user's channels: the disabled poke arrives, then nothing more", async () => {
      const victim = await member();
      const witness = await member();
      const t = topic();
      await allow(victim.id, t);
      await allow(witness.id, t);
      const own = watch(victim.client.channel(`member:${victim.id}`, { config: { private: true } }));
      const shared = watch(victim.client.channel(t, { config: { private: true } }), 'entry');
      const seen = watch(witness.client.channel(t, { config: { private: true } }), 'entry');
      await Promise.all([own.subscribed, shared.subscribed, seen.subscribed]);
      await send(t, 'entry', { seq: 1 });
      await waitFor('first poke', () => shared.got.length === 1 && seen.got.length === 1);

      // The project's profiles trigger pokes member:<id> `disabled` in the same transaction.
      await target.sql(`update public.profiles set status = 'disabled' where id = $1`, [victim.id]);
      await send(t, 'entry', { seq: 2 });
      await send(`member:${victim.id}`, 'grants', { op: 'delete' });
      await waitFor('the witness gets the second poke', () => seen.got.length === 2);
      await waitFor('both channels closed', () => own.closed && shared.closed);
      expect(own.got.map((m) => m.event)).toEqual(['disabled']);
      expect(shared.got.map((m) => m.payload.seq)).toEqual([1]);
      expect(shared.system).toEqual([
        expect.objectContaining({
          extension: 'system',
          status: 'error',
          message: `You no longer have permission to read from this Channel topic: ${t}`,
        }),
      ]);
    });

  it('closes a channel whose token expires without refresh, with the system message Realtime sends', async () => {
    const id = randomUUID();
    const t = topic();
    await allow(id, t);
    const { client } = await withToken(id, 2);
    const w = watch(client.channel(t, { config: { private: true } }));
    await w.subscribed;
    await waitFor('expiry closes the channel', () => w.closed, 6_000);
    expect(w.system.at(-1)?.message).toMatch(/^Token has expired \d+ seconds ago$/);
  });

  it('re-authorizes on access_token refresh: a token without access closes the channel', async () => {
    const { id, client } = await member();
    const t = topic();
    await allow(id, t);
    const w = watch(client.channel(t, { config: { private: true } }), 'entry');
    await w.subscribed;
    // A refreshed token of the same user keeps the channel.
    const refreshed = await client.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    await client.realtime.setAuth();
    await send(t, 'entry', { after: 'refresh' });
    await waitFor('poke after refresh', () => w.got.length === 1);
    expect(w.closed).toBe(false);
    // A token of someone RLS refuses ends it.
    const stranger = await withToken(randomUUID());
    await client.realtime.setAuth(stranger.token);
    await waitFor('channel closed', () => w.closed);
    expect(w.system.at(-1)?.message).toBe(
      `You do not have permissions to read from this Channel topic: ${t}`,
    );
  });

  if (backend.local)
    it(
      'resumes the subscription after the server restarts on the same data and port',
      async () => {
        const { id, client } = await member({ reconnectAfterMs: () => 300 });
        const t = topic();
        await allow(id, t);
        const ch = client.channel(t, { config: { private: true } });
        const got: unknown[] = [];
        let joins = 0;
        ch.on('broadcast', { event: 'entry' }, (m) => got.push(m.payload));
        ch.subscribe((status) => {
          if (status === 'SUBSCRIBED') joins++;
        });
        await waitFor('first join', () => joins === 1);

        await target.restart?.();
        await waitFor('rejoin after restart', () => joins === 2, 15_000);
        await send(t, 'entry', { after: 'restart' });
        await waitFor('poke after restart', () => got.length === 1);
        expect(got[0]).toMatchObject({ after: 'restart' });
      },
      STARTUP_TIMEOUT_MS,
    );
});
