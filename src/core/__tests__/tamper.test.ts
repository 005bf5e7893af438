// The server as the adversary (DESIGN.md §4, "Zero Knowledge (About) Encryption"): rows are rewritten
// directly in the database, triggers off, the way a compromised backend would. Every attack must end in the
// one uniform "damaged" refusal (or a reported rollback), never in wrong plaintext or a weaker path.
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreError, MESSAGES } from '../backend/errors';
import { fromBase64Url, toBase64Url } from '../crypto/bytes';
import { DamagedError } from '../crypto/damaged';
import { KeyCertificateSchema, signGrant, verifyColleague } from '../crypto/trust';
import { MASTER, Office, type Pc, SLOW, STARTUP, waitFor } from './office';

async function damagedRefusal(run: () => unknown): Promise<void> {
  let err: unknown;
  try {
    await run();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CoreError);
  expect((err as CoreError).code).toBe('damaged');
  expect((err as CoreError).message).toBe(MESSAGES.damaged);
}

describe('a malicious server', () => {
  let office: Office;
  let admin: Pc;
  let victim: Pc;
  let other: Pc;
  let admin2: Pc;
  let office1: string;
  let office2: string;
  let clean: string;
  const ids: Record<string, string> = {};

  const tamper = (sql: string, params: unknown[] = []) => office.tamper(sql, params);

  beforeAll(async () => {
    office = await Office.start('postgres');
    admin = await office.firstAdmin();
    office1 = admin.core.vaults()[0]!.id;
    office2 = (await admin.core.admin.createVault('Second')).id;
    clean = (await admin.core.admin.createVault('Untouched')).id;
    for (const t of ['swap-a', 'swap-b', 'moved', 'rollback', 'relabel', 'truncated', 'reversioned']) {
      ids[t] = (await admin.core.vault.create(office1, { title: t, password: `secret-${t}` })).id;
    }
    for (const t of ['rollback', 'relabel']) {
      const e = admin.core.vault.get(ids[t]!);
      await admin.core.vault.update(ids[t]!, e.version, { title: `${t} v2`, password: `newer-${t}` });
    }
    victim = await office.colleague(admin, 'victim@office.test');
    other = await office.colleague(admin, 'other@office.test');
    admin2 = await office.colleague(admin, 'second@office.test', 'admin');
    expect(victim.core.vault.list()).toHaveLength(7);
  }, STARTUP);
  afterAll(async () => {
    await office?.stop();
  });

  it(
    'swaps the ciphertexts of two entries',
    async () => {
      await tamper(
        `update public.entries e set envelope = o.envelope, seq = nextval('public.entries_seq')
       from public.entries o where (e.id, o.id) in (($1::uuid, $2::uuid), ($2::uuid, $1::uuid))`,
        [ids['swap-a'], ids['swap-b']],
      );
      await victim.core.syncNow();
      await damagedRefusal(() => victim.core.vault.reveal(ids['swap-a']!));
      await damagedRefusal(() => victim.core.vault.reveal(ids['swap-b']!));
      const listed = victim.core.vault.list().filter((e) => e.id === ids['swap-a'] || e.id === ids['swap-b']);
      expect(listed.map((e) => e.damaged)).toEqual([true, true]);
    },
    SLOW,
  );

  it(
    'moves an entry into another vault the member can read',
    async () => {
      await tamper(
        `update public.entries set vault_id = $2, seq = nextval('public.entries_seq') where id = $1`,
        [ids.moved, office2],
      );
      await victim.core.syncNow();
      await damagedRefusal(() => victim.core.vault.reveal(ids.moved!));
    },
    SLOW,
  );

  it(
    'rolls an entry back to an older version: reported, not applied',
    async () => {
      const rollback = waitFor(victim.core, 'rollback', (r) => r.entryId === ids.rollback);
      await tamper(
        `update public.entries e set envelope = h.envelope, version = h.version, seq = nextval('public.entries_seq')
       from public.entry_history h where h.entry_id = e.id and h.version = 1 and e.id = $1`,
        [ids.rollback],
      );
      await victim.core.syncNow();
      expect((await rollback).offered).toBe(1);
      expect(await victim.core.vault.reveal(ids.rollback!)).toBe('newer-rollback');
    },
    SLOW,
  );

  it(
    'relabels an old ciphertext with a newer version',
    async () => {
      await tamper(
        `update public.entries e set envelope = h.envelope, version = e.version + 1, seq = nextval('public.entries_seq')
       from public.entry_history h where h.entry_id = e.id and h.version = 1 and e.id = $1`,
        [ids.relabel],
      );
      await victim.core.syncNow();
      await damagedRefusal(() => victim.core.vault.reveal(ids.relabel!));
    },
    SLOW,
  );

  it(
    'truncates an envelope, or gives it an unknown version',
    async () => {
      await tamper(
        `update public.entries set envelope = jsonb_set(envelope, '{ct}', to_jsonb(left(envelope->>'ct', 20))),
         seq = nextval('public.entries_seq') where id = $1`,
        [ids.truncated],
      );
      await tamper(
        `update public.entries set envelope = jsonb_set(envelope, '{v}', '2'), seq = nextval('public.entries_seq')
       where id = $1`,
        [ids.reversioned],
      );
      await victim.core.syncNow();
      await damagedRefusal(() => victim.core.vault.reveal(ids.truncated!));
      await damagedRefusal(() => victim.core.vault.reveal(ids.reversioned!));
    },
    SLOW,
  );

  it(
    'damage never poisons the cache: a PC restarted from it still refuses, and good entries still open',
    async () => {
      await victim.core.lock();
      await victim.core.unlock(MASTER);
      await damagedRefusal(() => victim.core.vault.reveal(ids['swap-a']!));
      expect(await victim.core.vault.reveal(ids.rollback!)).toBe('newer-rollback');
    },
    SLOW,
  );

  it(
    'hands out a grant signed by a key the root never certified',
    async () => {
      const me = other.core.state.state === 'unlocked' ? other.core.state.user.id : '';
      const rogue = ed25519.utils.randomSecretKey();
      // The server lists the rogue key as the "granting admin" (another member) and signs the grant with it.
      const { rows } = await office.stack.db.query<{
        sealed_key: string;
        member_public: string;
        key_version: number;
      }>(
        `select sealed_key, member_public, key_version from public.vault_grants where member_id = $1 and vault_id = $2`,
        [me, office1],
      );
      const g = rows[0]!;
      const signature = signGrant(
        {
          vaultId: office1,
          memberId: me,
          memberPublic: g.member_public,
          keyVersion: g.key_version,
          sealedKey: g.sealed_key,
        },
        rogue,
      );
      const victimId = victim.core.state.state === 'unlocked' ? victim.core.state.user.id : '';
      await tamper(`update public.profiles set ed25519_public = $2 where id = $1`, [
        victimId,
        toBase64Url(ed25519.getPublicKey(rogue)),
      ]);
      await tamper(
        `update public.vault_grants set granted_by = $3, signature = $4 where member_id = $1 and vault_id = $2`,
        [me, office1, victimId, signature],
      );
      await other.core.lock();
      await other.core.unlock(MASTER);
      // The unlock opened from the cached grants; the server's grants replace them once it confirms.
      await other.core.syncNow();
      expect(other.core.vaults().map((v) => v.id)).not.toContain(office1);
      await damagedRefusal(() => other.core.vault.reveal(ids.rollback!));
    },
    SLOW,
  );

  it(
    'hands out a grant whose key material is missing',
    async () => {
      const me = other.core.state.state === 'unlocked' ? other.core.state.user.id : '';
      await tamper(`update public.vault_grants set sealed_key = '' where member_id = $1 and vault_id = $2`, [
        me,
        office2,
      ]);
      await other.core.lock();
      await other.core.unlock(MASTER);
      await other.core.syncNow();
      expect(other.core.vaults().map((v) => v.id)).toEqual([clean]);
    },
    SLOW,
  );

  it(
    'replaces a member’s public key: the member’s PC refuses to unlock against it',
    async () => {
      const victimId = victim.core.state.state === 'unlocked' ? victim.core.state.user.id : '';
      await tamper(`update public.profiles set x25519_public = $2 where id = $1`, [
        victimId,
        toBase64Url(ed25519.utils.randomSecretKey()),
      ]);
      await victim.core.lock();
      // The cache opens (verified against the keys this PC enrolled); the server's answer is the alarm.
      expect((await victim.core.unlock(MASTER)).state).toBe('unlocked');
      await damagedRefusal(() => victim.core.syncNow());
      expect(victim.core.state.state).toBe('locked');
      // From then on unlocking goes through the server again, and refuses there.
      await damagedRefusal(() => victim.core.unlock(MASTER));
      expect(victim.core.state.state).toBe('locked');
    },
    SLOW,
  );

  it(
    'weakens the KDF parameters: refused before any derivation, the PC keeps its own',
    async () => {
      const id = other.core.state.state === 'unlocked' ? other.core.state.user.id : '';
      await tamper(
        `update public.profiles set kdf = jsonb_set(jsonb_set(kdf, '{m}', '1024'), '{t}', '1') where id = $1`,
        [id],
      );
      await other.core.lock();
      await other.core.unlock(MASTER);
      await damagedRefusal(() => other.core.syncNow());
      expect(other.core.state.state).toBe('locked');
      const started = performance.now();
      await damagedRefusal(() => other.core.unlock(MASTER));
      // One Argon2 run at the PC's own (strong) parameters happened; none at the server's weak ones.
      expect(performance.now() - started).toBeGreaterThan(100);
      expect(other.core.state.state).toBe('locked');
    },
    SLOW,
  );

  it(
    'replaces the office root’s X25519 key: another admin’s rotation seals nothing to it and names the root',
    async () => {
      const rootId = admin.core.state.state === 'unlocked' ? admin.core.state.user.id : '';
      const { rows } = await office.stack.db.query<{ x25519_public: string }>(
        `select x25519_public from public.profiles where id = $1`,
        [rootId],
      );
      const genuine = rows[0]!.x25519_public;
      const attacker = toBase64Url(ed25519.utils.randomSecretKey());
      const version = async () =>
        (
          await office.stack.db.query<{ key_version: number }>(
            `select key_version from public.vaults where id = $1`,
            [clean],
          )
        ).rows[0]!.key_version;
      // Earlier tests broke the victim's keys; rotating them out keeps the root the only suspect here.
      const victimId = (
        await office.stack.db.query<{ id: string }>(`select id from public.profiles where email = $1`, [
          'victim@office.test',
        ])
      ).rows[0]!.id;
      const before = await version();
      await tamper(`update public.profiles set x25519_public = $2 where id = $1`, [rootId, attacker]);
      // The offboarding goes through (a server that could stop it would keep the leaver in); the root, whose key
      // no longer matches its certificate, is named to the admin instead of sealed to (admin/recipients.ts).
      const rotated = await admin2.core.admin.rotateVault(clean, victimId);
      expect(rotated.keyVersion).toBe(before + 1);
      expect(rotated.unverified.map((u) => u.memberId)).toEqual([rootId]);
      const sealed = await office.stack.db.query(
        `select 1 from public.vault_grants where member_public = $1`,
        [attacker],
      );
      expect(sealed.rows).toHaveLength(0);
      expect(await version()).toBe(before + 1);
      await tamper(`update public.profiles set x25519_public = $2 where id = $1`, [rootId, genuine]);
    },
    SLOW,
  );

  it(
    'lists an invited member as admin at confirmation: the certificate still says member',
    async () => {
      const sheet = await admin.core.admin.invite('climber@office.test', 'climber', 'member');
      const pc = await office.pc('climber');
      await pc.core.redeemInvitation('climber@office.test', sheet.oneTimePassword);
      const pending = await pc.core.enroll(MASTER, sheet.officeFingerprint);
      if (pending.state !== 'pendingConfirmation') throw new Error(`expected pending, got ${pending.state}`);
      await tamper(`update public.profiles set role = 'admin' where id = $1`, [sheet.memberId]);
      await admin.core.admin.confirm(sheet.memberId, pending.fingerprint);
      const { rows } = await office.stack.db.query<{
        id: string;
        x25519_public: string;
        ed25519_public: string;
        key_certificate: string;
      }>(`select id, x25519_public, ed25519_public, key_certificate from public.profiles where id = $1`, [
        sheet.memberId,
      ]);
      const r = rows[0]!;
      const climber = {
        id: r.id,
        x25519Public: r.x25519_public,
        ed25519Public: r.ed25519_public,
        keyCertificate: KeyCertificateSchema.parse(JSON.parse(r.key_certificate)),
      };
      const policy = (
        await office.stack.db.query<{ office_root_id: string; office_root_public: string }>(
          `select office_root_id, office_root_public from public.client_policy where id = 1`,
        )
      ).rows[0]!;
      const root = { id: policy.office_root_id, ed25519Public: fromBase64Url(policy.office_root_public)! };
      // The confirming admin is the root, so the chain needs no lookup.
      const none = () => undefined;
      expect(() => verifyColleague(climber, 'member', root, none)).not.toThrow();
      expect(() => verifyColleague(climber, 'admin', root, none)).toThrow(DamagedError);
    },
    SLOW,
  );
});
