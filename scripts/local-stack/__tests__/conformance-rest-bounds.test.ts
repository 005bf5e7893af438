// What a member may write, through @supabase/supabase-js on every target of conformance/target.ts: a size bound
// of the database is SQLSTATE 23514, which PostgREST answers with HTTP 400 (docs.postgrest.org references/errors
// "HTTP Status Codes": 23503/23505 are 409, the rest of class 23 falls to 400); the audit rate limit is PT429,
// answered 429 (PTxyz → xyz); an unauthorized grant insert gets one answer whoever it names. The client's mapping
// of each is checked on the error supabase-js hands it.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapServerError } from '../../../src/core/backend/errors';
import {
  client,
  clientWithToken,
  makeMember,
  STARTUP_TIMEOUT_MS,
  signIn,
  type Target,
  targets,
} from './conformance/target';

describe.each(targets())('bounds and rate limits on $name', (factory) => {
  let t: Target;
  let svc: SupabaseClient;
  let member: { id: string; email: string; password: string };
  let admin: { id: string; email: string; password: string };
  let asMember: SupabaseClient;

  beforeAll(async () => {
    t = await factory.start();
    svc = client(t, t.serviceRoleKey);
    member = await makeMember(t);
    admin = await makeMember(t, { role: 'admin' });
    asMember = clientWithToken(t, (await signIn(t, member.email, member.password)).session.access_token);
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('refuses an over-long display name with 400 and 23514, and the client names the bound', async () => {
    const ok = await asMember
      .from('profiles')
      .update({ display_name: 'n'.repeat(200) })
      .eq('id', member.id);
    expect(ok.error).toBeNull();
    const res = await asMember
      .from('profiles')
      .update({ display_name: 'n'.repeat(201) })
      .eq('id', member.id);
    expect(res.status).toBe(400);
    expect(res.error?.code).toBe('23514');
    expect(mapServerError(res.error).message).toBe('That name is too long: at most 200 characters.');
  });

  it('refuses an over-long device name with 400 and 23514', async () => {
    const res = await asMember.rpc('register_device', {
      p_id: randomUUID(),
      p_name: 'd'.repeat(201),
      p_platform: 'win32',
      p_app_version: '1',
      p_fresh: true,
    });
    expect(res.status).toBe(400);
    expect(res.error?.code).toBe('23514');
    expect(mapServerError(res.error).code).toBe('invalid_request');
  });

  // The bucket refills one event per 2 s while the burst runs, so on a slow machine a few more than 120 go through:
  // the bound is 120 plus what refilled during the burst, never more.
  it('answers a burst past 120 client audit events with 429 and PT429 (plus one per 2 s of refill, no more)', async () => {
    const started = Date.now();
    let accepted = 0;
    let refused: Awaited<ReturnType<typeof asMember.rpc>> | null = null;
    while (accepted < 400) {
      const res = await asMember.rpc('log_event', { p_action: 'vault.export', p_entry_id: null });
      if (res.error) {
        refused = res;
        break;
      }
      accepted++;
    }
    const refilled = Math.ceil((Date.now() - started) / 2000);
    expect(accepted).toBeGreaterThanOrEqual(120);
    expect(accepted).toBeLessThanOrEqual(120 + refilled);
    expect(refused?.status).toBe(429);
    expect(refused?.error?.code).toBe('PT429');
    expect(refused?.error?.message).toBe('rate_limited');
    expect(mapServerError(refused?.error ?? null).code).toBe('rate_limited');
  });

  it('gives a member the same refusal for a grant to anyone in any vault', async () => {
    const vault = randomUUID();
    const { error } = await svc.from('vaults').insert({ id: vault, name: 'bounds' });
    expect(error).toBeNull();
    const attempts = [
      { vault_id: randomUUID(), member_id: randomUUID() },
      { vault_id: vault, member_id: randomUUID() },
      { vault_id: vault, member_id: admin.id },
      { vault_id: vault, member_id: member.id },
    ];
    const answers = [];
    for (const a of attempts) {
      const res = await asMember
        .from('vault_grants')
        .insert({ ...a, key_version: 1, sealed_key: 's', member_public: 'p', signature: 'sig' });
      answers.push({ status: res.status, error: res.error });
    }
    expect(answers[0]?.status).toBe(403);
    expect(answers[0]?.error?.code).toBe('42501');
    for (const a of answers) expect(a).toEqual(answers[0]);
  });
});
