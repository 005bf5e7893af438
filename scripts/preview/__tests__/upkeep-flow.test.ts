// End-to-end password health, trash and export through `npm run preview`'s host: the real renderer in Debian's
// Chromium as the office admin, bridged to a real core on a local stack over PostgreSQL. The export is written
// by the save dialog's stand-in into the admin's profile folder; the test reads it back and re-imports it with
// the app's importer. (Electron binary not available here.)
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSealedExport } from '../../../src/core/vault/export';
import { parseImport } from '../../../src/core/vault/import/parse';
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
let vaultId: string;

const REUSED = 'Shared-Secret-Reused-41!';
const PASSPHRASE = 'export passphrase for leaving';

beforeAll(async () => {
  db = await createTestDatabase('keyroom_e2e_upkeep');
  stack = await startStack({ port: 0, dbUrl: db.url });
  const opened = await openPreviewOffice(stack);
  host = opened.host;
  admin = opened.office.admin;
  vaultId = admin.core.vaults()[0]!.id;
  await admin.core.vault.create(vaultId, { title: 'Guest kiosk', username: 'kiosk', password: 'password1' });
  await admin.core.vault.create(vaultId, { title: 'Supplier A', username: 'orders', password: REUSED });
  await admin.core.vault.create(vaultId, { title: 'Supplier B', username: 'orders', password: REUSED });
  const old = await admin.core.vault.create(vaultId, {
    title: 'Old fax line',
    username: 'fax',
    password: 'Fax-77!',
  });
  await admin.core.vault.remove(old.id, old.version);
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

describe('password health, trash and export in the browser window (Electron binary not available here: tested through the preview host)', () => {
  it('Health counts per vault, lists the entries to change with their flags, and a click opens the entry', async () => {
    await nav('Password health').click();
    await page.getByRole('heading', { name: 'Password health' }).waitFor();
    const perVault = page.getByRole('table', { name: 'Health per vault' });
    await perVault.waitFor();
    const row = perVault.locator('tbody tr').first();
    // Weak: "password1"; reused: the two suppliers. The demo's generated passphrases are neither.
    expect(await row.locator('td').allTextContents()).toEqual(['Office', '7', '1', '2', '0', '3']);
    const todo = page.getByRole('region', { name: 'Entries to change (3)' });
    expect(await todo.locator('li').allTextContents()).toEqual([
      expect.stringMatching(/^Guest kiosk.*weak password$/),
      expect.stringMatching(/^Supplier A.*reused password$/),
      expect.stringMatching(/^Supplier B.*reused password$/),
    ]);
    expect(await page.content()).not.toContain(REUSED);
    await shoot(page, shots, 'admin-password-health');

    await todo.getByRole('button', { name: 'Guest kiosk' }).click();
    const details = page.getByRole('region', { name: 'Entry details' });
    await details.getByRole('heading', { name: 'Guest kiosk' }).waitFor();
    // The same flags in everyone's entry list.
    const listRow = page.getByRole('list', { name: 'Entries' }).getByRole('button', { name: /Supplier A/ });
    await expect.poll(() => listRow.textContent()).toContain('reused');
  });

  it('Trash lists the deleted entry; Restore brings it back by the signed path; Purge asks first and removes it for good', async () => {
    await nav('Trash').click();
    const table = page.getByRole('table', { name: 'Deleted entries' });
    await table.getByText('Old fax line').waitFor();
    await shoot(page, shots, 'admin-trash');
    await page.getByRole('button', { name: 'Restore Old fax line' }).click();
    await page.getByText('The trash is empty.').waitFor();
    const fax = () => admin.core.vault.list(true).find((e) => e.title === 'Old fax line');
    expect(fax()?.deletedAt).toBeNull();

    await admin.core.vault.remove(fax()!.id, fax()!.version);
    await table.getByText('Old fax line').waitFor();
    await page.getByRole('button', { name: 'Purge Old fax line' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove for good?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('nobody can restore it afterwards');
    await shoot(page, shots, 'admin-trash-purge');
    const id = fax()!.id;
    await dialog.getByRole('button', { name: 'Remove for good' }).click();
    await page.getByText('The trash is empty.').waitFor();
    expect(fax()).toBeUndefined();
    const trail = await admin.core.office.audit({ entryId: id });
    expect(trail.events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['entry.delete', 'entry.purge']),
    );
  });

  it('Export names the risk, saves a Bitwarden CSV and a sealed JSON that re-import with every entry; both audited', async () => {
    await nav('Export').click();
    await page.getByRole('heading', { name: 'Export a vault' }).waitFor();
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export every password of this vault?' });
    expect(await dialog.textContent()).toContain('in plain text');
    await shoot(page, shots, 'admin-export-confirm');
    await dialog.getByRole('button', { name: 'Export and save' }).click();
    await expect
      .poll(() => page.locator('.page .callout[role=status]').textContent())
      .toMatch(/^7 entries of Office saved to Office export\.csv\.$/);
    const csv = parseImport(await readFile(admin.exports[0]!, 'utf8'));
    expect(csv.format).toBe('bitwarden');
    expect(csv.rows.map((r) => r.entry.title).sort()).toEqual(
      admin.core.vault
        .list()
        .map((e) => e.title)
        .sort(),
    );
    expect(csv.rows.find((r) => r.entry.title === 'Supplier A')?.entry.password).toBe(REUSED);

    await page.getByLabel(/Bitwarden JSON/).check();
    await page.getByLabel('Protect the file with a passphrase').check();
    await page.getByLabel('Passphrase (at least 12 characters)').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Export…' }).click();
    const sealedDialog = page.getByRole('dialog', { name: 'Export every password of this vault?' });
    expect(await sealedDialog.textContent()).toContain('protected only by the passphrase');
    await sealedDialog.getByRole('button', { name: 'Export and save' }).click();
    await expect.poll(() => admin.exports.length).toBe(2);
    const sealed = await readFile(admin.exports[1]!, 'utf8');
    expect(sealed).not.toContain(REUSED);
    const json = parseImport(await openSealedExport(sealed, PASSPHRASE));
    expect(json.format).toBe('bitwardenjson');
    expect(json.rows).toHaveLength(7);

    const audit = await admin.core.office.audit({ action: 'vault.export' });
    const details = audit.events.map((e) => e.details).join(' ');
    expect(details).toContain('bitwardencsv');
    expect(details).toContain('sealedjson');
    expect(audit.events).toHaveLength(2);
  });

  it('the sealed export goes back in through Import: the passphrase opens it (a wrong one is refused), then the usual preview', async () => {
    await nav('Import').click();
    await page.getByRole('heading', { name: 'Import passwords' }).waitFor();
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Choose file…' }).click(),
    ]);
    await chooser.setFiles(admin.exports[1]!);
    const form = page.getByRole('form', { name: 'Open the protected file' });
    await form.waitFor();
    await form.getByLabel('Passphrase of the export').fill('not the passphrase');
    await form.getByRole('button', { name: 'Open' }).click();
    await page.locator('.toasts .toast', { hasText: 'Wrong passphrase, or the file was changed.' }).waitFor();
    await form.getByLabel('Passphrase of the export').fill(PASSPHRASE);
    await form.getByRole('button', { name: 'Open' }).click();
    const summary = page.getByRole('region', { name: 'Import summary' });
    await expect.poll(() => summary.textContent()).toContain('exported from Bitwarden (JSON)');
    // Everything in it is already in the vault.
    expect(await summary.textContent()).toContain('7 duplicates');
    expect(await page.content()).not.toContain(REUSED);
  });
});
