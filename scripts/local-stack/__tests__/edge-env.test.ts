// The functions' environment at boot (supabase/functions/_shared/env.ts), loaded by Deno as the edge runtime
// loads it: the new key dictionaries' `default` entry, the legacy names as a fallback, and a failure that
// names the variable without ever printing its value.
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const DENO = `${root}node_modules/.bin/deno`;
const ENV_TS = pathToFileURL(`${root}supabase/functions/_shared/env.ts`).href;

const SECRET = 'sb_secret_DO-NOT-PRINT-ME';
const URL_ = 'http://127.0.0.1:54321';

/** Imports env.ts in a fresh Deno with exactly these variables; returns what it reported or the boot error. */
function boot(vars: Record<string, string>): { ok: boolean; out: string } {
  const script = `const { env } = await import(${JSON.stringify(ENV_TS)});
console.log(JSON.stringify({ url: env.SUPABASE_URL, secret: env.secretKey, publishable: env.publishableKey ?? null, kids: env.jwks?.keys.map((k) => k.kid) ?? null }));`;
  const host = Object.fromEntries(
    ['HOME', 'DENO_DIR', 'NPM_CONFIG_REGISTRY', 'HTTPS_PROXY', 'HTTP_PROXY'].flatMap((k) =>
      process.env[k] ? [[k, process.env[k]]] : [],
    ),
  );
  const r = spawnSync(DENO, ['eval', '--no-lock', script], {
    env: { ...host, NO_COLOR: '1', ...vars },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

describe('function environment at boot', () => {
  it("takes the dictionaries' default keys over the legacy ones, and the inline JWKS", () => {
    const r = boot({
      SUPABASE_URL: URL_,
      SUPABASE_SECRET_KEYS: JSON.stringify({ default: SECRET, other: 'sb_secret_other' }),
      SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: 'sb_publishable_x' }),
      SUPABASE_SERVICE_ROLE_KEY: 'legacy-service',
      SUPABASE_ANON_KEY: 'legacy-anon',
      SUPABASE_JWKS: JSON.stringify({
        keys: [{ kty: 'EC', kid: 'k1', alg: 'ES256', x: 'a', y: 'b', crv: 'P-256' }],
      }),
    });
    expect(r.ok, r.out).toBe(true);
    expect(JSON.parse(r.out)).toEqual({
      url: URL_,
      secret: SECRET,
      publishable: 'sb_publishable_x',
      kids: ['k1'],
    });
  });

  it('falls back to the legacy key names, and to the JWKS endpoint without SUPABASE_JWKS', () => {
    const r = boot({
      SUPABASE_URL: URL_,
      SUPABASE_SERVICE_ROLE_KEY: 'legacy-service',
      SUPABASE_ANON_KEY: 'legacy-anon',
    });
    expect(r.ok, r.out).toBe(true);
    expect(JSON.parse(r.out)).toEqual({
      url: URL_,
      secret: 'legacy-service',
      publishable: 'legacy-anon',
      kids: null,
    });
  });

  it('refuses to boot naming the missing or malformed variable, never printing a value', () => {
    const cases: [Record<string, string>, string][] = [
      [{ SUPABASE_SECRET_KEYS: JSON.stringify({ default: SECRET }) }, 'SUPABASE_URL: not set'],
      [{ SUPABASE_URL: URL_ }, 'SUPABASE_SECRET_KEYS: not set (nor the legacy SUPABASE_SERVICE_ROLE_KEY)'],
      [{ SUPABASE_URL: URL_, SUPABASE_SECRET_KEYS: SECRET }, 'SUPABASE_SECRET_KEYS: not valid JSON'],
      [
        { SUPABASE_URL: URL_, SUPABASE_SECRET_KEYS: JSON.stringify({ web: SECRET }) },
        'SUPABASE_SECRET_KEYS: has no "default" key',
      ],
      [
        {
          SUPABASE_URL: URL_,
          SUPABASE_SECRET_KEYS: JSON.stringify({ default: SECRET }),
          SUPABASE_JWKS: SECRET,
        },
        'SUPABASE_JWKS: not valid JSON',
      ],
    ];
    for (const [vars, message] of cases) {
      const r = boot(vars);
      expect(r.ok, message).toBe(false);
      expect(r.out).toContain(message);
      // Not even the first characters, as JSON.parse's own message would quote them.
      for (const value of Object.values(vars)) expect(r.out).not.toContain(value.slice(0, 8));
      expect(r.out).not.toContain('DO-NOT-PRINT-ME');
    }
  });
});
