// The contract→core glue against the real core on the local stack (on a fresh PostgreSQL database), with a demo office:
// an admin PC and an employee PC. Calls go through dispatch(), as the Electron main process and the preview
// host run them, so what is asserted is what the renderer would receive.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROFILES, openDemoOffice } from '../../../scripts/demo-office';
import { type RunningStack, startStack } from '../../../scripts/local-stack/server';
import { type CoreSession, coreSessions } from '../../../scripts/preview/session';
import { createTestDatabase, type TestDatabase } from '../../../scripts/test/pg';
import type { CallName, CallRequest, EventName } from '../../shared/contract';
import type { IpcResult } from '../../shared/errors';
import { type CallHandler, dispatch } from '../ipc-registry';
import { APP_ORIGIN } from '../sender';

const frame = { url: `${APP_ORIGIN}/index.html` };
const sender = { senderFrame: frame, sender: { mainFrame: frame } };

let db: TestDatabase;
let stack: RunningStack;
let admin: CoreSession;
let employee: CoreSession;
let employeePassword = '';
const employeeEvents: { name: EventName; payload: unknown }[] = [];

function call<C extends CallName>(
  session: CoreSession,
  name: C,
  request: CallRequest<C>,
): Promise<IpcResult<unknown>> {
  const handler = session.handlers[name] as CallHandler<C>;
  return dispatch(name, handler, sender, request, () => {});
}

async function answer<C extends CallName>(session: CoreSession, name: C, request: CallRequest<C>) {
  const result = await call(session, name, request);
  if (!result.ok) throw new Error(`${name}: ${result.error.code} ${result.error.message}`);
  return result.value as never;
}

const entryInput = {
  title: 'Router',
  username: 'root',
  password: 'first-Password-1',
  url: 'http://192.168.1.1',
  category: 'Network',
  notes: '',
  totpSecret: 'JBSWY3DPEHPK3PXP',
  customFields: [{ label: 'Serial', value: 'RT-1' }],
};

beforeAll(async () => {
  db = await createTestDatabase('keyroom_handlers');
  stack = await startStack({ port: 0, dbUrl: db.url });
  const profilesDir = await mkdtemp(join(tmpdir(), 'keyroom-handlers-'));
  const options = {
    url: stack.url,
    publishableKey: stack.publishableKey,
    profilesDir,
    version: '0.1.0',
    pollMs: 1000,
  };
  const sessions = coreSessions(options);
  const opened = await openDemoOffice({ ...options, secretKey: stack.secretKey }, (profile) =>
    sessions(profile, (name, payload) => {
      if (profile === DEMO_PROFILES.employee) employeeEvents.push({ name, payload });
    }),
  );
  admin = opened.admin;
  employee = opened.employee;
  employeePassword = opened.office.employee.masterPassword;
});

afterAll(async () => {
  await admin?.close();
  await employee?.close();
  await stack?.stop();
  await db?.drop();
});

describe('handlers over the real core', () => {
  it('lists the office entries for the employee and withholds every password from list and detail', async () => {
    const list: { entries: { id: string; title: string }[]; vaults: { name: string }[] } = await answer(
      employee,
      'vault.list',
      {},
    );
    expect(list.entries.map((e) => e.title)).toContain('Office Wi-Fi');
    const detail = await answer(employee, 'vault.get', { id: list.entries[0]!.id });
    expect(JSON.stringify(list)).not.toMatch(/password"\s*:/);
    expect(detail).not.toHaveProperty('password');
    expect(detail).toMatchObject({ canEdit: false });
  });

  it('refuses an employee edit with the contract error the UI shows', async () => {
    const list: { entries: { id: string; version: number }[] } = await answer(employee, 'vault.list', {});
    const target = list.entries[0]!;
    const result = await call(employee, 'vault.update', {
      id: target.id,
      baseVersion: target.version,
      entry: entryInput,
    });
    expect(result).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'Only an admin can change this entry.' },
    });
    const removed = await call(employee, 'vault.delete', { id: target.id, baseVersion: target.version });
    expect(removed.ok).toBe(false);
  });

  it('writes the server refused: none listed when none were refused, and an unknown one cannot be discarded', async () => {
    expect(await answer(employee, 'refused.list', {})).toEqual({ refused: [] });
    const id = '00000000-0000-4000-8000-000000000000';
    expect(await call(employee, 'refused.discard', { id })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await call(employee, 'refused.copy', { id, field: 'password' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('copies through the clipboard guard: the secret goes to the clipboard, never into the response', async () => {
    const [vault] = admin.core.vaults();
    const created: { id: string } = await answer(admin, 'vault.create', {
      vaultId: vault!.id,
      entry: entryInput,
    });
    await expect
      .poll(() => employee.core.vault.list().some((e) => e.id === created.id), { timeout: 5000 })
      .toBe(true);
    const copied = await call(employee, 'vault.copy', { id: created.id, field: 'password' });
    expect(copied).toEqual({ ok: true, value: { clearsInSeconds: 30 } });
    expect(employee.clipboardText()).toBe('first-Password-1');
    await answer(employee, 'vault.copy', { id: created.id, field: 'username' });
    expect(employee.clipboardText()).toBe('root');
    // Locking clears a clipboard that still holds our value.
    await answer(employee, 'vault.copy', { id: created.id, field: 'password' });
    await employee.handlers['session.lock']({});
    expect(employee.clipboardText()).toBe('');
    await employee.core.unlock(employeePassword);
    expect(employee.core.state.state).toBe('unlocked');
  });

  it('an admin edit with the password left null keeps it, and reaches the employee as a change by the admin', async () => {
    const [vault] = admin.core.vaults();
    const created: { id: string; version: number } = await answer(admin, 'vault.create', {
      vaultId: vault!.id,
      entry: { ...entryInput, title: 'NAS' },
    });
    // The employee's PC holds the first version, so the change can be named by field ("title changed").
    await expect
      .poll(() => employee.core.vault.list().some((e) => e.id === created.id), { timeout: 5000 })
      .toBe(true);
    employeeEvents.length = 0;
    const updated: { version: number } = await answer(admin, 'vault.update', {
      id: created.id,
      baseVersion: created.version,
      entry: { ...entryInput, title: 'NAS (basement)', password: null, totpSecret: null },
    });
    expect(updated.version).toBe(created.version + 1);
    expect(await answer(admin, 'vault.reveal', { id: created.id })).toEqual({
      password: 'first-Password-1',
    });
    const detail: { customFields: unknown } = await answer(admin, 'vault.get', { id: created.id });
    expect(detail.customFields).toEqual([{ label: 'Serial', value: 'RT-1' }]);
    await expect
      .poll(() => employee.notifications.includes('NAS (basement): title changed by Alex Admin'), {
        timeout: 5000,
      })
      .toBe(true);
    const changes = employeeEvents
      .filter((e) => e.name === 'entriesChanged')
      .flatMap(
        (e) => (e.payload as { changes: { entryId: string; actorName: string; byMe: boolean }[] }).changes,
      );
    expect(changes).toContainEqual(
      expect.objectContaining({ entryId: created.id, actorName: 'Alex Admin', byMe: false }),
    );
  });
});
