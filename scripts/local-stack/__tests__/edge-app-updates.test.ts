// app-updates through supabase.functions.invoke against the local stack on PostgreSQL: releases and the
// client policy, their validation and refusals, and what members then read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/pg';
import {
  call,
  colleague,
  newClient,
  type Office,
  type Person,
  type Refusal,
  startOffice,
} from './edge-office';

let tdb: TestDatabase;
let office: Office;
let member: Person;

// A fresh stack takes over a minute to start on a loaded two-core machine.
beforeAll(async () => {
  tdb = await createTestDatabase('keyroom_edge_updates');
  office = await startOffice({ dbUrl: tdb.url });
  member = await colleague(office, 'staff@office.test');
}, 300_000);
afterAll(async () => {
  await office?.stack.stop();
  await tdb?.drop();
});

const updates = (body: Record<string, unknown>, as: Person = office.root) =>
  call<Refusal & { policy: Record<string, unknown> }>(as.client, 'app-updates', body);

async function policyAudit() {
  const r = await office.stack.db.query<{ actor_id: string; changed: string }>(
    `select actor_id::text, details->>'changed' as changed from public.audit_log
     where action = 'policy.update' order by id desc limit 1`,
  );
  const row = r.rows[0]!;
  return { actor_id: row.actor_id, changed: JSON.parse(row.changed) as string[] };
}

describe('app-updates', () => {
  it('refuses anonymous callers (401) and members (403)', async () => {
    const anon = await call<Refusal>(newClient(office.stack), 'app-updates', { action: 'policy' });
    expect(anon.status).toBe(401);
    const r = await updates({ action: 'publish', version: '9.9.9', notes: '', critical: true }, member);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('forbidden');
  });

  it('publishes a release that members read, audited as the admin', async () => {
    const r = await updates({ action: 'publish', version: '1.2.0', notes: 'Faster search', critical: false });
    expect(r.status).toBe(200);
    expect(r.body.policy).toMatchObject({
      latest_version: '1.2.0',
      release_notes: 'Faster search',
      critical: false,
    });
    const seen = await member.client
      .from('client_policy')
      .select('latest_version, min_version, critical')
      .single();
    expect(seen.data).toEqual({ latest_version: '1.2.0', min_version: null, critical: false });
    expect(await policyAudit()).toEqual({
      actor_id: office.root.id,
      changed: ['latest_version', 'release_notes'],
    });
  });

  it('forces an update: min_version may rise to the published version, never above it', async () => {
    const tooHigh = await updates({
      action: 'publish',
      version: '1.3.0',
      notes: 'Fix',
      critical: true,
      min_version: '1.3.1',
    });
    expect(tooHigh.status).toBe(400);
    expect(tooHigh.body.error.message).toMatch(/^min_version: /);
    const r = await updates({
      action: 'publish',
      version: '1.3.0',
      notes: 'Fix',
      critical: true,
      min_version: '1.3.0',
    });
    expect(r.status).toBe(200);
    expect(r.body.policy).toMatchObject({ latest_version: '1.3.0', min_version: '1.3.0', critical: true });
    // A pre-release sorts before its release, so it is older than 1.3.0.
    const older = await updates({ action: 'publish', version: '1.3.0-rc.1', notes: '', critical: false });
    expect(older.status).toBe(409);
    expect(older.body.error.code).toBe('version_not_newer');
  });

  it('switches the forced update off with an explicit null, audited; a missing field clears nothing', async () => {
    const forgot = await updates({ action: 'minimum' });
    expect(forgot.status).toBe(400);
    expect(forgot.body.error.message).toMatch(/^min_version: /);
    const member403 = await updates({ action: 'minimum', min_version: null }, member);
    expect(member403.status).toBe(403);
    const anon = await call<Refusal>(newClient(office.stack), 'app-updates', {
      action: 'minimum',
      min_version: null,
    });
    expect(anon.status).toBe(401);
    const direct = await member.client.rpc('admin_set_min_version', {
      p_actor: member.id,
      p_min_version: null,
    });
    expect(direct.error).not.toBeNull();
    const still = await member.client.from('client_policy').select('min_version').single();
    expect(still.data).toEqual({ min_version: '1.3.0' });

    const off = await updates({ action: 'minimum', min_version: null });
    expect(off.status).toBe(200);
    expect(off.body.policy).toMatchObject({ min_version: null, latest_version: '1.3.0', critical: true });
    const seen = await member.client.from('client_policy').select('min_version').single();
    expect(seen.data).toEqual({ min_version: null });
    expect(await policyAudit()).toEqual({ actor_id: office.root.id, changed: ['min_version'] });

    const above = await updates({ action: 'minimum', min_version: '1.4.0' });
    expect(above.status).toBe(400);
    expect(above.body.error.message).toMatch(/^min_version: /);
    const on = await updates({ action: 'minimum', min_version: '1.2.0' });
    expect(on.body.policy).toMatchObject({ min_version: '1.2.0', latest_version: '1.3.0' });
    expect(await policyAudit()).toEqual({ actor_id: office.root.id, changed: ['min_version'] });
  });

  it('validates versions as semver, naming the field', async () => {
    for (const [body, field] of [
      [{ action: 'publish', version: '1.2', notes: '', critical: false }, 'version'],
      [{ action: 'publish', version: '01.2.3', notes: '', critical: false }, 'version'],
      [
        { action: 'publish', version: '2.0.0', notes: '', critical: false, min_version: 'latest' },
        'min_version',
      ],
      [{ action: 'publish', version: '2.0.0', notes: '', critical: 'yes' }, 'critical'],
      [{ action: 'rollback', version: '1.0.0' }, 'action'],
    ] as const) {
      const r = await updates(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.message.startsWith(`${field}: `), r.body.error.message).toBe(true);
    }
    const seen = await member.client.from('client_policy').select('latest_version').single();
    expect(seen.data).toEqual({ latest_version: '1.3.0' });
  });

  it('sets the lock policy within bounds', async () => {
    const r = await updates({ action: 'policy', auto_lock_minutes: 5, allow_stay_unlocked: true });
    expect(r.status).toBe(200);
    expect(r.body.policy).toMatchObject({
      auto_lock_minutes: 5,
      allow_stay_unlocked: true,
      latest_version: '1.3.0',
    });
    const seen = await member.client
      .from('client_policy')
      .select('auto_lock_minutes, allow_stay_unlocked')
      .single();
    expect(seen.data).toEqual({ auto_lock_minutes: 5, allow_stay_unlocked: true });
    expect(await policyAudit()).toEqual({
      actor_id: office.root.id,
      changed: ['allow_stay_unlocked', 'auto_lock_minutes'],
    });
    for (const body of [
      { action: 'policy', auto_lock_minutes: 0 },
      { action: 'policy', auto_lock_minutes: 2.5 },
      { action: 'policy', allow_stay_unlocked: 'no' },
      { action: 'policy' },
    ]) {
      const bad = await updates(body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
  });
});
