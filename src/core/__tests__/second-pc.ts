// A person on more than one PC, end to end against one stack (the PGlite and PostgreSQL suites call this with
// their database kind): enrolled on PC 1, they sign in on PC 2 with email and master password alone; PC 1 hears
// of the new PC; an unknown email and a wrong password look the same; a master-password change on one PC locks
// the other, which opens with the new password; a device signed out by its owner or revoked by an admin is
// refused at once and erases its copy.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SIGN_IN_REFUSED } from '../session/new-pc';
import { MASTER, Office, type Pc, refusal, SLOW, STARTUP, until, waitFor } from './office';

const NEW_MASTER = 'another long master password 2026';

export function secondPcScenarios(kind: 'pglite' | 'postgres'): void {
  let office: Office;
  let admin: Pc;
  let desk: Pc;
  let laptop: Pc;
  let vaultId: string;
  let wifiId: string;

  beforeAll(async () => {
    office = await Office.start(kind, { pollMs: 1_000 });
    admin = await office.firstAdmin();
    vaultId = admin.core.vaults()[0]!.id;
    wifiId = (
      await admin.core.vault.create(vaultId, { title: 'Wi-Fi', username: 'office', password: 'pw-1' })
    ).id;
    desk = await office.colleague(admin, 'emp@office.test');
  }, STARTUP);
  afterAll(async () => {
    await office?.stop();
  });

  it(
    'PC 2 signs in with email and master password alone: the same vault, no admin step, and PC 1 hears of it',
    async () => {
      laptop = await office.pc('laptop');
      const heard = waitFor(desk.core, 'deviceAdded', (d) => d.name === 'laptop', 30_000);
      const s = await laptop.core.signIn('EMP@office.test ', MASTER);
      expect(s.state).toBe('unlocked');
      expect(laptop.core.vaults().map((v) => v.id)).toEqual([vaultId]);
      await laptop.core.syncNow();
      expect(await laptop.core.vault.reveal(wifiId)).toBe('pw-1');
      // The office fingerprint PC 2 shows is the one PC 1 pinned from the invitation sheet.
      const pinned = desk.core.state.state === 'unlocked' ? desk.core.state.officeFingerprint : '';
      expect(laptop.core.state.state === 'unlocked' && laptop.core.state.officeFingerprint).toBe(pinned);
      const added = await heard;
      expect(added.platform).toBe('linux');
      expect(Date.parse(added.at)).toBeGreaterThan(Date.now() - 120_000);

      // Both PCs are listed for the person (the own one marked) and for the admin; the log names the new PC.
      const mine = await desk.core.devices();
      expect(mine.map((d) => d.name).sort()).toEqual(['emp', 'laptop']);
      expect(mine.find((d) => d.current)?.name).toBe('emp');
      const listed = await admin.core.office.devices();
      expect(
        listed
          .filter((d) => d.userEmail === 'emp@office.test')
          .map((d) => d.name)
          .sort(),
      ).toEqual(['emp', 'laptop']);
      const { events } = await admin.core.office.audit({ action: 'device.added' });
      expect(events.some((e) => e.actorEmail === 'emp@office.test' && /laptop/.test(e.details))).toBe(true);

      // A change on one PC shows on the other, as between colleagues.
      const seen = waitFor(
        desk.core,
        'entriesChanged',
        (c) => c.changes.some((x) => x.op === 'upsert'),
        30_000,
      );
      await laptop.core.vault.create(vaultId, { title: 'Printer', password: 'pw-printer' });
      await seen;
    },
    SLOW,
  );

  it(
    'an unknown email, a wrong master password and a disabled account end in the same error',
    async () => {
      const leaver = await office.colleague(admin, 'gone@office.test');
      await admin.core.admin.disable(leaver.core.accountUserId!);
      const a = await office.pc('stranger-1');
      const b = await office.pc('stranger-2');
      const c = await office.pc('stranger-3');
      const unknown = await refusal(a.core.signIn('nobody@office.test', MASTER));
      const wrong = await refusal(b.core.signIn('emp@office.test', 'not the master password at all'));
      // Auth refuses a banned account before it looks at the password: that must not tell who left.
      const gone = await refusal(c.core.signIn('gone@office.test', 'not the master password at all'));
      expect([unknown.code, unknown.message]).toEqual(['wrong_credentials', SIGN_IN_REFUSED]);
      expect([wrong.code, wrong.message]).toEqual([unknown.code, unknown.message]);
      expect([gone.code, gone.message]).toEqual([unknown.code, unknown.message]);
      for (const pc of [a, b, c]) {
        expect(pc.core.state.state).toBe('signedOut');
        expect(pc.core.accountUserId).toBeNull();
      }
    },
    SLOW,
  );

  it(
    'an invitation is not a master password: the one-time password does not sign in as a known account',
    async () => {
      const sheet = await admin.core.admin.invite('new@office.test', 'New', 'member');
      const pc = await office.pc('new');
      expect((await refusal(pc.core.signIn('new@office.test', sheet.oneTimePassword))).message).toBe(
        SIGN_IN_REFUSED,
      );
      expect((await pc.core.redeemInvitation('new@office.test', sheet.oneTimePassword)).state).toBe(
        'needsEnrollment',
      );
    },
    SLOW,
  );

  it(
    'a master-password change on PC 1 locks PC 2 at once; PC 2 opens with the new password, not the old',
    async () => {
      const locked = waitFor(laptop.core, 'sessionChanged', (s) => s.state === 'locked', 15_000);
      await desk.core.changeMasterPassword(MASTER, NEW_MASTER);
      const s = await locked;
      expect(s.state === 'locked' && s.notice).toMatch(/changed on another PC/);
      expect((await refusal(laptop.core.unlock(MASTER))).code).toBe('wrong_credentials');
      expect((await laptop.core.unlock(NEW_MASTER)).state).toBe('unlocked');
      await laptop.core.syncNow();
      expect(await laptop.core.vault.reveal(wifiId)).toBe('pw-1');
      expect(desk.core.state.state).toBe('unlocked');
      // And the next unlock needs no server: PC 2 keeps the new wrapping.
      await laptop.core.lock();
      expect((await laptop.core.unlock(NEW_MASTER)).state).toBe('unlocked');
      const { events } = await admin.core.office.audit({ action: 'account.password_changed' });
      expect(events.some((e) => e.actorEmail === 'emp@office.test')).toBe(true);
    },
    SLOW,
  );

  it(
    'the person signs another of their PCs out: its next request is refused and it erases its copy',
    async () => {
      const own = await desk.core.devices();
      const target = own.find((d) => d.name === 'laptop')!;
      const gone = waitFor(laptop.core, 'sessionChanged', (s) => s.state === 'signedOut', 30_000);
      await desk.core.signOutDevice(target.id);
      const s = await gone;
      expect(s.state === 'signedOut' && s.notice).toMatch(/signed out/);
      expect(laptop.core.accountUserId).toBeNull();
      const cache = await readFile(join(laptop.dir, 'cache.json'), 'utf8').catch(() => '');
      expect(cache).not.toContain('emp@office.test');
      // A PC cannot sign itself out this way, and nobody signs out a colleague's PC but an admin.
      const self = own.find((d) => d.current)!;
      expect((await refusal(desk.core.signOutDevice(self.id))).code).toBe('invalid_request');
      const adminPc = (await admin.core.devices()).find((d) => d.current)!;
      expect((await refusal(desk.core.signOutDevice(adminPc.id))).code).toBe('forbidden');
      // The person can sign in on it again: a fresh start, like a new PC, and told to the other PCs like one.
      const back = waitFor(desk.core, 'deviceAdded', (d) => d.id === target.id, 30_000);
      expect((await laptop.core.signIn('emp@office.test', NEW_MASTER)).state).toBe('unlocked');
      await back;
      // Registered as it starts syncing, a moment after it opened.
      const end = Date.now() + 15_000;
      while ((await desk.core.devices()).find((d) => d.id === target.id)?.revokedAt !== null) {
        if (Date.now() > end) throw new Error('the PC was not registered again');
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    SLOW,
  );

  it(
    'an admin revokes a PC that is offline: it is refused and wiped when it next reaches the server',
    async () => {
      const laptopId = (await laptop.core.devices()).find((d) => d.current)!.id;
      await laptop.core.lock();
      await laptop.core.dispose();
      await admin.core.office.revokeDevice(laptopId);
      const row = (await admin.core.office.devices()).find((d) => d.id === laptopId);
      expect(row?.revokedAt).not.toBeNull();
      const { events } = await admin.core.office.audit({ action: 'device.revoked' });
      expect(events.some((e) => e.actorEmail === 'boss@office.test')).toBe(true);

      // The app starts again on that disk: it unlocks from its cache, then the server's answer ends it.
      laptop = await office.pc('laptop', laptop.dir);
      const gone = waitFor(laptop.core, 'sessionChanged', (s) => s.state === 'signedOut', 30_000);
      await laptop.core.unlock(NEW_MASTER).catch(() => {});
      await gone;
      await until(() => laptop.core.accountUserId === null, 10_000);
    },
    SLOW,
  );
}
