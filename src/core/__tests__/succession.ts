// The office root's succession end to end, run in order against one stack (the PGlite and PostgreSQL suites call
// this with their database kind): nobody ends the root, the root prints a recovery kit, an admin takes the role
// over with it (refused without the kit or with a wrong code), every PC hears of it, and the new root certifies a
// new admin whose grants every PC accepts.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OFFICE_ROOT_MESSAGES } from '../../shared/errors';
import { newRecoveryCode, normalizeRecoveryCode } from '../crypto/recovery-kit';
import type { RecoveryKitSheet } from '../index';
import { MASTER, Office, type Pc, refusal, SLOW, STARTUP, until, waitFor } from './office';

/** Reveals once the PC has pulled the rotated entry and its new grant (the pokes arrive in either order). */
async function revealSoon(pc: Pc, entryId: string): Promise<string> {
  const end = Date.now() + 30_000;
  for (;;) {
    await pc.core.syncNow();
    try {
      return await pc.core.vault.reveal(entryId);
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export function successionScenarios(kind: 'pglite' | 'postgres'): void {
  let office: Office;
  let boss: Pc;
  let heir: Pc;
  let emp: Pc;
  let sheet: RecoveryKitSheet;
  let bossId: string;
  let heirId: string;
  let vaultId: string;

  beforeAll(async () => {
    office = await Office.start(kind, { pollMs: 1_000 });
    boss = await office.firstAdmin();
    vaultId = boss.core.vaults()[0]!.id;
    await boss.core.vault.create(vaultId, { title: 'Wi-Fi', username: 'office', password: 'pw-1' });
    heir = await office.colleague(boss, 'heir@office.test', 'admin');
    emp = await office.colleague(boss, 'emp@office.test');
    const members = await boss.core.admin.members();
    bossId = members.find((m) => m.email === 'boss@office.test')!.id;
    heirId = members.find((m) => m.email === 'heir@office.test')!.id;
  }, STARTUP);
  afterAll(async () => {
    await office?.stop();
  });

  it(
    'another admin cannot reset, disable or demote the office root: the app refuses before the server',
    async () => {
      for (const attempt of [
        () => heir.core.admin.reset(bossId),
        () => heir.core.admin.disable(bossId),
        () => heir.core.admin.setRole(bossId, 'member'),
      ]) {
        const err = await refusal(attempt());
        expect(err.code).toBe('forbidden');
        expect(err.message).toBe(OFFICE_ROOT_MESSAGES.refused);
      }
      const root = (await heir.core.admin.members()).find((m) => m.id === bossId)!;
      expect([root.role, root.status, root.isOfficeRoot]).toEqual(['admin', 'active', true]);
    },
    SLOW,
  );

  it(
    'a take-over is refused while the office has no kit, and only the root makes one',
    async () => {
      const err = await refusal(heir.core.succession.takeOver(newRecoveryCode(), MASTER));
      expect([err.code, err.message]).toEqual(['not_found', OFFICE_ROOT_MESSAGES.noKit]);
      const notRoot = await refusal(heir.core.succession.createKit());
      expect([notRoot.code, notRoot.message]).toEqual(['forbidden', OFFICE_ROOT_MESSAGES.notHolder]);
    },
    SLOW,
  );

  it(
    'the root prints a recovery kit: a 160-bit code in groups, the office fingerprint; the code never reaches the server',
    async () => {
      sheet = await boss.core.succession.createKit();
      expect(sheet.code).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
      expect(sheet.officeFingerprint).toBe(boss.core.succession.info().officeFingerprint);
      const stored = await office.stack.db.query<{ kit: string }>(
        'select recovery_kit::text as kit from public.client_policy',
      );
      const kitText = stored.rows[0]!.kit;
      expect(kitText).toContain('argon2id');
      expect(kitText).not.toContain(normalizeRecoveryCode(sheet.code)!);
      expect(kitText).not.toContain(sheet.code);
    },
    SLOW,
  );

  it(
    'a wrong code, a typo and a wrong master password change nothing',
    async () => {
      for (const [code, password, message] of [
        [newRecoveryCode(), MASTER, OFFICE_ROOT_MESSAGES.badCode],
        [sheet.code.slice(0, -1), MASTER, OFFICE_ROOT_MESSAGES.badCode],
        [sheet.code, 'not the master password', 'That master password is not correct.'],
      ] as const) {
        const err = await refusal(heir.core.succession.takeOver(code, password));
        expect([err.code, err.message]).toEqual(['wrong_credentials', message]);
      }
      expect(heir.core.succession.info()).toMatchObject({
        holderId: bossId,
        isMe: false,
        canSignAsRoot: false,
      });
      const held = await office.stack.db.query('select root_holder from public.client_policy');
      expect(held.rows[0]).toEqual({ root_holder: null });
    },
    SLOW,
  );

  it(
    'the heir takes the root role with the kit: audited, and announced on every PC',
    async () => {
      const heard = [boss, emp].map((pc) =>
        waitFor(pc.core, 'officeRootChanged', (c) => c.holderId === heirId, 30_000),
      );
      const onHeir = waitFor(heir.core, 'officeRootChanged', (c) => c.holderId === heirId, 30_000);
      const info = await heir.core.succession.takeOver(sheet.code.toLowerCase(), MASTER);
      expect(info).toMatchObject({ holderId: heirId, isMe: true, canSignAsRoot: true, handOvers: 1 });
      for (const change of await Promise.all([...heard, onHeir]))
        expect(change).toEqual({ holderId: heirId, holderName: 'heir', n: 1 });
      expect(emp.core.succession.info()).toMatchObject({ holderId: heirId, isMe: false, handOvers: 1 });
      const events = await heir.core.office.audit({ action: 'root.take_over' });
      expect(events.events.map((e) => [e.actorEmail, e.targetEmail])).toEqual([
        ['heir@office.test', 'heir@office.test'],
      ]);
      const listed = await boss.core.admin.members();
      expect(listed.filter((m) => m.isOfficeRoot).map((m) => m.id)).toEqual([heirId]);
    },
    SLOW,
  );

  it(
    'the root key stays with the heir across a lock (sealed with their own keys), and the heir is now protected',
    async () => {
      await heir.core.lock();
      await heir.core.unlock(MASTER);
      await until(() => heir.core.state.state === 'unlocked', 30_000);
      expect(heir.core.succession.info()).toMatchObject({ isMe: true, canSignAsRoot: true, handOvers: 1 });
      const err = await refusal(boss.core.admin.reset(heirId));
      expect([err.code, err.message]).toEqual(['forbidden', OFFICE_ROOT_MESSAGES.refused]);
      const again = await refusal(heir.core.succession.takeOver(sheet.code, MASTER));
      expect([again.code, again.message]).toEqual(['invalid_request', OFFICE_ROOT_MESSAGES.already]);
    },
    SLOW,
  );

  it(
    'the new root certifies a new admin, whose grants every PC accepts; the first root can then leave',
    async () => {
      const deputy = await office.colleague(heir, 'deputy@office.test', 'admin');
      expect(deputy.core.vault.list().map((e) => e.title)).toEqual(['Wi-Fi']);
      // The deputy's own grants chain to the root through the certificate the heir signed with the root key.
      const late = await office.colleague(deputy, 'late@office.test');
      const wifi = late.core.vault.list()[0]!.id;
      expect(await late.core.vault.reveal(wifi)).toBe('pw-1');
      const rotated = await deputy.core.admin.rotateVault(vaultId, null);
      expect(rotated.keyVersion).toBe(2);
      for (const pc of [emp, late, heir]) expect(await revealSoon(pc, wifi)).toBe('pw-1');
      // The first root leaves (disabled, not reset): what it signed still verifies against every pin.
      const gone = await heir.core.admin.disable(bossId);
      expect(gone.status).toBe('disabled');
      const reset = await refusal(heir.core.admin.reset(bossId));
      expect([reset.code, reset.message]).toEqual(['forbidden', OFFICE_ROOT_MESSAGES.refused]);
      await emp.core.syncNow();
      expect(await emp.core.vault.reveal(wifi)).toBe('pw-1');
    },
    SLOW,
  );
}
