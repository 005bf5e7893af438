// The checks through the project's public API, as the installed app and an attacker see it: reachable with the
// publishable key, sign-ups off, the JWKS served (public keys only), anon reading nothing, and, with the secret
// key, the office policy row plus what a signed-in stranger meets: both edge functions answer their token (and
// refuse without one), and a private Realtime channel refuses the join. The stranger is a throw-away Auth user
// with no profile, created and deleted again here; nothing else is written.
import { randomBytes } from 'node:crypto';
import { createClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { z } from 'zod';
import { EXPECTED_GRANTS } from './expected-grants';
import { type CheckResult, fail, ok, skip } from './report';

type Transport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>;

export interface ApiTarget {
  url: string;
  publishableKey: string;
  /** `sb_secret_…` (or a legacy service-role key), from the environment only. */
  secretKey: string | undefined;
}

const TIMEOUT_MS = 10_000;
const NEEDS_SECRET = 'not checked: set SUPABASE_SECRET_KEY (the project secret key) in the environment';

async function request(t: ApiTarget, path: string, init: RequestInit & { key?: string } = {}) {
  const headers = new Headers(init.headers);
  headers.set('apikey', init.key ?? t.publishableKey);
  const res = await fetch(`${t.url}${path}`, { ...init, headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text.slice(0, 200);
  }
  return { status: res.status, body };
}

/** Reachable and the key accepted; everything else depends on it. */
export async function reachable(t: ApiTarget): Promise<CheckResult & { settings?: unknown }> {
  const name = 'reachable';
  try {
    const { status, body } = await request(t, '/auth/v1/settings');
    if (status === 401)
      return fail(
        name,
        'the project refused the key: give its publishable key (Project Settings → API Keys)',
      );
    if (status !== 200)
      return fail(name, `Auth answered ${status}: is the project paused? Restore it in the dashboard`);
    return { ...ok(name, `${t.url} answers`), settings: body };
  } catch (e) {
    const why = e instanceof Error ? e.message : 'no answer';
    return fail(
      name,
      `cannot reach ${t.url} (${why}): check the URL (Project Settings → API) and the network`,
    );
  }
}

export function signupsOff(settings: unknown): CheckResult {
  const name = 'sign-ups off';
  const parsed = z.object({ disable_signup: z.boolean() }).safeParse(settings);
  if (!parsed.success) return fail(name, 'Auth settings did not say whether sign-ups are allowed');
  return parsed.data.disable_signup
    ? ok(name, 'nobody can create an account but the admin')
    : fail(
        name,
        'anyone can sign up: turn off "Allow new users to sign up" (Authentication → Sign In / Providers) or [auth] enable_signup = false',
      );
}

export async function jwksServed(t: ApiTarget): Promise<CheckResult> {
  const name = 'JWKS served';
  const { status, body } = await request(t, '/auth/v1/.well-known/jwks.json');
  const parsed = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).safeParse(body);
  if (status !== 200 || !parsed.success || parsed.data.keys.length === 0)
    return fail(
      name,
      `no signing keys at /auth/v1/.well-known/jwks.json (HTTP ${status}): migrate to asymmetric JWT signing keys (Project Settings → JWT Keys); the functions verify tokens against it`,
    );
  // Public keys only: a symmetric secret ("k") or a private part ("d") here would let anyone mint tokens.
  const leaking = parsed.data.keys.filter((k) => 'k' in k || 'd' in k);
  if (leaking.length > 0)
    return fail(name, 'the JWKS publishes secret key material: rotate the JWT keys now');
  const kids = parsed.data.keys.map((k) => String(k.kid ?? '?'));
  return ok(name, `${kids.length} public key(s): ${kids.join(', ')}`);
}

/** The tables and views the app uses, from the expected grants. */
function exposedRelations(): string[] {
  const names = EXPECTED_GRANTS.filter((g) => /^(table|view) public\./.test(g)).map(
    (g) => g.split(' ')[1]?.slice('public.'.length) ?? '',
  );
  return [...new Set(names)].sort();
}

export async function anonSeesNothing(t: ApiTarget): Promise<CheckResult> {
  const name = 'anon sees nothing';
  const readable: string[] = [];
  for (const table of exposedRelations()) {
    const { status, body } = await request(t, `/rest/v1/${table}?select=*&limit=1`);
    if (status === 200 && Array.isArray(body) && body.length > 0) readable.push(table);
  }
  if (readable.length > 0)
    return fail(
      name,
      `the publishable key alone reads rows of ${readable.join(', ')}: revoke anon's grants there (docs/data-model.md, Grants)`,
    );
  return ok(name, `no rows from ${exposedRelations().length} tables and views without signing in`);
}

export async function policyRow(t: ApiTarget): Promise<CheckResult> {
  const name = 'office policy row';
  if (!t.secretKey) return skip(name, NEEDS_SECRET);
  const { status, body } = await request(
    t,
    '/rest/v1/client_policy?id=eq.1&select=id,min_version,latest_version',
    {
      key: t.secretKey,
    },
  );
  const rows = z.array(z.object({ id: z.number() })).safeParse(body);
  if (status !== 200 || !rows.success || rows.data.length !== 1)
    return fail(name, 'client_policy has no row 1: run `supabase db push` (the migration inserts it)');
  return ok(name, 'client_policy row 1 exists');
}

interface Stranger {
  id: string;
  token: string;
}

async function createStranger(t: ApiTarget, secretKey: string): Promise<Stranger> {
  const email = `keyroom-doctor-${randomBytes(6).toString('hex')}@example.com`;
  const password = randomBytes(24).toString('base64url');
  const created = await request(t, '/auth/v1/admin/users', {
    method: 'POST',
    key: secretKey,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secretKey}` },
    body: JSON.stringify({ email, password, email_confirm: true }),
  });
  const user = z.object({ id: z.string() }).safeParse(created.body);
  if (!user.success) throw new Error(`Auth did not create the throw-away user (HTTP ${created.status})`);
  const signedIn = await request(t, '/auth/v1/token?grant_type=password', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const session = z.object({ access_token: z.string() }).safeParse(signedIn.body);
  if (!session.success) {
    await deleteStranger(t, secretKey, user.data.id);
    throw new Error(`the throw-away user could not sign in (HTTP ${signedIn.status})`);
  }
  return { id: user.data.id, token: session.data.access_token };
}

async function deleteStranger(t: ApiTarget, secretKey: string, id: string): Promise<void> {
  await request(t, `/auth/v1/admin/users/${id}`, {
    method: 'DELETE',
    key: secretKey,
    headers: { authorization: `Bearer ${secretKey}` },
  });
}

async function functionAnswers(t: ApiTarget, fn: string, stranger: Stranger): Promise<CheckResult> {
  const name = `edge function ${fn}`;
  const call = (token: string | null) =>
    request(t, `/functions/v1/${fn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: '{}',
    });
  const errorCode = (body: unknown) =>
    z.object({ error: z.object({ code: z.string() }) }).safeParse(body).data?.error.code;
  const anonymous = await call(null);
  if (anonymous.status === 404) return fail(name, `not deployed: run \`supabase functions deploy ${fn}\``);
  if (anonymous.status !== 401)
    return fail(
      name,
      `answered ${anonymous.status} without a user token (must be 401): redeploy it from this checkout`,
    );
  const signedIn = await call(stranger.token);
  // A signed-in user who is no admin: the function verified the token and refused by role (403), not by token.
  if (signedIn.status !== 403 || errorCode(signedIn.body) !== 'forbidden')
    return fail(
      name,
      `with a user token it answered ${signedIn.status} ${errorCode(signedIn.body) ?? ''} (expected 403 forbidden): check its secrets and that verify_jwt = false is deployed (supabase/config.toml)`,
    );
  return ok(name, 'refuses without a token (401), verifies a user token and checks the role (403)');
}

async function privateJoinRefused(t: ApiTarget, stranger: Stranger): Promise<CheckResult> {
  const name = 'private channel refused without a grant';
  const client = createClient(t.url, t.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as unknown as Transport },
  });
  try {
    await client.realtime.setAuth(stranger.token);
    const status = await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('TIMED_OUT'), TIMEOUT_MS);
      client.channel('office', { config: { private: true } }).subscribe((s) => {
        if (s === 'SUBSCRIBED' || s === 'CHANNEL_ERROR') {
          clearTimeout(timer);
          resolve(s);
        }
      });
    });
    if (status === 'CHANNEL_ERROR') return ok(name, 'a user with no profile cannot join "office"');
    if (status === 'SUBSCRIBED')
      return fail(
        name,
        'a user with no profile joined the private "office" channel: turn off "Allow public access" (Realtime settings) and re-apply the realtime.messages policies (supabase db push)',
      );
    return fail(name, 'Realtime did not answer the join in 10 s: check the project is not paused');
  } finally {
    await client.removeAllChannels();
  }
}

/** The checks that need a signed-in user: made for the run, deleted after it. */
export async function strangerChecks(t: ApiTarget): Promise<CheckResult[]> {
  const names = [
    'edge function app-updates',
    'edge function admin-users',
    'private channel refused without a grant',
  ];
  if (!t.secretKey) return names.map((n) => skip(n, NEEDS_SECRET));
  let stranger: Stranger;
  try {
    stranger = await createStranger(t, t.secretKey);
  } catch (e) {
    const why = e instanceof Error ? e.message : 'unknown error';
    return names.map((n) => fail(n, `${why}: is SUPABASE_SECRET_KEY this project's secret key?`));
  }
  try {
    return [
      await functionAnswers(t, 'app-updates', stranger),
      await functionAnswers(t, 'admin-users', stranger),
      await privateJoinRefused(t, stranger),
    ];
  } finally {
    await deleteStranger(t, t.secretKey, stranger.id);
  }
}
