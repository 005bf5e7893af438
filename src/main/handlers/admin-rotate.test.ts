// Rotating a vault key after offboarding, through dispatch() on the real core and the local stack (fresh
// PostgreSQL database): the demo office's admin PC and employee PC. The tamper case acts as the server and
// writes a grant nobody signed straight into the database.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoOffice } from '../../../scripts/demo-office';
import { type RunningStack, startStack } from '../../../scripts/local-stack/server';
import { type CoreSession, coreSessions } from '../../../scripts/preview/session';
import { createTestDatabase, type TestDatabase } from '../../../scripts/test/pg';
import type { CallRequest } from '../../shared/contract';
import { answer, call, userId } from './test-dispatch';

let db: TestDatabase;
let stack: RunningStack;
let admin: CoreSession;
let employee: CoreSession;

const keyVersionOf = async (vaultId: string) =>
  (
    await stack.db.query<{ key_version: number }>(`select key_version from public.vaults where id = $1`, [
      vaultId,
    ])
  ).rows[0]!.key_version;

/** Who holds a grant of the vault's current key, as the server stores it. */
const grantees = async (vaultId: string) =>
  (
    await stack.db.query<{ member_id: string }>(
      `select g.member_id from public.vault_grants g join public.vaults v on v.id = g.vault_id
       and v.key_version = g.key_version where g.vault_id = $1 order by 1`,
      [vaultId],
    )
  ).rows.map((r) => r.member_id);

beforeAll(async () => {
  db = await createTestDatabase('keyroom_admin_rotate');
  stack = await startStack({ port: 0, dbUrl: db.url });
  const profilesDir = await mkdtemp(join(tmpdir(), 'keyroom-admin-rotate-'));
  const options = {
    url: stack.url,
    publishableKey: stack.publishableKey,
    profilesDir,
    version: '0.1.0',
    pollMs: 1000,
  };
  const sessions = coreSessions(options);
  const opened = await openDemoOffice({ ...options, secretKey: stack.secretKey }, (profile) =>
    sessions(profile, () => {}),
  );
  admin = opened.admin;
  employee = opened.employee;
}, 120_000);

afterAll(async () => {
  await admin?.close();
  await employee?.close();
  await stack?.stop();
  await db?.drop();
});

describe('admin.rotateVault over the real core', () => {
  it('refuses an employee and a request without the leaver field, and changes nothing', async () => {
    const [vault] = (await answer(admin, 'vault.list', {})).vaults;
    const before = await keyVersionOf(vault!.id);
    const byEmployee = await call(employee, 'admin.rotateVault', { vaultId: vault!.id, leaverId: null });
    expect(byEmployee).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const loose = await call(admin, 'admin.rotateVault', {
      vaultId: vault!.id,
    } as CallRequest<'admin.rotateVault'>);
    expect(loose).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(await keyVersionOf(vault!.id)).toBe(before);
  });

  it('refuses, in words, to rotate a vault with an entry that does not open, and keeps the key', async () => {
    const payroll = await admin.core.admin.createVault('Payroll');
    const sample = { username: '', url: '', category: '', notes: '', totp: '', fields: [] };
    const a = await admin.core.vault.create(payroll.id, { ...sample, title: 'Bank', password: 'one-pass' });
    const b = await admin.core.vault.create(payroll.id, {
      ...sample,
      title: 'Payslips',
      password: 'two-pass',
    });
    // Acting as the server: one entry's row carries the other's envelope (bound to another id, so it fails).
    await stack.db.query(
      `update public.entries set envelope = (select envelope from public.entries where id = $2) where id = $1`,
      [a.id, b.id],
    );
    const before = await keyVersionOf(payroll.id);
    const refused = await call(admin, 'admin.rotateVault', { vaultId: payroll.id, leaverId: null });
    // The refusal names the entry by the title this PC accepted: damaged here once the poke has arrived, or
    // different from what this PC holds when the rotation reads the row first.
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'damaged',
        message: expect.stringMatching(
          /^“Bank” (is damaged on this PC|on the server is not the one this PC has: sync and try again); the key was not rotated\.$/,
        ),
      },
    });
    expect(await keyVersionOf(payroll.id)).toBe(before);
    expect(await grantees(payroll.id)).toEqual([userId(admin)]);
  });

  it('names someone the server lists with a grant nobody signed, and gives them no new key', async () => {
    const finance = await admin.core.admin.createVault('Finance');
    const outsider = userId(employee);
    const { rows } = await stack.db.query<{ x25519_public: string; key_version: number }>(
      `select p.x25519_public, v.key_version from public.profiles p, public.vaults v where p.id = $1 and v.id = $2`,
      [outsider, finance.id],
    );
    // Acting as the server: a grant row for the employee, sealed and signed by no one.
    await stack.db.query(
      `insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, granted_by, signature)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        finance.id,
        outsider,
        rows[0]!.key_version,
        randomBytes(80).toString('base64url'),
        rows[0]!.x25519_public,
        userId(admin),
        randomBytes(64).toString('base64url'),
      ],
    );
    const rotated = await answer(admin, 'admin.rotateVault', { vaultId: finance.id, leaverId: null });
    expect(rotated.keyVersion).toBe(rows[0]!.key_version + 1);
    expect(rotated.unverified).toEqual([
      {
        memberId: outsider,
        email: expect.stringContaining('@'),
        displayName: expect.any(String),
        reason: 'listed by the server without a valid grant',
      },
    ]);
    expect(rotated.exposed).toEqual([]);
    expect(await grantees(finance.id)).toEqual([userId(admin)]);
  });

  it('after disabling the employee: a new key, only the admin holds it, and the entries they copied are listed with their health', async () => {
    const first = await answer(employee, 'vault.list', {});
    const officeId = first.vaults.find((v) => v.name === 'Office')!.id;
    const kiosk = await answer(admin, 'vault.create', {
      vaultId: officeId,
      entry: {
        title: 'Kiosk',
        username: 'kiosk',
        password: 'password1',
        url: '',
        category: '',
        notes: '',
        totpSecret: null,
        customFields: [],
      },
    });
    await expect
      .poll(async () => (await answer(employee, 'vault.list', {})).entries.some((e) => e.id === kiosk.id))
      .toBe(true);
    const { vaults, entries } = await answer(employee, 'vault.list', {});
    const office = vaults.find((v) => v.name === 'Office')!;
    const copied = entries.find((e) => e.vaultId === office.id && e.id !== kiosk.id)!;
    await answer(employee, 'vault.copy', { id: copied.id, field: 'password' });
    await answer(employee, 'vault.copy', { id: kiosk.id, field: 'password' });
    const leaver = userId(employee);
    await answer(admin, 'admin.disable', { memberId: leaver });
    const before = await keyVersionOf(office.id);

    const rotated = await answer(admin, 'admin.rotateVault', { vaultId: office.id, leaverId: leaver });
    expect(rotated.keyVersion).toBe(before + 1);
    expect(await keyVersionOf(office.id)).toBe(before + 1);
    expect(await grantees(office.id)).toEqual([userId(admin)]);
    // The offboarding list carries each entry's password health: the weak one is flagged.
    expect(rotated.exposed).toEqual(
      expect.arrayContaining([
        { entryId: copied.id, title: copied.title, action: 'entry.copy', at: expect.any(String), flags: [] },
        { entryId: kiosk.id, title: 'Kiosk', action: 'entry.copy', at: expect.any(String), flags: ['weak'] },
      ]),
    );
    expect(rotated.exposed).toHaveLength(2);
    // A disabled leaver is not "unverified": they were left out on purpose.
    expect(rotated.unverified).toEqual([]);
    // The admin still opens every entry under the new key.
    const after = await answer(admin, 'vault.list', {});
    expect(after.entries.filter((e) => e.vaultId === office.id).length).toBe(office.entryCount);
  });
});
