// End-to-end through `npm run preview`'s host: the real renderer in Debian's Chromium, window.keyroom bridged to
// real cores (one per browser context = one PC) on a local stack over PostgreSQL. The office is set up by the
// demo-office code (admin + confirmed employee); the flows then run in the two browser windows. One stack and
// one host for the file; the tests run in order and build on each other, like a morning at the office.
// (Electron binary not available here: the shell is tested through the preview host.)
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROFILES } from '../../demo-office';
import { type RunningStack, startStack } from '../../local-stack/server';
import { createTestDatabase, type TestDatabase } from '../../test/pg';
import type { PreviewHost } from '../host';
import type { CoreSession } from '../session';
import { launchChromium, openPreviewOffice, screenshotDir, shoot } from './browser';

let db: TestDatabase;
let stack: RunningStack;
let port = 0;
// Keeps the stack's JWT secret and API keys across the restart in the offline test.
let stackDir = '';
let host: PreviewHost<CoreSession>;
let browser: Browser;
let admin: CoreSession;
let employee: CoreSession;
let adminPage: Page;
let employeePage: Page;
let shots: string;

const VERSION = '0.1.0';

beforeAll(async () => {
  db = await createTestDatabase('keyroom_e2e');
  stackDir = await mkdtemp(join(tmpdir(), 'keyroom-e2e-stack-'));
  stack = await startStack({ port: 0, dbUrl: db.url, dataDir: stackDir });
  port = Number(new URL(stack.url).port);
  const opened = await openPreviewOffice(stack, VERSION);
  host = opened.host;
  const { office } = opened;
  admin = office.admin;
  employee = office.employee;
  browser = await launchChromium();
  shots = await screenshotDir();
  adminPage = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
  employeePage = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
  for (const page of [adminPage, employeePage]) page.setDefaultTimeout(10_000);
  await adminPage.goto(`${host.url}&profile=${DEMO_PROFILES.admin}`);
  await employeePage.goto(`${host.url}&profile=${DEMO_PROFILES.employee}`);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await stack?.stop();
  await db?.drop();
});

const entryNamed = (title: string) => employee.core.vault.list().find((e) => e.title === title);

describe('the office in two browser windows (Electron binary not available here: tested through the preview host)', () => {
  it('employee sees the office entries and copies a password', async () => {
    const list = employeePage.getByRole('region', { name: 'Entry list' });
    await list.getByText('Office Wi-Fi').click();
    await employeePage.getByRole('button', { name: 'Copy password (Ctrl+C)' }).click();
    const wifi = entryNamed('Office Wi-Fi');
    expect(wifi).toBeDefined();
    const expected = await admin.core.vault.reveal(wifi!.id);
    await expect.poll(() => employee.clipboardText()).toBe(expected);
    await shoot(employeePage, shots, 'employee-vault');
  });

  it('employee has no edit control, and a forced vault.update is refused', async () => {
    const details = employeePage.getByRole('region', { name: 'Entry details' });
    await expect.poll(() => details.getByText('Office Wi-Fi').count()).toBeGreaterThan(0);
    expect(await details.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    const wifi = entryNamed('Office Wi-Fi')!;
    const forced = await employeePage.evaluate(
      ({ id, version }) =>
        window.keyroom.invoke('vault.update', {
          id,
          baseVersion: version,
          entry: {
            title: 'Hijacked',
            username: '',
            password: 'x',
            url: '',
            category: 'Network',
            notes: '',
            totpSecret: null,
            customFields: [],
          },
        }),
      { id: wifi.id, version: wifi.version },
    );
    expect(forced).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'Only an admin can change this entry.' },
    });
  });

  it("admin edit appears in the employee's window within a second, with a toast", async () => {
    const list = adminPage.getByRole('region', { name: 'Entry list' });
    await list.getByText('Printer admin').click();
    await adminPage
      .getByRole('region', { name: 'Entry details' })
      .getByRole('button', { name: 'Edit' })
      .click();
    const title = adminPage.getByLabel('Title');
    await title.fill('Printer admin (2nd floor)');
    await adminPage.getByRole('button', { name: 'Save' }).click();
    // Timed from the moment the admin's PC has saved it (the editor closes), as DESIGN.md §11 measures.
    await adminPage.getByRole('button', { name: 'Save' }).waitFor({ state: 'detached' });
    const saved = Date.now();
    await employeePage
      .getByRole('region', { name: 'Entry list' })
      .getByText('Printer admin (2nd floor)')
      .waitFor();
    const seenAfterMs = Date.now() - saved;
    expect(seenAfterMs).toBeLessThan(1000);
    await employeePage
      .locator('.toast', { hasText: 'Printer admin (2nd floor): title changed by Alex Admin' })
      .waitFor();
    expect(employee.notifications.some((n) => n.includes('Printer admin (2nd floor)'))).toBe(true);
    await shoot(employeePage, shots, 'employee-sees-admin-edit');
  });

  it('an admin edit on a stale version opens the conflict view with both versions', async () => {
    const entry = admin.core.vault.list().find((e) => e.title === 'Domain registrar')!;
    // Someone else (here: the same admin's core, as a second admin PC would) changes it first.
    await admin.core.vault.update(entry.id, entry.version, {
      title: 'Domain registrar (renewed)',
      username: entry.username,
      url: entry.url,
      category: 'IT',
    });
    const stale = await adminPage.evaluate(
      ({ id, version }) =>
        window.keyroom.invoke('vault.update', {
          id,
          baseVersion: version,
          entry: {
            title: 'Domain registrar (moved)',
            username: 'it@demo.keyroom.test',
            password: null,
            url: 'https://registrar.example',
            category: 'IT',
            notes: '',
            totpSecret: null,
            customFields: [],
          },
        }),
      { id: entry.id, version: entry.version },
    );
    expect(stale).toMatchObject({ ok: false, error: { code: 'conflict' } });
    await adminPage.getByRole('button', { name: /Conflicts/ }).click();
    const conflict = adminPage.getByRole('region', { name: /Conflict on/ });
    await conflict.getByText('Domain registrar (moved)').waitFor();
    await conflict.getByText('Domain registrar (renewed)').waitFor();
    await shoot(adminPage, shots, 'admin-conflict');
  });

  it('shows the offline banner when the server goes away, and recovers when it is back', async () => {
    await stack.stop();
    const banner = employeePage.getByText('You are offline.');
    await banner.waitFor({ timeout: 15_000 });
    await shoot(employeePage, shots, 'employee-offline');
    stack = await startStack({ port, dbUrl: db.url, dataDir: stackDir });
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    // Pokes flow again: the Realtime socket is back, not only the pulls.
    await expect
      .poll(() => admin.core.syncStatus.live && employee.core.syncStatus.live, { timeout: 15_000 })
      .toBe(true);
  });

  it('a disabled employee is locked out live', async () => {
    const member = (await admin.core.admin.members()).find((m) => m.role === 'member')!;
    await admin.core.admin.disable(member.id);
    await employeePage.getByText('Account disabled').waitFor({ timeout: 10_000 });
    expect(employee.core.state.state).toBe('disabled');
    await shoot(employeePage, shots, 'employee-disabled');
  });

  it('blocks on the update screen when the office requires a newer version', async () => {
    await stack.db.query("update public.client_policy set min_version = '9.0.0' where id = 1");
    await adminPage.getByText('Update required').waitFor({ timeout: 10_000 });
    await adminPage.getByText(/requires Keyroom 9\.0\.0 or newer/).waitFor();
    await shoot(adminPage, shots, 'admin-update-required');
  });
});
