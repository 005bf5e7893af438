import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OFFICE_ROOT_MESSAGES } from '../../shared/errors';
import { CoreError, mapServerError } from './errors';

describe('mapServerError', () => {
  it('turns a stale base version into a conflict', () => {
    expect(mapServerError({ code: 'P0001', message: 'conflict' }).code).toBe('conflict');
  });

  it('uses the caller’s words for an RLS refusal and never the server message', () => {
    const e = mapServerError(
      { code: '42501', message: 'new row violates row-level security policy for table "entries"' },
      { forbidden: 'Only an admin can change this entry.' },
    );
    expect(e).toBeInstanceOf(CoreError);
    expect(e.code).toBe('forbidden');
    expect(e.message).toBe('Only an admin can change this entry.');
  });

  it('turns an RPC’s PT404 into not found (supabase-js gives the code, not the HTTP status)', () => {
    const e = mapServerError({ code: 'PT404', message: 'not_found' }, { notFound: 'That entry is gone.' });
    expect(e.code).toBe('not_found');
    expect(e.message).toBe('That entry is gone.');
  });

  it('says the office root’s refusals in their own words, never as an entry conflict', () => {
    const refused = mapServerError({ code: 'office_root', status: 409, message: 'x' });
    expect([refused.code, refused.message]).toEqual(['forbidden', OFFICE_ROOT_MESSAGES.refused]);
    expect(mapServerError({ code: 'already_root', status: 409 }).message).toBe(OFFICE_ROOT_MESSAGES.already);
    expect(mapServerError({ code: 'take_root_mismatch', status: 409 }).message).toBe(
      OFFICE_ROOT_MESSAGES.meanwhile,
    );
  });

  it('maps network failures to offline and auth failures to their codes', () => {
    expect(mapServerError(new TypeError('fetch failed')).code).toBe('offline');
    expect(mapServerError({ name: 'AuthRetryableFetchError', message: 'x' }).code).toBe('offline');
    expect(mapServerError({ code: 'invalid_credentials', status: 400 }).code).toBe('wrong_credentials');
    expect(mapServerError({ code: 'user_banned', status: 403 }).code).toBe('disabled');
  });

  it('names the size bound a write broke, by constraint name, and nothing else of the message', () => {
    const e = mapServerError({
      code: '23514',
      message: 'new row for relation "entries" violates check constraint "entries_envelope_size"',
    });
    expect(e.code).toBe('invalid_request');
    expect(e.message).toMatch(/too large to store/);
    expect(
      mapServerError({ code: '23514', message: 'violates check constraint "profiles_display_name_size"' })
        .message,
    ).toMatch(/at most 200 characters/);
    const unknown = mapServerError({ code: '23514', message: 'violates check constraint "constructor"' });
    expect(unknown.message).toBe('That request was not valid.');
  });

  it('turns the audit rate limit (PT429) into rate_limited with words about waiting', () => {
    const e = mapServerError({ code: 'PT429', message: 'rate_limited' });
    expect(e.code).toBe('rate_limited');
    expect(e.message).toMatch(/Wait a minute/);
  });

  it('hides unknown server errors behind a generic message', () => {
    const e = mapServerError({ code: 'XX000', message: 'internal detail: table secrets at 10.0.0.3' });
    expect(e.code).toBe('internal');
    expect(e.message).not.toMatch(/10\.0\.0\.3/);
  });
});

describe('mapServerError over every refusal the edge functions send', () => {
  it('says a duplicate invite is an existing account, not an edit conflict', () => {
    const e = mapServerError({
      code: 'email_exists',
      status: 409,
      message: 'a user with the email … exists',
    });
    expect(e.code).toBe('account_exists');
    expect(e.message).toMatch(/already has a Keyroom account/);
  });

  // Read from the functions' source, so a new refusal added there without a mapping here fails this test.
  it('maps each function refusal code to its own meaning (none of them is an entry conflict)', () => {
    const dir = fileURLToPath(new URL('../../../supabase/functions', import.meta.url));
    const sources = ['_shared/http.ts', '_shared/rpc.ts', '_shared/caller.ts', '_shared/input.ts']
      .concat(['admin-users/actions.ts', 'app-updates/index.ts'])
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    const thrown = [...sources.matchAll(/HttpError\(\s*(\d{3}),\s*'([a-z_]+)'/g)].map((m) => ({
      status: Number(m[1]),
      code: m[2] as string,
    }));
    expect(thrown.length).toBeGreaterThan(15);
    for (const { status, code } of thrown) {
      const mapped = mapServerError({ code, status, message: 'the server’s own words' }).code;
      expect({ code, mapped }).not.toEqual({ code, mapped: 'conflict' });
      if (status === 409) expect({ code, mapped }).not.toEqual({ code, mapped: 'internal' });
    }
    const codeOf = (code: string, status: number) => mapServerError({ code, status }).code;
    expect(codeOf('last_admin', 409)).toBe('last_admin');
    expect(codeOf('not_enrolled', 409)).toBe('not_enrolled');
    expect(codeOf('still_signs', 409)).toBe('admin_still_signs');
    expect(codeOf('office_root', 409)).toBe('forbidden');
    expect(codeOf('take_root_mismatch', 409)).toBe('changed_meanwhile');
    expect(codeOf('version_not_newer', 409)).toBe('version_not_newer');
    expect(codeOf('forbidden', 403)).toBe('forbidden');
    expect(codeOf('invalid_input', 400)).toBe('invalid_request');
  });

  it('still reads an RPC’s stale base version (P0001 conflict) as a conflict', () => {
    expect(mapServerError({ code: 'P0001', message: 'conflict', status: 409 }).code).toBe('conflict');
  });
});
