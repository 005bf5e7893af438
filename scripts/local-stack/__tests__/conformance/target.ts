// Where the conformance suite runs: a local stack started by the test file (on in-memory PGlite and on a fresh
// PostgreSQL database, the same cases on both), or — when SUPABASE_URL, SUPABASE_ANON_KEY and
// SUPABASE_SERVICE_ROLE_KEY are set — an existing Supabase project such as `supabase start`, which the
// suite then treats as the reference. Remote runs also need SUPABASE_JWT_SECRET (to mint expired and forged
// tokens) and SUPABASE_DB_URL (to end sessions behind Auth's back, as an admin tool does).
import { randomBytes } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import pg from 'pg';
import ws from 'ws';
import { createTestDatabase } from '../../../test/pg';
import { DEFAULT_AUTH_SETTINGS } from '../../auth/settings';
import { type RunningStack, startStack } from '../../server';

export interface Target {
  name: string;
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  /** Auth's refresh_token_reuse_interval on this target, in seconds. */
  reuseIntervalSeconds: number;
  /** Wrong passwords for one account before sign-in answers 429, at most. */
  signInAttemptsBeforeLimit: number;
  /** Runs SQL as the database owner (to change things behind the API's back, like an admin tool). */
  sql(text: string, params?: unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
}

/** Starting PGlite from scratch takes seconds on an idle machine and over a minute on a busy one. */
export const STARTUP_TIMEOUT_MS = 300_000;

export interface TargetFactory {
  name: string;
  start(): Promise<Target>;
}

const LOCAL_AUTH = { refreshReuseIntervalSeconds: 1, signInFailuresPerEmail: 5, signInPerIp: 1000 };

async function local(name: string, stack: RunningStack, cleanup: () => Promise<void>): Promise<Target> {
  return {
    name,
    url: stack.url,
    anonKey: stack.anonKey,
    serviceRoleKey: stack.serviceRoleKey,
    jwtSecret: stack.jwtSecret,
    reuseIntervalSeconds: LOCAL_AUTH.refreshReuseIntervalSeconds,
    signInAttemptsBeforeLimit: LOCAL_AUTH.signInFailuresPerEmail,
    sql: async (text, params) => (await stack.db.query(text, params)).rows,
    close: async () => {
      await stack.stop();
      await cleanup();
    },
  };
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} must be set to run the conformance suite against a Supabase project`);
  return v;
}

export function targets(): TargetFactory[] {
  if (process.env.SUPABASE_URL && process.env.SUPABASE_ANON_KEY && process.env.SUPABASE_SERVICE_ROLE_KEY) {
    return [
      {
        name: 'supabase',
        start: async () => {
          const pool = new pg.Pool({ connectionString: required('SUPABASE_DB_URL'), max: 2 });
          return {
            name: 'supabase',
            url: required('SUPABASE_URL').replace(/\/$/, ''),
            anonKey: required('SUPABASE_ANON_KEY'),
            serviceRoleKey: required('SUPABASE_SERVICE_ROLE_KEY'),
            jwtSecret: required('SUPABASE_JWT_SECRET'),
            reuseIntervalSeconds: DEFAULT_AUTH_SETTINGS.refreshReuseIntervalSeconds,
            // GoTrue limits /token per IP (config.toml [auth.rate_limit] token_refresh).
            signInAttemptsBeforeLimit: Number(process.env.SUPABASE_TOKEN_RATE_LIMIT ?? '150'),
            sql: async (text, params) => (await pool.query(text, params)).rows,
            close: () => pool.end(),
          };
        },
      },
    ];
  }
  return [
    {
      name: 'local stack on PGlite',
      start: async () => local('pglite', await startStack({ port: 0, auth: LOCAL_AUTH }), async () => {}),
    },
    {
      name: 'local stack on PostgreSQL',
      start: async () => {
        const tdb = await createTestDatabase('keyroom_conformance');
        try {
          return await local(
            'postgres',
            await startStack({ port: 0, dbUrl: tdb.url, auth: LOCAL_AUTH }),
            tdb.drop,
          );
        } catch (err) {
          await tdb.drop();
          throw err;
        }
      },
    },
  ];
}

export function client(t: Target, key = t.anonKey, headers: Record<string, string> = {}): SupabaseClient {
  return createClient(t.url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    // Node 20 has no global WebSocket; realtime-js wants one at construction even if unused here.
    realtime: { transport: ws as never },
    global: { headers },
  });
}

/** A client acting with a given access token (as after sign-in), without an auth session of its own. */
export function clientWithToken(t: Target, accessToken: string): SupabaseClient {
  return createClient(t.url, t.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as never },
    accessToken: async () => accessToken,
  });
}

export const uniqueEmail = (label: string) => `${label}-${randomBytes(4).toString('hex')}@conformance.test`;
export const tag = () => `c${randomBytes(4).toString('hex')}`;

export async function mintJwt(
  t: Target,
  claims: Record<string, unknown>,
  secret = t.jwtSecret,
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An auth user (email confirmed) with a Keyroom profile, made the way the admin-users function does it. */
export async function makeMember(
  t: Target,
  opts: {
    role?: 'admin' | 'member';
    status?: 'invited' | 'enrolled' | 'active' | 'disabled';
    password?: string;
  } = {},
): Promise<{ id: string; email: string; password: string }> {
  const admin = client(t, t.serviceRoleKey);
  const email = uniqueEmail(opts.role ?? 'member');
  const password = opts.password ?? `pw-${randomBytes(6).toString('hex')}`;
  const { data, error } = await admin.auth.admin.createUser({ email, password, email_confirm: true });
  if (error || !data.user) throw new Error(`createUser failed: ${error?.message}`);
  const profile = await admin.from('profiles').insert({
    id: data.user.id,
    email,
    display_name: email,
    role: opts.role ?? 'member',
    status: opts.status ?? 'active',
  });
  if (profile.error) throw new Error(`profile insert failed: ${profile.error.message}`);
  return { id: data.user.id, email, password };
}

export async function signIn(t: Target, email: string, password: string) {
  const c = client(t);
  const { data, error } = await c.auth.signInWithPassword({ email, password });
  if (error || !data.session) throw new Error(`sign-in failed: ${error?.message}`);
  return { client: c, session: data.session };
}
