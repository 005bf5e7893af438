// End-to-end through the preview host: the admin unlocks in the UI, invites a colleague, the colleague signs
// in with the one-time password in a second browser context (a second PC), checks the office fingerprint from
// the invitation sheet and creates their keys, reads their own fingerprint to the admin, and the admin confirms
// by typing it. Then the new colleague sees the office entries. (Electron binary not available here: the shell
// is tested through the preview host.)
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
let adminPassword = '';
let adminPage: Page;
let newcomerPage: Page;
let shots: string;

const NEWCOMER = {
  name: 'Robin Reception',
  email: 'robin@demo.keyroom.test',
  password: 'violet-harbour-lantern-quartz',
};

beforeAll(async () => {
  db = await createTestDatabase('keyroom_e2e_enroll');
  stack = await startStack({ port: 0, dbUrl: db.url });
  const opened = await openPreviewOffice(stack);
  host = opened.host;
  const { office } = opened;
  admin = office.admin;
  adminPassword = office.office.admin.masterPassword;
  await admin.core.lock();
  browser = await launchChromium();
  shots = await screenshotDir();
  adminPage = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
  newcomerPage = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
  for (const page of [adminPage, newcomerPage]) page.setDefaultTimeout(15_000);
  await adminPage.goto(`${host.url}&profile=${DEMO_PROFILES.admin}`);
  await newcomerPage.goto(`${host.url}&profile=new-reception-pc`);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await stack?.stop();
  await db?.drop();
});

describe('invite, enroll on a second PC, confirm by fingerprint (Electron binary not available here: tested through the preview host)', () => {
  it('admin unlocks with the master password', async () => {
    await adminPage.getByLabel('Master password').fill(adminPassword);
    await adminPage.getByRole('button', { name: 'Unlock', exact: true }).click();
    await adminPage.getByRole('region', { name: 'Entry list' }).getByText('Office Wi-Fi').waitFor();
    await shoot(adminPage, shots, 'admin-unlocked');
  });

  it('admin invites a colleague and gets the invitation sheet with a one-time password', {
    timeout: 90_000,
  }, async () => {
    await adminPage.getByRole('button', { name: 'People' }).click();
    await adminPage.getByRole('button', { name: 'Invite' }).click();
    await adminPage.getByLabel('Name').fill(NEWCOMER.name);
    await adminPage.getByLabel('Work email').fill(NEWCOMER.email);
    await adminPage.getByRole('button', { name: 'Create invitation' }).click();
    const otp = (await adminPage.locator('.sheet-otp').textContent())?.trim() ?? '';
    expect(otp.length).toBeGreaterThanOrEqual(8);
    await shoot(adminPage, shots, 'admin-invitation-sheet');
    await adminPage.getByRole('button', { name: 'Done' }).click();

    // The second PC: "I have an invitation", the one-time password, then a master password and the office fingerprint.
    await newcomerPage.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shoot(newcomerPage, shots, 'sign-in-master-password');
    await newcomerPage.getByRole('button', { name: 'I have an invitation' }).click();
    await newcomerPage.getByLabel('Email').fill(NEWCOMER.email);
    await newcomerPage.getByLabel('One-time password').fill(otp);
    await shoot(newcomerPage, shots, 'newcomer-sign-in-invitation');
    await newcomerPage.getByRole('button', { name: 'Continue' }).click();
    await newcomerPage.getByLabel('Master password', { exact: true }).fill(NEWCOMER.password);
    await newcomerPage.getByLabel('Repeat master password').fill(NEWCOMER.password);
    const office = admin.core.state.state === 'unlocked' ? admin.core.state.officeFingerprint : '';
    await newcomerPage.getByLabel('Office fingerprint from your invitation sheet').fill(office);
    await newcomerPage.getByRole('button', { name: 'Create my keys' }).click();
    await newcomerPage.getByText('Your fingerprint').waitFor({ timeout: 30_000 });
    await shoot(newcomerPage, shots, 'newcomer-pending');
  });

  it('admin confirms the colleague by the fingerprint they read out, and the colleague sees the office entries', {
    timeout: 90_000,
  }, async () => {
    const newcomer = await host.open('new-reception-pc');
    const state = newcomer.core.state;
    expect(state.state).toBe('pendingConfirmation');
    const spoken = state.state === 'pendingConfirmation' ? state.fingerprint : '';
    // Leave the page and come back: the people list is read when the page opens.
    await adminPage.getByRole('button', { name: 'All items' }).click();
    await adminPage.getByRole('button', { name: 'People' }).click();
    await adminPage.getByRole('button', { name: 'Compare and confirm' }).click();
    await adminPage.getByLabel('Type the fingerprint they read to you').fill(spoken);
    await adminPage.getByRole('button', { name: `Confirm ${NEWCOMER.name}` }).click();
    await newcomerPage
      .getByRole('region', { name: 'Entry list' })
      .getByText('Office Wi-Fi')
      .waitFor({ timeout: 30_000 });
    await shoot(newcomerPage, shots, 'newcomer-confirmed');
  });
});
