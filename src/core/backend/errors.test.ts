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
