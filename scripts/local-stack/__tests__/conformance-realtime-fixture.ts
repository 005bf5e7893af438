// What the realtime conformance files share: where they run (PGlite and a fresh PostgreSQL, or — with
// SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY, SUPABASE_DB_URL and SUPABASE_JWT_SECRET set —
// that project instead), members signed in through /auth/v1 with the admin API, tokens minted with the
// project's secret, and a fixture policy on `rt-test:*` topics that lets a test grant and withdraw access
// row by row (like the project's own topic policies it refuses disabled users).
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
import WebSocket from 'ws';
import { createTestDatabase } from '../../test/pg';
import { type RunningStack, startStack } from '../server';

const FIXTURE_SQL = `
  create table if not exists public.rt_fixture_acl (user_id uuid not null, topic text not null,
    primary key (user_id, topic));
  create table if not exists public.rt_fixture_readers (user_id uuid not null, topic text not null,
    primary key (user_id, topic));
  create table if not exists public.rt_fixture_writers (user_id uuid not null, topic text not null,
    primary key (user_id, topic));
  create or replace function public.rt_fixture_allows() returns boolean
  language sql stable security definer set search_path = '' as $$
    select exists (select 1 from public.rt_fixture_acl a where a.user_id = auth.uid() and a.topic = realtime.topic())
      and coalesce(public.my_status(), 'invited') <> 'disabled'
  $$;
  create or replace function public.rt_fixture_reads() returns boolean
  language sql stable security definer set search_path = '' as $$
    select exists (select 1 from public.rt_fixture_readers r where r.user_id = auth.uid()
      and r.topic = realtime.topic())
  $$;
  create or replace function public.rt_fixture_writes() returns boolean
  language sql stable security definer set search_path = '' as $$
    select exists (select 1 from public.rt_fixture_writers w where w.user_id = auth.uid()
      and w.topic = realtime.topic())
  $$;
  drop policy if exists rt_fixture_select on realtime.messages;
  drop policy if exists rt_fixture_insert on realtime.messages;
  drop policy if exists rt_fixture_reader on realtime.messages;
  drop policy if exists rt_fixture_writer on realtime.messages;
  create policy rt_fixture_select on realtime.messages for select to authenticated
    using (public.rt_fixture_allows());
  create policy rt_fixture_insert on realtime.messages for insert to authenticated
    with check (public.rt_fixture_allows());
  create policy rt_fixture_reader on realtime.messages for select to authenticated
    using (public.rt_fixture_reads());
  create policy rt_fixture_writer on realtime.messages for insert to authenticated
    with check (public.rt_fixture_writes());
`;

/** Where a suite runs: what it needs from a target, whether local or a real project. */
export interface Target {
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

export interface Backend {
  name: string;
  /** The local stand-in (restartable, stand-in-only cases); false on a real project. */
  local: boolean;
  start(): Promise<Target>;
}

async function localTarget(dbUrl: string | undefined, cleanup: () => Promise<void>): Promise<Target> {
  const dataDir = await mkdtemp(join(tmpdir(), 'keyroom-rt-'));
  let stack: RunningStack = await startStack({ port: 0, dataDir, dbUrl });
  const port = Number(new URL(stack.url).port);
  // The sb_ keys a project hands out today, or (KEYROOM_CONFORMANCE_KEYS=legacy) the legacy JWT keys.
  const legacy = process.env.KEYROOM_CONFORMANCE_KEYS === 'legacy';
  return {
    url: stack.url,
    anonKey: legacy ? stack.anonKey : stack.publishableKey,
    serviceRoleKey: legacy ? stack.serviceRoleKey : stack.secretKey,
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

export const backends: Backend[] =
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
export const realtime = { transport: WebSocket as unknown as WebSocketLikeConstructor, timeout: 5_000 };
const PASSWORD = 'correct horse battery staple 42';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export type Outcome = { status: string; error?: Error };
/** Resolves with the first outcome of subscribe(): SUBSCRIBED, CHANNEL_ERROR or TIMED_OUT. */
export const subscribe = (ch: RealtimeChannel) =>
  new Promise<Outcome>((resolve) => {
    ch.subscribe((status, error) => {
      if (status !== 'CLOSED') resolve(error ? { status, error } : { status });
    });
  });

/** Watches a channel: its broadcasts, its system messages and whether it was closed. */
export function watch(ch: RealtimeChannel, event = '*') {
  const w = {
    got: [] as Array<{ event: string; payload: Record<string, unknown> }>,
    system: [] as Array<{ message?: string; status?: string; extension?: string }>,
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

/** One target with its admin client and the clients a suite made, closed together. */
export class RealtimeFixture {
  readonly clients: SupabaseClient[] = [];
  private constructor(
    readonly target: Target,
    readonly admin: SupabaseClient,
  ) {}

  static async start(backend: Backend): Promise<RealtimeFixture> {
    const target = await backend.start();
    await target.exec(FIXTURE_SQL);
    const admin = createClient(target.url, target.serviceRoleKey, {
      auth: { persistSession: false },
      realtime,
    });
    return new RealtimeFixture(target, admin);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.removeAllChannels()));
    await this.target.close();
  }

  topic = () => `rt-test:${randomUUID()}`;

  newClient = (options: { reconnectAfterMs?: () => number } = {}) => {
    const c = createClient(this.target.url, this.target.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { ...realtime, ...options },
    });
    this.clients.push(c);
    return c;
  };

  /** A member of the office (profile status invited) signed in through /auth/v1. */
  member = async (options: { reconnectAfterMs?: () => number } = {}) => {
    const email = `rt-${randomUUID()}@example.test`;
    const created = await this.admin.auth.admin.createUser({
      email,
      password: PASSWORD,
      email_confirm: true,
    });
    if (created.error) throw created.error;
    const id = created.data.user.id;
    await this.target.sql(`insert into public.profiles (id, email, display_name) values ($1, $2, 'rt')`, [
      id,
      email,
    ]);
    const client = this.newClient(options);
    const signedIn = await client.auth.signInWithPassword({ email, password: PASSWORD });
    if (signedIn.error) throw signedIn.error;
    // Hand the session token to realtime now rather than racing the auth event.
    await client.realtime.setAuth();
    return { id, client };
  };

  /** A token minted with the project's secret, for expiry and foreign-token cases. */
  mint = (sub: string, expiresInSeconds = 3600) =>
    new SignJWT({ role: 'authenticated', aud: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
      .sign(new TextEncoder().encode(this.target.jwtSecret));

  /** A client holding a minted token. */
  withToken = async (sub: string, expiresInSeconds = 3600) => {
    const token = await this.mint(sub, expiresInSeconds);
    const client = this.newClient();
    await client.realtime.setAuth(token);
    return { client, token };
  };

  /** Lets a user read (and send on) a fixture topic. */
  allow = (userId: string, t: string) =>
    this.target.sql('insert into public.rt_fixture_acl (user_id, topic) values ($1, $2)', [userId, t]);

  /** Withdraws what allow() gave. */
  withdraw = (userId: string, t: string) =>
    this.target.sql('delete from public.rt_fixture_acl where user_id = $1 and topic = $2', [userId, t]);

  /** Gives or withdraws the right to read only (SELECT) or to send only (INSERT) on a topic. */
  right = (kind: 'readers' | 'writers', userId: string, t: string, on: boolean) =>
    on
      ? this.target.sql(`insert into public.rt_fixture_${kind} (user_id, topic) values ($1, $2)`, [userId, t])
      : this.target.sql(`delete from public.rt_fixture_${kind} where user_id = $1 and topic = $2`, [
          userId,
          t,
        ]);

  /** realtime.send as the database owner, in its own transaction. */
  send = (t: string, event: string, payload: Record<string, unknown>) =>
    this.target.sql('select realtime.send($1::jsonb, $2, $3, true)', [JSON.stringify(payload), event, t]);
}
