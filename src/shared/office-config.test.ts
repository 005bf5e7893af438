// The office config decides which key the app holds: a publishable (or legacy anon) key only. A secret or
// service-role key there would hand RLS-free access to whoever reads the file, so it is refused, and no error
// message ever repeats a key.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { officeConfigFromEnv, parseOfficeConfig } from './office-config';

const legacyKey = (role: string) =>
  new SignJWT({ role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode('a-legacy-secret-of-at-least-32-characters'));

const URL = 'https://abc.supabase.co';
const PUBLISHABLE = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
const SECRET = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

const failure = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('office config', () => {
  it('takes a publishable key, or a legacy anon key, from the environment', async () => {
    expect(officeConfigFromEnv({ SUPABASE_URL: URL, SUPABASE_PUBLISHABLE_KEY: PUBLISHABLE })).toEqual({
      supabaseUrl: URL,
      publishableKey: PUBLISHABLE,
    });
    const anon = await legacyKey('anon');
    expect(officeConfigFromEnv({ SUPABASE_URL: URL, SUPABASE_ANON_KEY: anon })?.publishableKey).toBe(anon);
    // The new name wins when both are set.
    expect(
      officeConfigFromEnv({
        SUPABASE_URL: URL,
        SUPABASE_PUBLISHABLE_KEY: PUBLISHABLE,
        SUPABASE_ANON_KEY: anon,
      })?.publishableKey,
    ).toBe(PUBLISHABLE);
    expect(officeConfigFromEnv({ SUPABASE_URL: URL })).toBeUndefined();
  });

  it('refuses a secret or service-role key, naming the mistake without repeating the key', async () => {
    const serviceRole = await legacyKey('service_role');
    for (const key of [SECRET, serviceRole]) {
      const fromEnv = failure(() =>
        officeConfigFromEnv({ SUPABASE_URL: URL, SUPABASE_PUBLISHABLE_KEY: key }),
      );
      expect(fromEnv).toContain('secret (service-role) key');
      expect(fromEnv).not.toContain(key);
      const fromFile = failure(() =>
        parseOfficeConfig(JSON.stringify({ supabaseUrl: URL, publishableKey: key }), 'config.json'),
      );
      expect(fromFile).toContain('secret (service-role) key');
      expect(fromFile).not.toContain(key);
    }
  });

  it('reads a config file written before the new keys (anonKey) and explains a wrong one', async () => {
    const anon = await legacyKey('anon');
    expect(parseOfficeConfig(JSON.stringify({ supabaseUrl: URL, anonKey: anon }), 'c.json')).toEqual({
      supabaseUrl: URL,
      publishableKey: anon,
    });
    expect(failure(() => parseOfficeConfig('{not json', 'c.json'))).toContain('c.json is not JSON');
    expect(
      failure(() =>
        parseOfficeConfig(JSON.stringify({ supabaseUrl: 'ftp://x', publishableKey: PUBLISHABLE }), 'c.json'),
      ),
    ).toContain('supabaseUrl');
    expect(
      failure(() =>
        parseOfficeConfig(JSON.stringify({ supabaseUrl: URL, publishableKey: 'hello' }), 'c.json'),
      ),
    ).toContain('not a Supabase publishable key');
  });
});
