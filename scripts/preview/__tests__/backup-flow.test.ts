// End-to-end Admin → Backup through `npm run preview`'s host: the real renderer in Debian's Chromium as the office
// admin, bridged to a real core on a local stack over PostgreSQL. The backup is written by the save dialog's
// stand-in into the admin's profile folder; the restore chooses that file with the page's own file chooser (the
// open dialog's stand-in). (Electron binary not available here.)
import { readdir, readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKUP_MESSAGES } from '../../../src/shared/errors';
import { DEMO_PROFILES } from '../../demo-office';
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
let page: Page;
let shots: string;

const PASSPHRASE = 'lantern orchard pebble saffron kite';
const SECRET = 'Backup-Flow-Secret-58!';

beforeAll(async () => {
  db = await createTestDatabase('keyroom_e2e_backup');
  stack = await startStack({ port: 0, dbUrl: db.url });
  const opened = await openPreviewOffice(stack);
  host = opened.host;
  admin = opened.office.admin;
  const vaultId = admin.core.vaults()[0]!.id;
  await admin.core.vault.create(vaultId, { title: 'Alarm panel', username: 'office', password: SECRET });
  browser = await launchChromium();
  shots = await screenshotDir();
  page = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${host.url}&profile=${DEMO_PROFILES.admin}`);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await stack?.stop();
  await db?.drop();
});

const nav = (name: string) => page.getByRole('navigation').getByRole('button', { name, exact: true });

async function openBackup(passphrase: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Restore from a backup' });
  await form.getByLabel('Passphrase of the backup').fill(passphrase);
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    form.getByRole('button', { name: 'Choose backup file…' }).click(),
  ]);
  await chooser.setFiles(admin.backups[0]!);
}

describe('office backup and restore in the browser window (Electron binary not available here: tested through the preview host)', () => {
  it('Back up now refuses a weak passphrase in the core’s words, then saves the file and says where', async () => {
    await nav('Backup').click();
    await page.getByRole('heading', { name: 'Backup', exact: true }).waitFor();
    const form = page.getByRole('form', { name: 'Back up now' });
    await form.getByLabel('Backup passphrase').fill('office2026');
    await form.getByLabel('Passphrase again').fill('office2026');
    await form.getByRole('button', { name: 'Back up now' }).click();
    await page.getByRole('alert').filter({ hasText: BACKUP_MESSAGES.weakPassphrase }).waitFor();
    expect(admin.backups).toEqual([]);

    await form.getByLabel('Backup passphrase').fill(PASSPHRASE);
    await form.getByLabel('Passphrase again').fill(`${PASSPHRASE}x`);
    await page.getByText('The two passphrases differ.').waitFor();
    expect(await form.getByRole('button', { name: 'Back up now' }).isDisabled()).toBe(true);
    await form.getByLabel('Passphrase again').fill(PASSPHRASE);
    await form.getByRole('button', { name: 'Back up now' }).click();
    const count = admin.core.vault.list().length;
    const saved = page.locator('.callout[role=status]');
    await expect
      .poll(() => saved.textContent())
      .toMatch(
        new RegExp(
          `^Saved to Keyroom backup \\d{4}-\\d{2}-\\d{2}\\.keyroom-backup: 1 vault, ${count} entries, 0 earlier versions\\.$`,
        ),
      );
    expect(await form.getByLabel('Backup passphrase').inputValue()).toBe('');
    const file = await readFile(admin.backups[0]!);
    expect(file.includes(Buffer.from(SECRET))).toBe(false);
    expect(await page.content()).not.toContain(PASSPHRASE);
    await shoot(page, shots, 'admin-backup');
  });

  it('a wrong passphrase is refused with the core’s words and nothing is shown or written', async () => {
    await openBackup('not the passphrase of this file');
    await page.getByRole('alert').filter({ hasText: BACKUP_MESSAGES.unreadable }).waitFor();
    expect(await page.getByRole('table', { name: 'Backup contents' }).count()).toBe(0);
  });

  it('restoring into the same office adds nothing: the preview says every entry is already there', async () => {
    const count = admin.core.vault.list().length;
    await openBackup(PASSPHRASE);
    const table = page.getByRole('table', { name: 'Backup contents' });
    await table.waitFor();
    expect(await table.locator('tbody tr').first().locator('td').allTextContents()).toEqual([
      'Office',
      String(count),
      String(count),
      '0',
      '0',
    ]);
    await page.getByText(`Nothing to restore: all ${count} entries of`).waitFor();
    expect(await page.getByRole('button', { name: /^Restore \d/ }).count()).toBe(0);
    expect(await page.content()).not.toContain(SECRET);
    expect(await page.content()).not.toContain('Alarm panel');
    await shoot(page, shots, 'admin-restore-preview');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('form', { name: 'Restore from a backup' }).waitFor();
    expect(admin.core.vault.list()).toHaveLength(count);
  });

  it('an entry deleted since the backup comes back after the confirmation, once', async () => {
    const alarm = admin.core.vault.list().find((e) => e.title === 'Alarm panel')!;
    await admin.core.vault.remove(alarm.id, alarm.version);
    await openBackup(PASSPHRASE);
    await page.getByText(/^1 entry to add, \d+ already there\.$/).waitFor();
    await page.getByRole('button', { name: 'Restore 1 entry…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore into this office?' });
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await expect
      .poll(() => page.locator('.callout[role=status]').last().textContent())
      .toMatch(/^Restored 1 entry \(\d+ already there, 0 vaults created\)\.$/);
    const back = admin.core.vault.list().filter((e) => e.title === 'Alarm panel');
    expect(back).toHaveLength(1);
    expect(await admin.core.vault.reveal(back[0]!.id)).toBe(SECRET);
    const audit = await admin.core.office.audit({ action: 'vault.import' });
    expect(audit.events.map((e) => e.details).join(' ')).toContain('keyroombackup');
  });

  it('the automatic daily backup: folder from the dialog, passphrase twice, on; the day’s file is in the folder', async () => {
    const form = page.getByRole('form', { name: 'Automatic daily backup' });
    await form.getByRole('button', { name: 'Choose folder…' }).click();
    const folderText = await form.getByText(/^Folder: \//).textContent();
    const folder = folderText!.replace(/^Folder: /, '');
    await form.getByLabel('Backup passphrase').fill(PASSPHRASE);
    await form.getByLabel('Passphrase again').fill(PASSPHRASE);
    await form.getByLabel('Backups to keep').fill('3');
    await form.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText(/^On, into .*, keeping 3\. Last backup: /).waitFor();
    expect(await readdir(folder)).toEqual([
      `keyroom-backup-${new Date().toISOString().slice(0, 10)}.keyroom-backup`,
    ]);
    expect(await page.content()).not.toContain(PASSPHRASE);
    await page.getByRole('button', { name: 'Turn off' }).click();
    await page.getByRole('button', { name: 'Turn on' }).waitFor();
  });
});
