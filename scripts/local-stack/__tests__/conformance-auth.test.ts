// /auth/v1 conformance through @supabase/supabase-js (and plain HTTP where supabase-js cannot express the
// request), on every target of conformance/target.ts: the local stack on PGlite and on PostgreSQL, or a real
// Supabase project.
import { AuthApiError, AuthSessionMissingError, AuthWeakPasswordError } from '@supabase/supabase-js';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  makeMember,
  mintJwt,
  STARTUP_TIMEOUT_MS,
  signIn,
  sleep,
  type Target,
  targets,
  uniqueEmail,
} from './conformance/target';

describe.each(targets())('auth on $name', (factory) => {
  let t: Target;
  let member: { id: string; email: string; password: string };

  beforeAll(async () => {
    t = await factory.start();
    member = await makeMember(t);
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const admin = () => client(t, t.serviceRoleKey).auth.admin;
  const pastReuseInterval = () => sleep(t.reuseIntervalSeconds * 1000 + 300);

  it('serves health and settings behind the API key, and refuses requests without one', async () => {
    const ok = await fetch(`${t.url}/auth/v1/health`, { headers: { apikey: t.anonKey } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ name: 'GoTrue' });
    const settings = await fetch(`${t.url}/auth/v1/settings`, { headers: { apikey: t.anonKey } });
    expect((await settings.json()) as unknown).toMatchObject({ external: { email: true } });
    const none = await fetch(`${t.url}/auth/v1/settings`);
    expect(none.status).toBe(401);
    const wrong = await fetch(`${t.url}/auth/v1/settings`, { headers: { apikey: 'not-a-key' } });
    expect(wrong.status).toBe(401);
  });

  it('signs in with a password and issues GoTrue-shaped session and access-token claims', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { session } = await signIn(t, member.email, member.password);
    expect(session.token_type).toBe('bearer');
    expect(session.expires_in).toBe(3600);
    expect(session.expires_at).toBeGreaterThanOrEqual(before + 3600 - 5);
    expect(session.refresh_token.length).toBeGreaterThan(8);
    expect(session.user).toMatchObject({
      id: member.id,
      email: member.email,
      aud: 'authenticated',
      role: 'authenticated',
      app_metadata: { provider: 'email', providers: ['email'] },
    });
    expect(session.user.identities?.[0]).toMatchObject({ provider: 'email', user_id: member.id });
    const claims = decodeJwt(session.access_token);
    expect(claims).toMatchObject({
      sub: member.id,
      role: 'authenticated',
      aud: 'authenticated',
      email: member.email,
      phone: '',
      app_metadata: { provider: 'email' },
      user_metadata: {},
      aal: 'aal1',
      is_anonymous: false,
    });
    expect(claims.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }]);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
    expect(claims.iss).toMatch(/\/auth\/v1$/);
  });

  it('answers a wrong password or an unknown email with 400 invalid_credentials', async () => {
    for (const [email, password] of [
      [member.email, 'wrong-password'],
      [uniqueEmail('nobody'), 'whatever1'],
    ] as const) {
      const { data, error } = await client(t).auth.signInWithPassword({ email, password });
      expect(data.session).toBeNull();
      expect(error).toBeInstanceOf(AuthApiError);
      expect(error).toMatchObject({
        status: 400,
        code: 'invalid_credentials',
        message: 'Invalid login credentials',
      });
    }
  });

  it('refuses an unconfirmed email with 400 email_not_confirmed', async () => {
    const email = uniqueEmail('unconfirmed');
    const created = await admin().createUser({ email, password: 'secret-123' });
    expect(created.error).toBeNull();
    const { error } = await client(t).auth.signInWithPassword({ email, password: 'secret-123' });
    expect(error).toMatchObject({ status: 400, code: 'email_not_confirmed' });
  });

  it('sends {code, message} to API-versioned clients and {code, error_code, msg} to older ones', async () => {
    const body = JSON.stringify({ email: member.email, password: 'wrong-password' });
    const headers = { apikey: t.anonKey, 'content-type': 'application/json' };
    const legacy = await fetch(`${t.url}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers,
      body,
    });
    expect(legacy.status).toBe(400);
    expect(await legacy.json()).toMatchObject({
      code: 400,
      error_code: 'invalid_credentials',
      msg: 'Invalid login credentials',
    });
    const versioned = await fetch(`${t.url}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { ...headers, 'x-supabase-api-version': '2024-01-01' },
      body,
    });
    expect(versioned.headers.get('x-supabase-api-version')).toBe('2024-01-01');
    expect(await versioned.json()).toEqual({
      code: 'invalid_credentials',
      message: 'Invalid login credentials',
    });
    const badGrant = await fetch(`${t.url}/auth/v1/token?grant_type=magic`, {
      method: 'POST',
      headers,
      body,
    });
    expect(badGrant.status).toBe(400);
    const noToken = await fetch(`${t.url}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST',
      headers,
      body: '{}',
    });
    expect(noToken.status).toBe(400);
    expect(await noToken.json()).toEqual({
      error: 'invalid_request',
      error_description: 'refresh_token required',
    });
  });

  it('returns the user for a valid token and 403 bad_jwt for forged or expired ones', async () => {
    const { client: c, session } = await signIn(t, member.email, member.password);
    const me = await c.auth.getUser(session.access_token);
    expect(me.data.user?.id).toBe(member.id);
    const forged = await mintJwt(
      t,
      { sub: member.id, role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 60 },
      'x'.repeat(40),
    );
    const expired = await mintJwt(t, {
      sub: member.id,
      role: 'authenticated',
      aud: 'authenticated',
      session_id: decodeJwt(session.access_token).session_id,
      iat: Math.floor(Date.now() / 1000) - 7200,
      exp: Math.floor(Date.now() / 1000) - 3600,
    });
    for (const token of [forged, expired]) {
      const { error } = await client(t).auth.getUser(token);
      expect(error).toMatchObject({ status: 403, code: 'bad_jwt' });
    }
  });

  it('rotates refresh tokens, hands back the active token for its parent, and revokes the family on reuse', async () => {
    const { client: c, session } = await signIn(t, member.email, member.password);
    const t0 = session.refresh_token;
    const r1 = await c.auth.refreshSession({ refresh_token: t0 });
    expect(r1.error).toBeNull();
    const t1 = r1.data.session?.refresh_token as string;
    expect(t1).not.toBe(t0);
    expect(decodeJwt(r1.data.session?.access_token as string).session_id).toBe(
      decodeJwt(session.access_token).session_id,
    );
    // A client that lost the answer retries with the parent of the active token: it gets that token again.
    const again = await c.auth.refreshSession({ refresh_token: t0 });
    expect(again.data.session?.refresh_token).toBe(t1);
    const r2 = await c.auth.refreshSession({ refresh_token: t1 });
    const t2 = r2.data.session?.refresh_token as string;
    expect(t2).not.toBe(t1);
    await pastReuseInterval();
    const reused = await c.auth.refreshSession({ refresh_token: t0 });
    expect(reused.error).toMatchObject({
      status: 400,
      code: 'refresh_token_already_used',
      message: 'Invalid Refresh Token: Already Used',
    });
    await pastReuseInterval();
    const afterTheft = await c.auth.refreshSession({ refresh_token: t2 });
    expect(afterTheft.error).toMatchObject({ status: 400, code: 'refresh_token_already_used' });
    const unknown = await c.auth.refreshSession({ refresh_token: 'no-such-token-000' });
    expect(unknown.error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
  });

  it('logs out with scope others, local and global', async () => {
    const s1 = await signIn(t, member.email, member.password);
    const s2 = await signIn(t, member.email, member.password);
    const s3 = await signIn(t, member.email, member.password);
    expect((await s1.client.auth.signOut({ scope: 'others' })).error).toBeNull();
    for (const s of [s2, s3]) {
      const r = await client(t).auth.refreshSession({ refresh_token: s.session.refresh_token });
      expect(r.error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
    }
    const still = await client(t).auth.refreshSession({ refresh_token: s1.session.refresh_token });
    expect(still.error).toBeNull();
    const s1Token = still.data.session?.access_token as string;
    // Local sign-out needs the current access token: use a client holding the refreshed session.
    const s1Client = client(t);
    await s1Client.auth.setSession({
      access_token: s1Token,
      refresh_token: still.data.session?.refresh_token as string,
    });
    expect((await s1Client.auth.signOut({ scope: 'local' })).error).toBeNull();
    const gone = await client(t).auth.getUser(s1Token);
    expect(gone.error).toBeInstanceOf(AuthSessionMissingError);

    const s4 = await signIn(t, member.email, member.password);
    const s5 = await signIn(t, member.email, member.password);
    expect((await s4.client.auth.signOut()).error).toBeNull();
    const r5 = await client(t).auth.refreshSession({ refresh_token: s5.session.refresh_token });
    expect(r5.error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
  });

  it('changes the password: old one refused, same one and short ones rejected, other sessions ended', async () => {
    const user = await makeMember(t, { password: 'first-pass-1' });
    const other = await signIn(t, user.email, 'first-pass-1');
    const { client: c } = await signIn(t, user.email, 'first-pass-1');
    const same = await c.auth.updateUser({ password: 'first-pass-1' });
    expect(same.error).toMatchObject({ status: 422, code: 'same_password' });
    const short = await c.auth.updateUser({ password: 'abc' });
    expect(short.error).toBeInstanceOf(AuthWeakPasswordError);
    expect(short.error).toMatchObject({ status: 422, code: 'weak_password', reasons: ['length'] });
    const changed = await c.auth.updateUser({ password: 'second-pass-2', data: { theme: 'dark' } });
    expect(changed.error).toBeNull();
    expect(changed.data.user?.user_metadata).toMatchObject({ theme: 'dark' });
    const old = await client(t).auth.signInWithPassword({ email: user.email, password: 'first-pass-1' });
    expect(old.error).toMatchObject({ code: 'invalid_credentials' });
    await signIn(t, user.email, 'second-pass-2');
    const otherRefresh = await client(t).auth.refreshSession({ refresh_token: other.session.refresh_token });
    expect(otherRefresh.error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
  });

  it('lets the service role create, list, get, update and delete users', async () => {
    const email = uniqueEmail('admin-api');
    const created = await admin().createUser({
      email,
      password: 'secret-123',
      email_confirm: true,
      app_metadata: { office: 'hq', keep: 1 },
      user_metadata: { name: 'Ann' },
    });
    expect(created.error).toBeNull();
    const user = created.data.user;
    expect(user).toMatchObject({
      email,
      app_metadata: { provider: 'email', providers: ['email'], office: 'hq', keep: 1 },
      user_metadata: { name: 'Ann' },
    });
    expect(user?.email_confirmed_at).toBeTruthy();
    const id = user?.id as string;

    const dup = await admin().createUser({ email, password: 'secret-123' });
    expect(dup.error).toMatchObject({ status: 422, code: 'email_exists' });
    const invalid = await admin().createUser({ email: 'not-an-email', password: 'secret-123' });
    expect(invalid.error).toMatchObject({ status: 400, code: 'validation_failed' });

    const list = await admin().listUsers({ page: 1, perPage: 1000 });
    expect(list.error).toBeNull();
    expect(list.data.users.some((u) => u.id === id)).toBe(true);
    expect((list.data as { total?: number }).total).toBeGreaterThanOrEqual(2);
    const page = await admin().listUsers({ page: 1, perPage: 1 });
    expect(page.data.users).toHaveLength(1);
    expect((page.data as { nextPage?: number | null }).nextPage).toBe(2);

    const got = await admin().getUserById(id);
    expect(got.data.user?.email).toBe(email);

    const updated = await admin().updateUserById(id, {
      app_metadata: { office: 'branch', keep: null },
      user_metadata: { name: 'Anne' },
      password: 'another-456',
    });
    expect(updated.error).toBeNull();
    expect(updated.data.user?.app_metadata).toEqual({
      provider: 'email',
      providers: ['email'],
      office: 'branch',
    });
    expect(updated.data.user?.user_metadata).toEqual({ name: 'Anne' });
    await signIn(t, email, 'another-456');

    const bad = await admin().updateUserById(id, { ban_duration: 'forever' });
    expect(bad.error).toMatchObject({ status: 400, code: 'validation_failed' });
    const missing = await admin().getUserById('00000000-0000-4000-8000-000000000000');
    expect(missing.error).toMatchObject({ status: 404, code: 'user_not_found' });
    // auth-js checks the id itself; the server must still refuse a malformed one.
    const notUuid = await fetch(`${t.url}/auth/v1/admin/users/nope`, {
      headers: { apikey: t.serviceRoleKey, authorization: `Bearer ${t.serviceRoleKey}` },
    });
    expect(notUuid.status).toBe(404);

    expect((await admin().deleteUser(id)).error).toBeNull();
    expect((await admin().getUserById(id)).error).toMatchObject({ status: 404, code: 'user_not_found' });
    const signInDeleted = await client(t).auth.signInWithPassword({ email, password: 'another-456' });
    expect(signInDeleted.error).toMatchObject({ code: 'invalid_credentials' });
  });

  it('refuses the admin API to anything but the service role', async () => {
    const { session } = await signIn(t, member.email, member.password);
    const asUser = client(t, t.anonKey, { Authorization: `Bearer ${session.access_token}` });
    const r = await asUser.auth.admin.listUsers();
    expect(r.error).toMatchObject({ status: 403, code: 'not_admin' });
    const asAnon = await client(t).auth.admin.getUserById(member.id);
    expect(asAnon.error).toMatchObject({ status: 403, code: 'not_admin' });
  });

  it('bans and unbans: sign-in, refresh and /user refuse a banned user', async () => {
    const user = await makeMember(t);
    const { client: c, session } = await signIn(t, user.email, user.password);
    const banned = await admin().updateUserById(user.id, { ban_duration: '876000h' });
    expect(banned.error).toBeNull();
    expect(new Date(banned.data.user?.banned_until as string).getFullYear()).toBeGreaterThan(
      new Date().getFullYear() + 50,
    );
    const signInBanned = await client(t).auth.signInWithPassword({
      email: user.email,
      password: user.password,
    });
    expect(signInBanned.error).toMatchObject({ status: 400, code: 'user_banned' });
    const refresh = await c.auth.refreshSession({ refresh_token: session.refresh_token });
    expect(refresh.error).toMatchObject({ status: 400, code: 'user_banned' });
    const me = await client(t).auth.getUser(session.access_token);
    expect(me.error).toMatchObject({ status: 403, code: 'user_banned' });

    const lifted = await admin().updateUserById(user.id, { ban_duration: 'none' });
    expect(lifted.error).toBeNull();
    expect(lifted.data.user?.banned_until ?? null).toBeNull();
    await signIn(t, user.email, user.password);
  });

  it('makes refresh fail once a user is disabled elsewhere (ban and sessions deleted in the database)', async () => {
    const user = await makeMember(t);
    const { session } = await signIn(t, user.email, user.password);
    await t.sql('delete from auth.sessions where user_id = $1::uuid', [user.id]);
    const afterDelete = await client(t).auth.refreshSession({ refresh_token: session.refresh_token });
    expect(afterDelete.error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
    const gone = await client(t).auth.getUser(session.access_token);
    expect(gone.error).toBeInstanceOf(AuthSessionMissingError);

    const second = await signIn(t, user.email, user.password);
    await admin().updateUserById(user.id, { ban_duration: '876000h' });
    await t.sql('delete from auth.sessions where user_id = $1::uuid', [user.id]);
    const refused = await client(t).auth.refreshSession({ refresh_token: second.session.refresh_token });
    expect(refused.error?.status).toBe(400);
    expect(['user_banned', 'refresh_token_not_found']).toContain(refused.error?.code);
  });

  // GoTrue has no per-account lockout (its limits are per IP: internal/api/apilimiter): wrong passwords typed
  // for a colleague's email do not stop the colleague. Fifteen stays under the per-IP burst of 30 on a real
  // project; the per-IP 429 itself is tested on the stand-in alone (auth/rate-limit.test.ts).
  it('does not lock an account after many wrong passwords: the right one still signs in', async () => {
    const victim = await makeMember(t);
    for (let i = 0; i < 15; i++) {
      const { error } = await client(t).auth.signInWithPassword({
        email: victim.email,
        password: `wrong-${i}`,
      });
      expect(error).toMatchObject({ status: 400, code: 'invalid_credentials' });
    }
    await signIn(t, victim.email, victim.password);
  });
});
