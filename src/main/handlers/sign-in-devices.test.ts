// Sign-in, invitations and the own PCs through dispatch() on the real core and the local stack (fresh PostgreSQL
// database), with a demo office: what the renderer may send and what it gets back. The screens on top of these
// are driven by scripts/preview/__tests__/second-pc-flow.test.ts.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROFILES, openDemoOffice } from '../../../scripts/demo-office';
import { type RunningStack, startStack } from '../../../scripts/local-stack/server';
import { type CoreSession, coreSessions } from '../../../scripts/preview/session';
import { createTestDatabase, type TestDatabase } from '../../../scripts/test/pg';
import { SIGN_IN_REFUSED } from '../../core/session/new-pc';
import type { CallRequest, EventName } from '../../shared/contract';
import { sessionStateSchema } from '../../shared/domain';
import { DEFAULT_MESSAGES } from '../../shared/errors';
import { toSession } from './shapes';
import { answer, call } from './test-dispatch';

let db: TestDatabase;
let stack: RunningStack;
let admin: CoreSession;
let employee: CoreSession;
let profilesDir = '';
let openProfile: (
  profile: string,
  emit?: (name: EventName, payload: unknown) => void,
) => Promise<CoreSession>;
let employeeCredentials = { email: '', masterPassword: '' };
const employeeEvents: { name: EventName; payload: unknown }[] = [];
const extra: CoreSession[] = [];

const deviceIdOf = async (profile: string): Promise<string> =>
  (JSON.parse(await readFile(join(profilesDir, profile, 'device.json'), 'utf8')) as { id: string }).id;

beforeAll(async () => {
  db = await createTestDatabase('keyroom_sign_in_devices');
  stack = await startStack({ port: 0, dbUrl: db.url });
  profilesDir = await mkdtemp(join(tmpdir(), 'keyroom-sign-in-devices-'));
  const options = {
    url: stack.url,
    publishableKey: stack.publishableKey,
    profilesDir,
    version: '0.1.0',
    pollMs: 1000,
  };
  const sessions = coreSessions(options);
  openProfile = (profile, emit) => sessions(profile, (name, payload) => emit?.(name, payload));
  const opened = await openDemoOffice({ ...options, secretKey: stack.secretKey }, (profile) =>
    sessions(profile, (name, payload) => {
      if (profile === DEMO_PROFILES.employee) employeeEvents.push({ name, payload });
    }),
  );
  admin = opened.admin;
  employee = opened.employee;
  employeeCredentials = opened.office.employee;
});

afterAll(async () => {
  for (const s of extra) await s.close();
  await admin?.close();
  await employee?.close();
  await stack?.stop();
  await db?.drop();
});

describe('sign-in and own PCs over IPC', () => {
  it('signIn takes email and master password only: the old one-field shape is refused at the boundary', async () => {
    const old = {
      email: 'someone@demo.keyroom.test',
      password: 'x',
    } as unknown as CallRequest<'session.signIn'>;
    const refused = await call(employee, 'session.signIn', old);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('invalid_request');
    const withOtp = {
      email: 'someone@demo.keyroom.test',
      masterPassword: 'x',
      oneTimePassword: 'y',
    } as unknown as CallRequest<'session.signIn'>;
    const both = await call(employee, 'session.signIn', withOtp);
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.error.code).toBe('invalid_request');
  });

  it('redeemInvitation opens enrollment with the sheet’s one-time password and refuses a wrong one in the core’s words', async () => {
    const sheet = await answer(admin, 'admin.invite', {
      email: 'newcomer.ipc@demo.keyroom.test',
      displayName: 'Newcomer',
      role: 'member',
    });
    const pc = await openProfile('newcomer-ipc');
    extra.push(pc);
    const wrong = await call(pc, 'session.redeemInvitation', {
      email: 'newcomer.ipc@demo.keyroom.test',
      oneTimePassword: 'not-the-one-time-password',
    });
    expect(wrong).toEqual({
      ok: false,
      error: { code: 'wrong_credentials', message: expect.any(String) },
    });
    const session = await answer(pc, 'session.redeemInvitation', {
      email: 'newcomer.ipc@demo.keyroom.test',
      oneTimePassword: sheet.oneTimePassword,
    });
    expect(session).toEqual({
      state: 'needsEnrollment',
      email: 'newcomer.ipc@demo.keyroom.test',
      officeFingerprint: sheet.officeFingerprint,
    });
    const empty = await call(pc, 'session.redeemInvitation', {
      email: 'newcomer.ipc@demo.keyroom.test',
      oneTimePassword: '',
    });
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.error.code).toBe('invalid_request');
  });

  it('devices.signOut and admin.revokeDevice refuse the PC they are called from', async () => {
    const mine = await deviceIdOf(DEMO_PROFILES.employee);
    const own = await call(employee, 'devices.signOut', { id: mine });
    expect(own.ok).toBe(false);
    if (!own.ok) expect(own.error.code).toBe('invalid_request');

    const adminPc = await deviceIdOf(DEMO_PROFILES.admin);
    const self = await call(admin, 'admin.revokeDevice', { id: adminPc });
    expect(self.ok).toBe(false);
    if (!self.ok) expect(self.error.code).toBe('invalid_request');
  });

  it('admin.revokeDevice is for admins: an employee is refused before anything reaches the server', async () => {
    const adminPc = await deviceIdOf(DEMO_PROFILES.admin);
    const r = await call(employee, 'admin.revokeDevice', { id: adminPc });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('forbidden');
  });

  it('refuses device ids that are not ids', async () => {
    const bad = { id: 'laptop' } as unknown as CallRequest<'devices.signOut'>;
    for (const name of ['devices.signOut', 'admin.revokeDevice'] as const) {
      const r = await call(admin, name, bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('invalid_request');
    }
  });

  it('forwards deviceAdded to the renderer with an ISO time and says it in a notification', async () => {
    const id = '5b1f0a64-3c2e-4d7a-9f10-2a3b4c5d6e70';
    const before = employee.notifications.length;
    // The core raises this after a devices poke lists a PC of this person it did not know (core tests cover
    // that); here only the forwarding is asserted, so the event is raised on the real core's emitter.
    employee.core.events.emit('deviceAdded', {
      id,
      name: 'Robin’s laptop',
      platform: 'win32',
      at: '2026-12-02 16:00:00+00',
    });
    expect(employeeEvents.filter((e) => e.name === 'deviceAdded').at(-1)?.payload).toEqual({
      id,
      name: 'Robin’s laptop',
      platform: 'win32',
      at: '2026-12-02T16:00:00.000Z',
    });
    expect(employee.notifications.slice(before)).toEqual(['Signed in on a new PC: Robin’s laptop']);
  });

  it('signIn refuses an unknown email and a wrong master password in the same words', async () => {
    const pc = await openProfile('stranger-pc');
    extra.push(pc);
    const unknown = await call(pc, 'session.signIn', {
      email: 'nobody@demo.keyroom.test',
      masterPassword: 'some master password',
    });
    const wrong = await call(pc, 'session.signIn', {
      email: employeeCredentials.email,
      masterPassword: 'not the master password',
    });
    expect(unknown).toEqual({ ok: false, error: { code: 'wrong_credentials', message: SIGN_IN_REFUSED } });
    expect(wrong).toEqual(unknown);
    expect(await answer(pc, 'session.state', {})).toEqual({ state: 'signedOut' });
  });

  it('a new PC signs in with email and master password; both list it, and the first signs it out', {
    timeout: 60_000,
  }, async () => {
    const laptopEvents: { name: EventName; payload: unknown }[] = [];
    const laptop = await openProfile('employee-laptop', (name, payload) =>
      laptopEvents.push({ name, payload }),
    );
    extra.push(laptop);
    const session = await answer(laptop, 'session.signIn', employeeCredentials);
    expect(session).toMatchObject({ state: 'unlocked', user: { email: employeeCredentials.email } });
    const laptopId = await deviceIdOf('employee-laptop');
    const mine = await deviceIdOf(DEMO_PROFILES.employee);

    await expect
      .poll(async () => (await answer(employee, 'devices.list', {})).devices.map((d) => [d.id, d.current]), {
        timeout: 10_000,
      })
      .toEqual(
        expect.arrayContaining([
          [mine, true],
          [laptopId, false],
        ]),
      );
    const fromLaptop = await answer(laptop, 'devices.list', {});
    expect(fromLaptop.devices.find((d) => d.current)?.id).toBe(laptopId);
    await expect
      .poll(
        () =>
          employeeEvents.some(
            (e) => e.name === 'deviceAdded' && (e.payload as { id: string }).id === laptopId,
          ),
        {
          timeout: 15_000,
        },
      )
      .toBe(true);

    expect(await answer(employee, 'devices.signOut', { id: laptopId })).toBeNull();
    await expect
      .poll(() => laptopEvents.filter((e) => e.name === 'sessionChanged').at(-1)?.payload, {
        timeout: 15_000,
      })
      .toEqual({ state: 'signedOut', notice: DEFAULT_MESSAGES.device_revoked });
    const listed = await answer(employee, 'devices.list', {});
    expect(listed.devices.find((d) => d.id === laptopId)?.revokedAt).toEqual(expect.any(String));
  });

  it('carries the core’s notice on a signed-out and a locked session through the contract', () => {
    const out = sessionStateSchema.parse(
      toSession({ state: 'signedOut', notice: DEFAULT_MESSAGES.device_revoked }),
    );
    expect(out).toEqual({ state: 'signedOut', notice: DEFAULT_MESSAGES.device_revoked });
    const notice = 'Your master password was changed on another PC. Type the new one.';
    const locked = sessionStateSchema.parse(toSession({ state: 'locked', email: 'a@b.test', notice }));
    expect(locked).toEqual({ state: 'locked', email: 'a@b.test', displayName: '', notice });
    expect(sessionStateSchema.parse(toSession({ state: 'locked', email: 'a@b.test' }))).not.toHaveProperty(
      'notice',
    );
  });
});
