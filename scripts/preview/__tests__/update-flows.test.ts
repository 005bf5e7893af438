// Forced updates end to end through `npm run preview`'s host: the real renderer in Debian's Chromium, real cores
// on a local stack over PostgreSQL, and the app's real update service on each PC over a stand-in for
// electron-updater whose feed the test sets (the Electron binary and a real feed are not available here). The
// tests run in order, like a day at the office: the admin cannot require what the feed lacks, an admin blocked
// on the update screen gets out by lowering the minimum, and a critical release installs without asking.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROFILES, type DemoOffice } from '../../demo-office';
import { type RunningStack, startStack } from '../../local-stack/server';
import { createTestDatabase, type TestDatabase } from '../../test/pg';
import type { PreviewHost } from '../host';
import type { CoreSession } from '../session';
import { launchChromium, openPreviewOffice, screenshotDir, shoot } from './browser';

let db: TestDatabase;
let stack: RunningStack;
let host: PreviewHost<CoreSession>;
let browser: Browser;
let admin: CoreSession;
let employee: CoreSession;
let office: DemoOffice;
let adminPage: Page;
let employeePage: Page;
let shots: string;

beforeAll(async () => {
  db = await createTestDatabase('keyroom_e2e_updates');
  stack = await startStack({ port: 0, dbUrl: db.url });
  const opened = await openPreviewOffice(stack, '0.1.0');
  host = opened.host;
  ({ admin, employee } = opened.office);
  office = opened.office.office;
  // Only the forced paths download here: a background download would hide what they do.
  for (const pc of [admin, employee]) {
    pc.feed.autoDownload = false;
    pc.feed.feedVersion = '0.2.0';
  }
  await admin.core.office.publishRelease('0.2.0', 'Bug fixes', false);
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

async function policyRow() {
  const { rows } = await stack.db.query<{
    min_version: string | null;
    latest_version: string | null;
    critical: boolean;
  }>('select min_version, latest_version, critical from public.client_policy where id = 1');
  return rows[0];
}

describe('forced updates cannot lock an office out (Electron binary not available here: preview host, stand-in feed)', () => {
  it('the admin app refuses to save a minimum version, or a critical release, the office feed does not serve', async () => {
    await adminPage.getByRole('button', { name: 'Updates' }).click();
    const minForm = adminPage.getByRole('form', { name: 'Minimum version' });
    await minForm.getByLabel('Minimum version').fill('0.3.0');
    await minForm.getByRole('button', { name: 'Save minimum version' }).click();
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await adminPage
      .locator('.toast', { hasText: "the office's update feed serves Keyroom 0.2.0 at most. Upload 0.3.0" })
      .waitFor();
    await shoot(adminPage, shots, 'admin-minimum-refused');

    const publish = adminPage.getByRole('form', { name: 'Publish a release' });
    await publish.getByLabel('Version').fill('0.3.0');
    await publish.getByRole('switch', { name: 'Critical update' }).check();
    await publish.getByRole('button', { name: 'Publish' }).click();
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Publish' }).click();
    await publish.getByText('Cannot publish 0.3.0 as critical').waitFor();
    expect(await policyRow()).toEqual({ min_version: null, latest_version: '0.2.0', critical: false });
  });

  it('an admin blocked on the update screen sees the feed error, retries, downloads manually, and lowers the minimum', async () => {
    for (const pc of [admin, employee]) pc.feed.failChecks = 1_000;
    // Set behind the app's back (another tool, or a feed that later lost the version): the server allows it.
    await stack.db.query("update public.client_policy set min_version = '0.2.0' where id = 1");
    await adminPage.getByText('Update required').waitFor();
    await employeePage.getByText('Update required').waitFor();
    await adminPage
      .getByText('The update feed could not be read (net::ERR_INTERNET_DISCONNECTED).')
      .waitFor();
    const checks = admin.feed.checks;
    await adminPage.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => admin.feed.checks).toBeGreaterThan(checks);
    await adminPage.getByRole('button', { name: 'Download manually' }).click();
    await expect.poll(() => admin.openedPages).toEqual(['https://updates.preview.invalid/keyroom/']);
    await shoot(adminPage, shots, 'admin-update-feed-failed');

    // A member on the same screen is refused, and nothing changes.
    await employeePage.getByRole('button', { name: 'Office admin? Change the minimum version' }).click();
    const refused = employeePage.getByRole('form', { name: 'Change the minimum version' });
    await refused.getByLabel('Your master password').fill(office.employee.masterPassword);
    await refused.getByRole('button', { name: 'Save minimum version' }).click();
    await refused.getByText('Only an office admin can change the minimum version.').waitFor();
    expect((await policyRow())?.min_version).toBe('0.2.0');

    await adminPage.getByRole('button', { name: 'Office admin? Change the minimum version' }).click();
    const lower = adminPage.getByRole('form', { name: 'Change the minimum version' });
    await lower.getByLabel('Your master password').fill('not-the-master-password');
    await lower.getByRole('button', { name: 'Save minimum version' }).click();
    await lower.getByText('That master password is not correct.').waitFor();
    expect((await policyRow())?.min_version).toBe('0.2.0');

    await lower.getByLabel('Your master password').fill(office.admin.masterPassword);
    await lower.getByRole('button', { name: 'Save minimum version' }).click();
    await adminPage.getByText('Keyroom is locked').waitFor();
    expect((await policyRow())?.min_version).toBeNull();
    expect(admin.feed.installs).toEqual([]);
    await adminPage.getByLabel('Master password').fill(office.admin.masterPassword);
    await adminPage.getByRole('button', { name: 'Unlock' }).click();
    await adminPage.getByRole('region', { name: 'Entry list' }).waitFor();
    expect(admin.core.state.state).toBe('unlocked');

    // The employee's PC, blocked by the same minimum, comes back after a restart (lock, unlock): its cached
    // policy still names 0.2.0, so the unlock asks the server instead of blocking on the cached minimum.
    await employee.core.lock();
    await employee.core.unlock(office.employee.masterPassword);
    await employeePage.getByRole('region', { name: 'Entry list' }).waitFor();
    expect(employee.core.state.state).toBe('unlocked');
    expect(employee.feed.installs).toEqual([]);
  });

  it('a critical release installs on the PCs without asking as soon as it is downloaded, blocking nobody', async () => {
    for (const pc of [admin, employee]) pc.feed.failChecks = 0;
    for (const pc of [admin, employee]) pc.feed.feedVersion = '0.3.0';
    await adminPage.getByRole('button', { name: 'Updates' }).click();
    const publish = adminPage.getByRole('form', { name: 'Publish a release' });
    await publish.getByLabel('Version').fill('0.3.0');
    await publish.getByRole('switch', { name: 'Critical update' }).check();
    await publish.getByRole('button', { name: 'Publish' }).click();
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => employee.feed.installs, { timeout: 10_000 }).toEqual([[true, true]]);
    await expect.poll(() => admin.feed.installs, { timeout: 10_000 }).toEqual([[true, true]]);
    // Nobody clicked anything on the employee's PC, and it never showed the blocking screen.
    expect(employee.core.state.state).toBe('unlocked');
    expect(await employeePage.getByText('Update required').count()).toBe(0);
    expect(await policyRow()).toEqual({ min_version: null, latest_version: '0.3.0', critical: true });
    await shoot(employeePage, shots, 'employee-critical-installed');
  });
});
