// /functions/v1 conformance: the runner behaves like `supabase functions serve` for what supabase-js sees
// (errors, timeouts, env, pass-through), and its verify_jwt like the hosted gateway's, driven through
// supabase.functions.invoke against fixture functions in functions-fixtures/.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  createClient,
  FunctionsHttpError,
  type SupabaseClient,
  type SupabaseClientOptions,
} from '@supabase/supabase-js';
import { decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningStack, startStack } from '../server';

const TIMEOUT_MS = 2_000;
process.env.KEYROOM_SUPABASE_DIR = fileURLToPath(new URL('./functions-fixtures', import.meta.url));
process.env.KEYROOM_FUNCTION_TIMEOUT_MS = String(TIMEOUT_MS);

// Node 20 has no WebSocket of its own; supabase-js's realtime client needs one to construct (ws's
// constructor type is wider than realtime-js declares, hence the cast).
type Transport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>;
const clientOptions: SupabaseClientOptions<'public'> = {
  auth: { persistSession: false },
  realtime: { transport: WebSocket as unknown as Transport },
};

let stack: RunningStack;
let anon: SupabaseClient;
const logs: string[] = [];

// A fresh stack takes over a minute to start on a loaded two-core machine.
beforeAll(async () => {
  stack = await startStack({ port: 0, log: (line) => logs.push(line) });
  anon = createClient(stack.url, stack.anonKey, clientOptions);
}, 300_000);
afterAll(async () => {
  await stack?.stop();
});

/**
 * A client whose requests carry no credentials at all: no Authorization, and no apikey either, since the
 * gateway turns an apikey into the role's JWT when Authorization is absent (http/apikey.ts).
 */
function clientWithoutJwt(): SupabaseClient {
  return createClient(stack.url, stack.anonKey, {
    ...clientOptions,
    global: {
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.delete('authorization');
        headers.delete('apikey');
        return fetch(input, { ...init, headers });
      },
    },
  });
}

async function errorBody(error: unknown): Promise<{ status: number; body: unknown }> {
  expect(error).toBeInstanceOf(FunctionsHttpError);
  const res = (error as FunctionsHttpError).context as Response;
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body };
}

describe('verify_jwt', () => {
  it('passes a request with a valid JWT through, method, path, query, headers and body intact', async () => {
    const { data, error } = await anon.functions.invoke('echo/sub/path?x=1', {
      body: { hello: 'world' },
      headers: { 'x-custom': 'yes' },
      method: 'PUT',
    });
    expect(error).toBeNull();
    expect(data).toMatchObject({
      method: 'PUT',
      path: '/echo/sub/path',
      query: '?x=1',
      custom: 'yes',
      contentType: 'application/json',
      body: '{"hello":"world"}',
    });
  });

  it('refuses a request without an Authorization header with 401 before the function runs', async () => {
    const { error } = await clientWithoutJwt().functions.invoke('echo', { body: {} });
    expect(await errorBody(error)).toEqual({
      status: 401,
      body: { msg: 'Error: Missing authorization header' },
    });
  });

  it('refuses a token not signed with the project secret, and an expired one', async () => {
    const forged = await new SignJWT({ role: 'service_role' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-project-secret-not-the-project-secret'));
    const expired = await new SignJWT({ role: 'anon' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(stack.jwtSecret));
    for (const token of [forged, expired, 'not-a-jwt']) {
      const { error } = await anon.functions.invoke('echo', {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(await errorBody(error)).toEqual({ status: 401, body: { msg: 'Invalid JWT' } });
    }
  });

  it('models the hosted gateway (stand-in only): a user ES256 token is refused under verify_jwt = true, with 401 Invalid JWT', async () => {
    const email = `gateway-${Date.now()}@functions.test`;
    const password = 'gateway-password-1';
    const admin = createClient(stack.url, stack.secretKey, clientOptions);
    const created = await admin.auth.admin.createUser({ email, password, email_confirm: true });
    expect(created.error).toBeNull();
    const user = createClient(stack.url, stack.publishableKey, clientOptions);
    const { data, error: signInError } = await user.auth.signInWithPassword({ email, password });
    expect(signInError).toBeNull();
    const token = data.session!.access_token;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
    const { error } = await user.functions.invoke('echo', { body: {} });
    expect(await errorBody(error)).toEqual({ status: 401, body: { msg: 'Invalid JWT' } });
    // The same token reaches a verify_jwt = false function unchanged, for the function to verify.
    const open = await user.functions.invoke('open', { body: {} });
    expect(open.error).toBeNull();
    expect(open.data).toEqual({ authorization: `Bearer ${token}` });
  });

  it('passes a token signed with the legacy JWT secret, as the hosted gateway does', async () => {
    const legacy = await new SignJWT({ role: 'authenticated', sub: randomUUID() })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(stack.jwtSecret));
    const { error } = await anon.functions.invoke('echo', {
      headers: { Authorization: `Bearer ${legacy}` },
    });
    expect(error).toBeNull();
  });

  it('lets a publishable-key client without a session through: the gateway hands on the anon JWT (the CLI Kong BearerToken rule)', async () => {
    const publishable = createClient(stack.url, stack.publishableKey, clientOptions);
    const { error } = await publishable.functions.invoke('echo', { body: {} });
    expect(error).toBeNull();
    const open = await publishable.functions.invoke('open', { body: {} });
    expect(open.data).toEqual({ authorization: `Bearer ${stack.anonKey}` });
  });

  it('lets a verify_jwt = false function run without a JWT', async () => {
    const { data, error } = await clientWithoutJwt().functions.invoke('open', { body: {} });
    expect(error).toBeNull();
    expect(data).toEqual({ authorization: null });
    const withJwt = await anon.functions.invoke('open', { body: {} });
    expect(withJwt.data).toEqual({ authorization: `Bearer ${stack.anonKey}` });
  });
});

describe('the worker', () => {
  it('hands the function the project URL, keys and JWKS as a project created today has them, and no other environment', async () => {
    const { data, error } = await anon.functions.invoke('env');
    expect(error).toBeNull();
    const served = await (
      await fetch(`${stack.url}/auth/v1/.well-known/jwks.json`, { headers: { apikey: stack.publishableKey } })
    ).json();
    expect(data).toEqual({
      url: stack.url,
      publishableKeys: { default: stack.publishableKey },
      secretKeys: { default: stack.secretKey },
      jwks: served,
      anonKey: stack.anonKey,
      serviceRoleKey: stack.serviceRoleKey,
      dbUrl: null,
      homeReadable: false,
    });
    // Public keys only: no private part, and not the legacy secret as an `oct` key.
    const keys = (data as { jwks: { keys: Record<string, unknown>[] } }).jwks.keys;
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'EC', alg: 'ES256', kid: expect.any(String) });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('keeps one long-lived worker per function', async () => {
    const pids = new Set<number>();
    for (let i = 0; i < 3; i++) {
      const { data } = await anon.functions.invoke<{ pid: number }>('echo');
      pids.add(data!.pid);
    }
    expect(pids.size).toBe(1);
  });

  it('answers 500 with the error when the handler throws, and keeps serving', async () => {
    const { error } = await anon.functions.invoke('throws');
    expect(await errorBody(error)).toEqual({
      status: 500,
      body: { code: 'WORKER_ERROR', message: 'fixture exploded' },
    });
    const again = await anon.functions.invoke('throws');
    expect((await errorBody(again.error)).status).toBe(500);
    const other = await anon.functions.invoke('echo');
    expect(other.error).toBeNull();
  });

  it('answers 500 when the worker dies under a request, and starts a fresh one next time', async () => {
    const before = await anon.functions.invoke<{ pid: number }>('crash');
    const { error } = await anon.functions.invoke('crash/exit');
    expect(await errorBody(error)).toMatchObject({ status: 500, body: { code: 'WORKER_ERROR' } });
    const after = await anon.functions.invoke<{ pid: number }>('crash');
    expect(after.error).toBeNull();
    expect(after.data!.pid).not.toBe(before.data!.pid);
  });

  it('times a hung function out with 546 WORKER_LIMIT and restarts its worker', async () => {
    const before = await anon.functions.invoke<{ pid: number }>('hang');
    const t0 = Date.now();
    const { error } = await anon.functions.invoke('hang/stuck');
    const elapsed = Date.now() - t0;
    expect(await errorBody(error)).toMatchObject({ status: 546, body: { code: 'WORKER_LIMIT' } });
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 3_000);
    const after = await anon.functions.invoke<{ pid: number }>('hang');
    expect(after.error).toBeNull();
    expect(after.data!.pid).not.toBe(before.data!.pid);
  });

  it('answers 503 BOOT_ERROR for a function that cannot load, and 404 for an unknown one', async () => {
    const broken = await anon.functions.invoke('broken');
    expect(await errorBody(broken.error)).toEqual({
      status: 503,
      body: { code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' },
    });
    expect(logs.some((l) => l.includes('fixture cannot load'))).toBe(true);
    for (const name of ['missing', '_shared']) {
      const { error } = await anon.functions.invoke(name);
      expect(await errorBody(error)).toEqual({ status: 404, body: 'Function not found' });
    }
  });

  it('streams the response: the first chunk arrives before the function has finished', async () => {
    const { data, error } = await anon.functions.invoke('stream');
    expect(error).toBeNull();
    expect(data).toEqual('one\ntwo\nthree\n');
    const res = await fetch(`${stack.url}/functions/v1/stream`, {
      headers: { Authorization: `Bearer ${stack.anonKey}` },
    });
    const reader = res.body!.getReader();
    const t0 = Date.now();
    const first = await reader.read();
    const firstAt = Date.now() - t0;
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read())
      rest += new TextDecoder().decode(r.value);
    const total = Date.now() - t0;
    expect(new TextDecoder().decode(first.value)).toBe('one\n');
    expect(rest).toBe('two\nthree\n');
    expect(total - firstAt).toBeGreaterThan(400);
  });
});
