// Who may call the admin functions (verify_jwt = false; supabase/functions/_shared/caller.ts is the gate),
// through supabase.functions.invoke: an active admin's ES256 token from a publishable-key or a legacy
// anon-key client gets through; no credentials, an API key as the bearer, a forged or expired token, and
// the token of an admin who was disabled or signed out since are refused with {error: {code, message}}.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadOrCreateKeys, type SigningJwk } from '../keys';
import { call, colleague, newClient, type Office, type Refusal, signIn, startOffice } from './edge-office';

let office: Office;
let dataDir: string;
let signingKey: SigningJwk;

// A fresh stack takes over a minute to start on a loaded two-core machine. The keys live in a data
// directory so the suite can sign a token with the project's own key (an expired one).
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keyroom-edge-caller-'));
  office = await startOffice({ dataDir });
  signingKey = (await loadOrCreateKeys(dataDir)).signingKey;
}, 300_000);
afterAll(async () => {
  await office?.stack.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const policy = { action: 'policy', auto_lock_minutes: 15 };
const badInput = { action: 'no-such-action' };

async function accessToken(client: SupabaseClient): Promise<string> {
  const { data } = await client.auth.getSession();
  const token = data.session?.access_token;
  if (!token) throw new Error('no session');
  return token;
}

/** A client that sends this bearer token, as a PC still holding it would. */
function withToken(token: string, key = office.stack.publishableKey): SupabaseClient {
  return createClient(office.stack.url, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never },
    accessToken: async () => token,
  });
}

async function expectRefused(client: SupabaseClient, status = 401) {
  for (const fn of ['admin-users', 'app-updates']) {
    const r = await call<Refusal>(client, fn, badInput);
    expect(r, fn).toEqual({
      status,
      body: { error: { code: status === 401 ? 'unauthorized' : 'forbidden', message: expect.any(String) } },
    });
  }
}

async function es256(payload: JWTPayload, key: Parameters<SignJWT['sign']>[0], kid: string) {
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(key);
}

describe('who may call the admin functions', () => {
  it('lets an active admin through with an ES256 token whose kid is in the JWKS, from a publishable-key and from a legacy anon-key client', async () => {
    const jwks = (await (
      await fetch(`${office.stack.url}/auth/v1/.well-known/jwks.json`, {
        headers: { apikey: office.stack.publishableKey },
      })
    ).json()) as { keys: { kid: string }[] };
    const root = office.root;
    for (const key of [office.stack.publishableKey, office.stack.anonKey]) {
      const admin = await signIn(office.stack, root.email, root.password, key);
      const header = decodeProtectedHeader(await accessToken(admin.client));
      expect(header.alg).toBe('ES256');
      expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
      const r = await call(admin.client, 'app-updates', policy);
      expect(r.status).toBe(200);
      const invited = await call(admin.client, 'admin-users', {
        action: 'invite',
        email: `via-${key.startsWith('sb_') ? 'publishable' : 'anon'}@office.test`,
        display_name: 'Invited',
      });
      expect(invited.status).toBe(201);
    }
  });

  it('refuses a caller without credentials, and the publishable or anon key alone, with 401 before reading the input', async () => {
    for (const fn of ['admin-users', 'app-updates']) {
      const res = await fetch(`${office.stack.url}/functions/v1/${fn}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(badInput),
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'sign in first' } });
    }
    await expectRefused(newClient(office.stack, office.stack.publishableKey));
    await expectRefused(newClient(office.stack, office.stack.anonKey));
  });

  it('refuses the secret and service-role keys as a bearer: an API key is not a signed-in user, let alone an admin', async () => {
    await expectRefused(newClient(office.stack, office.stack.secretKey));
    await expectRefused(newClient(office.stack, office.stack.serviceRoleKey));
    await expectRefused(withToken(office.stack.serviceRoleKey));
    // Bearer sb_secret_… without an apikey: the gateway drops it; the function sees no token.
    const res = await fetch(`${office.stack.url}/functions/v1/admin-users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${office.stack.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(badInput),
    });
    expect(res.status).toBe(401);
  });

  it("refuses a forged ES256 token (another key, the project's kid), an expired one signed with the project's key, and an HS256 one not signed with the legacy secret", async () => {
    const real = decodeJwt(await accessToken(office.root.client));
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await es256(real, privateKey, signingKey.kid);
    const now = Math.floor(Date.now() / 1000);
    const projectKey = await importJWK(signingKey, 'ES256');
    const expired = await es256({ ...real, iat: now - 7200, exp: now - 60 }, projectKey, signingKey.kid);
    const wrongSecret = await new SignJWT(real)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode('not-the-legacy-secret-not-the-legacy-secret'));
    const unknownKid = await es256(real, privateKey, 'not-a-kid-of-this-project');
    for (const token of [forged, expired, wrongSecret, unknownKid, 'not-a-jwt'])
      await expectRefused(withToken(token));
    const r = await call<Refusal>(withToken(expired), 'admin-users', badInput);
    expect(r.body.error.message).toMatch(/expired/);
    // The project's own key still signs a valid token: the refusals above are the forgeries, not the setup.
    const valid = await es256(real, projectKey, signingKey.kid);
    expect((await call(withToken(valid), 'app-updates', policy)).status).toBe(200);
  });

  it('accepts a legacy HS256 user token signed with the legacy secret while the project has one (Auth verifies it)', async () => {
    const real = decodeJwt(await accessToken(office.root.client));
    const legacy = await new SignJWT(real)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(office.stack.jwtSecret));
    expect((await call(withToken(legacy), 'app-updates', policy)).status).toBe(200);
  });

  it("refuses at once the unexpired token of an admin who was disabled, or who signed out (Auth's answer, not only profiles)", async () => {
    const leaver = await colleague(office, 'leaving-admin@office.test', 'admin');
    const leaverToken = await accessToken(leaver.client);
    expect((await call(leaver.client, 'app-updates', policy)).status).toBe(200);
    const disable = await call(office.root.client, 'admin-users', { action: 'disable', user_id: leaver.id });
    expect(disable.status).toBe(200);
    expect(decodeJwt(leaverToken).exp! * 1000).toBeGreaterThan(Date.now());
    await expectRefused(withToken(leaverToken));

    const away = await colleague(office, 'signed-out-admin@office.test', 'admin');
    const awayToken = await accessToken(away.client);
    expect((await call(away.client, 'app-updates', policy)).status).toBe(200);
    expect((await away.client.auth.signOut()).error).toBeNull();
    const profile = await office.stack.db.query<{ role: string; status: string }>(
      'select role, status from public.profiles where id = $1',
      [away.id],
    );
    expect(profile.rows[0]).toEqual({ role: 'admin', status: 'active' });
    await expectRefused(withToken(awayToken));
  });
});
