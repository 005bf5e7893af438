// Where the conformance suite runs: a local stack started by the test file (on in-memory PGlite and on a fresh
// PostgreSQL database, the same cases on both), or — when SUPABASE_URL and a project key are set — an existing
// Supabase project such as `supabase start`, which the suite then treats as the reference. Remote runs need
// both key kinds (SUPABASE_PUBLISHABLE_KEY, SUPABASE_SECRET_KEY, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY),
// SUPABASE_JWT_SECRET (to mint expired and forged tokens) and SUPABASE_DB_URL (to end sessions behind Auth's
// back, as an admin tool does).
//
// KEYROOM_CONFORMANCE_KEYS picks the API keys every case uses: `new` (the default: sb_publishable_… and
// sb_secret_…, as a project created today hands out) or `legacy` (the anon and service-role JWT keys).
// `t.anonKey` / `t.serviceRoleKey` are the chosen pair, so `client(t)` and `client(t, t.serviceRoleKey)` follow
// it; cases about one kind in particular use the explicit fields.
import { randomBytes } from 'node:crypto';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import pg from 'pg';
import ws from 'ws';
import { createTestDatabase } from '../../../test/pg';
import { DEFAULT_AUTH_SETTINGS } from '../../auth/settings';
import { type RunningStack, startStack } from '../../server';

export type KeyKind = 'new' | 'legacy';

export interface Target {
  name: string;
  url: string;
  /** Which pair anonKey / serviceRoleKey hold (KEYROOM_CONFORMANCE_KEYS). */
  keyKind: KeyKind;
  /** The anon-role API key of the chosen kind: the publishable key, or the legacy anon JWT. */
  anonKey: string;
  /** The service-role API key of the chosen kind: the secret key, or the legacy service-role JWT. */
  serviceRoleKey: string;
  publishableKey: string;
  secretKey: string;
  legacyAnonKey: string;
  legacyServiceRoleKey: string;
  jwtSecret: string;
  /** Auth's refresh_token_reuse_interval on this target, in seconds. */
  reuseIntervalSeconds: number;
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

// Every suite's sign-ins and refreshes come from 127.0.0.1, so the per-IP /token limit is raised here; the
// limit itself is tested on its own stack (auth/rate-limit.test.ts, stand-in only).
const LOCAL_AUTH = { refreshReuseIntervalSeconds: 1, tokenRatePer5Min: 100_000, tokenBurst: 10_000 };

export function keyKind(): KeyKind {
  const v = process.env.KEYROOM_CONFORMANCE_KEYS ?? 'new';
  if (v !== 'new' && v !== 'legacy') throw new Error('KEYROOM_CONFORMANCE_KEYS must be "new" or "legacy"');
  return v;
}

interface ProjectKeys {
  publishableKey: string;
  secretKey: string;
  legacyAnonKey: string;
  legacyServiceRoleKey: string;
}

function withKeys(k: ProjectKeys) {
  const kind = keyKind();
  return {
    ...k,
    keyKind: kind,
    anonKey: kind === 'new' ? k.publishableKey : k.legacyAnonKey,
    serviceRoleKey: kind === 'new' ? k.secretKey : k.legacyServiceRoleKey,
  };
}

async function local(name: string, stack: RunningStack, cleanup: () => Promise<void>): Promise<Target> {
  return {
    name,
    url: stack.url,
    ...withKeys({
      publishableKey: stack.publishableKey,
      secretKey: stack.secretKey,
      legacyAnonKey: stack.anonKey,
      legacyServiceRoleKey: stack.serviceRoleKey,
    }),
    jwtSecret: stack.jwtSecret,
    reuseIntervalSeconds: LOCAL_AUTH.refreshReuseIntervalSeconds,
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
  if (process.env.SUPABASE_URL && (process.env.SUPABASE_PUBLISHABLE_KEY || process.env.SUPABASE_ANON_KEY)) {
    return [
      {
        name: 'supabase',
        start: async () => {
          const pool = new pg.Pool({ connectionString: required('SUPABASE_DB_URL'), max: 2 });
          return {
            name: 'supabase',
            url: required('SUPABASE_URL').replace(/\/$/, ''),
            ...withKeys({
              publishableKey: required('SUPABASE_PUBLISHABLE_KEY'),
              secretKey: required('SUPABASE_SECRET_KEY'),
              legacyAnonKey: required('SUPABASE_ANON_KEY'),
              legacyServiceRoleKey: required('SUPABASE_SERVICE_ROLE_KEY'),
            }),
            jwtSecret: required('SUPABASE_JWT_SECRET'),
            reuseIntervalSeconds: DEFAULT_AUTH_SETTINGS.refreshReuseIntervalSeconds,
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
