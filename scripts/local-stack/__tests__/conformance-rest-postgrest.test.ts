// PostgREST behaviour beyond the Keyroom tables, on objects each case creates for itself (so the baseline
// migration can change freely): upsert statuses, PTxyz errors, profiles, media types, Prefer, request bodies and
// db-max-rows. Through @supabase/supabase-js where it can send the request, plain HTTP for the headers it cannot.
// Every case holds on real Supabase (`supabase start`, PostgREST v14 with supabase/config.toml) unless its name
// says "stand-in only".
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, STARTUP_TIMEOUT_MS, sleep, type Target, tag, targets } from './conformance/target';

async function until(what: string, ok: () => Promise<boolean>) {
  for (let i = 0; i < 100; i++) {
    if (await ok()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(targets())('PostgREST behaviour on $name', (factory) => {
  let t: Target;
  let svc: SupabaseClient;
  const n = tag();
  const items = `conf_items_${n}`;
  const many = `conf_many_${n}`;
  const raise = `conf_raise_${n}`;
  const full = `conf_full_${n}`;
  const standInOnly = () => t.name === 'supabase';

  const raw = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    fetch(`${t.url}/rest/v1/${path}`, {
      ...init,
      headers: {
        apikey: t.serviceRoleKey,
        authorization: `Bearer ${t.serviceRoleKey}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });

  beforeAll(async () => {
    t = await factory.start();
    svc = client(t, t.serviceRoleKey);
    // A project created today grants the API roles nothing on new tables, so each grant is explicit.
    // One statement per call: PGlite runs a parameterless query as a prepared statement too.
    for (const statement of [
      `create table public.${items} (id int primary key, name text not null default 'unnamed', note text,
        at timestamptz)`,
      `grant select, insert, update, delete on public.${items} to service_role`,
      `create table public.${many} (id int primary key)`,
      `grant select on public.${many} to service_role`,
      `insert into public.${many} select g from generate_series(1, 1205) g`,
      `create function public.${raise}(p_code text) returns int language plpgsql as $$
      begin
        raise exception 'not_found' using errcode = p_code, detail = 'no such row', hint = 'check the id';
      end $$`,
      `grant execute on function public.${raise}(text) to service_role`,
      `create function public.${full}() returns int language plpgsql as $$
      begin
        raise sqlstate 'PGRST' using
          message = '{"code":"K001","message":"over quota","details":"3 of 3","hint":"ask an admin"}',
          detail = '{"status":402,"status_text":"Quota","headers":{"x-quota":"3"}}';
      end $$`,
      `grant execute on function public.${full}() to service_role`,
      `notify pgrst, 'reload schema'`,
    ])
      await t.sql(statement);
    await until('the new objects in the schema cache', async () => {
      const a = await svc.from(items).select('id').limit(1);
      const b = await svc.rpc(raise, { p_code: 'P0001' });
      return a.error === null && b.error?.code === 'P0001';
    });
  }, STARTUP_TIMEOUT_MS);

  afterAll(async () => {
    await t?.sql(`drop table if exists public.${items}, public.${many}`);
    await t?.sql(`drop function if exists public.${raise}(text), public.${full}()`);
    await t?.close();
  });

  describe('upserts (Response.hs: 200 when a merge-duplicates upsert inserted nothing)', () => {
    it('answers 201 when a row is inserted and 200 when every row already existed', async () => {
      const first = await svc.from(items).upsert({ id: 1, name: 'one' }).select();
      expect(first.status).toBe(201);
      expect(first.data).toEqual([{ id: 1, name: 'one', note: null, at: null }]);
      const again = await svc.from(items).upsert({ id: 1, name: 'uno' }).select('id, name');
      expect(again.status).toBe(200);
      expect(again.data).toEqual([{ id: 1, name: 'uno' }]);
      const mixed = await svc
        .from(items)
        .upsert([
          { id: 1, name: 'one' },
          { id: 2, name: 'two' },
        ])
        .select('id, name');
      expect(mixed.status).toBe(201);
      expect(mixed.data).toEqual([
        { id: 1, name: 'one' },
        { id: 2, name: 'two' },
      ]);
      // Without a body the status still tells inserted from updated.
      const minimal = await svc.from(items).upsert({ id: 2, name: 'zwei' });
      expect(minimal.status).toBe(200);
      expect(minimal.data).toBeNull();
      const minimalNew = await svc.from(items).upsert({ id: 3, name: 'three' });
      expect(minimalNew.status).toBe(201);
      const ignored = await svc
        .from(items)
        .upsert({ id: 3, name: 'drei' }, { ignoreDuplicates: true })
        .select();
      expect(ignored.status).toBe(201);
      expect(ignored.data).toEqual([]);
      const empty = await raw(items, {
        method: 'POST',
        headers: { prefer: 'return=representation,resolution=merge-duplicates' },
        body: '[]',
      });
      expect(empty.status).toBe(200);
      expect(await empty.json()).toEqual([]);
    });

    // The row offered must still satisfy NOT NULL (PostgreSQL checks it before the conflict), hence the default.
    it('returns the existing row when the payload is only the conflict key', async () => {
      await svc.from(items).upsert({ id: 10, name: 'ten', note: 'kept' });
      const onlyKey = await svc.from(items).upsert({ id: 10 }).select('id, name, note');
      expect(onlyKey.error).toBeNull();
      expect(onlyKey.status).toBe(200);
      expect(onlyKey.data).toEqual([{ id: 10, name: 'ten', note: 'kept' }]);
    });

    it('names the applied preferences in Preference-Applied', async () => {
      const res = await raw(items, {
        method: 'POST',
        headers: { prefer: 'resolution=merge-duplicates, return=representation, count=exact' },
        body: JSON.stringify({ id: 20, name: 'twenty' }),
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('preference-applied')).toBe(
        'resolution=merge-duplicates, return=representation, count=exact',
      );
      expect(res.headers.get('content-range')).toBe('*/1');
    });
  });

  describe('errors raised in SQL (Error.hs)', () => {
    it('answers PTxyz with status xyz and the error body, P0001 with 400', async () => {
      const notFound = await svc.rpc(raise, { p_code: 'PT404' });
      expect(notFound.status).toBe(404);
      expect(notFound.error).toEqual({
        code: 'PT404',
        message: 'not_found',
        details: 'no such row',
        hint: 'check the id',
      });
      const conflict = await svc.rpc(raise, { p_code: 'PT409' });
      expect(conflict.status).toBe(409);
      expect(conflict.error?.code).toBe('PT409');
      const plain = await svc.rpc(raise, { p_code: 'P0001' });
      expect(plain.status).toBe(400);
      const notNumeric = await svc.rpc(raise, { p_code: 'PTABC' });
      expect(notNumeric.status).toBe(500);
      expect(notNumeric.error?.code).toBe('PTABC');
    });

    it('sends the reason phrase a PTxyz error sets (stand-in only: a proxy may rewrite it)', async () => {
      if (standInOnly()) return;
      const res = await raw(`rpc/${raise}`, { method: 'POST', body: JSON.stringify({ p_code: 'PT404' }) });
      expect(res.status).toBe(404);
      expect(res.statusText).toBe('not_found');
    });

    it("lets RAISE SQLSTATE 'PGRST' set status, headers and body", async () => {
      const res = await raw(`rpc/${full}`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(402);
      expect(res.headers.get('x-quota')).toBe('3');
      expect(await res.json()).toEqual({
        code: 'K001',
        message: 'over quota',
        details: '3 of 3',
        hint: 'ask an admin',
      });
    });
  });

  describe('schemas (ApiRequest.hs getSchema)', () => {
    it('refuses a profile naming a schema that is not exposed with 406 PGRST106', async () => {
      const expected = {
        code: 'PGRST106',
        message: 'Invalid schema: private',
        details: null,
        hint: 'Only the following schemas are exposed: public, graphql_public',
      };
      const read = await svc.schema('private').from(items).select('id');
      expect(read.status).toBe(406);
      expect(read.error).toEqual(expected);
      const write = await svc.schema('private').from(items).insert({ id: 99, name: 'x' });
      expect(write.status).toBe(406);
      expect(write.error).toEqual(expected);
      const rpc = await svc.schema('private').rpc(raise, { p_code: 'P0001' });
      expect(rpc.status).toBe(406);
      const publicOk = await svc.schema('public').from(items).select('id').limit(1);
      expect(publicOk.error).toBeNull();
    });

    it('refuses graphql_public, which it does not model (stand-in only)', async () => {
      if (standInOnly()) return;
      const res = await svc.schema('graphql_public').rpc('graphql', {});
      expect(res.status).toBe(400);
      expect(res.error?.code).toBe('PGRST127');
      expect(res.error?.details).toContain('graphql_public');
    });
  });

  describe('media types (Plan.hs negotiateContent)', () => {
    it('answers CSV as PostgREST builds it', async () => {
      await svc.from(items).upsert([
        { id: 30, name: 'a,b', note: 'say "hi"' },
        { id: 31, name: 'plain', note: null },
      ]);
      const csv = await svc.from(items).select('id, name, note').in('id', [30, 31]).order('id').csv();
      expect(csv.error).toBeNull();
      expect(csv.data).toBe('id,name,note\n30,"a,b","say ""hi"""\n31,plain,');
      const none = await svc.from(items).select('id, name').eq('id', -1).csv();
      expect(none.data).toBe('\n');
      const written = await raw(items, {
        method: 'POST',
        headers: { accept: 'text/csv', prefer: 'return=representation' },
        body: JSON.stringify({ id: 32, name: 'w' }),
      });
      expect(written.status).toBe(201);
      expect(written.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(await written.text()).toBe('id,name,note,at\n32,w,,');
    });

    it('refuses the plan media type (db-plan-enabled is off) and unknown types with 406 PGRST107', async () => {
      const plan = await svc.from(items).select('id').explain();
      expect(plan.status).toBe(406);
      const body = plan.error as unknown as { code?: string; message?: string } | null;
      const parsed = typeof plan.data === 'string' ? (JSON.parse(plan.data) as typeof body) : body;
      expect(parsed?.code).toBe('PGRST107');
      expect(parsed?.message).toBe(
        'None of these media types are available: application/vnd.pgrst.plan+text; for="application/json"',
      );
      const xml = await raw(`${items}?select=id`, { headers: { accept: 'application/xml' } });
      expect(xml.status).toBe(406);
      expect(await xml.json()).toMatchObject({
        code: 'PGRST107',
        message: 'None of these media types are available: application/xml',
      });
      const fallback = await raw(`${items}?select=id&limit=1`, {
        headers: { accept: 'application/xml, application/json;q=0.5' },
      });
      expect(fallback.status).toBe(200);
      expect(fallback.headers.get('content-type')).toBe('application/json; charset=utf-8');
    });

    it('strips nulls with nulls=stripped and answers a single object', async () => {
      await svc.from(items).upsert({ id: 40, name: 'forty', note: null });
      const one = await svc.from(items).select('id, name, note').eq('id', 40).stripNulls().single();
      expect(one.error).toBeNull();
      expect(one.data).toEqual({ id: 40, name: 'forty' });
      const list = await svc.from(items).select('id, note').eq('id', 40).stripNulls();
      expect(list.data).toEqual([{ id: 40 }]);
    });
  });

  describe('Prefer (Preferences.hs)', () => {
    it('refuses invalid preferences with handling=strict (PGRST122) and ignores them otherwise', async () => {
      const strict = await raw(`${items}?select=id&limit=1`, {
        headers: { prefer: 'handling=strict, nope=1' },
      });
      expect(strict.status).toBe(400);
      expect(await strict.json()).toEqual({
        code: 'PGRST122',
        message: 'Invalid preferences given with handling=strict',
        details: 'Invalid preferences: nope=1',
        hint: null,
      });
      const lenient = await raw(`${items}?select=id&limit=1`, {
        headers: { prefer: 'handling=lenient, nope=1' },
      });
      expect(lenient.status).toBe(200);
      expect(lenient.headers.get('preference-applied')).toBe('handling=lenient');
      const plain = await raw(`${items}?select=id&limit=1`, { headers: { prefer: 'nope=1' } });
      expect(plain.status).toBe(200);
    });

    it('enforces max-affected with handling=strict and rolls the update back (PGRST124)', async () => {
      await svc.from(items).upsert([
        { id: 50, name: 'm' },
        { id: 51, name: 'm' },
      ]);
      const res = await raw(`${items}?id=in.(50,51)`, {
        method: 'PATCH',
        headers: { prefer: 'handling=strict, max-affected=1' },
        body: JSON.stringify({ name: 'changed' }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'PGRST124', details: 'The query affects 2 rows' });
      const after = await svc.from(items).select('name').in('id', [50, 51]);
      expect(after.data).toEqual([{ name: 'm' }, { name: 'm' }]);
      const lenient = await raw(`${items}?id=in.(50,51)`, {
        method: 'PATCH',
        headers: { prefer: 'max-affected=1' },
        body: JSON.stringify({ name: 'changed' }),
      });
      expect(lenient.status).toBe(204);
    });

    it('ignores tx=rollback, as Supabase keeps db-tx-end=commit', async () => {
      const res = await raw(items, {
        method: 'POST',
        headers: { prefer: 'tx=rollback, return=representation' },
        body: JSON.stringify({ id: 60, name: 'kept' }),
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('preference-applied')).toBe('return=representation');
      const row = await svc.from(items).select('name').eq('id', 60).single();
      expect(row.data).toEqual({ name: 'kept' });
    });

    it('applies timezone= to the transaction and refuses an unknown zone only with handling=strict', async () => {
      await svc.from(items).upsert({ id: 70, name: 'tz', at: '2026-01-15T12:00:00Z' });
      const res = await raw(`${items}?select=at&id=eq.70`, {
        headers: { prefer: 'timezone=America/New_York' },
      });
      expect(res.headers.get('preference-applied')).toBe('timezone=America/New_York');
      expect(await res.json()).toEqual([{ at: '2026-01-15T07:00:00-05:00' }]);
      const bad = await raw(`${items}?select=at&id=eq.70`, { headers: { prefer: 'timezone=Mars/Olympus' } });
      expect(bad.status).toBe(200);
      expect(await bad.json()).toEqual([{ at: '2026-01-15T12:00:00+00:00' }]);
      const strict = await raw(`${items}?select=at&id=eq.70`, {
        headers: { prefer: 'handling=strict, timezone=Mars/Olympus' },
      });
      expect(strict.status).toBe(400);
    });

    it('counts exactly, estimated (exact below max-rows) and planned (the planner guess)', async () => {
      const exact = await svc.from(many).select('id', { count: 'exact', head: true }).lte('id', 10);
      expect(exact.count).toBe(10);
      const estimated = await svc.from(many).select('id', { count: 'estimated', head: true }).lte('id', 10);
      expect(estimated.count).toBe(10);
      const planned = await svc.from(many).select('id', { count: 'planned', head: true });
      expect(planned.error).toBeNull();
      expect(typeof planned.count).toBe('number');
    });
  });

  describe('db-max-rows (supabase/config.toml [api] max_rows = 1000)', () => {
    it('stops a read at 1000 rows and says so in Content-Range', async () => {
      const res = await svc.from(many).select('id', { count: 'exact' }).order('id');
      expect(res.data).toHaveLength(1000);
      expect(res.count).toBe(1205);
      expect(res.status).toBe(206);
      const rest = await svc.from(many).select('id').order('id').range(1000, 1300);
      expect(rest.data).toHaveLength(205);
    });
  });

  describe('request bodies (Payload.hs)', () => {
    it('refuses other content types, and arrays whose objects differ in keys', async () => {
      const xml = await raw(items, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<a/>' });
      expect(xml.status).toBe(400);
      expect(await xml.json()).toMatchObject({
        code: 'PGRST102',
        message: 'Content-Type not acceptable: text/xml',
      });
      const uneven = await raw(items, {
        method: 'POST',
        body: JSON.stringify([{ id: 80, name: 'a' }, { id: 81 }]),
      });
      expect(uneven.status).toBe(400);
      expect(await uneven.json()).toMatchObject({ code: 'PGRST102', message: 'All object keys must match' });
    });

    it('answers PUT without exactly the primary key filters with 405 PGRST105', async () => {
      const res = await raw(`${items}?name=eq.x`, {
        method: 'PUT',
        body: JSON.stringify({ id: 1, name: 'x' }),
      });
      expect(res.status).toBe(405);
      expect(await res.json()).toMatchObject({ code: 'PGRST105' });
    });

    it('refuses a deeply nested body with 400, never a 500, and keeps serving (stand-in only)', async () => {
      if (standInOnly()) return;
      const depth = 100_000;
      const res = await raw(items, {
        method: 'POST',
        body: `{"id":90,"name":"deep","note":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'PGRST102' });
      const ok = await svc.from(items).select('id').limit(1);
      expect(ok.status).toBe(200);
    });
  });
});
