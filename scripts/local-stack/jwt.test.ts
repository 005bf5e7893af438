// The stack's JWT verifier remembers tokens that verified, but a remembered token still expires on time and
// a token with one byte changed is still checked (and refused) on its own.
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JwtError, makeJwtVerifier } from './jwt';

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
    const verify = makeJwtVerifier(SECRET);
    const token = await sign(now + 60);
    const first = await verify(token);
    expect(first).toMatchObject({ role: 'authenticated', sub: 'u1', exp: now + 60 });
    expect(await verify(token)).toEqual(first);
    vi.setSystemTime((now + 60) * 1000);
    expect(await reason(verify(token))).toBe('expired');
    expect(await reason(verify(token))).toBe('expired');
  });

  it('refuses a tampered or foreign token even after the genuine one was remembered', async () => {
    const verify = makeJwtVerifier(SECRET);
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
