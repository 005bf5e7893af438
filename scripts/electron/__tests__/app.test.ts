// The real Electron app, driven by Playwright's `_electron` (the GitHub workflow's `electron` job runs it under
// xvfb; here the Electron binary cannot be downloaded, so the file type-checks and its suite is skipped under a
// name that says so). It launches the built app (Electron binary + dist/, the unpacked app: the packaged one has
// the inspector fuse off, which Playwright needs) against a local stack with the demo office on two simulated
// PCs, and walks one newcomer's morning: first run (sign in with the one-time password, enroll, be confirmed),
// lock and unlock, search, copy (the clipboard is cleared after 30 s), an admin's edit arriving with a
// notification, lock from the tray, and the forced-update screen. Screenshots go to KEYROOM_E2E_SHOTS (the
// workflow uploads them as artifacts) or a temp dir.
//
// Behind a proxy (the workflow's second run): KEYROOM_E2E_PROXY is handed to the app as the proxy variables, which
// is how Chromium on a Linux session without desktop proxy settings finds the system proxy (the same
// session.resolveProxy path a Windows proxy setting or PAC takes). Chromium never proxies loopback addresses or
// localhost, so the office is named KEYROOM_E2E_OFFICE_HOST, a hosts-file name for 127.0.0.1; the workflow then
// checks the proxy's log for the app's REST and its WebSocket tunnel.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoOffice } from '../../demo-office';
import { type RunningStack, startStack } from '../../local-stack/server';
import { type CoreSession, coreSessions } from '../../preview/session';
import { createTestDatabase, type TestDatabase } from '../../test/pg';

const root = fileURLToPath(new URL('../../..', import.meta.url));

// The electron package resolves to its binary's path, and throws when the download never happened.
function electronBinary(): string | null {
  try {
    const path: unknown = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const electron = electronBinary();
const proxy = process.env.KEYROOM_E2E_PROXY;
const officeHost = process.env.KEYROOM_E2E_OFFICE_HOST;
if (proxy && !officeHost)
  throw new Error(
    'KEYROOM_E2E_PROXY needs KEYROOM_E2E_OFFICE_HOST: Chromium sends no loopback address to a proxy.',
  );
const NEWCOMER = {
  name: 'Pat Newcomer',
  email: 'pat.newcomer@demo.keyroom.test',
  password: 'maple-orbit-canyon-velvet-42',
};

let db: TestDatabase;
let stack: RunningStack;
let admin: CoreSession;
let app: ElectronApplication;
let page: Page;
let shots: string;

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

describe.skipIf(electron === null)(
  electron === null
    ? 'the real Electron app (skipped: the Electron binary is not installed here; the electron workflow job runs it under xvfb)'
    : 'the real Electron app under Playwright',
  () => {
    beforeAll(async () => {
      if (!existsSync(join(root, 'dist/main/main.js'))) throw new Error('run npm run build first');
      shots = process.env.KEYROOM_E2E_SHOTS ?? (await mkdtemp(join(tmpdir(), 'keyroom-electron-shots-')));
      await mkdir(shots, { recursive: true });
      db = await createTestDatabase('keyroom_electron');
      stack = await startStack({ port: 0, dbUrl: db.url, ...(officeHost ? { host: officeHost } : {}) });
      const options = {
        url: stack.url,
        publishableKey: stack.publishableKey,
        profilesDir: await mkdtemp(join(tmpdir(), 'keyroom-electron-profiles-')),
        version: '0.1.0',
        pollMs: 1000,
      };
      const sessions = coreSessions(options);
      const demo = await openDemoOffice({ ...options, secretKey: stack.secretKey }, (p) =>
        sessions(p, () => {}),
      );
      admin = demo.admin;
      app = await _electron.launch({
        executablePath: electron as string,
        args: [root, `--user-data-dir=${await mkdtemp(join(tmpdir(), 'keyroom-electron-user-'))}`],
        env: {
          ...process.env,
          SUPABASE_URL: stack.url,
          SUPABASE_PUBLISHABLE_KEY: stack.publishableKey,
          // Lets the test reach the tray's menu (shell.ts); nothing else changes.
          KEYROOM_E2E: '1',
          ...(proxy ? { http_proxy: proxy, https_proxy: proxy, no_proxy: '' } : {}),
        },
      });
      page = await app.firstWindow();
      page.setDefaultTimeout(20_000);
    });

    afterAll(async () => {
      await app?.close();
      await admin?.close();
      await stack?.stop();
      await db?.drop();
    });

    it('first run: the newcomer signs in with the one-time password, enrolls and is confirmed', {
      timeout: 120_000,
    }, async () => {
      const invitation = await admin.core.admin.invite(NEWCOMER.email, NEWCOMER.name, 'member');
      await page.getByRole('button', { name: 'I have an invitation' }).click();
      await page.getByLabel('Email').fill(NEWCOMER.email);
      await page.getByLabel('One-time password').fill(invitation.oneTimePassword);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByLabel('Master password', { exact: true }).fill(NEWCOMER.password);
      await page.getByLabel('Repeat master password').fill(NEWCOMER.password);
      await page
        .getByLabel('Office fingerprint from your invitation sheet')
        .fill(invitation.officeFingerprint);
      await page.getByRole('button', { name: 'Create my keys' }).click();
      const spoken =
        (await page.locator('.fingerprint-groups').textContent({ timeout: 60_000 }))?.trim() ?? '';
      await shoot('electron-pending');
      await admin.core.admin.confirm(invitation.memberId, spoken.replace(/\s+/g, ' '));
      await page
        .getByRole('region', { name: 'Entry list' })
        .getByText('Office Wi-Fi')
        .waitFor({ timeout: 30_000 });
      await shoot('electron-unlocked');
    });

    it('locks and unlocks, and finds an entry by search', async () => {
      await page.keyboard.press('Control+L');
      await page.getByText('Keyroom is locked').waitFor();
      await page.getByLabel('Master password').fill(NEWCOMER.password);
      await page.getByRole('button', { name: 'Unlock', exact: true }).click();
      await page.getByLabel('Search entries').fill('printer');
      const list = page.getByRole('region', { name: 'Entry list' });
      await list.getByText('Printer admin').waitFor();
      expect(await list.getByText('Office Wi-Fi').count()).toBe(0);
      await shoot('electron-search');
    });

    it('copies a password to the OS clipboard and clears it after 30 s', { timeout: 60_000 }, async () => {
      await page.getByRole('region', { name: 'Entry list' }).getByText('Printer admin').click();
      await page.getByRole('button', { name: 'Copy password (Ctrl+C)' }).click();
      const entry = admin.core.vault.list().find((e) => e.title === 'Printer admin');
      const expected = await admin.core.vault.reveal(entry?.id ?? '');
      const clipboard = () => app.evaluate(({ clipboard: c }) => c.readText());
      await expect.poll(clipboard).toBe(expected);
      await expect.poll(clipboard, { timeout: 40_000, interval: 1000 }).toBe('');
    });

    it("an admin's edit arrives in the window with a desktop notification", async () => {
      await app.evaluate(({ Notification }) => {
        const shown: string[] = [];
        Object.assign(globalThis, { keyroomShown: shown });
        const show = Notification.prototype.show;
        Notification.prototype.show = function (this: Electron.Notification) {
          shown.push(this.body);
          return show.call(this);
        };
      });
      const entry = admin.core.vault.list().find((e) => e.title === 'Printer admin');
      if (!entry) throw new Error('no Printer admin entry');
      await admin.core.vault.update(entry.id, entry.version, { title: 'Printer admin (2nd floor)' });
      await page.locator('.toast', { hasText: 'Alex Admin updated “Printer admin (2nd floor)”' }).waitFor();
      await expect
        .poll(() => app.evaluate(() => (globalThis as { keyroomShown?: string[] }).keyroomShown ?? []))
        .toContainEqual('Alex Admin updated “Printer admin (2nd floor)”');
      await shoot('electron-admin-edit');
    });

    it('locks from the tray', async () => {
      await app.evaluate(() => {
        const menu = (globalThis as { keyroomTrayMenu?: Electron.Menu }).keyroomTrayMenu;
        const lock = menu?.items.find((i) => i.label === 'Lock');
        if (!lock) throw new Error('the tray has no Lock item');
        lock.click();
      });
      await page.getByText('Keyroom is locked').waitFor();
      await shoot('electron-tray-locked');
    });

    it('blocks on the update screen when the office requires a newer version, with retry and manual download', async () => {
      await page.getByLabel('Master password').fill(NEWCOMER.password);
      await page.getByRole('button', { name: 'Unlock', exact: true }).click();
      await page.getByRole('region', { name: 'Entry list' }).waitFor();
      await stack.db.query(
        "update public.client_policy set latest_version = '9.0.0', min_version = '9.0.0' where id = 1",
      );
      await page.getByText('Update required').waitFor();
      await page.getByText(/requires Keyroom 9\.0\.0 or newer/).waitFor();
      // An unpacked app has no update feed: the screen says why nothing downloads and offers the ways out.
      await page.getByRole('button', { name: 'Retry' }).waitFor();
      await page.getByRole('button', { name: 'Download manually' }).waitFor();
      await page.getByRole('button', { name: 'Office admin? Change the minimum version' }).waitFor();
      await shoot('electron-update-required');
    });
  },
);
