// The server (and a rogue admin) as the adversary for revocations and deletes (docs/security.md): rows are
// rewritten or inserted directly, triggers off, as in tamper.test.ts. A revocation nobody with an admin key signed
// takes nobody's access away, now or later; a delete proof names one row and hides no other.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../backend/client';
import { CoreError } from '../backend/errors';
import type { KeyroomCore } from '../index';
import { encodeEntry } from '../vault/entry-schema';
import type { Keyring } from '../vault/keyring';
import { MASTER, Office, type Pc, SLOW, STARTUP, waitFor } from './office';

const idOf = (pc: Pc) => (pc.core.state.state === 'unlocked' ? pc.core.state.user.id : '');
/** The rogue admin's own server calls: what any admin's PC can send. */
const backendOf = (core: KeyroomCore) => (core as unknown as { backend: Backend }).backend;
/** The rogue insider's own vault keys: what any member's PC holds once unlocked. */
const keyringOf = (core: KeyroomCore) => (core as unknown as { open: { keyring: Keyring } }).open.keyring;

describe('a malicious server cannot cut people off with revocations nobody signed', () => {
  let office: Office;
  let admin: Pc;
  let office1: string;
  const tamper = (sql: string, params: unknown[] = []) => office.tamper(sql, params);
  const certificateOf = async (memberId: string) =>
    (
      await office.stack.db.query<{ key_certificate: string | null }>(
        `select key_certificate from public.profiles where id = $1`,
        [memberId],
      )
    ).rows[0]!.key_certificate;

  const grantees = async (vaultId: string) =>
    (
      await office.stack.db.query<{ member_id: string }>(
        `select g.member_id from public.vault_grants g join public.vaults v on v.id = g.vault_id
         and v.key_version = g.key_version where g.vault_id = $1 order by 1`,
        [vaultId],
      )
    ).rows.map((r) => r.member_id);
  /** The server puts a disabled person back: active, with the certificate and confirmation they had. */
  const reinstate = async (memberId: string, cert: string | null) =>
    tamper(
      `update public.profiles set status = 'active', key_certificate = $2, confirmed_at = now() where id = $1`,
      [memberId, cert],
    );

  beforeAll(async () => {
    office = await Office.start('postgres');
    admin = await office.firstAdmin();
    office1 = admin.core.vaults()[0]!.id;
  }, STARTUP);
  afterAll(async () => {
    await office?.stop();
  });

  it(
    'a rogue admin revokes a colleague admin with a junk signature: ignored and reported, the colleague’s members keep their vault',
    async () => {
      const colleagueAdmin = await office.colleague(admin, 'ra-admin@office.test', 'admin');
      const member = await office.colleague(colleagueAdmin, 'ra-member@office.test');
      const rogue = await office.colleague(admin, 'ra-rogue@office.test', 'admin');
      expect(member.core.vaults().map((v) => v.id)).toContain(office1);
      const victim = idOf(colleagueAdmin);
      await backendOf(rogue.core).insertRevocation({
        user_id: victim,
        certificate: JSON.parse(String(await certificateOf(victim))),
        revoked_by: idOf(rogue),
        signature: randomBytes(64).toString('base64url'),
      });
      await member.core.lock();
      const reported = waitFor(member.core, 'revocationRefused', (p) => p.count === 1, 20_000);
      await member.core.unlock(MASTER);
      await member.core.syncNow();
      await reported;
      expect(member.core.vaults().map((v) => v.id)).toContain(office1);
      // Nothing of it was kept: the next unlock judges the server's rows afresh.
      await member.core.lock();
      await member.core.unlock(MASTER);
      await member.core.syncNow();
      expect(member.core.vaults().map((v) => v.id)).toContain(office1);
    },
    SLOW,
  );

  it(
    'the server puts a junk-signed revocation in the table itself, as the root: members keep their vault',
    async () => {
      const colleagueAdmin = await office.colleague(admin, 'rs-admin@office.test', 'admin');
      const member = await office.colleague(colleagueAdmin, 'rs-member@office.test');
      const victim = idOf(colleagueAdmin);
      await tamper(
        `insert into public.key_revocations (user_id, certificate, revoked_by, signature) values ($1, $2, $3, $4)`,
        [victim, await certificateOf(victim), idOf(admin), randomBytes(64).toString('base64url')],
      );
      await member.core.lock();
      await member.core.unlock(MASTER);
      await member.core.syncNow();
      expect(member.core.vaults().map((v) => v.id)).toContain(office1);
    },
    SLOW,
  );

  it(
    'the server lists no certificate for a leaver at the moment of the disable: the one this PC verified is revoked all the same, the admin is told, and the next rotation does not seal the leaver back in',
    async () => {
      const leaver = await office.colleague(admin, 'rp-leaver@office.test');
      const id = idOf(leaver);
      await admin.core.syncNow();
      const cert = await certificateOf(id);
      await tamper(`update public.profiles set key_certificate = null where id = $1`, [id]);
      const err = await admin.core.admin.disable(id).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CoreError);
      expect((err as CoreError).message).toMatch(
        /^The change was made and the certificate this PC verified was revoked/,
      );
      const rows = await office.stack.db.query(`select 1 from public.key_revocations where user_id = $1`, [
        id,
      ]);
      expect(rows.rows).toHaveLength(1);
      await reinstate(id, cert);
      const rotated = await admin.core.admin.rotateVault(office1, null);
      expect(rotated.unverified.map((u) => u.memberId)).toContain(id);
      expect(await grantees(office1)).not.toContain(id);
    },
    SLOW,
  );

  it(
    'an old delete proof carried onto a later, member-encrypted tombstone: a PC that never saw the entry lists it as damaged, not deleted',
    async () => {
      const id = (await admin.core.vault.create(office1, { title: 'replayed', password: 'replayed-secret' }))
        .id;
      await admin.core.vault.remove(id, admin.core.vault.get(id).version);
      const proof = (
        await office.stack.db.query<{ state_proof: unknown }>(
          `select state_proof from public.entries where id = $1`,
          [id],
        )
      ).rows[0]!.state_proof;
      await admin.core.vault.restore(id, admin.core.vault.get(id).version);
      await admin.core.vault.update(id, admin.core.vault.get(id).version, { title: 'replayed, edited' });
      const insider = await office.colleague(admin, 'rd-insider@office.test');
      await insider.core.syncNow();
      const v = admin.core.vault.get(id).version;
      const tombstone = keyringOf(insider.core).encrypt(
        office1,
        id,
        v + 1,
        encodeEntry({ title: 'replayed', password: 'x' }),
        true,
      );
      await tamper(
        `update public.entries set envelope = $2, deleted_at = now(), version = version + 1, state_proof = $3,
         seq = nextval('public.entries_seq') where id = $1`,
        [id, JSON.stringify(tombstone), typeof proof === 'string' ? proof : JSON.stringify(proof)],
      );
      const fresh = await office.colleague(admin, 'rd-fresh@office.test');
      await fresh.core.syncNow();
      expect(fresh.core.vault.list(true).find((x) => x.id === id)).toMatchObject({ damaged: true });
      // Damaged on the admin's PC too, which refuses to rotate past it: out of the way of the tests after this one.
      await tamper(`delete from public.entries where id = $1`, [id]);
    },
    SLOW,
  );

  it(
    'a genuine tombstone across a key rotation: a PC that never saw the entry takes it as deleted, no alarm',
    async () => {
      const id = (await admin.core.vault.create(office1, { title: 'rotated', password: 'rotated-secret' }))
        .id;
      await admin.core.vault.remove(id, admin.core.vault.get(id).version);
      await admin.core.admin.rotateVault(office1, null);
      const fresh = await office.colleague(admin, 'rr-fresh@office.test');
      await fresh.core.syncNow();
      expect(fresh.core.vault.list(true).find((x) => x.id === id)).toMatchObject({ damaged: false });
      expect(fresh.core.vault.list().some((x) => x.id === id)).toBe(false);
    },
    SLOW,
  );

  it(
    'a delete the server forged with a member-made tombstone is damaged on the admin’s PC: the rotation refuses, naming the entry, and changes nothing',
    async () => {
      const id = (await admin.core.vault.create(office1, { title: 'forged tomb', password: 'ft-secret' })).id;
      const insider = await office.colleague(admin, 'ft-insider@office.test');
      await insider.core.syncNow();
      const v = admin.core.vault.get(id).version;
      const tombstone = keyringOf(insider.core).encrypt(
        office1,
        id,
        v + 1,
        encodeEntry({ title: 'forged tomb', password: 'ft-secret' }),
        true,
      );
      await tamper(
        `update public.entries set envelope = $2, deleted_at = now(), version = version + 1,
         seq = nextval('public.entries_seq') where id = $1`,
        [id, JSON.stringify(tombstone)],
      );
      await admin.core.syncNow();
      expect(admin.core.vault.list(true).find((x) => x.id === id)).toMatchObject({ damaged: true });
      const keyVersion = async () =>
        (
          await office.stack.db.query<{ key_version: number }>(
            `select key_version from public.vaults where id = $1`,
            [office1],
          )
        ).rows[0]!.key_version;
      const before = await keyVersion();
      const err = await admin.core.admin.rotateVault(office1, null).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CoreError);
      expect((err as CoreError).message).toBe(
        '“forged tomb” is damaged on this PC; the key was not rotated.',
      );
      const row = await office.stack.db.query<{ version: number }>(
        `select version from public.entries where id = $1`,
        [id],
      );
      expect(row.rows[0]!.version).toBe(v + 1);
      expect(await keyVersion()).toBe(before);
      // Out of the way of the tests after this one.
      await tamper(`delete from public.entries where id = $1`, [id]);
    },
    SLOW,
  );

  // Last: another admin's rotation leaves the first admin's PC a key version behind until its next refresh.
  it(
    'an admin who revoked a member is disabled: their revocation is signed again first, so a new admin PC still refuses the member the server puts back',
    async () => {
      const second = await office.colleague(admin, 'rt-admin@office.test', 'admin');
      // Certified by the root: only the revocation stands between the certificate served back and a new grant.
      const member = await office.colleague(admin, 'rt-member@office.test');
      const id = idOf(member);
      await second.core.syncNow();
      const cert = await certificateOf(id);
      await second.core.admin.disable(id);
      await admin.core.syncNow();
      await admin.core.admin.disable(idOf(second));
      const fresh = await office.colleague(admin, 'rt-fresh@office.test', 'admin');
      await reinstate(id, cert);
      await fresh.core.syncNow();
      const rotated = await fresh.core.admin.rotateVault(office1, null);
      expect(rotated.unverified.map((u) => u.memberId)).toContain(id);
      expect(await grantees(office1)).not.toContain(id);
    },
    SLOW,
  );
});
