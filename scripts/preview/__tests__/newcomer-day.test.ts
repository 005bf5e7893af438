// End-to-end through the preview host: what a newcomer to the app trips over on a first day (issue 17), each
// checked where a person sees it, in Debian's Chromium, on real cores over a local stack on PostgreSQL. The demo
// office (admin + confirmed employee) is set up by the demo-office code; the tests run in order, like one day.
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
let host: PreviewHost<CoreSession>;
let browser: Browser;
let admin: CoreSession;
let employee: CoreSession;
let adminPage: Page;
let employeePage: Page;
let shots: string;
let employeePassword = '';
// Kept across the restart in the outage test: the stack's port, keys and JWT secret.
let stackDir = '';
let port = 0;

beforeAll(async () => {
  db = await createTestDatabase('keyroom_e2e_newcomer');
  stackDir = await mkdtemp(join(tmpdir(), 'keyroom-e2e-newcomer-stack-'));
  stack = await startStack({ port: 0, dbUrl: db.url, dataDir: stackDir });
  port = Number(new URL(stack.url).port);
  const opened = await openPreviewOffice(stack);
  employeePassword = opened.office.office.employee.masterPassword;
  host = opened.host;
  admin = opened.office.admin;
  employee = opened.office.employee;
  browser = await launchChromium();
  shots = await screenshotDir();
  adminPage = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
  employeePage = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
  for (const page of [adminPage, employeePage]) page.setDefaultTimeout(10_000);
  await adminPage.goto(`${host.url}&profile=${DEMO_PROFILES.admin}`);
  await employeePage.goto(`${host.url}&profile=${DEMO_PROFILES.employee}`);
  await adminPage.getByRole('region', { name: 'Entry list' }).getByText('Office Wi-Fi').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await stack?.stop();
  await db?.drop();
});

describe('a newcomer’s first day (Electron binary not available here: tested through the preview host)', () => {
  it('inviting an email that already has an account says so next to the field, and clears when it changes', async () => {
    await adminPage.getByRole('button', { name: 'People' }).click();
    await adminPage.getByRole('button', { name: 'Invite' }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'Invite a colleague' });
    await dialog.getByLabel('Name').fill('Alex again');
    const email = dialog.getByLabel('Work email');
    await email.fill(admin.core.state.state === 'unlocked' ? admin.core.state.user.email : '');
    await dialog.getByRole('button', { name: 'Create invitation' }).click();
    const fieldError = dialog
      .locator('.field')
      .filter({ hasText: 'Work email' })
      .getByText(/already has a Keyroom account/);
    await fieldError.waitFor();
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByText(/Someone else changed this entry/).count()).toBe(0);
    await shoot(adminPage, shots, 'admin-invite-existing-account');
    await email.fill('someone.new@demo.keyroom.test');
    await fieldError.waitFor({ state: 'detached' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('"Stay unlocked on this PC" becomes available in a running app as soon as the admin allows it', async () => {
    await admin.core.office.setPolicy(15, false);
    await employeePage.getByRole('button', { name: 'Settings' }).click();
    const toggle = employeePage.getByRole('switch', { name: 'Stay unlocked on this PC' });
    await expect.poll(() => toggle.isDisabled(), { timeout: 10_000 }).toBe(true);
    await admin.core.office.setPolicy(15, true);
    await expect.poll(() => toggle.isEnabled(), { timeout: 10_000 }).toBe(true);
    await employeePage.getByText('Keyroom locks after 15 minutes without activity.').waitFor();
    await toggle.check();
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await shoot(employeePage, shots, 'employee-stay-unlocked-allowed');
  });

  it('the People list is live: an invitee who enrolls shows up as waiting, with a badge and a toast', {
    timeout: 60_000,
  }, async () => {
    await adminPage.getByRole('button', { name: 'People' }).click();
    await adminPage.getByRole('button', { name: 'Invite' }).click();
    const dialog = adminPage.getByRole('dialog', { name: 'Invite a colleague' });
    await dialog.getByLabel('Name').fill('Robin Reception');
    await dialog.getByLabel('Work email').fill('robin@demo.keyroom.test');
    await dialog.getByRole('button', { name: 'Create invitation' }).click();
    const otp = (await adminPage.locator('.sheet-otp').textContent())?.trim() ?? '';
    await adminPage.getByRole('button', { name: 'Done' }).click();
    const row = adminPage.getByRole('row').filter({ hasText: 'robin@demo.keyroom.test' });
    await row.getByText('Invited').waitFor();

    // Robin's PC, driven through its core: the admin's window is left alone, on People.
    const robin = await host.open('robin-pc');
    await robin.core.redeemInvitation('robin@demo.keyroom.test', otp);
    const office = admin.core.state.state === 'unlocked' ? admin.core.state.officeFingerprint : '';
    await robin.core.enroll('amber-meadow-compass-violin', office);
    await row.getByText('Waiting for confirmation').waitFor({ timeout: 10_000 });
    await adminPage
      .locator('.toast', {
        hasText: 'Robin Reception has set up Keyroom and is waiting for your confirmation',
      })
      .waitFor();
    const people = adminPage
      .getByRole('navigation', { name: 'Keyroom' })
      .getByRole('button', { name: /^People/ });
    await expect.poll(() => people.textContent()).toMatch(/1\s*waiting for confirmation/);
    await shoot(adminPage, shots, 'admin-people-live');
  });

  it('the Website field takes a bare domain, stores https://…, and explains a bad one in our words', async () => {
    await adminPage.getByRole('button', { name: 'All items' }).click();
    await adminPage.getByRole('button', { name: 'New entry (Ctrl+N)' }).click();
    await adminPage.getByLabel('Title').fill('Webmail');
    await adminPage.getByLabel('Password', { exact: true }).fill('correct-horse-battery');
    const website = adminPage.getByLabel('Website');
    await website.fill('mail example com');
    await adminPage.getByRole('button', { name: 'Save' }).click();
    await adminPage.getByText('A web address has no spaces.').waitFor();
    // Our message, not the browser's constraint bubble: the field is valid to the browser.
    expect(await website.evaluate((el) => (el as HTMLInputElement).validity.valid)).toBe(true);
    await shoot(adminPage, shots, 'admin-website-explained');
    await website.fill('mail.example.com');
    expect(await adminPage.getByText('A web address has no spaces.').count()).toBe(0);
    await adminPage.getByRole('button', { name: 'Save' }).click();
    await adminPage.getByRole('button', { name: 'Save' }).waitFor({ state: 'detached' });
    await expect
      .poll(() => admin.core.vault.list().find((e) => e.title === 'Webmail')?.url)
      .toBe('https://mail.example.com');
  });

  it('search forgives punctuation, case, accents and a typo: "wifi" finds "Office Wi-Fi"', async () => {
    await employeePage.getByRole('button', { name: 'All items' }).click();
    const search = employeePage.getByLabel('Search entries');
    const list = employeePage.getByRole('region', { name: 'Entry list' });
    for (const q of ['wifi', 'WI FI', 'wífi', 'ofice wfii']) {
      await search.fill(q);
      await expect
        .poll(() => list.getByRole('listitem').first().textContent(), { timeout: 5000 })
        .toContain('Office Wi-Fi');
    }
    await shoot(employeePage, shots, 'employee-search-forgiving');
    await search.fill('');
  });

  it('history shows, copies (both audited) and restores an old password; an employee is refused', async () => {
    const wifi = admin.core.vault.list().find((e) => e.title === 'Office Wi-Fi')!;
    const old = await admin.core.vault.reveal(wifi.id);
    const changed = await admin.core.vault.update(wifi.id, wifi.version, {
      title: wifi.title,
      username: wifi.username,
      url: wifi.url,
      category: wifi.category,
      password: 'rotated-after-the-party-2026',
    });
    const audited = async (action: string) =>
      Number(
        (
          await stack.db.query(
            'select count(*)::int as n from public.audit_log where action = $1 and entry_id = $2',
            [action, wifi.id],
          )
        ).rows[0]?.n,
      );
    const [reveals, copies] = [await audited('entry.reveal'), await audited('entry.copy')];

    await adminPage.getByRole('button', { name: 'All items' }).click();
    await adminPage.getByRole('region', { name: 'Entry list' }).getByText('Office Wi-Fi').click();
    await adminPage
      .getByRole('region', { name: 'Entry details' })
      .getByRole('button', { name: 'History' })
      .click();
    const dialog = adminPage.getByRole('dialog', { name: 'History of “Office Wi-Fi”' });
    const row = dialog
      .locator('tbody tr')
      .filter({ has: adminPage.locator('td:first-child', { hasText: new RegExp(`^${wifi.version}$`) }) });
    await row.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => row.getByLabel(`Password of version ${wifi.version}`).inputValue()).toBe(old);
    await shoot(adminPage, shots, 'admin-history-old-password');
    await row.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => admin.clipboardText()).toBe(old);
    await expect.poll(() => audited('entry.reveal')).toBe(reveals + 1);
    await expect.poll(() => audited('entry.copy')).toBe(copies + 1);

    const refused = await employeePage.evaluate(
      ({ id, version }) => window.keyroom.invoke('vault.historyReveal', { id, version }),
      { id: wifi.id, version: wifi.version },
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    await row.getByRole('button', { name: 'Restore' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(() => admin.core.vault.list().find((e) => e.id === wifi.id)?.version)
      .toBe(changed.version + 1);
    expect(await admin.core.vault.reveal(wifi.id)).toBe(old);
    await expect
      .poll(() => employee.core.vault.list().find((e) => e.id === wifi.id)?.version)
      .toBe(changed.version + 1);
  });

  it('words and places: admin screens apart from categories, no category nobody chose, toasts name the field', async () => {
    const nav = adminPage.getByRole('navigation', { name: 'Keyroom' });
    const labels = await nav.locator('.nav-label').allTextContents();
    expect(labels.filter((l, i) => labels.indexOf(l) !== i)).toEqual([]);
    await nav
      .getByRole('list', { name: 'Administration' })
      .getByRole('button', { name: 'Office PCs' })
      .waitFor();
    await nav
      .getByRole('list', { name: 'Categories' })
      .getByRole('button', { name: /^Devices/ })
      .waitFor();

    await adminPage.getByRole('button', { name: 'All items' }).click();
    await adminPage.getByRole('button', { name: 'New entry (Ctrl+N)' }).click();
    await adminPage.getByLabel('Title').fill('Door code');
    await adminPage.getByLabel('Password', { exact: true }).fill('4711-0815-2026');
    await adminPage.getByRole('button', { name: 'Save' }).click();
    await adminPage.getByRole('button', { name: 'Save' }).waitFor({ state: 'detached' });
    await expect.poll(() => admin.core.vault.list().find((e) => e.title === 'Door code')?.category).toBe('');
    expect(
      await nav
        .getByRole('list', { name: 'Categories' })
        .getByRole('button', { name: /^Login/ })
        .count(),
    ).toBe(0);

    const router = admin.core.vault.list().find((e) => e.title === 'Office Wi-Fi')!;
    await expect
      .poll(() => employee.core.vault.list().find((e) => e.id === router.id)?.version)
      .toBe(router.version);
    await admin.core.vault.update(router.id, router.version, {
      title: router.title,
      username: router.username,
      url: router.url,
      category: router.category,
      password: 'a-new-one-for-december',
    });
    const toast = employeePage
      .locator('.toast', { hasText: 'Office Wi-Fi: password changed by Alex Admin' })
      .last();
    await toast.waitFor();
    expect(await toast.textContent()).not.toContain('a-new-one-for-december');
    await shoot(employeePage, shots, 'employee-toast-names-the-field');
  });

  it('audit details read as words and fit at 1280 px; the People actions fit at 900 px', async () => {
    await adminPage.setViewportSize({ width: 1280, height: 760 });
    await adminPage.getByRole('button', { name: 'Audit log' }).click();
    const enrolled = adminPage
      .getByRole('row')
      .filter({ hasText: 'from Invited to Waiting for confirmation' });
    await enrolled.first().waitFor();
    expect(await adminPage.locator('.audit-details', { hasText: '{"' }).count()).toBe(0);
    const widest = await adminPage
      .locator('.audit-details')
      .evaluateAll((cells) => Math.max(...cells.map((c) => c.getBoundingClientRect().right)));
    expect(widest).toBeLessThanOrEqual(1280);
    await shoot(adminPage, shots, 'admin-audit-in-words');

    await adminPage.setViewportSize({ width: 900, height: 760 });
    await adminPage.getByRole('button', { name: /^People/ }).click();
    const actions = adminPage.locator('.cell-actions button');
    await actions.first().waitFor();
    const rightmost = await actions.evaluateAll((bs) =>
      Math.max(...bs.map((b) => b.getBoundingClientRect().right)),
    );
    expect(rightmost).toBeLessThanOrEqual(900);
    await shoot(adminPage, shots, 'admin-people-900px');
    await adminPage.setViewportSize({ width: 1200, height: 760 });
  });

  it('the generator offers passphrases from the core, with a words control and an honest strength meter', async () => {
    await adminPage.getByRole('button', { name: 'All items' }).click();
    await adminPage.getByRole('button', { name: 'New entry (Ctrl+N)' }).click();
    await adminPage.getByRole('button', { name: 'Generate a password' }).click();
    const generator = adminPage.getByRole('group', { name: 'Password generator' });
    await generator.getByLabel('Passphrase (words)').check();
    const value = generator.locator('.generator-value');
    const strength = generator.locator('.strength-label');
    await generator.getByLabel(/^Words/).fill('3');
    await expect.poll(async () => (await value.textContent())?.split('-').length).toBe(3);
    // 3 words of 7,776 are 39 bits, whatever their letter count suggests.
    await expect.poll(() => strength.textContent()).toBe('Password strength: Weak');
    await generator.getByLabel(/^Words/).fill('7');
    await expect.poll(async () => (await value.textContent())?.split('-').length).toBe(7);
    await expect.poll(() => strength.textContent()).toBe('Password strength: Very strong');
    expect(await value.textContent()).toMatch(/^[a-z]+(-[a-z]+){6}$/);
    await shoot(adminPage, shots, 'admin-generator-passphrase');
    const phrase = (await value.textContent()) ?? '';
    await generator.getByRole('button', { name: 'Use this password' }).click();
    expect(await adminPage.getByLabel('Password', { exact: true }).inputValue()).toBe(phrase);
    await adminPage.getByRole('button', { name: 'Cancel' }).click();
  });

  it('says "connecting", never a false "offline", while an unlock reaches the server', {
    timeout: 30_000,
  }, async () => {
    // As at the start of a day: the app opens locked, then the master password is typed.
    await employee.core.lock();
    await employeePage.reload();
    await employeePage.getByLabel('Master password').waitFor();
    // Every status the sidebar shows from the unlock on, recorded in the page as it changes.
    await employeePage.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenSync: string[] }).seenSync = seen;
      new MutationObserver(() => {
        const label = document.querySelector('.sync-label')?.textContent;
        if (label && seen[seen.length - 1] !== label) seen.push(label);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await employeePage.getByLabel('Master password').fill(employeePassword);
    await employeePage.getByRole('button', { name: 'Unlock', exact: true }).click();
    await employeePage.locator('.sync-label', { hasText: 'Online' }).waitFor({ timeout: 15_000 });
    const seen = await employeePage.evaluate(() => (window as unknown as { seenSync: string[] }).seenSync);
    expect(seen).not.toContain('Offline');
    // (A background pull may show Syncing… again after Online: only a false Offline is wrong.)
    expect(seen).toContain('Online');
  });

  it('notices a lost server within ~5 s (not after the client library’s retries) and recovers', {
    timeout: 60_000,
  }, async () => {
    await stack.stop();
    const down = Date.now();
    const banner = employeePage.getByText('You are offline.');
    await banner.waitFor({ timeout: 15_000 });
    expect(Date.now() - down).toBeLessThan(5000);
    await shoot(employeePage, shots, 'employee-offline');
    stack = await startStack({ port, dbUrl: db.url, dataDir: stackDir });
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    await expect
      .poll(() => admin.core.syncStatus.live && employee.core.syncStatus.live, { timeout: 20_000 })
      .toBe(true);
  });

  // Last: it disables the demo employee.
  it('a reset of a disabled person keeps them disabled', async () => {
    const sam = (await admin.core.admin.members()).find((m) => m.email === 'sam.employee@demo.keyroom.test')!;
    await adminPage.getByRole('button', { name: /^People/ }).click();
    await admin.core.admin.disable(sam.id);
    const row = adminPage.getByRole('row').filter({ hasText: 'sam.employee@demo.keyroom.test' });
    await row.getByText('Disabled').waitFor({ timeout: 10_000 });
    await row.getByRole('button', { name: 'Reset' }).click();
    const confirm = adminPage.getByRole('dialog', { name: 'Reset Sam Employee?' });
    await confirm.getByText(/stays disabled/).waitFor();
    await confirm.getByRole('button', { name: 'Reset account' }).click();
    await adminPage.getByRole('button', { name: 'Done' }).click();
    await row.getByText('Disabled').waitFor();
    expect(await row.getByText('Invited').count()).toBe(0);
    expect((await admin.core.admin.members()).find((m) => m.id === sam.id)?.status).toBe('disabled');
  });
});
