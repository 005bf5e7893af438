// The office root's calls (admin.officeRoot, admin.createRecoveryKit, admin.takeOverRoot) through dispatch() on the
// real core and the local stack (PGlite), with a demo office: an admin PC (the office root) and an employee PC.
// Also what a PC shows when the server names a new root the pinned key never signed.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoOffice } from '../../../scripts/demo-office';
import { type RunningStack, startStack } from '../../../scripts/local-stack/server';
import { type CoreSession, coreSessions } from '../../../scripts/preview/session';
import type { EventName } from '../../shared/contract';
import { OFFICE_ROOT_MESSAGES } from '../../shared/errors';
import { call } from './test-dispatch';

let stack: RunningStack;
let admin: CoreSession;
let employee: CoreSession;
const employeeEvents: [EventName, unknown][] = [];

beforeAll(async () => {
  stack = await startStack({ port: 0 });
  const profilesDir = await mkdtemp(join(tmpdir(), 'keyroom-admin-root-'));
  const options = {
    url: stack.url,
    publishableKey: stack.publishableKey,
    profilesDir,
    version: '0.1.0',
    pollMs: 1000,
  };
  const sessions = coreSessions(options);
  let n = 0;
  const opened = await openDemoOffice({ ...options, secretKey: stack.secretKey }, (profile) =>
    // The demo opens the admin's PC first, then the employee's.
    sessions(profile, n++ === 0 ? () => {} : (name, payload) => employeeEvents.push([name, payload])),
  );
  admin = opened.admin;
  employee = opened.employee;
}, 300_000);

afterAll(async () => {
  await admin?.close();
  await employee?.close();
  await stack?.stop();
});

describe('office root calls over the real core', () => {
  it('the root learns it holds the root role and gets a kit to print; the code matches the contract', async () => {
    const root = await call(admin, 'admin.officeRoot', {});
    expect(root.ok && root.value).toMatchObject({ isMe: true, canSignAsRoot: true, handOvers: 0 });
    const kit = await call(admin, 'admin.createRecoveryKit', {});
    if (!kit.ok) throw new Error(kit.error.message);
    expect(kit.value.code).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
    expect(kit.value.officeFingerprint).toBe(root.ok && root.value.officeFingerprint);
  }, 60_000);

  it('refuses the kit and the take-over to an employee, and a take-over by the holder itself', async () => {
    const kit = await call(employee, 'admin.createRecoveryKit', {});
    expect(kit.ok || kit.error.code).toBe('forbidden');
    const take = await call(employee, 'admin.takeOverRoot', { code: 'AAAA', masterPassword: 'x' });
    expect(take.ok || take.error.code).toBe('forbidden');
    const self = await call(admin, 'admin.takeOverRoot', { code: 'AAAA', masterPassword: 'x' });
    expect(self.ok || self.error).toEqual({ code: 'invalid_request', message: OFFICE_ROOT_MESSAGES.already });
    const extra = await call(admin, 'admin.takeOverRoot', {
      code: 'AAAA',
      masterPassword: 'x',
      root: true,
    } as never);
    expect(extra.ok || extra.error.code).toBe('invalid_request');
  });

  it('warns on a PC when the server names a new root without the root key’s signature, and names nobody', async () => {
    const other = employee.core.state.state === 'unlocked' ? employee.core.state.user.id : '';
    await stack.db.query('update public.client_policy set root_holder = $1::jsonb', [
      JSON.stringify({ holder: other, n: 1, sig: 'A'.repeat(86) }),
    ]);
    await expect
      .poll(() => employeeEvents.filter(([e]) => e === 'toast').map(([, p]) => p), { timeout: 20_000 })
      .toContainEqual({ kind: 'warning', message: OFFICE_ROOT_MESSAGES.refusedClaim });
    expect(employee.notifications.some((n) => n.includes('office root'))).toBe(false);
    const root = await call(admin, 'admin.officeRoot', {});
    expect(root.ok && root.value).toMatchObject({ isMe: true, handOvers: 0 });
  }, 60_000);
});
