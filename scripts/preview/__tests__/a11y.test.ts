// WCAG 2.1 A/AA through axe-core over every screen the preview reaches, in the light and the dark theme, dialogs
// included: one local stack and one demo office for the file, an admin PC, an employee PC and a newcomer's PC in
// Debian's Chromium. The tests run in order and build on each other (sign-in → enrollment → the admin's screens →
// lock → the employee's screens → offline → disabled → update required). A violation fails its test with one line
// per element: the rule id, the element's selector and what axe measured.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROFILES } from '../../demo-office';
import { type RunningStack, startStack } from '../../local-stack/server';
import { createTestDatabase, type TestDatabase } from '../../test/pg';
import type { PreviewHost } from '../host';
import type { CoreSession } from '../session';
import { auditBothThemes, tally } from './axe';
import { launchChromium, openPreviewOffice } from './browser';

let db: TestDatabase;
let stack: RunningStack;
let port = 0;
let stackDir = '';
let host: PreviewHost<CoreSession>;
let browser: Browser;
let admin: CoreSession;
let adminPassword = '';
let adminPage: Page;
let employeePage: Page;
let newcomerPage: Page;
let importFile = '';

const NEWCOMER = {
  name: 'Robin Reception',
  email: 'robin@demo.keyroom.test',
  password: 'violet-harbour-lantern-quartz',
};

async function newPage(url: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1200, height: 760 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(url);
  return page;
}

async function expectAccessible(page: Page, screen: string): Promise<void> {
  const failures = await auditBothThemes(page, screen);
  // Soft: the test goes on to its other screens, so one run lists every failing element.
  expect.soft(failures, failures.join('\n')).toEqual([]);
}

const nav = (page: Page, name: string | RegExp) =>
  page
    .getByRole('navigation', { name: 'Keyroom' })
    .getByRole('button', { name, exact: typeof name === 'string' });

beforeAll(async () => {
  db = await createTestDatabase('keyroom_e2e_a11y');
  stackDir = await mkdtemp(join(tmpdir(), 'keyroom-e2e-a11y-stack-'));
  stack = await startStack({ port: 0, dbUrl: db.url, dataDir: stackDir });
  port = Number(new URL(stack.url).port);
  const opened = await openPreviewOffice(stack);
  host = opened.host;
  admin = opened.office.admin;
  adminPassword = opened.office.office.admin.masterPassword;
  // An entry with a one-time code, so the entry view shows the TOTP row and the list its 2FA badge.
  const [vault] = admin.core.vaults();
  await admin.core.vault.create(vault!.id, {
    title: 'Bank (2FA)',
    username: 'office@demo.keyroom.test',
    password: 'Bank-Password-1!',
    url: 'https://bank.example',
    category: 'Finance',
    notes: 'Two-factor on.',
    totp: 'JBSWY3DPEHPK3PXP',
    fields: [{ name: 'Customer number', value: '123456', hidden: false }],
  });
  importFile = join(opened.profilesDir, 'Chrome Passwords.csv');
  await writeFile(
    importFile,
    'name,url,username,password\r\nShop 1,https://shop1.example,buyer1,Shop-1-Password\r\n"Broken,https://b.example,x,y\r\nOffice Wi-Fi,,KeyroomGuest,other\r\n',
  );
  browser = await launchChromium();
  adminPage = await newPage(`${host.url}&profile=${DEMO_PROFILES.admin}`);
  employeePage = await newPage(`${host.url}&profile=${DEMO_PROFILES.employee}`);
  newcomerPage = await newPage(`${host.url}&profile=a11y-reception-pc`);
}, 120_000);

afterAll(async () => {
  if (process.env.A11Y_SUMMARY)
    await writeFile(process.env.A11Y_SUMMARY, `${JSON.stringify(tally, null, 1)}\n`);
  await browser?.close();
  await host?.stop();
  await stack?.stop();
  await db?.drop();
});

describe('WCAG 2.1 AA (axe-core) on every screen, light and dark (Electron binary not available here: tested through the preview host)', () => {
  it('sign-in, its error, and the invitation form', async () => {
    await newcomerPage.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expectAccessible(newcomerPage, 'sign-in');
    await newcomerPage.getByLabel('Email').fill(NEWCOMER.email);
    await newcomerPage.getByLabel('Master password', { exact: true }).fill('not-the-password-1');
    await newcomerPage.getByRole('button', { name: 'Sign in' }).click();
    await newcomerPage.getByRole('alert').waitFor();
    await expectAccessible(newcomerPage, 'sign-in error');
    await newcomerPage.getByRole('button', { name: 'I have an invitation' }).click();
    await newcomerPage.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
    await expectAccessible(newcomerPage, 'sign-in with an invitation');
  });

  it('enrollment, then waiting for confirmation', { timeout: 60_000 }, async () => {
    const invitation = await admin.core.admin.invite(NEWCOMER.email, NEWCOMER.name, 'member');
    await newcomerPage.getByLabel('One-time password').fill(invitation.oneTimePassword);
    await newcomerPage.getByRole('button', { name: 'Continue' }).click();
    await newcomerPage.getByRole('heading', { name: 'Set up Keyroom on this PC' }).waitFor();
    await newcomerPage.getByLabel('Master password', { exact: true }).fill(NEWCOMER.password);
    await newcomerPage.getByLabel('Repeat master password').fill('different');
    await expectAccessible(newcomerPage, 'enrollment');
    await newcomerPage.getByLabel('Repeat master password').fill(NEWCOMER.password);
    await newcomerPage
      .getByLabel('Office fingerprint from your invitation sheet')
      .fill(invitation.officeFingerprint);
    await newcomerPage.getByRole('button', { name: 'Create my keys' }).click();
    await newcomerPage.getByText('Your fingerprint').waitFor({ timeout: 30_000 });
    await expectAccessible(newcomerPage, 'waiting for confirmation');
  });

  it('vault list and entry view (with a one-time code)', async () => {
    await adminPage.getByRole('region', { name: 'Entry list' }).getByText('Office Wi-Fi').waitFor();
    await expectAccessible(adminPage, 'vault list');
    await adminPage.getByRole('region', { name: 'Entry list' }).getByText('Bank (2FA)').click();
    await adminPage.getByRole('region', { name: 'Entry details' }).getByText('One-time code').waitFor();
    await adminPage.getByRole('button', { name: 'Reveal password' }).click();
    await adminPage.getByText('Bank-Password-1!').waitFor();
    await expectAccessible(adminPage, 'entry view');
    await adminPage
      .getByRole('region', { name: 'Entry list' })
      .getByRole('searchbox')
      .fill('nothing-like-this');
    await adminPage.getByText('Nothing matches').waitFor();
    await expectAccessible(adminPage, 'vault list, no match');
    await adminPage.getByRole('region', { name: 'Entry list' }).getByRole('searchbox').fill('');
  });

  it('copy toast, history dialog and delete confirmation', async () => {
    const list = adminPage.getByRole('region', { name: 'Entry list' });
    await list.getByText('Office Wi-Fi').click();
    await adminPage.getByRole('button', { name: 'Copy password (Ctrl+C)' }).click();
    await adminPage.locator('.toast', { hasText: 'Password copied' }).waitFor();
    await expectAccessible(adminPage, 'entry view with toast');
    await adminPage.getByRole('button', { name: 'History' }).click();
    await adminPage.getByRole('dialog', { name: /History of/ }).waitFor();
    await expectAccessible(adminPage, 'history dialog');
    await adminPage.keyboard.press('Escape');
    await adminPage.getByRole('button', { name: 'Delete', exact: true }).click();
    await adminPage.getByRole('dialog', { name: 'Delete entry?' }).waitFor();
    await expectAccessible(adminPage, 'delete confirmation');
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  it('editor and password generator', async () => {
    await adminPage
      .getByRole('region', { name: 'Entry details' })
      .getByRole('button', { name: 'Edit' })
      .click();
    await adminPage.getByLabel('Title').waitFor();
    await expectAccessible(adminPage, 'editor');
    await adminPage.getByRole('button', { name: 'Generate a password' }).click();
    await adminPage.getByRole('group', { name: 'Password generator' }).waitFor();
    await expectAccessible(adminPage, 'generator');
    await adminPage.getByRole('button', { name: 'Cancel' }).click();
    await adminPage.getByRole('button', { name: 'New entry (Ctrl+N)' }).click();
    await adminPage.getByRole('heading', { name: 'New entry' }).waitFor();
    await expectAccessible(adminPage, 'new entry');
    await adminPage.getByRole('button', { name: 'Cancel' }).click();
  });

  it('conflicts', async () => {
    const entry = admin.core.vault.list().find((e) => e.title === 'Domain registrar')!;
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
    await nav(adminPage, /^Conflicts/).click();
    await adminPage
      .getByRole('region', { name: /Conflict on/ })
      .getByText('Domain registrar (moved)')
      .waitFor();
    await expectAccessible(adminPage, 'conflicts');
  });

  it('import: choose, preview, done', async () => {
    await nav(adminPage, 'Import').click();
    await adminPage.getByRole('heading', { name: 'Import passwords' }).waitFor();
    await expectAccessible(adminPage, 'import');
    const [chooser] = await Promise.all([
      adminPage.waitForEvent('filechooser'),
      adminPage.getByRole('button', { name: 'Choose file…' }).click(),
    ]);
    await chooser.setFiles(importFile);
    await adminPage.getByRole('region', { name: 'Import summary' }).waitFor();
    await expectAccessible(adminPage, 'import preview');
    await adminPage.getByRole('button', { name: /^Import \d+ entr/ }).click();
    await adminPage.getByRole('region', { name: 'Import finished' }).waitFor();
    await expectAccessible(adminPage, 'import done');
  });

  it('settings, also with the dark theme chosen in Settings while the OS is light', async () => {
    await adminPage.getByRole('button', { name: 'Settings' }).click();
    await adminPage.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await expectAccessible(adminPage, 'settings');
    await adminPage.getByLabel('Dark').check();
    await expect.poll(() => adminPage.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await expectAccessible(adminPage, 'settings (dark chosen)');
    await adminPage.getByLabel('Light').check();
    await expect.poll(() => adminPage.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await expectAccessible(adminPage, 'settings (light chosen)');
    await adminPage.getByLabel('Follow Windows').check();
    await expect.poll(() => adminPage.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();
  });

  it('people, with the invite dialog, the invitation sheet, the confirm and disable dialogs', {
    timeout: 60_000,
  }, async () => {
    await nav(adminPage, /^People/).click();
    await adminPage.getByRole('button', { name: 'Compare and confirm' }).waitFor();
    await expectAccessible(adminPage, 'people');
    await adminPage.getByRole('button', { name: 'Invite' }).click();
    await adminPage.getByRole('dialog', { name: 'Invite a colleague' }).waitFor();
    await expectAccessible(adminPage, 'invite dialog');
    await adminPage.getByLabel('Name').fill('Kim Kitchen');
    await adminPage.getByLabel('Work email').fill('kim@demo.keyroom.test');
    await adminPage.getByRole('button', { name: 'Create invitation' }).click();
    await adminPage.getByRole('dialog', { name: 'Invitation sheet' }).waitFor();
    await expectAccessible(adminPage, 'invitation sheet');
    await adminPage.getByRole('button', { name: 'Done' }).click();
    await adminPage.getByRole('button', { name: 'Compare and confirm' }).click();
    await adminPage.getByRole('dialog', { name: `Confirm ${NEWCOMER.name}` }).waitFor();
    await adminPage.getByLabel('Type the fingerprint they read to you').fill('0000 0000');
    await expectAccessible(adminPage, 'confirm member dialog');
    await adminPage.keyboard.press('Escape');
    await adminPage.getByRole('button', { name: 'Disable' }).first().click();
    await adminPage.getByRole('dialog', { name: /^Disable / }).waitFor();
    await expectAccessible(adminPage, 'disable confirmation');
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  it('audit log, devices, updates (with the publish confirmation)', async () => {
    await nav(adminPage, 'Audit log').click();
    await adminPage.getByRole('heading', { name: 'Audit log' }).waitFor();
    await adminPage.locator('table tbody tr').first().waitFor();
    await expectAccessible(adminPage, 'audit log');
    await nav(adminPage, 'Office PCs').click();
    await adminPage.getByRole('heading', { name: 'Office PCs' }).waitFor();
    await adminPage.locator('table tbody tr').first().waitFor();
    await expectAccessible(adminPage, 'devices');
    await nav(adminPage, 'Updates').click();
    await adminPage.getByRole('heading', { name: 'Updates and policy' }).waitFor();
    await expectAccessible(adminPage, 'updates');
    await adminPage.getByLabel('Version', { exact: true }).fill('0.2.0');
    await adminPage.getByRole('button', { name: 'Publish', exact: true }).click();
    await adminPage.getByRole('dialog', { name: 'Publish 0.2.0?' }).waitFor();
    await expectAccessible(adminPage, 'publish confirmation');
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  it('password health, trash (with the purge confirmation), export (with its confirmation)', async () => {
    const [vault] = admin.core.vaults();
    await admin.core.vault.create(vault!.id, { title: 'Kiosk', username: 'kiosk', password: 'password1' });
    const gone = await admin.core.vault.create(vault!.id, {
      title: 'Old fax',
      username: 'fax',
      password: 'x',
    });
    await admin.core.vault.remove(gone.id, gone.version);
    await nav(adminPage, 'Password health').click();
    await adminPage.getByRole('heading', { name: 'Entries to change', exact: false }).waitFor();
    await adminPage.getByRole('button', { name: 'Kiosk' }).waitFor();
    await expectAccessible(adminPage, 'password health');
    await nav(adminPage, 'Trash').click();
    await adminPage.getByRole('button', { name: 'Purge Old fax' }).click();
    await adminPage.getByRole('dialog', { name: 'Remove for good?' }).waitFor();
    await expectAccessible(adminPage, 'trash, purge confirmation');
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await expectAccessible(adminPage, 'trash');
    await nav(adminPage, 'Export').click();
    await adminPage.getByLabel(/Bitwarden JSON/).check();
    await adminPage.getByLabel('Protect the file with a passphrase').check();
    await adminPage.getByLabel('Passphrase (at least 12 characters)').fill('a passphrase for axe');
    await expectAccessible(adminPage, 'export');
    await adminPage.getByRole('button', { name: 'Export…' }).click();
    await adminPage.getByRole('dialog', { name: 'Export every password of this vault?' }).waitFor();
    await expectAccessible(adminPage, 'export confirmation');
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Export and save' }).click();
    await adminPage.locator('.page .callout[role=status]').waitFor();
    // The protected file chosen for import asks for its passphrase first.
    await nav(adminPage, 'Import').click();
    const [chooser] = await Promise.all([
      adminPage.waitForEvent('filechooser'),
      adminPage.getByRole('button', { name: 'Choose file…' }).click(),
    ]);
    await chooser.setFiles(admin.exports.at(-1)!);
    await adminPage.getByRole('form', { name: 'Open the protected file' }).waitFor();
    await expectAccessible(adminPage, 'import, protected file');
    await adminPage.getByRole('form').getByRole('button', { name: 'Cancel' }).click();
  });

  it('backup: back up now (passphrases differ, then saved), a wrong passphrase, the restore preview, its confirmation and summary', async () => {
    const passphrase = 'axe checks every backup screen';
    await nav(adminPage, 'Backup').click();
    const form = adminPage.getByRole('form', { name: 'Back up now' });
    await form.getByLabel('Backup passphrase').fill(passphrase);
    await form.getByLabel('Passphrase again').fill('a different one');
    await adminPage.getByText('The two passphrases differ.').waitFor();
    await expectAccessible(adminPage, 'backup, passphrases differ');
    await form.getByLabel('Passphrase again').fill(passphrase);
    await form.getByRole('button', { name: 'Back up now' }).click();
    await adminPage.getByText(/^Saved to /).waitFor();
    await expectAccessible(adminPage, 'backup saved');
    const restore = adminPage.getByRole('form', { name: 'Restore from a backup' });
    await restore.getByLabel('Passphrase of the backup').fill('not this passphrase at all');
    const [wrong] = await Promise.all([
      adminPage.waitForEvent('filechooser'),
      restore.getByRole('button', { name: 'Choose backup file…' }).click(),
    ]);
    await wrong.setFiles(admin.backups.at(-1)!);
    await adminPage.getByRole('alert').filter({ hasText: 'wrong passphrase or damaged file' }).waitFor();
    await expectAccessible(adminPage, 'restore, wrong passphrase');
    // One entry gone since the backup, so the preview offers a restore and its confirmation.
    const kiosk = admin.core.vault.list().find((e) => e.title === 'Kiosk')!;
    await admin.core.vault.remove(kiosk.id, kiosk.version);
    await restore.getByLabel('Passphrase of the backup').fill(passphrase);
    const [chooser] = await Promise.all([
      adminPage.waitForEvent('filechooser'),
      restore.getByRole('button', { name: 'Choose backup file…' }).click(),
    ]);
    await chooser.setFiles(admin.backups.at(-1)!);
    await adminPage.getByRole('table', { name: 'Backup contents' }).waitFor();
    await expectAccessible(adminPage, 'restore preview');
    await adminPage.getByRole('button', { name: 'Restore 1 entry…' }).click();
    await adminPage.getByRole('dialog', { name: 'Restore into this office?' }).waitFor();
    await expectAccessible(adminPage, 'restore confirmation');
    await adminPage.getByRole('dialog').getByRole('button', { name: 'Restore' }).click();
    await adminPage.getByText(/^Restored 1 entry/).waitFor();
    await expectAccessible(adminPage, 'restore done');
  });

  it('lock and unlock, with a wrong password first', async () => {
    await adminPage.getByRole('button', { name: 'Lock (Ctrl+L)' }).click();
    await adminPage.getByRole('heading', { name: 'Keyroom is locked' }).waitFor();
    await expectAccessible(adminPage, 'lock');
    await adminPage.getByLabel('Master password').fill('wrong-master-password');
    await adminPage.getByRole('button', { name: 'Unlock', exact: true }).click();
    await adminPage.getByRole('alert').waitFor();
    await expectAccessible(adminPage, 'lock, wrong password');
    await adminPage.getByLabel('Master password').fill(adminPassword);
    await adminPage.getByRole('button', { name: 'Unlock', exact: true }).click();
    await adminPage.getByRole('region', { name: 'Entry list' }).getByText('Office Wi-Fi').waitFor();
  });

  it("the employee's vault and entry view (no admin controls)", async () => {
    const list = employeePage.getByRole('region', { name: 'Entry list' });
    await list.getByText('Accounting portal').click();
    await employeePage
      .getByRole('region', { name: 'Entry details' })
      .getByText('Monthly invoices.')
      .waitFor();
    await expectAccessible(employeePage, 'employee entry view');
  });

  it('offline banner; the sync state is a live region whose text follows the connection', {
    timeout: 60_000,
  }, async () => {
    const syncState = employeePage.locator('.sync-status').getByRole('status');
    expect(await syncState.textContent()).toBe('Online');
    await stack.stop();
    await employeePage.getByText('You are offline.').waitFor({ timeout: 15_000 });
    expect(await syncState.textContent()).toBe('Offline');
    await expectAccessible(employeePage, 'offline');
    stack = await startStack({ port, dbUrl: db.url, dataDir: stackDir });
    await employeePage.getByText('You are offline.').waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => syncState.textContent()).toBe('Online');
    // The admin's Realtime socket is back too: the policy change in the last test arrives as a poke.
    await expect.poll(() => admin.core.syncStatus.live, { timeout: 15_000 }).toBe(true);
  });

  it('account disabled', async () => {
    const member = (await admin.core.admin.members()).find(
      (m) => m.email === 'sam.employee@demo.keyroom.test',
    )!;
    await admin.core.admin.disable(member.id);
    await employeePage.getByText('Account disabled').waitFor({ timeout: 10_000 });
    await expectAccessible(employeePage, 'disabled');
    // The admin's people list shows the disabled member dimmed; dimmed text still has to be legible.
    await nav(adminPage, /^People/).click();
    await adminPage.locator('tr.dim').waitFor();
    await expectAccessible(adminPage, 'people, a disabled member');
  });

  it('update required', async () => {
    await stack.db.query("update public.client_policy set min_version = '9.0.0' where id = 1");
    await adminPage.getByText('Update required').waitFor({ timeout: 10_000 });
    await expectAccessible(adminPage, 'update required');
  });
});
