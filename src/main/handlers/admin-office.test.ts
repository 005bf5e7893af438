// The admin screens beyond the member list (audit log, CSV export, PCs, releases and the office policy) through
// dispatch() on the real core and the local stack (fresh PostgreSQL database, real app-updates function),
// with a demo office: an admin PC and an employee PC.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoOffice } from '../../../scripts/demo-office';
import { type RunningStack, startStack } from '../../../scripts/local-stack/server';
import { type CoreSession, coreSessions } from '../../../scripts/preview/session';
import { createTestDatabase, type TestDatabase } from '../../../scripts/test/pg';
import { answer, call, userId } from './test-dispatch';

let db: TestDatabase;
let stack: RunningStack;
let admin: CoreSession;
let employee: CoreSession;

beforeAll(async () => {
  db = await createTestDatabase('keyroom_admin_office');
  stack = await startStack({ port: 0, dbUrl: db.url });
  const profilesDir = await mkdtemp(join(tmpdir(), 'keyroom-admin-office-'));
  const options = {
    url: stack.url,
    publishableKey: stack.publishableKey,
    profilesDir,
    version: '0.1.0',
    pollMs: 1000,
  };
  const sessions = coreSessions(options);
  const opened = await openDemoOffice({ ...options, secretKey: stack.secretKey }, (profile) =>
    sessions(profile, () => {}),
  );
  admin = opened.admin;
  employee = opened.employee;
});

afterAll(async () => {
  await admin?.close();
  await employee?.close();
  await stack?.stop();
  await db?.drop();
});

describe('admin office calls over the real core', () => {
  it('reads the audit log filtered by action and person, pages by id, and exports the same rows as CSV', async () => {
    const { entries } = await answer(employee, 'vault.list', {});
    const [first, second] = entries;
    await answer(employee, 'vault.copy', { id: first!.id, field: 'password' });
    await answer(employee, 'vault.copy', { id: second!.id, field: 'password' });
    await answer(admin, 'vault.copy', { id: first!.id, field: 'password' });

    const filter = { action: 'entry.copy' as const, actorId: userId(employee) };
    const log = await answer(admin, 'admin.audit', { filter });
    expect(log.events).toHaveLength(2);
    for (const e of log.events) {
      expect(e).toMatchObject({
        action: 'entry.copy',
        actorId: userId(employee),
        actorEmail: expect.any(String),
      });
    }
    // Newest first; the titles are decrypted on the admin's PC.
    expect(log.events.map((e) => e.entryTitle)).toEqual([second!.title, first!.title]);
    expect(log.nextBefore).toBeNull();

    const page1 = await answer(admin, 'admin.audit', { filter, limit: 1 });
    expect(page1.events.map((e) => e.entryId)).toEqual([second!.id]);
    expect(page1.nextBefore).toBe(page1.events[0]!.id);
    const page2 = await answer(admin, 'admin.audit', { filter, limit: 1, before: page1.nextBefore! });
    expect(page2.events.map((e) => e.entryId)).toEqual([first!.id]);

    const exported = await answer(admin, 'admin.auditExport', { filter });
    expect(exported.rows).toBe(2);
    expect(exported.filename).toMatch(/^keyroom-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = exported.csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,time,actor,action,entry,entry_id,target,details');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(log.events.map((e) => e.id));
    expect(lines[1]).toContain(`,entry.copy,`);
    expect(lines[1]).toContain(second!.id);
  });

  it('refuses the audit log, its export and the PC list to an employee', async () => {
    for (const result of [
      await call(employee, 'admin.audit', { filter: {} }),
      await call(employee, 'admin.auditExport', { filter: {} }),
      await call(employee, 'admin.devices', {}),
      await call(employee, 'admin.policy', {}),
    ]) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('forbidden');
    }
  });

  it('lists both running PCs as online with their person and app version', async () => {
    await expect
      .poll(
        async () => {
          const { devices } = await answer(admin, 'admin.devices', {});
          return devices
            .filter((d) => d.online)
            .map((d) => d.userId)
            .sort();
        },
        { timeout: 10_000 },
      )
      .toEqual([userId(admin), userId(employee)].sort());
    const { devices } = await answer(admin, 'admin.devices', {});
    const pc = devices.find((d) => d.userId === userId(employee))!;
    expect(pc).toMatchObject({
      appVersion: '0.1.0',
      platform: 'browser',
      userEmail: expect.stringContaining('@'),
      revokedAt: null,
    });
    expect(pc.lastSeen).not.toBeNull();
  });

  it('publishes a release, sets the minimum version and the office policy; the employee PC picks the policy up', async () => {
    const published = await answer(admin, 'admin.publishRelease', {
      version: '0.2.0',
      releaseNotes: 'Faster search',
      critical: false,
    });
    expect(published).toMatchObject({
      latestVersion: '0.2.0',
      releaseNotes: 'Faster search',
      critical: false,
    });

    const min = await answer(admin, 'admin.setMinVersion', { minVersion: '0.1.0' });
    // The release stays as published; only the minimum moves.
    expect(min).toMatchObject({ minVersion: '0.1.0', latestVersion: '0.2.0', releaseNotes: 'Faster search' });
    const tooHigh = await call(admin, 'admin.setMinVersion', { minVersion: '0.3.0' });
    expect(tooHigh.ok).toBe(false);

    const policy = await answer(admin, 'admin.setPolicy', { autoLockMinutes: 15, allowStayUnlocked: true });
    expect(policy).toMatchObject({ autoLockMinutes: 15, allowStayUnlocked: true, minVersion: '0.1.0' });
    expect(await answer(admin, 'admin.policy', {})).toEqual(policy);

    await expect
      .poll(async () => (await answer(employee, 'app.info', {})).policy, { timeout: 10_000 })
      .toEqual({ autoLockMinutes: 15, allowStayUnlocked: true });
    expect(employee.core.state.state).toBe('unlocked');
  });

  it('refuses an employee publishing a release, moving the minimum version or changing the policy', async () => {
    const before = await answer(admin, 'admin.policy', {});
    for (const result of [
      await call(employee, 'admin.publishRelease', { version: '9.0.0', releaseNotes: '', critical: true }),
      await call(employee, 'admin.setMinVersion', { minVersion: '0.2.0' }),
      await call(employee, 'admin.setPolicy', { autoLockMinutes: 1, allowStayUnlocked: false }),
    ]) {
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await answer(admin, 'admin.policy', {})).toEqual(before);
  });

  it('lists vaults under their real names, new ones included', async () => {
    const { vaults } = await answer(employee, 'vault.list', {});
    expect(vaults.map((v) => v.name)).toEqual(['Office']);
    await admin.core.admin.createVault('Finance');
    await expect
      .poll(async () => (await answer(admin, 'vault.list', {})).vaults.map((v) => v.name).sort(), {
        timeout: 10_000,
      })
      .toEqual(['Finance', 'Office']);
  });
});
