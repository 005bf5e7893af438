// The server as the adversary of the office root's succession: it writes client_policy.root_holder directly (as the
// database owner, so the policy poke reaches every PC) to name a new root the pinned key never named, or serves an
// old hand-over again. Every PC refuses it (an alarm, never "X is now the office root"), keeps the holder it
// verified, and the claimed holder gains nothing: no admin certification, no protection taken from the real root.
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OFFICE_ROOT_MESSAGES } from '../../shared/errors';
import { toBase64Url } from '../crypto/bytes';
import { signRootHolder } from '../crypto/root-holder';
import type { RecoveryKitSheet } from '../index';
import { MASTER, Office, type Pc, refusal, SLOW, STARTUP, waitFor } from './office';

describe('a malicious server and the office root', () => {
  let office: Office;
  let boss: Pc;
  let admin2: Pc;
  let emp: Pc;
  let sheet: RecoveryKitSheet;
  let bossId: string;
  let admin2Id: string;
  let rootId: string;

  /** The server's own claim, written as the owner: the policy trigger pokes every PC as for a real take-over. */
  const claim = (statement: unknown) =>
    office.stack.db.query('update public.client_policy set root_holder = $1::jsonb', [
      statement === null ? null : JSON.stringify(statement),
    ]);

  beforeAll(async () => {
    office = await Office.start('postgres', { pollMs: 1_000 });
    boss = await office.firstAdmin();
    admin2 = await office.colleague(boss, 'second@office.test', 'admin');
    emp = await office.colleague(boss, 'emp@office.test');
    const members = await boss.core.admin.members();
    bossId = members.find((m) => m.email === 'boss@office.test')!.id;
    admin2Id = members.find((m) => m.email === 'second@office.test')!.id;
    rootId = bossId;
    sheet = await boss.core.succession.createKit();
  }, STARTUP);
  afterAll(async () => {
    await office?.stop();
  });

  it(
    'names a new office root without the root key’s signature: refused on every PC, the root stays the root',
    async () => {
      const forgedKey = ed25519.utils.randomSecretKey();
      const forgeries = [
        signRootHolder({ id: rootId, ed25519Secret: forgedKey }, admin2Id, 1),
        { holder: admin2Id, n: 1, sig: toBase64Url(new Uint8Array(64)) },
        { holder: admin2Id, n: 1 },
      ];
      for (const [i, forged] of forgeries.entries()) {
        const alarms = [emp, boss, admin2].map((pc) =>
          waitFor(pc.core, 'officeRootRefused', () => true, 30_000),
        );
        let announced = false;
        const off = emp.core.events.on('officeRootChanged', () => {
          announced = true;
        });
        await claim(forged);
        await Promise.all(alarms);
        off();
        expect(announced, `forgery ${i}`).toBe(false);
        for (const pc of [emp, boss, admin2])
          expect(pc.core.succession.info()).toMatchObject({ holderId: bossId, handOvers: 0 });
      }
      expect(admin2.core.succession.info().canSignAsRoot).toBe(false);
      const listed = await boss.core.admin.members();
      expect(listed.filter((m) => m.isOfficeRoot).map((m) => m.id)).toEqual([bossId]);
      // The claimed holder gains nothing: the app still refuses to end the real root, and cannot certify an admin.
      const reset = await refusal(admin2.core.admin.reset(bossId));
      expect([reset.code, reset.message]).toEqual(['forbidden', OFFICE_ROOT_MESSAGES.refused]);
      const sheet2 = await admin2.core.admin.invite('deputy@office.test', 'Deputy', 'admin');
      const deputy = await office.pc('deputy');
      await deputy.core.redeemInvitation('deputy@office.test', sheet2.oneTimePassword);
      const pending = await deputy.core.enroll(MASTER, sheet2.officeFingerprint);
      if (pending.state !== 'pendingConfirmation') throw new Error(pending.state);
      const certify = await refusal(admin2.core.admin.confirm(sheet2.memberId, pending.fingerprint, 'admin'));
      expect(certify.code).toBe('forbidden');
      await claim(null);
    },
    SLOW,
  );

  it(
    'withholds the kit or swaps in another office’s: the printed line still hands the role on, the swap opens nothing',
    async () => {
      const stored = await office.stack.db.query<{ k: string }>(
        'select recovery_kit::text as k from public.client_policy',
      );
      await office.stack.db.query('update public.client_policy set recovery_kit = null');
      const withheld = await refusal(admin2.core.succession.takeOver(sheet.code, MASTER));
      expect([withheld.code, withheld.message]).toEqual(['not_found', OFFICE_ROOT_MESSAGES.noKit]);
      // Another office's kit, relabelled as this office's: its seal is bound to the other root, so nothing opens.
      const foreign = JSON.parse(stored.rows[0]!.k) as Record<string, unknown>;
      const otherRoot = ed25519.getPublicKey(ed25519.utils.randomSecretKey());
      await office.stack.db.query('update public.client_policy set recovery_kit = $1::jsonb', [
        JSON.stringify({ ...foreign, root_public: toBase64Url(otherRoot) }),
      ]);
      const swapped = await refusal(admin2.core.succession.takeOver(sheet.code, MASTER));
      expect([swapped.code, swapped.message]).toEqual(['wrong_credentials', OFFICE_ROOT_MESSAGES.badCode]);
      expect(admin2.core.succession.info()).toMatchObject({ holderId: bossId, canSignAsRoot: false });
      const info = await admin2.core.succession.takeOver(sheet.code, MASTER, sheet.sealedKit);
      expect(info).toMatchObject({ holderId: admin2Id, isMe: true, canSignAsRoot: true, handOvers: 1 });
      await office.stack.db.query('update public.client_policy set recovery_kit = $1::jsonb', [
        stored.rows[0]!.k,
      ]);
    },
    SLOW,
  );

  it(
    'serves an old hand-over again after a newer one: refused, the newer holder stays',
    async () => {
      const first = await office.stack.db.query<{ s: string }>(
        'select root_holder::text as s from public.client_policy',
      );
      const heard = waitFor(emp.core, 'officeRootChanged', (c) => c.holderId === bossId && c.n === 2, 30_000);
      await boss.core.succession.takeOver(sheet.code, MASTER);
      await heard;
      const alarm = waitFor(emp.core, 'officeRootRefused', () => true, 30_000);
      await claim(JSON.parse(first.rows[0]!.s));
      await alarm;
      expect(emp.core.succession.info()).toMatchObject({ holderId: bossId, handOvers: 2 });
      // Dropping the statement altogether changes nothing either: a PC keeps the hand-over it verified.
      await claim(null);
      await emp.core.syncNow();
      expect(emp.core.succession.info()).toMatchObject({ holderId: bossId, handOvers: 2 });
    },
    SLOW,
  );
});
