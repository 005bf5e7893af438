// /auth/v1 as a project created today answers it, through @supabase/supabase-js on every target of
// conformance/target.ts: user tokens signed ES256 with a kid from the JWKS, the sb_publishable_/sb_secret_ keys
// next to the legacy ones, sign-ups off (config.toml enable_signup = false), and the admin user API's paging
// and email rules (supabase/auth internal/api/admin.go, pagination.go, mail.go validateEmail).
import { randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  makeMember,
  STARTUP_TIMEOUT_MS,
  signIn,
  type Target,
  targets,
  uniqueEmail,
} from './conformance/target';

describe.each(targets())('auth of a project created today on $name', (factory) => {
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
  const jwks = async (): Promise<JWK[]> => {
    const res = await fetch(`${t.url}/auth/v1/.well-known/jwks.json`, { headers: { apikey: t.anonKey } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { keys: JWK[] }).keys;
  };

  describe('signing keys', () => {
    it('signs a publishable-key sign-in ES256 with a kid that the JWKS publishes, public parts only', async () => {
      const c = client(t, t.publishableKey);
      const { data, error } = await c.auth.signInWithPassword({
        email: member.email,
        password: member.password,
      });
      expect(error).toBeNull();
      const header = decodeProtectedHeader(data.session?.access_token as string);
      expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
      expect(header.kid).toEqual(expect.any(String));
      const keys = await jwks();
      const key = keys.find((k) => k.kid === header.kid);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
      for (const k of keys) {
        expect(k.kty).not.toBe('oct');
        expect(k).not.toHaveProperty('d');
        expect(k).not.toHaveProperty('k');
      }
    });

    it('lets that token call /auth/v1/user and /rest/v1 as the user', async () => {
      const c = client(t, t.publishableKey);
      const { data } = await c.auth.signInWithPassword({ email: member.email, password: member.password });
      const token = data.session?.access_token as string;
      const me = await c.auth.getUser(token);
      expect(me.data.user?.id).toBe(member.id);
      const rows = await c.from('profiles').select('id').eq('id', member.id);
      expect(rows.error).toBeNull();
      expect(rows.data).toEqual([{ id: member.id }]);
    });

    it('refuses an ES256 token signed with another key under the project kid with 403 bad_jwt', async () => {
      const { session } = await signIn(t, member.email, member.password);
      const { kid } = decodeProtectedHeader(session.access_token);
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      expect(await exportJWK(privateKey)).toHaveProperty('d');
      const forged = await new SignJWT({ ...decodeJwt(session.access_token) })
        .setProtectedHeader({ alg: 'ES256', kid: kid as string, typ: 'JWT' })
        .sign(privateKey);
      const { error } = await client(t).auth.getUser(forged);
      expect(error).toMatchObject({ status: 403, code: 'bad_jwt' });
    });
  });

  describe('API keys and the admin API', () => {
    it('serves auth.admin.* to the secret key and the legacy service-role key', async () => {
      for (const key of [t.secretKey, t.legacyServiceRoleKey]) {
        const { data, error } = await client(t, key).auth.admin.getUserById(member.id);
        expect(error).toBeNull();
        expect(data.user?.email).toBe(member.email);
      }
    });

    it('refuses auth.admin.* to the publishable key and the legacy anon key with 403 not_admin', async () => {
      for (const key of [t.publishableKey, t.legacyAnonKey]) {
        const { error } = await client(t, key).auth.admin.listUsers();
        expect(error).toMatchObject({ status: 403, code: 'not_admin', message: 'User not allowed' });
      }
    });
  });

  describe('sign-ups off', () => {
    it('says disable_signup in /settings', async () => {
      const res = await fetch(`${t.url}/auth/v1/settings`, { headers: { apikey: t.anonKey } });
      expect(await res.json()).toMatchObject({
        disable_signup: true,
        external: { email: true, anonymous_users: false },
      });
    });

    it('refuses signUp with 422 signup_disabled, and creates nobody', async () => {
      const email = uniqueEmail('signup');
      const { data, error } = await client(t).auth.signUp({ email, password: 'long-enough-1' });
      expect(data.user).toBeNull();
      expect(error).toMatchObject({
        status: 422,
        code: 'signup_disabled',
        message: 'Signups not allowed for this instance',
      });
      const rows = await t.sql('select 1 from auth.users where email = $1', [email]);
      expect(rows).toHaveLength(0);
    });

    it('refuses anonymous sign-in with 422 anonymous_provider_disabled', async () => {
      const { error } = await client(t).auth.signInAnonymously();
      expect(error).toMatchObject({
        status: 422,
        code: 'anonymous_provider_disabled',
        message: 'Anonymous sign-ins are disabled',
      });
    });

    it('refuses an email OTP for an unknown address: signup_disabled, or otp_disabled without create_user', async () => {
      const email = uniqueEmail('otp');
      const created = await client(t).auth.signInWithOtp({ email });
      expect(created.error).toMatchObject({ status: 422, code: 'signup_disabled' });
      const noCreate = await client(t).auth.signInWithOtp({ email, options: { shouldCreateUser: false } });
      expect(noCreate.error).toMatchObject({
        status: 422,
        code: 'otp_disabled',
        message: 'Signups not allowed for otp',
      });
      expect(await t.sql('select 1 from auth.users where email = $1', [email])).toHaveLength(0);
    });

    it('refuses inviteUserByEmail to the publishable key with 403 not_admin', async () => {
      const { error } = await client(t, t.publishableKey).auth.admin.inviteUserByEmail(uniqueEmail('invite'));
      expect(error).toMatchObject({ status: 403, code: 'not_admin' });
    });
  });

  describe('admin user list', () => {
    it('lists with no paging arguments: page 1 of 50, newest first, with the total', async () => {
      const fresh = await makeMember(t);
      const { data, error } = await admin().listUsers();
      expect(error).toBeNull();
      const total = (data as { total?: number }).total ?? 0;
      expect(total).toBeGreaterThanOrEqual(2);
      expect(data.users).toHaveLength(Math.min(50, total));
      expect(data.users.some((u) => u.id === fresh.id)).toBe(true);
      const created = data.users.map((u) => Date.parse(u.created_at));
      expect(created).toEqual([...created].sort((a, b) => b - a));
    });

    it('answers GoTrue paging headers and refuses a page that is not a number', async () => {
      const headers = { apikey: t.serviceRoleKey, authorization: `Bearer ${t.serviceRoleKey}` };
      const res = await fetch(`${t.url}/auth/v1/admin/users?page=1&per_page=1`, { headers });
      expect(res.status).toBe(200);
      const total = Number(res.headers.get('x-total-count'));
      expect(total).toBeGreaterThanOrEqual(2);
      expect(res.headers.get('link')).toBe(
        `</admin/users?page=2&per_page=1>; rel="next", </admin/users?page=${total}&per_page=1>; rel="last"`,
      );
      const bad = await fetch(`${t.url}/auth/v1/admin/users?page=abc`, { headers });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error_code: 'validation_failed' });
      const badSort = await fetch(`${t.url}/auth/v1/admin/users?sort=email`, { headers });
      expect(badSort.status).toBe(400);
    });

    it('filters by email and sorts oldest first on request', async () => {
      const marker = randomBytes(5).toString('hex');
      const a = await admin().createUser({ email: `first-${marker}@filter.test`, email_confirm: true });
      const b = await admin().createUser({ email: `second-${marker}@filter.test`, email_confirm: true });
      const headers = { apikey: t.serviceRoleKey, authorization: `Bearer ${t.serviceRoleKey}` };
      const res = await fetch(`${t.url}/auth/v1/admin/users?filter=${marker}&sort=created_at%20asc`, {
        headers,
      });
      const body = (await res.json()) as { users: { id: string }[] };
      expect(body.users.map((u) => u.id)).toEqual([a.data.user?.id, b.data.user?.id]);
      expect(res.headers.get('x-total-count')).toBe('2');
    });
  });

  describe('admin createUser', () => {
    it('refuses malformed emails with 400 validation_failed and GoTrue message', async () => {
      const cases: [string, string][] = [
        ['not-an-email', 'Unable to validate email address: invalid format'],
        ['ann smith@x.test', 'Unable to validate email address: invalid format'],
        ['ann@x..test', 'Unable to validate email address: invalid format'],
        ['ann@-x.test', 'Unable to validate email address: invalid format'],
        ['änn@x.test', 'Unable to validate email address: invalid format'],
        ['"ann"@x.test', 'Unable to validate email address: invalid format'],
        [`${'a'.repeat(250)}@x.test`, 'An email address is too long'],
      ];
      for (const [email, message] of cases) {
        const { error } = await admin().createUser({ email, password: 'secret-123' });
        expect(error, email).toMatchObject({ status: 400, code: 'validation_failed', message });
      }
    });

    it('accepts an unusual but valid address, stores it lower-cased and refuses it again in any case', async () => {
      const local = `Ann.O'Brien+${randomBytes(3).toString('hex')}`;
      const { data, error } = await admin().createUser({
        email: `${local}@Intranet`,
        password: 'secret-123',
      });
      expect(error).toBeNull();
      expect(data.user?.email).toBe(`${local}@Intranet`.toLowerCase());
      const again = await admin().createUser({ email: `${local.toUpperCase()}@INTRANET` });
      expect(again.error).toMatchObject({ status: 422, code: 'email_exists' });
    });

    it('does not hold admin-created passwords to the strength rules; sign-in then reports them weak', async () => {
      const email = uniqueEmail('weak');
      const created = await admin().createUser({ email, password: 'abc', email_confirm: true });
      expect(created.error).toBeNull();
      const { data, error } = await client(t).auth.signInWithPassword({ email, password: 'abc' });
      expect(error).toBeNull();
      expect(data.weakPassword).toMatchObject({ reasons: ['length'] });
    });
  });
});
