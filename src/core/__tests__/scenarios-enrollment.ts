// The office scenario, part one: the office is founded and its people enroll, and a wrong fingerprint on either
// side of an enrollment is refused.
import { expect, it } from 'vitest';
import { Cable, MASTER, refusal, SLOW } from './office';
import type { OfficeRun } from './scenarios-run';

export function enrollmentSteps(run: OfficeRun): void {
  it(
    'the first admin bootstraps the office: root, vault, own grant',
    async () => {
      run.admin = await run.office.firstAdmin();
      const s = run.admin.core.state;
      expect(s.state).toBe('unlocked');
      if (s.state !== 'unlocked') return;
      expect(s.user.role).toBe('admin');
      run.vaultId = run.admin.core.vaults()[0]!.id;
      run.wifiId = (
        await run.admin.core.vault.create(run.vaultId, {
          title: 'Wi-Fi',
          username: 'office',
          password: 'pw-1',
        })
      ).id;
      await run.admin.core.vault.create(run.vaultId, {
        title: 'Printer',
        username: 'admin',
        password: 'toner',
      });
    },
    SLOW,
  );

  it(
    'an enrollment with the wrong office fingerprint is refused',
    async () => {
      const sheet = await run.admin.core.admin.invite('mallory@office.test', 'Mallory', 'member');
      const pc = await run.office.pc('mallory');
      const s = await pc.core.redeemInvitation('mallory@office.test', sheet.oneTimePassword);
      expect(s.state).toBe('needsEnrollment');
      const err = await refusal(pc.core.enroll(MASTER, '11111 22222 33333 44444 55555 66666'));
      expect(err.code).toBe('fingerprint_mismatch');
    },
    SLOW,
  );

  it(
    'invites an employee, who enrolls; the admin confirms by fingerprint; the employee decrypts',
    async () => {
      run.emp = await run.office.colleague(run.admin, 'emp@office.test');
      run.admin2 = await run.office.colleague(run.admin, 'second@office.test', 'admin');
      run.cable = await Cable.to(run.office.stack.url);
      run.roamer = await run.office.colleague(run.admin, 'roamer@office.test', 'member', run.cable.url);
      for (const pc of [run.emp, run.admin2, run.roamer]) {
        expect(pc.core.vault.list().map((e) => e.title)).toEqual(['Printer', 'Wi-Fi']);
      }
      expect(await run.emp.core.vault.reveal(run.wifiId)).toBe('pw-1');
    },
    SLOW,
  );

  it(
    'a confirmation with the wrong fingerprint is refused',
    async () => {
      const sheet = await run.admin.core.admin.invite('late@office.test', 'Late', 'member');
      const pc = await run.office.pc('late');
      await pc.core.redeemInvitation('late@office.test', sheet.oneTimePassword);
      const pending = await pc.core.enroll(MASTER, sheet.officeFingerprint);
      expect(pending.state).toBe('pendingConfirmation');
      const err = await refusal(
        run.admin.core.admin.confirm(sheet.memberId, '00000 00000 00000 00000 00000 00000'),
      );
      expect(err.code).toBe('fingerprint_mismatch');
      const members = await run.admin.core.admin.members();
      expect(members.find((m) => m.id === sheet.memberId)?.status).toBe('enrolled');
    },
    SLOW,
  );
}
