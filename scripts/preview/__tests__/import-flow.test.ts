// End-to-end import through `npm run preview`'s host: the real renderer in Debian's Chromium, an employee's PC
// bridged to a real core on a local stack over PostgreSQL. "Choose file…" opens the browser's own file chooser
// (Playwright answers it with a file this test wrote); the host reads it with the app's import code, and the page
// gets only the preview. (Electron binary not available here.)
import { truncate, writeFile } from 'node:fs/promises';
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
let host: PreviewHost<CoreSession>;
let browser: Browser;
let admin: CoreSession;
let page: Page;
let shots: string;
let file: string;
let filesDir: string;

const SECRET = 'Imported-Secret-7f3!';
const ROWS = 40;

beforeAll(async () => {
  db = await createTestDatabase('keyroom_e2e_import');
  stack = await startStack({ port: 0, dbUrl: db.url });
  const opened = await openPreviewOffice(stack);
  host = opened.host;
  const { office, profilesDir } = opened;
  filesDir = profilesDir;
  admin = office.admin;
  // A Chrome export with one broken line (an unclosed quote) among the rows.
  const lines = ['name,url,username,password'];
  for (let i = 1; i <= ROWS; i++) lines.push(`Shop ${i},https://shop${i}.example,buyer${i},${SECRET}-${i}`);
  lines.splice(6, 0, `"Broken row,https://broken.example,nobody,${SECRET}`);
  file = join(profilesDir, 'Chrome Passwords.csv');
  await writeFile(file, `${lines.join('\r\n')}\r\n`);
  browser = await launchChromium();
  shots = await screenshotDir();
  page = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${host.url}&profile=${DEMO_PROFILES.employee}`);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await stack?.stop();
  await db?.drop();
});

const chooseButton = () => page.getByRole('button', { name: 'Choose file…' });

/** Clicks "Choose file…" and returns the browser's file chooser it opened. */
async function chooseFile() {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), chooseButton().click()]);
  return chooser;
}

describe('import a file in the browser window (Electron binary not available here: tested through the preview host)', () => {
  it('an employee chooses a file, sees the bad line, imports with progress to 100 %, and the entries are listed', async () => {
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Import passwords' }).waitFor();

    // Cancelling the chooser leaves the screen as it was.
    await (await chooseFile()).setFiles([]);
    await expect.poll(() => chooseButton().isEnabled()).toBe(true);
    expect(await page.getByRole('region', { name: 'Import summary' }).count()).toBe(0);

    await (await chooseFile()).setFiles(file);
    const summary = page.getByRole('region', { name: 'Import summary' });
    await expect.poll(() => summary.textContent()).toContain('Chrome Passwords.csv');
    expect(await summary.textContent()).toContain(`${ROWS} ready to import`);
    const problems = page.getByRole('table', { name: 'Rows that cannot be imported' });
    const problemRows = problems.locator('tbody tr');
    expect(await problemRows.count()).toBe(1);
    expect(await problemRows.first().locator('td').first().textContent()).toBe('7');
    expect(await page.content()).not.toContain(SECRET);
    await shoot(page, shots, 'import-preview');

    await page.getByRole('button', { name: `Import ${ROWS} entries` }).click();
    const bar = page.getByRole('progressbar', { name: 'Import progress' });
    await page.getByRole('region', { name: 'Import finished' }).waitFor();
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    expect(await page.getByRole('region', { name: 'Import finished' }).textContent()).toContain(
      `${ROWS} entries imported`,
    );
    await shoot(page, shots, 'import-done');

    await page.getByRole('button', { name: 'Show entries' }).click();
    const list = page.getByRole('region', { name: 'Entry list' });
    await list.getByText('Shop 12', { exact: true }).waitFor();
    // The admin's PC decrypts what the employee imported.
    await expect
      .poll(() => admin.core.vault.list().filter((e) => e.title.startsWith('Shop ')).length, {
        timeout: 20_000,
      })
      .toBe(ROWS);
    const shop3 = admin.core.vault.list().find((e) => e.title === 'Shop 3')!;
    expect(await admin.core.vault.reveal(shop3.id)).toBe(`${SECRET}-3`);
  });

  it('a file over 10 MB or not text, chosen in the browser, is refused with the app\'s words; the screen stays on "Choose file…"', async () => {
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { name: 'Import passwords' }).waitFor();
    const big = join(filesDir, 'huge.csv');
    await writeFile(big, '');
    await truncate(big, 10 * 1024 * 1024 + 1);
    await (await chooseFile()).setFiles(big);
    await page
      .locator('.toasts .toast', { hasText: 'This file is larger than 10 MB, too large to import.' })
      .waitFor();
    await chooseButton().waitFor();

    // A picture, not an export: read as text it names no columns, as in the app.
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe,
    ]);
    await (await chooseFile()).setFiles({ name: 'photo.png', mimeType: 'image/png', buffer: png });
    await page
      .locator('.toasts .toast', { hasText: 'The first row of this file does not name its columns' })
      .waitFor();
    expect(await page.getByRole('region', { name: 'Import summary' }).count()).toBe(0);
  });
});
