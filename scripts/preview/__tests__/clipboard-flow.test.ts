// A copy in `npm run preview` reaches the browser's real clipboard, and the countdown clears it, like the OS
// clipboard in the app: Debian's Chromium with clipboard permissions granted, the page's own clipboard read back
// with navigator.clipboard. The preview host sends the value to the page (preview only: in Electron the main
// process writes the OS clipboard and the renderer never sees the value), yet the screen still shows none of it.
// The clipboard clears after 2 s instead of 30. (Electron binary not available here.)
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PROFILES } from '../../demo-office';
import { type RunningStack, startStack } from '../../local-stack/server';
import { createTestDatabase, type TestDatabase } from '../../test/pg';
import type { PreviewHost } from '../host';
import type { CoreSession } from '../session';
import { launchChromium, openPreviewOffice } from './browser';

const CLIPBOARD_CLEAR_MS = 2000;

let db: TestDatabase;
let stack: RunningStack;
let host: PreviewHost<CoreSession>;
let browser: Browser;
let admin: CoreSession;
let employee: CoreSession;
let page: Page;
let wifiPassword = '';

const readClipboard = () => page.evaluate(() => navigator.clipboard.readText());
const cleared = () => page.locator('.clipboard-status').getByText('Clipboard cleared.');

async function copyWifiPassword(): Promise<void> {
  await page.getByRole('region', { name: 'Entry list' }).getByText('Office Wi-Fi').click();
  await page.getByRole('button', { name: 'Copy password (Ctrl+C)' }).click();
}

beforeAll(async () => {
  db = await createTestDatabase('keyroom_e2e_clipboard');
  stack = await startStack({ port: 0, dbUrl: db.url });
  const opened = await openPreviewOffice(stack, '0.1.0', { clipboardClearMs: CLIPBOARD_CLEAR_MS });
  host = opened.host;
  admin = opened.office.admin;
  employee = opened.office.employee;
  const wifi = admin.core.vault.list().find((e) => e.title === 'Office Wi-Fi');
  wifiPassword = await admin.core.vault.reveal(wifi!.id);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.origin });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${host.url}&profile=${DEMO_PROFILES.employee}`);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await stack?.stop();
  await db?.drop();
});

describe("the preview's clipboard is the browser's (Electron binary not available here: tested through the preview host)", () => {
  it('a copied password is on the page clipboard, not on the screen, and the countdown clears it', async () => {
    await page.evaluate(() => navigator.clipboard.writeText('before'));
    await copyWifiPassword();
    await expect.poll(readClipboard).toBe(wifiPassword);
    expect(await page.content()).not.toContain(wifiPassword);
    await cleared().waitFor({ timeout: CLIPBOARD_CLEAR_MS + 3000 });
    await expect.poll(readClipboard).toBe('');
    expect(employee.clipboardText()).toBe('');
  });

  it('what the person copied after the password stays when the countdown ends', async () => {
    await cleared().waitFor({ state: 'detached', timeout: 10_000 });
    await copyWifiPassword();
    await expect.poll(readClipboard).toBe(wifiPassword);
    await page.evaluate(() => navigator.clipboard.writeText('my own note'));
    await cleared().waitFor({ timeout: CLIPBOARD_CLEAR_MS + 3000 });
    await expect.poll(() => employee.clipboardText()).toBe('');
    // The clear order has reached the page by now (it goes out as the host's copy is dropped); give the page
    // a moment to carry it out, then the person's own text must still be there.
    await page.waitForTimeout(500);
    expect(await readClipboard()).toBe('my own note');
  });
});
