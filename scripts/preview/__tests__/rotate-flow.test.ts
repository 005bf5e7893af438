// End-to-end through the preview host: offboarding on the People page. The admin disables the employee, is
// offered the key rotation right away, confirms it, and reads the result: the new key version and the entry the
// employee copied, to change at the source. Then, with the server gone, the same action says so in words.
// (Electron binary not available here: tested through the preview host.)
import { randomBytes } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
let adminPage: Page;
let shots: string;
let stopped = false;

beforeAll(async () => {
  stack = await startStack({ port: 0 });
  const opened = await openPreviewOffice(stack);
  host = opened.host;
  admin = opened.office.admin;
  employee = opened.office.employee;
  browser = await launchChromium();
  shots = await screenshotDir();
  adminPage = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  adminPage.setDefaultTimeout(15_000);
  await adminPage.goto(`${host.url}&profile=${DEMO_PROFILES.admin}`);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  if (!stopped) await stack?.stop();
});

/** Ticks exactly one vault in the rotation dialog. */
async function only(dialog: Locator, name: string) {
  // The list comes from vault.list after the dialog opens.
  await dialog.getByRole('checkbox', { name }).waitFor();
  for (const box of await dialog.getByRole('checkbox').all()) {
    const label = (await box.locator('xpath=..').textContent()) ?? '';
    if (label.includes(name)) await box.check();
    else await box.uncheck();
  }
}

const keyVersion = async (vaultId: string) =>
  (
    await stack.db.query<{ key_version: number }>(`select key_version from public.vaults where id = $1`, [
      vaultId,
    ])
  ).rows[0]!.key_version;

describe('rotating vault keys after offboarding, in the UI (Electron binary not available here: tested through the preview host)', () => {
  it('disable, confirm the rotation, see the new key version and the entry the leaver copied', {
    timeout: 90_000,
  }, async () => {
    const copied = employee.core.vault.list()[0]!;
    await employee.core.vault.copy(copied.id, 'password');
    const vault = admin.core.vaults().find((v) => v.name === 'Office');
    const before = await keyVersion(vault!.id);

    await adminPage.getByRole('button', { name: 'People' }).click();
    const row = adminPage.getByRole('row', { name: /Sam Employee/ });
    await row.getByRole('button', { name: 'Disable' }).click();
    await adminPage
      .getByRole('dialog', { name: 'Disable Sam Employee?' })
      .getByRole('button', { name: 'Disable' })
      .click();

    const dialog = adminPage.getByRole('dialog', { name: 'Rotate vault keys after Sam Employee' });
    await dialog.getByText(/every entry in it is opened and encrypted again/).waitFor();
    await dialog.getByRole('checkbox', { name: /Office/ }).waitFor();
    expect(await auditBothThemes(adminPage, 'rotate-confirm')).toEqual([]);
    await dialog.getByRole('button', { name: 'Rotate 1 vault' }).click();

    const result = dialog.getByRole('region', { name: vault!.name });
    await result.getByText(`New key: version ${before + 1}.`).waitFor({ timeout: 30_000 });
    const exposed = result.getByTestId('exposed-entries').getByRole('listitem');
    await expect.poll(() => exposed.allInnerTexts()).toEqual([expect.stringContaining(copied.title)]);
    await expect.poll(() => exposed.first().textContent()).toContain('copied the password');
    // Nobody the server listed was left out: no warning.
    expect(await result.getByTestId('unverified-holders').count()).toBe(0);
    expect(await keyVersion(vault!.id)).toBe(before + 1);
    expect(await auditBothThemes(adminPage, 'rotate-result')).toEqual([]);
    await shoot(adminPage, shots, 'admin-rotated-vault-keys');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows the refusal for a vault with an entry that does not open, and leaves its key alone', {
    timeout: 90_000,
  }, async () => {
    const payroll = await admin.core.admin.createVault('Payroll');
    const sample = { username: '', url: '', category: '', notes: '', totp: '', fields: [] };
    const a = await admin.core.vault.create(payroll.id, { ...sample, title: 'Bank', password: 'one-pass' });
    const b = await admin.core.vault.create(payroll.id, {
      ...sample,
      title: 'Payslips',
      password: 'two-pass',
    });
    // Acting as the server: one entry's row carries the other's envelope.
    await stack.db.query(
      `update public.entries set envelope = (select envelope from public.entries where id = $2) where id = $1`,
      [a.id, b.id],
    );
    const before = await keyVersion(payroll.id);
    await adminPage
      .getByRole('row', { name: /Sam Employee/ })
      .getByRole('button', { name: 'Rotate vault keys' })
      .click();
    const dialog = adminPage.getByRole('dialog', { name: 'Rotate vault keys after Sam Employee' });
    await only(dialog, 'Payroll');
    await dialog.getByRole('button', { name: 'Rotate 1 vault' }).click();
    const failed = dialog.getByRole('region', { name: 'Payroll' }).getByRole('alert');
    await failed.waitFor({ timeout: 30_000 });
    // Named by the title this PC accepted (the rotation re-encrypts only rows this PC accepted).
    expect(await failed.textContent()).toMatch(
      /^“Bank” (is damaged on this PC|on the server is not the one this PC has: sync and try again); the key was not rotated\.$/,
    );
    expect(await keyVersion(payroll.id)).toBe(before);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('warns about a holder the server lists with a grant nobody signed: they are not given the new key', {
    timeout: 120_000,
  }, async () => {
    // A third colleague, invited, enrolled on their own PC and confirmed; then a vault only the admin holds.
    const third = await host.open('third-pc');
    const invitation = await admin.core.admin.invite(
      'robin.third@demo.keyroom.test',
      'Robin Third',
      'member',
    );
    await third.core.redeemInvitation('robin.third@demo.keyroom.test', invitation.oneTimePassword);
    const pending = await third.core.enroll('a long enough master password', invitation.officeFingerprint);
    if (pending.state !== 'pendingConfirmation') throw new Error(`Robin is ${pending.state}`);
    await admin.core.admin.confirm(invitation.memberId, pending.fingerprint);
    const board = await admin.core.admin.createVault('Board');
    const me = admin.core.state;
    if (me.state !== 'unlocked') throw new Error(`the admin is ${me.state}`);
    const { rows } = await stack.db.query<{ x25519_public: string; key_version: number }>(
      `select p.x25519_public, v.key_version from public.profiles p, public.vaults v where p.id = $1 and v.id = $2`,
      [invitation.memberId, board.id],
    );
    // Acting as the server: a grant row for Robin, sealed and signed by no one.
    await stack.db.query(
      `insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, granted_by, signature)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        board.id,
        invitation.memberId,
        rows[0]!.key_version,
        randomBytes(80).toString('base64url'),
        rows[0]!.x25519_public,
        me.user.id,
        randomBytes(64).toString('base64url'),
      ],
    );
    await adminPage
      .getByRole('row', { name: /Sam Employee/ })
      .getByRole('button', { name: 'Rotate vault keys' })
      .click();
    const dialog = adminPage.getByRole('dialog', { name: 'Rotate vault keys after Sam Employee' });
    await only(dialog, 'Board');
    await dialog.getByRole('button', { name: 'Rotate 1 vault' }).click();
    const result = dialog.getByRole('region', { name: 'Board' });
    await result.getByText(`New key: version ${rows[0]!.key_version + 1}.`).waitFor({ timeout: 30_000 });
    const warning = result.getByRole('alert');
    expect(await warning.textContent()).toContain('Not given the new key');
    expect(await result.getByTestId('unverified-holders').getByRole('listitem').allTextContents()).toEqual([
      'Robin Third (robin.third@demo.keyroom.test) — listed by the server without a valid grant',
    ]);
    const holders = await stack.db.query<{ member_id: string }>(
      `select g.member_id from public.vault_grants g join public.vaults v on v.id = g.vault_id
       and v.key_version = g.key_version where g.vault_id = $1`,
      [board.id],
    );
    expect(holders.rows.map((r) => r.member_id)).toEqual([me.user.id]);
    expect(await auditBothThemes(adminPage, 'rotate-unverified')).toEqual([]);
    await shoot(adminPage, shots, 'admin-rotation-unverified-holder');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    await third.close();
  });

  it('says in words that the server cannot be reached', {
    timeout: 90_000,
  }, async () => {
    await stack.stop();
    stopped = true;
    await adminPage
      .getByRole('row', { name: /Sam Employee/ })
      .getByRole('button', { name: 'Rotate vault keys' })
      .click();
    const dialog = adminPage.getByRole('dialog', { name: 'Rotate vault keys after Sam Employee' });
    await only(dialog, 'Office');
    await dialog.getByRole('button', { name: 'Rotate 1 vault' }).click();
    const failed = dialog.getByRole('region', { name: 'Office' }).getByRole('alert');
    await failed.waitFor({ timeout: 30_000 });
    expect(await failed.textContent()).toBe('You are offline. This needs a connection to the office server.');
  });
});
