// End-to-end through the preview host: the office root opens People, makes the office recovery kit and sees it once,
// print-ready, with the recovery code and the office fingerprint. The code shown is the one that opens the sealed
// kit the server keeps, and the server's copy holds no trace of it. (Electron binary not available here: the shell
// is tested through the preview host.)
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url } from '../../../src/core/crypto/bytes';
import { fingerprint } from '../../../src/core/crypto/fingerprint';
import { normalizeRecoveryCode, openRecoveryKit } from '../../../src/core/crypto/recovery-kit';
import { DEMO_PROFILES } from '../../demo-office';
import { type RunningStack, startStack } from '../../local-stack/server';
import type { PreviewHost } from '../host';
import type { CoreSession } from '../session';
import { auditBothThemes } from './axe';
import { launchChromium, openPreviewOffice, screenshotDir, shoot } from './browser';

let stack: RunningStack;
let host: PreviewHost<CoreSession>;
let browser: Browser;
let admin: CoreSession;
let employee: CoreSession;
let employeePassword = '';
let adminPage: Page;
let employeePage: Page;
let shots: string;
let code = '';

beforeAll(async () => {
  stack = await startStack({ port: 0 });
  const opened = await openPreviewOffice(stack);
  host = opened.host;
  admin = opened.office.admin;
  employee = opened.office.employee;
  employeePassword = opened.office.office.employee.masterPassword;
  browser = await launchChromium();
  shots = await screenshotDir();
  adminPage = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  employeePage = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  for (const page of [adminPage, employeePage]) page.setDefaultTimeout(15_000);
  await adminPage.goto(`${host.url}&profile=${DEMO_PROFILES.admin}`);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await stack?.stop();
});

describe('the office recovery kit in the UI (Electron binary not available here: tested through the preview host)', () => {
  it('the root sees the kit once, with the code and the office fingerprint, and the code opens the server’s sealed kit', {
    timeout: 90_000,
  }, async () => {
    await adminPage.getByRole('button', { name: 'People' }).click();
    const card = adminPage.getByRole('region', { name: 'Office root' });
    await card.getByText('You hold the office root').waitFor();
    await card.getByRole('button', { name: 'Print office recovery kit' }).click();
    await adminPage.getByRole('button', { name: 'Show the kit' }).click();
    const sheet = adminPage.getByRole('dialog', { name: 'Office recovery kit' });
    code = ((await sheet.getByTestId('recovery-code').textContent()) ?? '').trim();
    expect(code).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
    await sheet.getByText('The recovery code is shown only this once').waitFor();
    await sheet.getByRole('button', { name: 'Print' }).waitFor();

    const policy = await stack.db.query<{ id: string; pub: string; kit: string }>(
      'select office_root_id::text as id, office_root_public as pub, recovery_kit::text as kit from public.client_policy',
    );
    const { id, pub, kit } = policy.rows[0]!;
    const rootPublic = fromBase64Url(pub)!;
    await sheet.getByText(fingerprint(rootPublic).split(' ')[0]!, { exact: true }).waitFor();
    expect(kit).not.toContain(normalizeRecoveryCode(code)!);
    const secret = await openRecoveryKit(code, JSON.parse(kit), { id, ed25519Public: rootPublic });
    expect(secret).toHaveLength(32);
    await shoot(adminPage, shots, 'admin-recovery-kit');
    expect(await auditBothThemes(adminPage, 'office recovery kit sheet')).toEqual([]);

    await sheet.getByRole('button', { name: 'Done' }).click();
    await sheet.waitFor({ state: 'hidden' });
  });

  it('a second admin takes over with the code in the UI; the root’s window is told', {
    timeout: 120_000,
  }, async () => {
    // The employee becomes an admin, confirmed by the root (core calls: the confirmation flow has its own test).
    const empId = (await admin.core.admin.members()).find((m) => m.role === 'member')!.id;
    await admin.core.admin.setRole(empId, 'admin');
    const listed = (await admin.core.admin.members()).find((m) => m.id === empId)!;
    await admin.core.admin.confirm(empId, listed.fingerprint!, 'admin');
    // A role change locks the person's PC; the next unlock finds them confirmed as an admin.
    await expect.poll(() => employee.core.state.state, { timeout: 30_000 }).toBe('locked');
    await employee.core.unlock(employeePassword);
    await expect
      .poll(() => employee.core.state.state === 'unlocked' && employee.core.state.user.role, {
        timeout: 30_000,
      })
      .toBe('admin');
    await employeePage.goto(`${host.url}&profile=${DEMO_PROFILES.employee}`);
    await employeePage.getByRole('button', { name: 'People' }).click();
    await employeePage.getByRole('button', { name: 'Take over as office root' }).click();
    const dialog = employeePage.getByRole('dialog', { name: 'Take over as office root' });
    await dialog.getByLabel('Recovery code').fill(code.toLowerCase());
    await dialog.getByLabel('Your master password').fill(employeePassword);
    await shoot(employeePage, shots, 'admin-take-over-root');
    expect(await auditBothThemes(employeePage, 'take over as office root')).toEqual([]);
    await dialog.getByRole('button', { name: 'Take over', exact: true }).click();
    await employeePage.getByText('You are now the office root.').waitFor();
    await employeePage
      .getByRole('region', { name: 'Office root' })
      .getByText('You hold the office root')
      .waitFor();
    await adminPage
      .getByText(/is now the office root\./)
      .first()
      .waitFor();
    // The People page reads the root again: the card names the new holder, the row tag moves.
    await adminPage
      .getByRole('region', { name: 'Office root' })
      .getByText('Sam Employee holds the office root')
      .waitFor();
    await shoot(adminPage, shots, 'admin-hears-new-root');
    expect(admin.core.succession.info()).toMatchObject({ holderId: empId, isMe: false, handOvers: 1 });
  });
});
