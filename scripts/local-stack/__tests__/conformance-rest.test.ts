// /rest/v1 conformance through @supabase/supabase-js (postgrest-js) on the real Keyroom tables and policies,
// on every target of conformance/target.ts. Plain HTTP only where postgrest-js cannot send the request
// (malformed bodies, raw Range headers, wrong methods).
import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  clientWithToken,
  makeMember,
  mintJwt,
  STARTUP_TIMEOUT_MS,
  signIn,
  type Target,
  tag,
  targets,
} from './conformance/target';

describe.each(targets())('rest on $name', (factory) => {
  let t: Target;
  let svc: SupabaseClient;
  let prefix: string;
  let adminUser: { id: string; email: string; password: string };
  let memberUser: { id: string; email: string; password: string };
  let asAdmin: SupabaseClient;
  let asMember: SupabaseClient;
  const vaultIds: string[] = [];

  beforeAll(async () => {
    t = await factory.start();
    svc = client(t, t.serviceRoleKey);
    prefix = tag();
    adminUser = await makeMember(t, { role: 'admin' });
    memberUser = await makeMember(t);
    asAdmin = clientWithToken(t, (await signIn(t, adminUser.email, adminUser.password)).session.access_token);
    asMember = clientWithToken(
      t,
      (await signIn(t, memberUser.email, memberUser.password)).session.access_token,
    );
    // Five vaults named <prefix>-1 … <prefix>-5 with key_version 1 … 5; the odd ones have no creator.
    const rows = [1, 2, 3, 4, 5].map((n) => ({
      id: randomUUID(),
      name: `${prefix}-${n}`,
      key_version: n,
      created_by: n % 2 === 0 ? adminUser.id : null,
    }));
    const { error } = await svc.from('vaults').insert(rows);
    if (error) throw new Error(error.message);
    vaultIds.push(...rows.map((r) => r.id));
  }, STARTUP_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const vaults = () => svc.from('vaults').select('name, key_version').like('name', `${prefix}-*`);
  const names = (data: { name: string }[] | null) => (data ?? []).map((r) => r.name);

  describe('reads', () => {
    it('selects columns, renames them and orders', async () => {
      const { data, error, status } = await svc
        .from('vaults')
        .select('vault:name, kv:key_version')
        .like('name', `${prefix}-*`)
        .order('key_version', { ascending: false });
      expect(error).toBeNull();
      expect(status).toBe(200);
      expect(data).toEqual([5, 4, 3, 2, 1].map((n) => ({ vault: `${prefix}-${n}`, kv: n })));
    });

    it('filters with eq, neq, gt, gte, lt, lte, in, is, like, ilike and not', async () => {
      const cases: [string, (q: ReturnType<typeof vaults>) => ReturnType<typeof vaults>, number[]][] = [
        ['eq', (q) => q.eq('key_version', 3), [3]],
        ['neq', (q) => q.neq('key_version', 3), [1, 2, 4, 5]],
        ['gt', (q) => q.gt('key_version', 3), [4, 5]],
        ['gte', (q) => q.gte('key_version', 3), [3, 4, 5]],
        ['lt', (q) => q.lt('key_version', 3), [1, 2]],
        ['lte', (q) => q.lte('key_version', 3), [1, 2, 3]],
        ['in', (q) => q.in('key_version', [1, 4, 9]), [1, 4]],
        ['in with a comma in a value', (q) => q.in('name', [`${prefix}-2`, 'a,b']), [2]],
        ['is null', (q) => q.is('created_by', null), [1, 3, 5]],
        ['not is null', (q) => q.not('created_by', 'is', null), [2, 4]],
        ['not eq', (q) => q.not('key_version', 'eq', 1), [2, 3, 4, 5]],
        ['ilike', (q) => q.ilike('name', `${prefix.toUpperCase()}-%4`), [4]],
        ['like with *', (q) => q.like('name', `*-5`), [5]],
      ];
      for (const [label, apply, expected] of cases) {
        const { data, error } = await apply(vaults()).order('key_version');
        expect(error, label).toBeNull();
        expect(names(data), label).toEqual(expected.map((n) => `${prefix}-${n}`));
      }
    });

    it('combines filters with or=(…) including nested and(…)', async () => {
      const { data, error } = await vaults()
        .or(`key_version.eq.1,and(key_version.gte.4,created_by.not.is.null)`)
        .order('key_version');
      expect(error).toBeNull();
      expect(names(data)).toEqual([`${prefix}-1`, `${prefix}-4`]);
    });

    it('orders with nulls first or last', async () => {
      const first = await vaults()
        .select('name, created_by')
        .order('created_by', { nullsFirst: true })
        .order('key_version');
      expect(names(first.data).slice(0, 3)).toEqual([1, 3, 5].map((n) => `${prefix}-${n}`));
      const last = await vaults()
        .select('name, created_by')
        .order('created_by', { nullsFirst: false })
        .order('key_version');
      expect(names(last.data).slice(2)).toEqual([1, 3, 5].map((n) => `${prefix}-${n}`));
    });

    it('pages with limit, range and the Range header, and counts with count=exact', async () => {
      const limited = await vaults().order('key_version').limit(2);
      expect(names(limited.data)).toEqual([`${prefix}-1`, `${prefix}-2`]);
      const ranged = await svc
        .from('vaults')
        .select('name', { count: 'exact' })
        .like('name', `${prefix}-*`)
        .order('key_version')
        .range(1, 2);
      expect(names(ranged.data)).toEqual([`${prefix}-2`, `${prefix}-3`]);
      expect(ranged.count).toBe(5);
      expect(ranged.status).toBe(206);
      const all = await svc.from('vaults').select('name', { count: 'exact' }).like('name', `${prefix}-*`);
      expect(all.status).toBe(200);
      expect(all.count).toBe(5);
      const head = await svc
        .from('vaults')
        .select('*', { count: 'exact', head: true })
        .like('name', `${prefix}-*`);
      expect(head.data).toBeNull();
      expect(head.count).toBe(5);

      const raw = await fetch(`${t.url}/rest/v1/vaults?select=name&name=like.${prefix}-*&order=key_version`, {
        headers: { apikey: t.serviceRoleKey, authorization: `Bearer ${t.serviceRoleKey}`, range: '3-4' },
      });
      expect(raw.headers.get('content-range')).toBe('3-4/*');
      expect(await raw.json()).toEqual([{ name: `${prefix}-4` }, { name: `${prefix}-5` }]);
      const beyond = await svc
        .from('vaults')
        .select('name', { count: 'exact' })
        .like('name', `${prefix}-*`)
        .range(10, 12);
      expect(beyond.status).toBe(416);
      expect(beyond.error?.code).toBe('PGRST103');
    });

    it('answers single, maybeSingle and their PGRST116 errors', async () => {
      const one = await vaults().eq('key_version', 2).single();
      expect(one.data).toEqual({ name: `${prefix}-2`, key_version: 2 });
      const none = await vaults().eq('key_version', 42).single();
      expect(none.status).toBe(406);
      expect(none.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 0 rows' });
      const many = await vaults().single();
      expect(many.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 5 rows' });
      const maybeNone = await vaults().eq('key_version', 42).maybeSingle();
      expect(maybeNone.error).toBeNull();
      expect(maybeNone.data).toBeNull();
      const maybeOne = await vaults().eq('key_version', 5).maybeSingle();
      expect(maybeOne.data).toEqual({ name: `${prefix}-5`, key_version: 5 });
      const maybeMany = await vaults().maybeSingle();
      expect(maybeMany.error?.code).toBe('PGRST116');
    });

    it('embeds many-to-one and one-to-many relations', async () => {
      const device = randomUUID();
      expect(
        (await svc.from('devices').insert({ id: device, user_id: memberUser.id, name: 'laptop' })).error,
      ).toBeNull();
      const up = await svc.from('devices').select('name, owner:profiles(email)').eq('id', device).single();
      expect(up.error).toBeNull();
      expect(up.data).toEqual({ name: 'laptop', owner: { email: memberUser.email } });
      const down = await svc.from('profiles').select('email, devices(name)').eq('id', memberUser.id).single();
      expect(down.data).toEqual({ email: memberUser.email, devices: [{ name: 'laptop' }] });
      const noRel = await svc.from('vaults').select('name, devices(name)').limit(1);
      expect(noRel.status).toBe(400);
      expect(noRel.error?.code).toBe('PGRST200');
    });

    it('answers HEAD without a body', async () => {
      const res = await fetch(`${t.url}/rest/v1/vaults?select=name&name=like.${prefix}-*`, {
        method: 'HEAD',
        headers: { apikey: t.serviceRoleKey, authorization: `Bearer ${t.serviceRoleKey}` },
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
    });
  });

  describe('writes', () => {
    it('inserts one or many rows with return=representation or minimal', async () => {
      const id = randomUUID();
      const one = await svc
        .from('vaults')
        .insert({ id, name: `${prefix}-w1` })
        .select('id, name, key_version')
        .single();
      expect(one.status).toBe(201);
      expect(one.data).toEqual({ id, name: `${prefix}-w1`, key_version: 1 });
      const many = await svc
        .from('vaults')
        .insert([{ name: `${prefix}-w2` }, { name: `${prefix}-w3`, key_version: 3 }], {
          defaultToNull: false,
        })
        .select('name, key_version');
      expect(many.status).toBe(201);
      expect(many.data).toEqual([
        { name: `${prefix}-w2`, key_version: 1 },
        { name: `${prefix}-w3`, key_version: 3 },
      ]);
      // Without missing=default a key absent from one row is NULL for that row, as in PostgREST.
      const nulls = await svc
        .from('vaults')
        .insert([{ name: `${prefix}-w5` }, { name: `${prefix}-w6`, key_version: 2 }]);
      expect(nulls.status).toBe(400);
      expect(nulls.error?.code).toBe('23502');
      const minimal = await svc.from('vaults').insert({ name: `${prefix}-w4` });
      expect(minimal.status).toBe(201);
      expect(minimal.data).toBeNull();
      expect(minimal.error).toBeNull();
    });

    it('upserts with merge-duplicates and on_conflict, or ignores duplicates', async () => {
      const id = randomUUID();
      await svc.from('vaults').insert({ id, name: `${prefix}-u1` });
      const merged = await svc
        .from('vaults')
        .upsert({ id, name: `${prefix}-u2` }, { onConflict: 'id' })
        .select('name');
      expect(merged.error).toBeNull();
      expect(merged.data).toEqual([{ name: `${prefix}-u2` }]);
      const ignored = await svc
        .from('vaults')
        .upsert({ id, name: `${prefix}-u3` }, { ignoreDuplicates: true })
        .select('name');
      expect(ignored.data).toEqual([]);
      const now = await svc.from('vaults').select('name').eq('id', id).single();
      expect(now.data).toEqual({ name: `${prefix}-u2` });
    });

    it('updates and deletes filtered rows, and refuses them without a filter', async () => {
      const id = randomUUID();
      await svc.from('vaults').insert({ id, name: `${prefix}-d1` });
      const updated = await svc
        .from('vaults')
        .update({ name: `${prefix}-d2` })
        .eq('id', id)
        .select('name');
      expect(updated.status).toBe(200);
      expect(updated.data).toEqual([{ name: `${prefix}-d2` }]);
      const minimal = await svc
        .from('vaults')
        .update({ name: `${prefix}-d3` })
        .eq('id', id);
      expect(minimal.status).toBe(204);
      const noFilterUpdate = await svc.from('vaults').update({ name: 'x' });
      expect(noFilterUpdate.status).toBe(400);
      expect(noFilterUpdate.error?.code).toBe('21000');
      const noFilterDelete = await svc.from('vaults').delete();
      expect(noFilterDelete.status).toBe(400);
      // A write asked for as a single object that touches several rows is refused and rolled back.
      const originals = () =>
        svc.from('vaults').select('name').like('name', `${prefix}-_`).order('key_version');
      const several = await svc
        .from('vaults')
        .update({ name: 'renamed' })
        .like('name', `${prefix}-_`)
        .select('name')
        .single();
      expect(several.status).toBe(406);
      expect(several.error).toMatchObject({ code: 'PGRST116', details: 'The result contains 5 rows' });
      expect(names((await originals()).data)).toEqual([1, 2, 3, 4, 5].map((n) => `${prefix}-${n}`));
      const deleted = await svc.from('vaults').delete().eq('id', id).select('name');
      expect(deleted.data).toEqual([{ name: `${prefix}-d3` }]);
      expect((await svc.from('vaults').select('id').eq('id', id)).data).toEqual([]);
    });

    it('maps constraint and input errors: 23505 → 409, 23514 and 22P02 → 400, unknown body column → PGRST204', async () => {
      const dup = await svc.from('vaults').insert({ id: vaultIds[0], name: `${prefix}-dup` });
      expect(dup.status).toBe(409);
      expect(dup.error?.code).toBe('23505');
      const check = await svc.from('vaults').insert({ name: '' });
      expect(check.status).toBe(400);
      expect(check.error?.code).toBe('23514');
      const badUuid = await svc.from('vaults').select('id').eq('id', 'not-a-uuid');
      expect(badUuid.status).toBe(400);
      expect(badUuid.error?.code).toBe('22P02');
      const badColumn = await svc.from('vaults').insert({ name: `${prefix}-x`, colour: 'red' });
      expect(badColumn.status).toBe(400);
      expect(badColumn.error?.code).toBe('PGRST204');
    });
  });

  describe('rpc', () => {
    it('calls functions with POST and GET, scalar, set and row results', async () => {
      expect((await asAdmin.rpc('is_admin')).data).toBe(true);
      expect((await asMember.rpc('is_admin')).data).toBe(false);
      const viaGet = await asMember.rpc('is_active_member', {}, { get: true });
      expect(viaGet.data).toBe(true);
      const topic = await asMember.rpc(
        'can_access_topic',
        { p_topic: 'office', p_extension: 'broadcast' },
        { get: true },
      );
      expect(topic.error).toBeNull();
      expect(topic.data).toBe(true);
      const mine = await asAdmin.rpc('my_vault_ids');
      expect(mine.error).toBeNull();
      expect(mine.data).toEqual(expect.arrayContaining(vaultIds));

      const newUser = await svc.auth.admin.createUser({
        email: `${tag()}@conformance.test`,
        password: 'secret-123',
      });
      const created = await svc.rpc('admin_create_profile', {
        p_actor: adminUser.id,
        p_id: newUser.data.user?.id,
        p_email: newUser.data.user?.email,
        p_display_name: 'New Person',
        p_role: 'member',
      });
      expect(created.error).toBeNull();
      expect(created.data).toMatchObject({
        id: newUser.data.user?.id,
        display_name: 'New Person',
        status: 'invited',
      });
    });

    it('maps raise exceptions: P0001 → 400, 42501 → 403, unknown function → 404 PGRST202', async () => {
      const entry = randomUUID();
      const inserted = await svc.from('entries').insert({
        id: entry,
        vault_id: vaultIds[0],
        envelope: { v: 1, alg: 'xchacha20poly1305', kv: 1, nonce: 'n', ct: 'c', cm: 'm' },
        key_version: 1,
      });
      expect(inserted.error).toBeNull();
      const args = { p_id: entry, p_base_version: 99, p_envelope: { v: 1 }, p_key_version: 1 };
      const stale = await asAdmin.rpc('update_entry', args);
      expect(stale.status).toBe(400);
      expect(stale.error).toMatchObject({ code: 'P0001', message: 'conflict' });
      const denied = await asMember.rpc('update_entry', args);
      expect(denied.status).toBe(403);
      expect(denied.error?.code).toBe('42501');
      // GET runs read-only (25006 → 405); POST may write.
      const logArgs = { p_action: 'entry.reveal', p_entry_id: entry };
      const readOnly = await asAdmin.rpc('log_event', logArgs, { get: true });
      expect(readOnly.status).toBe(405);
      expect(readOnly.error?.code).toBe('25006');
      const logged = await asAdmin.rpc('log_event', logArgs);
      expect(logged.error).toBeNull();
      expect(Number(logged.data)).toBeGreaterThan(0);
      const missing = await asMember.rpc('no_such_function', { x: 1 });
      expect(missing.status).toBe(404);
      expect(missing.error?.code).toBe('PGRST202');
      const wrongArgs = await asMember.rpc('is_admin', { unexpected: 1 });
      expect(wrongArgs.error?.code).toBe('PGRST202');
    });

    it('answers a Keyroom "not found" (SQLSTATE PT404) with 404 and PostgREST\'s body', async () => {
      const res = await asAdmin.rpc('raise_entry_miss', { p_id: randomUUID() });
      expect(res.status).toBe(404);
      expect(res.error).toEqual({ code: 'PT404', message: 'not_found', details: null, hint: null });
    });
  });

  describe('roles and row-level security', () => {
    it('runs each request as the JWT role: anon is refused, RLS filters rows, policies refuse foreign writes', async () => {
      const anon = await client(t).from('devices').select('*');
      expect(anon.status).toBe(401);
      expect(anon.error?.code).toBe('42501');

      // Devices are written through register_device; the app's direct upsert (TEMPORARY, issue 15) never writes
      // another person's row, a session or a revocation.
      const own = randomUUID();
      const mine = await asMember.rpc('register_device', {
        p_id: own,
        p_name: 'my pc',
        p_platform: 'win32',
        p_app_version: '1.0.0',
        p_fresh: true,
      });
      expect(mine.error).toBeNull();
      expect(mine.data).toEqual({ device_id: own, new: true, restored: false });
      const direct = await asMember
        .from('devices')
        .insert({ id: randomUUID(), user_id: adminUser.id, name: 'x' });
      expect(direct.status).toBe(403);
      expect(direct.error?.code).toBe('42501');
      const revocation = await asMember.from('devices').update({ revoked_at: null }).eq('id', own);
      expect(revocation.status).toBe(403);
      expect(revocation.error?.code).toBe('42501');
      const foreign = await asAdmin.rpc('register_device', {
        p_id: own,
        p_name: 'x',
        p_platform: 'win32',
        p_app_version: '1.0.0',
        p_fresh: true,
      });
      expect(foreign.status).toBe(403);
      expect(foreign.error?.code).toBe('42501');

      const seenByMember = await asMember.from('devices').select('id, user_id');
      expect((seenByMember.data ?? []).every((d) => d.user_id === memberUser.id)).toBe(true);
      const seenByAdmin = await asAdmin.from('devices').select('id').eq('id', own);
      expect(seenByAdmin.data).toEqual([{ id: own }]);

      const profiles = await asMember.from('profiles').select('id');
      expect(profiles.data).toEqual([{ id: memberUser.id }]);
      const audit = await asMember.from('audit_log').insert({ action: 'x', prev_hash: 'a', hash: 'b' });
      expect(audit.status).toBe(403);
      expect(audit.error?.code).toBe('42501');
    });

    it('answers 401 PGRST301/PGRST303 for forged and expired JWTs and 401 without an API key', async () => {
      const forged = await mintJwt(
        t,
        { role: 'authenticated', sub: memberUser.id, exp: Math.floor(Date.now() / 1000) + 60 },
        'y'.repeat(40),
      );
      const f = await clientWithToken(t, forged).from('profiles').select('id');
      expect(f.status).toBe(401);
      expect(f.error?.code).toBe('PGRST301');
      const expired = await mintJwt(t, {
        role: 'authenticated',
        sub: memberUser.id,
        exp: Math.floor(Date.now() / 1000) - 10,
      });
      const e = await clientWithToken(t, expired).from('profiles').select('id');
      expect(e.status).toBe(401);
      expect(e.error?.message).toBe('JWT expired');
      const noKey = await fetch(`${t.url}/rest/v1/profiles?select=id`);
      expect(noKey.status).toBe(401);
    });
  });

  describe('bad input', () => {
    const headers = () => ({
      apikey: t.serviceRoleKey,
      authorization: `Bearer ${t.serviceRoleKey}`,
      'content-type': 'application/json',
    });

    it('answers unknown tables, columns and paths with 404 / 400', async () => {
      const table = await svc.from('no_such_table').select('*');
      expect(table.status).toBe(404);
      expect(table.error?.code).toBe('PGRST205');
      const column = await svc.from('vaults').select('id, no_such_column');
      expect(column.status).toBe(400);
      expect(column.error?.code).toBe('42703');
      const filter = await svc.from('vaults').select('id').eq('no_such_column', 1);
      expect(filter.status).toBe(400);
      expect(filter.error?.code).toBe('42703');
      const path = await fetch(`${t.url}/rest/v1/vaults/extra`, { headers: headers() });
      expect(path.status).toBe(404);
      const badEscape = await fetch(`${t.url}/rest/v1/%E0%A4%A`, { headers: headers() });
      expect(badEscape.status).toBe(404);
      const badUserPath = await fetch(`${t.url}/auth/v1/admin/users/%E0%A4%A`, { headers: headers() });
      expect(badUserPath.status).toBe(404);
    });

    it('rejects malformed JSON, huge bodies, bad operators and wrong methods, and keeps serving', async () => {
      const malformed = await fetch(`${t.url}/rest/v1/vaults`, {
        method: 'POST',
        headers: headers(),
        body: '{"name":',
      });
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as { code: string }).code).toBe('PGRST102');
      const huge = await fetch(`${t.url}/rest/v1/vaults`, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
      });
      expect(huge.status).toBe(413);
      const badOp = await fetch(`${t.url}/rest/v1/vaults?key_version=between.1`, { headers: headers() });
      expect(badOp.status).toBe(400);
      expect(((await badOp.json()) as { code: string }).code).toBe('PGRST100');
      const method = await fetch(`${t.url}/rest/v1/vaults`, {
        method: 'PUT',
        headers: headers(),
        body: '{}',
      });
      expect(method.status).toBe(405);
      const authMethod = await fetch(`${t.url}/auth/v1/token?grant_type=password`, {
        method: 'GET',
        headers: headers(),
      });
      expect(authMethod.status).toBe(405);
      const badAuthJson = await fetch(`${t.url}/auth/v1/token?grant_type=password`, {
        method: 'POST',
        headers: headers(),
        body: '{',
      });
      expect(badAuthJson.status).toBe(400);
      const still = await svc.from('vaults').select('id').limit(1);
      expect(still.status).toBe(200);
    });
  });
});
