// admin-users through supabase.functions.invoke against the local stack (PGlite): every action, every
// refusal, and what each action does to the rest of the system (Auth, REST under RLS, pokes, audit).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditRows,
  call,
  certificate,
  colleague,
  enroll,
  invite,
  newClient,
  type Office,
  type Refusal,
  sealedGrant,
  signIn,
  startOffice,
} from './edge-office';

let office: Office;

// A fresh stack takes over a minute to start on a loaded two-core machine.
beforeAll(async () => {
  office = await startOffice();
}, 300_000);
afterAll(async () => {
  await office?.stack.stop();
});

const admin = (body: Record<string, unknown>) =>
  call<Refusal & Record<string, unknown>>(office.root.client, 'admin-users', body);

async function profile(id: string) {
  const r = await office.stack.db.query<Record<string, unknown>>(
    'select role, status, x25519_public, kdf, key_certificate, confirmed_by::text from public.profiles where id = $1',
    [id],
  );
  return r.rows[0];
}

describe('refusals', () => {
  it('answers 401 to a caller who is not signed in, before looking at the input', async () => {
    const anon = newClient(office.stack);
    const r = await call<Refusal>(anon, 'admin-users', { action: 'invite', email: 'x@office.test' });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('unauthorized');
  });

  it('answers 403 to a signed-in member, and to an admin who is not active yet', async () => {
    const member = await colleague(office, 'member403@office.test');
    const r = await call<Refusal>(member.client, 'admin-users', {
      action: 'disable',
      user_id: office.root.id,
    });
    expect(r).toEqual({ status: 403, body: { error: { code: 'forbidden', message: expect.any(String) } } });
    const invitedAdmin = await invite(office, 'pending-admin@office.test', 'admin');
    const r2 = await call<Refusal>(invitedAdmin.client, 'admin-users', {
      action: 'disable',
      user_id: member.id,
    });
    expect(r2.status).toBe(403);
    expect((await profile(member.id))?.status).toBe('active');
  });

  it('answers 400 naming the field for bad input', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ action: 'invite', email: 'not-an-email', display_name: 'X' }, 'email'],
      [{ action: 'invite', email: 'ok@office.test', display_name: '' }, 'display_name'],
      [{ action: 'invite', email: 'ok@office.test', display_name: 'X', role: 'owner' }, 'role'],
      [{ action: 'promote', user_id: office.root.id }, 'action'],
      [{ action: 'disable', user_id: 'not-a-uuid' }, 'user_id'],
      [{ action: 'set-role', user_id: office.root.id }, 'role'],
      [
        { action: 'confirm', user_id: office.root.id, key_certificate: { signer: office.root.id } },
        'key_certificate.sig',
      ],
      [{ action: 'disable', user_id: office.root.id, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const r = await admin(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('invalid_input');
      expect(r.body.error.message.startsWith(`${field}: `), r.body.error.message).toBe(true);
    }
  });

  it('never lets the office lose its last active admin', async () => {
    for (const body of [
      { action: 'set-role', user_id: office.root.id, role: 'member' },
      { action: 'disable', user_id: office.root.id },
      { action: 'reset', user_id: office.root.id },
      { action: 'delete', user_id: office.root.id },
    ]) {
      const r = await admin(body);
      expect(r.status, body.action).toBe(409);
      expect(r.body.error.code).toBe('last_admin');
    }
    expect(await profile(office.root.id)).toMatchObject({ role: 'admin', status: 'active' });
    // With a second active admin, the first may step down.
    const second = await colleague(office, 'second-admin@office.test', 'admin');
    const demote = await call<Refusal>(second.client, 'admin-users', {
      action: 'set-role',
      user_id: second.id,
      role: 'member',
    });
    expect(demote.status).toBe(200);
    expect(await profile(second.id)).toMatchObject({ role: 'member', status: 'enrolled' });
  });

  it('keeps the admin RPCs behind the function: members and anon cannot call them directly', async () => {
    const member = await colleague(office, 'sneaky@office.test');
    const attempts = [
      ['admin_set_role', { p_actor: member.id, p_user: member.id, p_role: 'admin' }],
      ['admin_set_status', { p_actor: member.id, p_user: office.root.id, p_disabled: true }],
      [
        'admin_publish_release',
        { p_actor: member.id, p_version: '9.0.0', p_notes: '', p_critical: true, p_min_version: '9.0.0' },
      ],
    ] as const;
    for (const [fn, args] of attempts) {
      for (const client of [member.client, newClient(office.stack)]) {
        const { error } = await client.rpc(fn, args);
        expect(error, fn).not.toBeNull();
      }
    }
    expect(await profile(member.id)).toMatchObject({ role: 'member', status: 'active' });
    expect(await profile(office.root.id)).toMatchObject({ role: 'admin', status: 'active' });
  });

  it('answers 404 for a user that does not exist', async () => {
    const ghost = '00000000-0000-4000-8000-000000000000';
    for (const action of ['disable', 'enable', 'reset', 'delete']) {
      const r = await admin({ action, user_id: ghost });
      expect(r.status, action).toBe(404);
    }
  });
});

describe('invite', () => {
  it('creates an invited account whose one-time password signs in, returned once and never logged', async () => {
    const r = await admin({ action: 'invite', email: 'New.Person@office.test', display_name: 'New Person' });
    expect(r.status).toBe(201);
    const password = r.body.one_time_password as string;
    expect(password).toMatch(/^[A-HJ-NP-Za-km-z2-9]{24}$/);
    expect(r.body.user).toMatchObject({ email: 'new.person@office.test', role: 'member', status: 'invited' });
    const person = await signIn(office.stack, 'new.person@office.test', password);
    const own = await person.client.from('profiles').select('status').eq('id', person.id).single();
    expect(own.data).toEqual({ status: 'invited' });
    expect(office.logs.join('\n')).not.toContain(password);
    expect(await auditRows(office, person.id)).toEqual([
      { action: 'user.create', actor_id: office.root.id, actor_email: 'root@office.test' },
    ]);
  });

  it('refuses a duplicate email with 409, whatever its case', async () => {
    await invite(office, 'dup@office.test');
    const r = await admin({ action: 'invite', email: 'DUP@office.test', display_name: 'Again' });
    expect(r.status).toBe(409);
    expect(r.body.error).toEqual({
      code: 'email_exists',
      message: expect.stringContaining('already exists'),
    });
  });
});

describe('confirm', () => {
  it('activates an enrolled member with the admin certificate, and only an enrolled one', async () => {
    const person = await invite(office, 'confirm-me@office.test');
    const early = await admin({
      action: 'confirm',
      user_id: person.id,
      key_certificate: certificate(office.root.id),
      grants: [],
    });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('not_enrolled');
    await enroll(person);
    expect((await profile(person.id))?.status).toBe('enrolled');
    const forged = await admin({
      action: 'confirm',
      user_id: person.id,
      key_certificate: certificate(person.id),
      grants: [],
    });
    expect(forged.status).toBe(400);
    expect(forged.body.error.message).toMatch(/^key_certificate\.signer: /);
    const cert = certificate(office.root.id);
    const r = await admin({ action: 'confirm', user_id: person.id, key_certificate: cert, grants: [] });
    expect(r.status).toBe(200);
    const confirmed = await profile(person.id);
    expect(confirmed).toMatchObject({ status: 'active', confirmed_by: office.root.id });
    expect(JSON.parse(String(confirmed?.key_certificate))).toEqual(cert);
    const colleagues = await person.client.from('colleagues').select('id');
    expect(colleagues.data?.length).toBeGreaterThan(1);
    expect((await auditRows(office, person.id)).map((a) => a.action)).toEqual([
      'user.create',
      'user.enroll',
      'user.confirm',
    ]);
  });
});

describe('disable and enable', () => {
  it('cuts a member off at once (REST, refresh, Auth) and pokes member:<id>; enable and a new confirmation bring them back', async () => {
    const member = await colleague(office, 'leaver@office.test');
    const session = (await member.client.auth.getSession()).data.session!;
    expect((await member.client.from('colleagues').select('id')).data?.length).toBeGreaterThan(0);

    const r = await admin({ action: 'disable', user_id: member.id });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ status: 'disabled' });

    // The access token still verifies, but RLS reads the profile on every request.
    const after = await member.client.from('colleagues').select('id');
    expect(after.data ?? []).toEqual([]);
    const own = await member.client.from('profiles').select('id').eq('id', member.id);
    expect(own.data ?? []).toEqual([]);
    const refresh = await newClient(office.stack).auth.refreshSession({
      refresh_token: session.refresh_token,
    });
    expect(refresh.error).not.toBeNull();
    const signInAgain = await newClient(office.stack).auth.signInWithPassword({
      email: member.email,
      password: member.password,
    });
    expect(signInAgain.error?.message).toMatch(/banned/i);
    const sessions = await office.stack.db.query('select 1 from auth.sessions where user_id = $1', [
      member.id,
    ]);
    expect(sessions.rows).toEqual([]);
    const poke = await office.stack.db.query<{ event: string }>(
      'select event from realtime.messages where topic = $1 order by inserted_at',
      [`member:${member.id}`],
    );
    expect(poke.rows.map((p) => p.event)).toContain('disabled');

    const again = await admin({ action: 'disable', user_id: member.id });
    expect(again.status).toBe(200);

    const enable = await admin({ action: 'enable', user_id: member.id });
    expect(enable.status).toBe(200);
    // Signed in again, but waiting: the certificate went with the disable, an admin confirms them again.
    expect(enable.body.user).toMatchObject({ status: 'enrolled' });
    const back = await signIn(office.stack, member.email, member.password);
    expect((await back.client.from('colleagues').select('id')).data).toEqual([]);
    const confirm = await admin({
      action: 'confirm',
      user_id: member.id,
      key_certificate: certificate(office.root.id),
      grants: [],
    });
    expect(confirm.status).toBe(200);
    expect((await back.client.from('colleagues').select('id')).data?.length).toBeGreaterThan(0);
    expect((await auditRows(office, member.id)).slice(-3)).toEqual([
      { action: 'user.disable', actor_id: office.root.id, actor_email: 'root@office.test' },
      { action: 'user.enable', actor_id: office.root.id, actor_email: 'root@office.test' },
      { action: 'user.confirm', actor_id: office.root.id, actor_email: 'root@office.test' },
    ]);
  });
});

describe('reset', () => {
  it('issues a new one-time password, drops keys and grants, and lets the member enroll again', async () => {
    const member = await colleague(office, 'forgetful@office.test');
    const memberKeys = await profile(member.id);
    // The id is chosen here: an insert that returns the row is refused, as the select policy's
    // my_vault_ids() does not see the statement's own new row.
    const vaultId = randomUUID();
    const vault = await office.root.client.from('vaults').insert({ id: vaultId, name: 'Office Wi-Fi' });
    expect(vault.error).toBeNull();
    const grant = await office.root.client.from('vault_grants').insert({
      vault_id: vaultId,
      member_id: member.id,
      key_version: 1,
      sealed_key: 'c2VhbGVk',
      member_public: memberKeys?.x25519_public,
      signature: 'c2lnbmVk',
    });
    expect(grant.error).toBeNull();

    const r = await admin({ action: 'reset', user_id: member.id });
    expect(r.status).toBe(200);
    const password = r.body.one_time_password as string;
    expect(password).not.toBe(member.password);
    expect(await profile(member.id)).toMatchObject({ status: 'invited', x25519_public: null, kdf: null });
    const grants = await office.stack.db.query('select 1 from public.vault_grants where member_id = $1', [
      member.id,
    ]);
    expect(grants.rows).toEqual([]);
    const old = await newClient(office.stack).auth.signInWithPassword({
      email: member.email,
      password: member.password,
    });
    expect(old.error).not.toBeNull();
    expect(office.logs.join('\n')).not.toContain(password);

    const again = await signIn(office.stack, member.email, password);
    await enroll(again);
    expect((await profile(member.id))?.status).toBe('enrolled');
    const confirm = await admin({
      action: 'confirm',
      user_id: member.id,
      key_certificate: certificate(office.root.id),
      grants: [],
    });
    expect(confirm.status).toBe(200);
    expect((await auditRows(office, member.id)).map((a) => a.action)).toContain('user.reset');
  });

  it('keeps a disabled person disabled (and banned): the new one-time password works once they are enabled', async () => {
    const member = await colleague(office, 'gone-for-now@office.test');
    expect((await admin({ action: 'disable', user_id: member.id })).status).toBe(200);
    const r = await admin({ action: 'reset', user_id: member.id });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ status: 'disabled' });
    expect(await profile(member.id)).toMatchObject({ status: 'disabled', x25519_public: null, kdf: null });
    const password = r.body.one_time_password as string;
    const whileDisabled = await newClient(office.stack).auth.signInWithPassword({
      email: member.email,
      password,
    });
    expect(whileDisabled.error).not.toBeNull();

    expect((await admin({ action: 'enable', user_id: member.id })).body.user).toMatchObject({
      status: 'invited',
    });
    const again = await signIn(office.stack, member.email, password);
    await enroll(again);
    expect((await profile(member.id))?.status).toBe('enrolled');
  });
});

describe('set-role', () => {
  it('promotes a member to admin and demotes them, each time after a new confirmation', async () => {
    const member = await colleague(office, 'rising@office.test');
    const asMember = await call<Refusal>(member.client, 'admin-users', {
      action: 'enable',
      user_id: member.id,
    });
    expect(asMember.status).toBe(403);
    const promote = await admin({ action: 'set-role', user_id: member.id, role: 'admin' });
    expect(promote.body.user).toMatchObject({ role: 'admin', status: 'enrolled' });
    expect(await profile(member.id)).toMatchObject({ key_certificate: null, confirmed_by: null });
    // Promoted but not yet confirmed as admin: no admin rights, no vault.
    const early = await call<Refusal>(member.client, 'admin-users', { action: 'enable', user_id: member.id });
    expect(early.status).toBe(403);
    expect((await member.client.from('colleagues').select('id')).data).toEqual([]);
    const cert = certificate(office.root.id);
    const confirm = await admin({ action: 'confirm', user_id: member.id, key_certificate: cert, grants: [] });
    expect(confirm.body.user).toMatchObject({ role: 'admin', status: 'active' });
    expect(JSON.parse(String((await profile(member.id))?.key_certificate))).toEqual(cert);
    expect((await call(member.client, 'admin-users', { action: 'enable', user_id: member.id })).status).toBe(
      200,
    );

    const demote = await admin({ action: 'set-role', user_id: member.id, role: 'member' });
    expect(demote.body.user).toMatchObject({ role: 'member', status: 'enrolled' });
    const demoted = await call<Refusal>(member.client, 'admin-users', {
      action: 'enable',
      user_id: member.id,
    });
    expect(demoted.status).toBe(403);
    expect(await profile(member.id)).toMatchObject({ key_certificate: null });
    const roles = (await auditRows(office, member.id)).filter((a) => a.action === 'user.role');
    expect(roles).toHaveLength(2);
    expect(roles.every((r) => r.actor_id === office.root.id)).toBe(true);
  });
});

describe('re-confirmation', () => {
  it('re-enable → enrolled → confirm: active again, with grants that replace the ones held', async () => {
    const member = await colleague(office, 'returning@office.test');
    const keys = await profile(member.id);
    const vaultId = randomUUID();
    expect(
      (await office.root.client.from('vaults').insert({ id: vaultId, name: 'Returning' })).error,
    ).toBeNull();
    const first = sealedGrant(vaultId, String(keys?.x25519_public));
    const inserted = await office.root.client.from('vault_grants').insert({ ...first, member_id: member.id });
    expect(inserted.error).toBeNull();

    expect((await admin({ action: 'disable', user_id: member.id })).status).toBe(200);
    const enable = await admin({ action: 'enable', user_id: member.id });
    expect(enable.body.user).toMatchObject({ status: 'enrolled' });
    const waiting = await profile(member.id);
    expect(waiting).toMatchObject({ key_certificate: null, x25519_public: keys?.x25519_public });

    const again = sealedGrant(vaultId, String(keys?.x25519_public));
    const cert = certificate(office.root.id);
    const r = await admin({ action: 'confirm', user_id: member.id, key_certificate: cert, grants: [again] });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ status: 'active' });
    const held = await office.stack.db.query<{ sealed_key: string; signature: string; granted_by: string }>(
      'select sealed_key, signature, granted_by::text from public.vault_grants where member_id = $1',
      [member.id],
    );
    expect(held.rows).toEqual([
      { sealed_key: again.sealed_key, signature: again.signature, granted_by: office.root.id },
    ]);
    // The member's own session reads the new grant through RLS.
    const back = await signIn(office.stack, member.email, member.password);
    const own = await back.client.from('vault_grants').select('sealed_key').eq('member_id', member.id);
    expect(own.data).toEqual([{ sealed_key: again.sealed_key }]);
  });

  it('refuses a confirmation whose grant is sealed to another key, and changes nothing', async () => {
    const person = await invite(office, 'other-key@office.test');
    await enroll(person);
    const vaultId = randomUUID();
    expect(
      (await office.root.client.from('vaults').insert({ id: vaultId, name: 'Other key' })).error,
    ).toBeNull();
    const foreign = sealedGrant(vaultId, (await profile(office.root.id))?.x25519_public as string);
    const r = await admin({
      action: 'confirm',
      user_id: person.id,
      key_certificate: certificate(office.root.id),
      grants: [foreign],
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('grant_mismatch');
    expect(await profile(person.id)).toMatchObject({ status: 'enrolled', key_certificate: null });
  });

  it('refuses a member who tries to confirm anyone, themself included, and malformed grants', async () => {
    const member = await colleague(office, 'self-confirm@office.test');
    expect((await admin({ action: 'set-role', user_id: member.id, role: 'admin' })).status).toBe(200);
    const self = await call<Refusal>(member.client, 'admin-users', {
      action: 'confirm',
      user_id: member.id,
      key_certificate: certificate(member.id),
      grants: [],
    });
    expect(self.status).toBe(403);
    const direct = await member.client.rpc('admin_confirm', {
      p_actor: member.id,
      p_user: member.id,
      p_certificate: certificate(member.id),
      p_grants: [],
    });
    expect(direct.error).not.toBeNull();
    expect(await profile(member.id)).toMatchObject({ status: 'enrolled', key_certificate: null });
    const bad = await admin({
      action: 'confirm',
      user_id: member.id,
      key_certificate: certificate(office.root.id),
      grants: [{ ...sealedGrant(randomUUID(), 'short'), granted_by: member.id }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^grants\.0\./);
  });
});

describe('take-over', () => {
  it('moves the grants and certificates an admin signed to the caller before the demotion, and only those', async () => {
    const deputy = await colleague(office, 'deputy@office.test', 'admin');
    const staff = await invite(office, 'deputys-hire@office.test');
    const { x25519_public } = await enroll(staff);
    const vaultId = randomUUID();
    expect(
      (await office.root.client.from('vaults').insert({ id: vaultId, name: 'Deputy' })).error,
    ).toBeNull();
    const byDeputy = await call(deputy.client, 'admin-users', {
      action: 'confirm',
      user_id: staff.id,
      key_certificate: certificate(deputy.id),
      grants: [sealedGrant(vaultId, x25519_public)],
    });
    expect(byDeputy.status).toBe(200);

    // Before the take-over the server refuses whatever would end the deputy's role, and delete outright.
    for (const body of [
      { action: 'set-role', user_id: deputy.id, role: 'member' },
      { action: 'disable', user_id: deputy.id },
      { action: 'reset', user_id: deputy.id },
    ]) {
      const r = await admin(body);
      expect(r.status, body.action).toBe(409);
      expect(r.body.error.code, body.action).toBe('still_signs');
      expect(r.body.error.message).toMatch(/change their role/);
    }
    const deleteActive = await admin({ action: 'delete', user_id: deputy.id });
    expect(deleteActive.status).toBe(409);
    expect(deleteActive.body.error.code).toBe('active_admin');
    // Nothing happened: the deputy is still an active admin, signed in, and Auth still knows them.
    expect(await profile(deputy.id)).toMatchObject({ role: 'admin', status: 'active' });
    expect((await call(deputy.client, 'admin-users', { action: 'enable', user_id: deputy.id })).status).toBe(
      200,
    );
    // Another admin cannot delete the office root: its profile holds the only key that certifies admins.
    const deleteRoot = await call<Refusal>(deputy.client, 'admin-users', {
      action: 'delete',
      user_id: office.root.id,
    });
    expect(deleteRoot.status).toBe(409);
    expect(deleteRoot.body.error.code).toBe('office_root');
    expect(await profile(office.root.id)).toMatchObject({ role: 'admin', status: 'active' });

    const asMember = await call<Refusal>(staff.client, 'admin-users', {
      action: 'take-over',
      user_id: deputy.id,
      grants: [],
      certificates: [],
    });
    expect(asMember.status).toBe(403);
    const self = await call<Refusal>(deputy.client, 'admin-users', {
      action: 'take-over',
      user_id: deputy.id,
      grants: [],
      certificates: [],
    });
    expect(self.status).toBe(400);
    const foreignCert = await admin({
      action: 'take-over',
      user_id: deputy.id,
      grants: [],
      certificates: [{ user_id: staff.id, key_certificate: certificate(deputy.id) }],
    });
    expect(foreignCert.status).toBe(400);
    const notTheirs = await admin({
      action: 'take-over',
      user_id: deputy.id,
      grants: [],
      certificates: [{ user_id: office.root.id, key_certificate: certificate(office.root.id) }],
    });
    expect(notTheirs.status).toBe(409);
    expect(notTheirs.body.error.code).toBe('take_over_mismatch');

    const grant = { ...sealedGrant(vaultId, x25519_public), member_id: staff.id };
    const cert = certificate(office.root.id);
    const r = await admin({
      action: 'take-over',
      user_id: deputy.id,
      grants: [grant],
      certificates: [{ user_id: staff.id, key_certificate: cert }],
    });
    expect(r).toEqual({ status: 200, body: { replaced: 2 } });
    const held = await office.stack.db.query<{ sealed_key: string; granted_by: string }>(
      'select sealed_key, granted_by::text from public.vault_grants where member_id = $1',
      [staff.id],
    );
    expect(held.rows).toEqual([{ sealed_key: grant.sealed_key, granted_by: office.root.id }]);
    expect(JSON.parse(String((await profile(staff.id))?.key_certificate))).toEqual(cert);
    expect((await admin({ action: 'set-role', user_id: deputy.id, role: 'member' })).status).toBe(200);
    // Everything the deputy vouched for now rests on the root: the staff member stays active.
    expect(await profile(staff.id)).toMatchObject({ status: 'active' });

    // Demoted, the deputy may go, unless a colleague's certificate still rests on their signature.
    await office.stack.db.query(
      `update public.profiles set key_certificate = jsonb_build_object('signer', $2::text, 'sig', 'stale')
       where id = $1`,
      [staff.id, deputy.id],
    );
    const stillSigns = await admin({ action: 'delete', user_id: deputy.id });
    expect(stillSigns.status).toBe(409);
    expect(stillSigns.body.error.code).toBe('still_signs');
    expect(await profile(deputy.id)).toMatchObject({ role: 'member', status: 'enrolled' });
    await office.stack.db.query('update public.profiles set key_certificate = $2 where id = $1', [
      staff.id,
      JSON.stringify(cert),
    ]);
    expect(await admin({ action: 'delete', user_id: deputy.id })).toEqual({
      status: 200,
      body: { deleted: deputy.id },
    });
    expect(await profile(deputy.id)).toBeUndefined();
    expect(await profile(staff.id)).toMatchObject({ status: 'active' });
  });
});

describe('delete', () => {
  it('removes the account and profile; the audit trail keeps their id and email', async () => {
    const member = await colleague(office, 'gone@office.test');
    const r = await admin({ action: 'delete', user_id: member.id });
    expect(r).toEqual({ status: 200, body: { deleted: member.id } });
    expect(await profile(member.id)).toBeUndefined();
    const signInAgain = await newClient(office.stack).auth.signInWithPassword({
      email: member.email,
      password: member.password,
    });
    expect(signInAgain.error).not.toBeNull();
    const trail = await office.stack.db.query<{ action: string; email: string | null }>(
      `select action, details->>'email' as email from public.audit_log where target_user_id = $1 order by id`,
      [member.id],
    );
    expect(trail.rows.at(-1)).toEqual({ action: 'user.delete', email: 'gone@office.test' });
    expect((await admin({ action: 'delete', user_id: member.id })).status).toBe(404);
  });

  it('keeps the audit hash chain intact through all of the above', async () => {
    const { data, error } = await office.root.client.rpc('verify_audit_chain');
    expect(error).toBeNull();
    expect(data).toBeNull();
  });
});
