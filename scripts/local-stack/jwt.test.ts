// The stack's JWT verifier: ES256 tokens by the kid of a JWKS key, legacy HS256 tokens only while a legacy
// secret exists, nothing else. It remembers tokens that verified, but a remembered token still expires on time
// and a token with one byte changed is still checked (and refused) on its own.
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JwtError, makeJwtVerifier } from './jwt';
import { generateKeys, publicJwk } from './keys';

const SECRET = 'a-local-stack-secret-of-at-least-32-chars';

const sign = (exp: number, secret = SECRET) =>
  new SignJWT({ role: 'authenticated', sub: 'u1' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));

const reason = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (err: unknown) => (err instanceof JwtError ? err.reason : 'other'),
  );

afterEach(() => {
  vi.useRealTimers();
});

describe('makeJwtVerifier', () => {
  it('answers a remembered token with the same claims until it expires, then as expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const now = Math.floor(Date.now() / 1000);
    const verify = makeJwtVerifier({ legacySecret: SECRET, jwks: [] });
    const token = await sign(now + 60);
    const first = await verify(token);
    expect(first).toMatchObject({ role: 'authenticated', sub: 'u1', exp: now + 60 });
    expect(await verify(token)).toEqual(first);
    vi.setSystemTime((now + 60) * 1000);
    expect(await reason(verify(token))).toBe('expired');
    expect(await reason(verify(token))).toBe('expired');
  });

  it('refuses a tampered or foreign token even after the genuine one was remembered', async () => {
    const verify = makeJwtVerifier({ legacySecret: SECRET, jwks: [] });
    const token = await sign(Math.floor(Date.now() / 1000) + 60);
    await verify(token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    expect(await reason(verify(`${header}.${payload}.${flipped}`))).toBe('invalid');
    const foreign = await sign(
      Math.floor(Date.now() / 1000) + 60,
      'another-secret-of-at-least-32-characters',
    );
    expect(await reason(verify(foreign))).toBe('invalid');
    expect(await reason(verify(await sign(Math.floor(Date.now() / 1000) - 1)))).toBe('expired');
  });
});

describe('makeJwtVerifier with the project signing key', () => {
  const es256 = async (kid: string, key: Awaited<ReturnType<typeof generateKeys>>['signingKey']) => {
    const { importJWK } = await import('jose');
    return new SignJWT({ role: 'authenticated', sub: 'u2' })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setExpirationTime(Math.floor(Date.now() / 1000) + 60)
      .sign(await importJWK(key, 'ES256'));
  };

  it('accepts an ES256 token whose kid is in the JWKS, and refuses an unknown kid or another key', async () => {
    const mine = await generateKeys();
    const other = await generateKeys();
    const verify = makeJwtVerifier({ legacySecret: mine.jwtSecret, jwks: [publicJwk(mine.signingKey)] });
    expect(await verify(await es256(mine.signingKey.kid, mine.signingKey))).toMatchObject({ sub: 'u2' });
    expect(await reason(verify(await es256(other.signingKey.kid, other.signingKey)))).toBe('invalid');
    // The right kid, signed by someone else's key.
    expect(await reason(verify(await es256(mine.signingKey.kid, other.signingKey)))).toBe('invalid');
  });

  it('refuses HS256 once the project has no legacy secret, and unsigned tokens always', async () => {
    const mine = await generateKeys();
    const verify = makeJwtVerifier({ jwks: [publicJwk(mine.signingKey)] });
    expect(await reason(verify(await sign(Math.floor(Date.now() / 1000) + 60, mine.jwtSecret)))).toBe(
      'invalid',
    );
    const none = new UnsecuredJWT({ role: 'service_role' }).setExpirationTime('1h').encode();
    expect(await reason(verify(none))).toBe('invalid');
    expect(await reason(verify('not.a.jwt'))).toBe('invalid');
  });
});

describe('makeJwtVerifier and the kid header, as GoTrue parseJWTClaims reads it', () => {
  it('refuses an ES256 token without a kid, and checks an HS256 token with an unknown kid against the secret', async () => {
    const mine = await generateKeys();
    const verify = makeJwtVerifier({ legacySecret: mine.jwtSecret, jwks: [publicJwk(mine.signingKey)] });
    const { importJWK } = await import('jose');
    const noKid = await new SignJWT({ role: 'authenticated', sub: 'u3' })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setExpirationTime(Math.floor(Date.now() / 1000) + 60)
      .sign(await importJWK(mine.signingKey, 'ES256'));
    expect(await reason(verify(noKid))).toBe('invalid');
    // supabase/auth internal/api/auth.go: a kid not in the JWKS falls back to the legacy secret for HS256.
    const hsWithKid = await new SignJWT({ role: 'authenticated', sub: 'u4' })
      .setProtectedHeader({ alg: 'HS256', kid: 'not-in-jwks', typ: 'JWT' })
      .setExpirationTime(Math.floor(Date.now() / 1000) + 60)
      .sign(new TextEncoder().encode(mine.jwtSecret));
    expect(await verify(hsWithKid)).toMatchObject({ sub: 'u4' });
  });
});
