// The stand-in's per-IP limits with config.toml's defaults, and what it refuses for want of a mailer. Stand-in
// only: `supabase start` applies no per-IP limit at all (the CLI sets neither GOTRUE_RATE_LIMIT_HEADER nor
// Sb-Forwarded-For, so GoTrue's performRateLimiting has no key), and a hosted project keys on the address its
// proxy reports. The buckets follow supabase/auth internal/api/apilimiter/apilimiter.go: /token 150 per 5 minutes
// per IP with a burst of 30, every grant together; /signup 30 per 5 minutes, burst 30.
import { request } from 'node:http';
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ws from 'ws';
import { type RunningStack, startStack } from '../server';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startStack({ port: 0 });
}, 300_000);
afterAll(async () => {
  await stack?.stop();
});

/** A JSON POST from a chosen loopback address (the whole of 127.0.0.0/8 is loopback on Linux). */
function post(path: string, body: unknown, opts: { from?: string; key?: string } = {}) {
  const url = new URL(`${stack.url}/auth/v1${path}`);
  const key = opts.key ?? stack.publishableKey;
  return new Promise<{
    status: number;
    body: { code?: string; message?: string; refresh_token?: string };
  }>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        localAddress: opts.from ?? '127.0.0.1',
        headers: {
          apikey: key,
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'x-supabase-api-version': '2024-01-01',
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function member(): Promise<{ email: string; password: string }> {
  const admin = createClient(stack.url, stack.secretKey, {
    auth: { persistSession: false },
    realtime: { transport: ws as never },
  }).auth.admin;
  const email = `m-${Math.random().toString(16).slice(2)}@limits.test`;
  const { error } = await admin.createUser({ email, password: 'right-pass-1', email_confirm: true });
  if (error) throw error;
  return { email, password: 'right-pass-1' };
}

const wrong = (email: string, from?: string) =>
  post('/token?grant_type=password', { email, password: 'wrong-pass' }, { from });

/** Statuses of `n` requests sent at once: they reach the limiter together, before any password is hashed. */
async function statuses(n: number, send: () => ReturnType<typeof post>): Promise<Record<number, number>> {
  const all = await Promise.all(Array.from({ length: n }, send));
  const counts: Record<number, number> = {};
  for (const r of all) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

describe('per-IP limits (stand-in only)', () => {
  it('stand-in only: /token takes a burst of 30 per IP, then 429 for sign-ins and refreshes alike, refilling one per 2 s', async () => {
    const m = await member();
    const from = '127.0.0.3';
    // The bucket starts filling again from the sign-in, so the refill allowance counts from there.
    const started = Date.now();
    const signedIn = await post('/token?grant_type=password', m, { from });
    expect(signedIn.status).toBe(200);
    const refresh = () =>
      post('/token?grant_type=refresh_token', { refresh_token: signedIn.body.refresh_token }, { from });
    // Unknown addresses cost no hashing, so the burst is spent well inside one refill interval.
    const counts = await statuses(40, () => wrong('nobody@limits.test', from));
    // 29 left after the sign-in, plus one per 2 s should a loaded machine take that long to send them.
    const refilled = Math.floor((Date.now() - started) / 2_000);
    expect(counts[400]).toBeGreaterThanOrEqual(29);
    expect(counts[400]).toBeLessThanOrEqual(29 + refilled);
    expect(counts[429]).toBe(40 - (counts[400] ?? 0));
    expect(await wrong(m.email, from)).toEqual({
      status: 429,
      body: { code: 'over_request_rate_limit', message: 'Request rate limit reached' },
    });
    expect((await refresh()).status).toBe(429);
    await new Promise((r) => setTimeout(r, 2_100));
    expect((await refresh()).status).toBe(200);
    expect((await wrong(m.email, from)).status).toBe(429);
  });

  it('stand-in only: wrong passwords from one address lock neither the account nor another address out', async () => {
    const m = await member();
    for (let i = 0; i < 15; i++) expect((await wrong(m.email, '127.0.0.4')).status).toBe(400);
    // Spend what is left of that address's bucket at once, then it is limited, whichever email it tries.
    expect((await statuses(30, () => wrong('nobody@limits.test', '127.0.0.4')))[429]).toBeGreaterThan(0);
    expect((await wrong(m.email, '127.0.0.4')).status).toBe(429);
    // The colleague at another PC signs in at once: there is no per-account lockout.
    const colleague = await post('/token?grant_type=password', m, { from: '127.0.0.5' });
    expect(colleague.status).toBe(200);
  });

  it('stand-in only: /signup answers 422 signup_disabled 30 times per IP, then 429', async () => {
    const body = { email: 'someone@limits.test', password: 'long-enough-1' };
    for (let i = 0; i < 30; i++)
      expect((await post('/signup', body, { from: '127.0.0.6' })).body.code).toBe('signup_disabled');
    expect((await post('/signup', body, { from: '127.0.0.6' })).status).toBe(429);
  });
});

describe('what needs a mailer (stand-in only)', () => {
  it('stand-in only: refuses a magic link for a confirmed user and an invitation with 501 not_implemented', async () => {
    const m = await member();
    const otp = await post('/otp', { email: m.email });
    expect(otp.status).toBe(501);
    expect(otp.body).toMatchObject({ code: 'not_implemented' });
    expect(otp.body.message).toMatch(/email.*does not model/);
    const invite = await post('/invite', { email: 'new@limits.test' }, { key: stack.secretKey });
    expect(invite.status).toBe(501);
    // A confirmed address is refused as GoTrue refuses it, before any mail would be sent.
    const again = await post('/invite', { email: m.email }, { key: stack.secretKey });
    expect(again).toMatchObject({ status: 422, body: { code: 'email_exists' } });
  });
});
