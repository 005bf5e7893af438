// A second PC and a revoked PC through @supabase/supabase-js on every target of conformance/target.ts: the
// publishable key alone calls prelogin (and reads nothing else); the `session_id` claim of a user's access token
// (supabase/auth internal/tokens/service.go AccessTokenClaims.SessionId) reaches the database in
// request.jwt.claims, as PostgREST sets it, so a revoked PC's still-valid token finds nothing at its next request;
// its Auth session is gone too (no refresh, GoTrue's /user refuses it). The errors are the ones the client maps:
// P0001 `device_revoked` (HTTP 400, hint device_revoked) and 42501 for everything the gates refuse.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  clientWithToken,
  makeMember,
  STARTUP_TIMEOUT_MS,
  signIn,
  type Target,
  targets,
} from './conformance/target';

const KDF = { alg: 'argon2id', v: 19, m: 65536, t: 3, p: 1, salt: 'q83vEjRWeJCrze8SNFZ4kA' };

describe.each(targets())('devices and prelogin on $name', (factory) => {
  let t: Target;
  let member: { id: string; email: string; password: string };

  beforeAll(async () => {
    t = await factory.start();
    member = await makeMember(t);
    await t.sql('update public.profiles set kdf = $2::jsonb where id = $1::uuid', [
      member.id,
      JSON.stringify(KDF),
    ]);
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('answers prelogin to the publishable key alone: the real kdf, or a fake one of the same shape', async () => {
    const anon = client(t);
    const real = await anon.rpc('prelogin', { p_email: member.email.toUpperCase() });
    expect(real.error).toBeNull();
    expect(real.data).toEqual(KDF);
    const fake = await anon.rpc('prelogin', { p_email: 'nobody@conformance.test' });
    expect(fake.error).toBeNull();
    expect(Object.keys(fake.data as object).sort()).toEqual(Object.keys(KDF).sort());
    expect(fake.data).toMatchObject({ alg: 'argon2id', v: 19, m: 65536, t: 3, p: 1 });
    expect((fake.data as { salt: string }).salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await anon.rpc('prelogin', { p_email: 'nobody@conformance.test' })).data).toEqual(fake.data);
    const long = await anon.rpc('prelogin', { p_email: `${'a'.repeat(255)}` });
    expect(long.status).toBe(400);
    expect(long.error?.code).toBe('22023');
    const profiles = await anon.from('profiles').select('kdf');
    expect(profiles.status).toBe(401);
    expect(profiles.error?.code).toBe('42501');
    const register = await anon.rpc('register_device', {
      p_id: randomUUID(),
      p_name: 'pc',
      p_platform: 'win32',
      p_app_version: '1.0.0',
      p_fresh: true,
    });
    expect(register.status).toBe(401);
  });

  it('refuses a revoked PC at its next request, ends its session, and lets it back only after a fresh sign-in', async () => {
    const first = await signIn(t, member.email, member.password);
    const second = await signIn(t, member.email, member.password);
    const pc1 = clientWithToken(t, first.session.access_token);
    const pc2 = clientWithToken(t, second.session.access_token);
    const [id1, id2] = [randomUUID(), randomUUID()];
    const reg = (c: SupabaseClient, id: string, fresh: boolean) =>
      c.rpc('register_device', {
        p_id: id,
        p_name: 'pc',
        p_platform: 'linux',
        p_app_version: '1.0.0',
        p_fresh: fresh,
      });
    expect((await reg(pc1, id1, true)).data).toEqual({ device_id: id1, new: true, restored: false });
    expect((await reg(pc2, id2, true)).error).toBeNull();
    const stored = await t.sql('select session_id::text as s from public.devices where id = $1::uuid', [id2]);
    expect(stored).toEqual([{ s: decodeJwt(second.session.access_token).session_id }]);

    const revoked = await pc1.rpc('revoke_device', { p_id: id2 });
    expect(revoked.error).toBeNull();
    expect(revoked.data).toMatchObject({ device_id: id2, changed: true });

    // The revoked PC's access token has not expired, yet every gate refuses it.
    expect((await pc2.from('profiles').select('id')).data).toEqual([]);
    expect((await pc2.from('devices').select('id')).data).toEqual([]);
    const again = await reg(pc2, id2, true);
    expect(again.status).toBe(403);
    expect(again.error?.code).toBe('42501');
    expect((await pc2.rpc('my_device_status', { p_id: id2 })).data).toBe('revoked');
    expect((await pc1.rpc('my_device_status', { p_id: id1 })).data).toBe('active');
    expect((await pc1.from('profiles').select('id')).data).toEqual([{ id: member.id }]);

    // Its Auth session is gone: no refresh, and /user refuses the token.
    const refresh = await client(t).auth.refreshSession({ refresh_token: second.session.refresh_token });
    expect(refresh.error).not.toBeNull();
    const user = await client(t).auth.getUser(second.session.access_token);
    // GoTrue answers 403 session_not_found; auth-js turns that code into AuthSessionMissingError (lib/fetch.ts).
    expect(user.error?.name).toBe('AuthSessionMissingError');

    // A fresh sign-in: without p_fresh the PC is told why, with it the PC is back.
    const third = await signIn(t, member.email, member.password);
    const pc2b = clientWithToken(t, third.session.access_token);
    const refused = await reg(pc2b, id2, false);
    expect(refused.status).toBe(400);
    expect(refused.error).toMatchObject({ code: 'P0001', message: 'device_revoked', hint: 'device_revoked' });
    expect((await reg(pc2b, id2, true)).data).toEqual({ device_id: id2, new: false, restored: true });
    expect((await pc2.from('profiles').select('id')).data).toEqual([]);
  });
});
