// A person's second PC, end to end through the preview host: the employee signs in on another browser profile
// (a PC that has never seen the account) with email and master password only and sees the same vault; the first
// PC is told at once; from Settings it signs the second out, which lands on the sign-in screen saying why and
// holding nothing. Then an admin signs the same PC out from Office PCs. Needs the server's new-PC RPCs
// (prelogin, register_device, revoke_device, my_device_status). (Electron binary not available here: the shell
// is tested through the preview host.)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MESSAGES } from '../../../src/shared/errors';
import { DEMO_PROFILES } from '../../demo-office';
import { type RunningStack, startStack } from '../../local-stack/server';
import { createTestDatabase, type TestDatabase } from '../../test/pg';
import type { PreviewHost } from '../host';
import type { CoreSession } from '../session';
import { auditBothThemes } from './axe';
import { launchChromium, openPreviewOffice, screenshotDir, shoot } from './browser';

const LAPTOP = 'sam-laptop';
const LAPTOP_NAME = `Browser preview ${LAPTOP}`;

let db: TestDatabase;
let stack: RunningStack;
let host: PreviewHost<CoreSession>;
let browser: Browser;
let employee: CoreSession;
let credentials = { email: '', masterPassword: '' };
let profilesDir = '';
let adminPage: Page;
let employeePage: Page;
let laptopPage: Page;
let shots: string;

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Keyroom' }).getByRole('button', { name, exact: true });

async function signInWithPassword(page: Page) {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Master password', { exact: true }).fill(credentials.masterPassword);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page
    .getByRole('region', { name: 'Entry list' })
    .getByText('Office Wi-Fi')
    .waitFor({ timeout: 30_000 });
}

async function expectAccessible(page: Page, screen: string) {
  const failures = await auditBothThemes(page, screen);
  expect.soft(failures, failures.join('\n')).toEqual([]);
}

beforeAll(async () => {
  db = await createTestDatabase('keyroom_e2e_second_pc');
  stack = await startStack({ port: 0, dbUrl: db.url });
  const opened = await openPreviewOffice(stack);
  host = opened.host;
  profilesDir = opened.profilesDir;
  employee = opened.office.employee;
  credentials = opened.office.office.employee;
  browser = await launchChromium();
  shots = await screenshotDir();
  const page = async () => (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
  adminPage = await page();
  employeePage = await page();
  laptopPage = await page();
  for (const p of [adminPage, employeePage, laptopPage]) p.setDefaultTimeout(10_000);
  await adminPage.goto(`${host.url}&profile=${DEMO_PROFILES.admin}`);
  await employeePage.goto(`${host.url}&profile=${DEMO_PROFILES.employee}`);
  await laptopPage.goto(`${host.url}&profile=${LAPTOP}`);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await stack?.stop();
  await db?.drop();
});

describe('signing in on a second PC, and signing it out (Electron binary not available here: tested through the preview host)', () => {
  it('the second PC signs in with email and master password and sees the same vault; the first is told', {
    timeout: 90_000,
  }, async () => {
    await employeePage.getByRole('region', { name: 'Entry list' }).getByText('Office Wi-Fi').waitFor();
    await signInWithPassword(laptopPage);
    const titles = (page: Page) => page.getByRole('list', { name: 'Entries' }).getByRole('listitem').count();
    const mine = employee.core.vault.list().map((e) => e.title);
    for (const title of mine) {
      await laptopPage.getByRole('region', { name: 'Entry list' }).getByText(title).first().waitFor();
    }
    expect(await titles(laptopPage)).toBe(await titles(employeePage));
    await shoot(laptopPage, shots, 'employee-second-pc-signed-in');

    const toast = employeePage.locator('.toast').filter({ hasText: `Signed in on a new PC: ${LAPTOP_NAME}` });
    await toast.waitFor({ timeout: 30_000 });
    await shoot(employeePage, shots, 'employee-new-pc-toast');
  });

  it('the first PC lists both in Settings and signs the second out; it lands on sign-in, saying why, holding nothing', {
    timeout: 90_000,
  }, async () => {
    await employeePage.getByRole('button', { name: 'Settings' }).click();
    const pcs = employeePage.getByRole('region', { name: 'Your PCs' });
    await pcs.getByText(LAPTOP_NAME).waitFor();
    await expect.poll(() => pcs.getByText('This PC').count()).toBe(1);
    await expectAccessible(employeePage, 'settings, your PCs');
    await pcs.getByRole('button', { name: `Sign out ${LAPTOP_NAME}` }).click();
    const dialog = employeePage.getByRole('dialog', { name: `Sign out ${LAPTOP_NAME}?` });
    await expect.poll(() => dialog.textContent()).toMatch(/signed out at once and erases its copy/);
    await expect.poll(() => dialog.textContent()).toMatch(/sign in there again .* master password/);
    await expectAccessible(employeePage, 'sign out one of your PCs');
    await shoot(employeePage, shots, 'employee-sign-out-other-pc');
    await dialog.getByRole('button', { name: 'Sign out that PC' }).click();
    await pcs.getByText(/Signed out/).waitFor();

    await laptopPage.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 30_000 });
    const notice = laptopPage.getByRole('status').filter({ hasText: DEFAULT_MESSAGES.device_revoked });
    await notice.waitFor();
    await expectAccessible(laptopPage, 'sign-in after being signed out elsewhere');
    await shoot(laptopPage, shots, 'employee-signed-out-from-other-pc');
    // Nothing of the account is left on the laptop's disk (its profile keeps only its own settings and id).
    await expect.poll(() => existsSync(join(profilesDir, LAPTOP, 'cache.json'))).toBe(false);
  });

  it('it signs in again with the master password, and an admin signs it out from Office PCs', {
    timeout: 90_000,
  }, async () => {
    await signInWithPassword(laptopPage);
    await nav(adminPage, 'Office PCs').click();
    await adminPage.getByRole('heading', { name: 'Office PCs' }).waitFor();
    // The admin's own PC is marked and not offered: Sign out there is the way.
    const own = adminPage.getByRole('row').filter({ hasText: `Browser preview ${DEMO_PROFILES.admin}` });
    await own.getByText('This PC').waitFor();
    expect(await own.getByRole('button', { name: /Sign out/ }).count()).toBe(0);
    await adminPage.getByRole('button', { name: `Sign out Sam Employee’s PC ${LAPTOP_NAME}` }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'Sign out Sam Employee’s PC?' });
    await expect.poll(() => dialog.textContent()).toContain(LAPTOP_NAME);
    await expectAccessible(adminPage, 'office PCs, sign one out');
    await dialog.getByRole('button', { name: 'Sign out that PC' }).click();
    await adminPage
      .getByRole('row')
      .filter({ hasText: LAPTOP_NAME })
      .getByText(/Signed out/)
      .waitFor();
    await shoot(adminPage, shots, 'admin-office-pc-signed-out');
    await laptopPage
      .getByRole('status')
      .filter({ hasText: DEFAULT_MESSAGES.device_revoked })
      .waitFor({ timeout: 30_000 });
  });
});
