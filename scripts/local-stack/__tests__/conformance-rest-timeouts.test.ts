// Statement timeouts through /rest/v1 as on Supabase: PostgREST applies the impersonated role's settings in each
// request's transaction (anon 3s, authenticated 8s; PostgREST v14 Config/Database.hs queryRoleSettings,
// Query/PreQuery.hs), service_role keeps the 8s authenticator logs in with (supabase/postgres migration
// 20221028101028), and a function's own `set statement_timeout` is hoisted into the transaction
// (db-hoisted-tx-settings). A statement cut off answers 500 with SQLSTATE 57014 (Error.hs: class 57 → 500) and
// nothing it did stays. Functions and tables are made here, so the baseline migration can change freely.
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  clientWithToken,
  mintJwt,
  STARTUP_TIMEOUT_MS,
  sleep,
  type Target,
  tag,
  targets,
} from './conformance/target';

const CUT_OFF = { code: '57014', message: 'canceling statement due to statement timeout' };

describe.each(targets())('statement timeouts on $name', (factory) => {
  let t: Target;
  let svc: SupabaseClient;
  let anon: SupabaseClient;
  let user: SupabaseClient;
  const n = tag();
  const setting = `conf_setting_${n}`;
  const slow = `conf_slow_${n}`;
  const capped = `conf_capped_${n}`;
  const log = `conf_log_${n}`;

  beforeAll(async () => {
    t = await factory.start();
    svc = client(t, t.serviceRoleKey);
    anon = client(t);
    const token = await mintJwt(t, {
      role: 'authenticated',
      sub: randomUUID(),
      aud: 'authenticated',
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    user = clientWithToken(t, token);
    // One statement per call: PGlite runs a parameterless query as a prepared statement too.
    for (const statement of [
      `create table public.${log} (id bigint generated always as identity primary key, what text not null)`,
      `create function public.${setting}() returns text language sql stable
        as $$ select current_setting('statement_timeout') $$`,
      // Writes a row, then sleeps: a cut-off call must leave no row behind.
      `create function public.${slow}(p_seconds float8, p_what text) returns int language plpgsql
        security definer set search_path = '' as $$
      begin
        insert into public.${log} (what) values (p_what);
        perform pg_sleep(p_seconds);
        return 1;
      end $$`,
      `create function public.${capped}(p_seconds float8) returns int language plpgsql
        set statement_timeout = '250ms' as $$
      begin
        perform pg_sleep(p_seconds);
        return 1;
      end $$`,
      `grant execute on function public.${setting}(), public.${slow}(float8, text), public.${capped}(float8)
        to anon, authenticated, service_role`,
      `notify pgrst, 'reload schema'`,
    ])
      await t.sql(statement);
    for (let i = 0; i < 100 && (await svc.rpc(setting)).error; i++) await sleep(100);
  }, STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await t?.sql(
      `drop function if exists public.${setting}(), public.${slow}(float8, text), public.${capped}(float8)`,
    );
    await t?.sql(`drop table if exists public.${log}`);
    await t?.close();
  });

  const rows = async (what: string) =>
    Number(
      (
        (await t.sql(`select count(*)::int as c from public.${log} where what = $1`, [what]))[0] as {
          c: number;
        }
      ).c,
    );

  it('gives anon 3s, authenticated 8s and service_role 8s, as Supabase sets them', async () => {
    expect((await anon.rpc(setting)).data).toBe('3s');
    expect((await user.rpc(setting)).data).toBe('8s');
    expect((await svc.rpc(setting)).data).toBe('8s');
  });

  it('cuts anon off after 3s with 500 57014 and rolls its writes back', async () => {
    const what = `anon-${n}`;
    const res = await anon.rpc(slow, { p_seconds: 3.5, p_what: what });
    expect(res.status).toBe(500);
    expect(res.error).toMatchObject(CUT_OFF);
    expect(await rows(what)).toBe(0);
    const quick = await anon.rpc(slow, { p_seconds: 0, p_what: what });
    expect(quick.error).toBeNull();
    expect(await rows(what)).toBe(1);
  }, 30_000);

  it('lets service_role and authenticated run a statement well inside their 8s', async () => {
    const what = `long-${n}`;
    expect((await svc.rpc(slow, { p_seconds: 1, p_what: what })).error).toBeNull();
    expect((await user.rpc(slow, { p_seconds: 1, p_what: what })).error).toBeNull();
    expect(await rows(what)).toBe(2);
  });

  it("hoists a function's own statement_timeout into the request's transaction", async () => {
    const cut = await svc.rpc(capped, { p_seconds: 1 });
    expect(cut.status).toBe(500);
    expect(cut.error).toMatchObject(CUT_OFF);
    const quick = await svc.rpc(capped, { p_seconds: 0 });
    expect(quick.error).toBeNull();
    expect(quick.data).toBe(1);
  });
});
