// The server (and a rogue insider) as the adversary for who receives a vault key and whether an entry is deleted
// (docs/security.md): rows are rewritten directly in the database, triggers off, as in tamper.test.ts. A forged
// grant row or a disabled person's certificate served back never gets a vault key sealed to it; a delete or
// restore nobody with an admin key signed leaves the entry damaged on every PC, never silently gone or back.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNVERIFIED_REASON } from '../admin/recipients';
import { CoreError, MESSAGES } from '../backend/errors';
import { fromBase64Url } from '../crypto/bytes';
import { sealVaultKey } from '../crypto/keys';
import { signGrant } from '../crypto/trust';
import type { KeyroomCore } from '../index';
import { encodeEntry } from '../vault/entry-schema';
import type { Keyring } from '../vault/keyring';
import { MASTER, Office, type Pc, SLOW, STARTUP, until } from './office';

async function damagedRefusal(run: () => unknown): Promise<void> {
  const err = await Promise.resolve()
    .then(run)
    .then(
      () => null,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(CoreError);
  expect((err as CoreError).code).toBe('damaged');
  expect((err as CoreError).message).toBe(MESSAGES.damaged);
}

const idOf = (pc: Pc) => (pc.core.state.state === 'unlocked' ? pc.core.state.user.id : '');
/** The rogue insider's own vault keys: what any member's PC holds once unlocked. */
const keyringOf = (core: KeyroomCore) => (core as unknown as { open: { keyring: Keyring } }).open.keyring;

describe('a malicious server cannot widen access or hide entries', () => {
  let office: Office;
  let admin: Pc;
  let admin2: Pc;
  let insider: Pc;
  let watcher: Pc;
  let leaver: Pc;
  let leaver2: Pc;
  let office1: string;
  let office2: string;
  let secret: string;
  const ids: Record<string, string> = {};

  const tamper = (sql: string, params: unknown[] = []) => office.tamper(sql, params);
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
  // jsonb comes back from the stand-in's driver as text, and goes back in as text.
  const certificateOf = async (memberId: string) =>
    (
      await office.stack.db.query<{ key_certificate: string | null }>(
        `select key_certificate from public.profiles where id = $1`,
        [memberId],
      )
    ).rows[0]!.key_certificate;

  beforeAll(async () => {
    office = await Office.start('postgres');
    admin = await office.firstAdmin();
    office1 = admin.core.vaults()[0]!.id;
    office2 = (await admin.core.admin.createVault('Second')).id;
    for (const t of ['forged-delete', 'forged-undelete', 'genuine']) {
      ids[t] = (await admin.core.vault.create(office1, { title: t, password: `secret-${t}` })).id;
    }
    admin2 = await office.colleague(admin, 'second@office.test', 'admin');
    insider = await office.colleague(admin, 'insider@office.test');
    watcher = await office.colleague(admin, 'watcher@office.test');
    leaver = await office.colleague(admin, 'leaver@office.test');
    leaver2 = await office.colleague(admin, 'leaver2@office.test');
    // Created after everyone was confirmed: only the office root holds it.
    secret = (await admin.core.admin.createVault('Secret')).id;
  }, STARTUP);
  afterAll(async () => {
    await office?.stop();
  });

  it(
    'lists a grant it made up: the next rotation seals nothing to that person and names them',
    async () => {
      const outsider = idOf(insider);
      const { rows } = await office.stack.db.query<{ x25519_public: string; key_version: number }>(
        `select p.x25519_public, v.key_version from public.profiles p, public.vaults v where p.id = $1 and v.id = $2`,
        [outsider, secret],
      );
      await tamper(
        `insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, granted_by, signature)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [
          secret,
          outsider,
          rows[0]!.key_version,
          randomBytes(80).toString('base64url'),
          rows[0]!.x25519_public,
          idOf(admin),
          randomBytes(64).toString('base64url'),
        ],
      );
      const rotated = await admin.core.admin.rotateVault(secret, null);
      expect(rotated.unverified).toEqual([
        {
          memberId: outsider,
          email: 'insider@office.test',
          displayName: expect.any(String),
          reason: UNVERIFIED_REASON,
        },
      ]);
      expect(await grantees(secret)).toEqual([idOf(admin)]);
      // The insider never opens the vault.
      await insider.core.syncNow();
      expect(insider.core.vaults().map((v) => v.id)).not.toContain(secret);
    },
    SLOW,
  );

  it(
    'serves a disabled person’s certificate and grant back: the admin who disabled them refuses, even with the revocation withheld and after a restart',
    async () => {
      const id = idOf(leaver);
      const cert = await certificateOf(id);
      await admin.core.admin.disable(id);
      expect(await certificateOf(id)).toBeNull();
      // The server keeps the grant the person had, puts the person back and hides the revocation from everyone.
      await reinstate(id, cert);
      await tamper(`delete from public.key_revocations where user_id = $1`, [id]);
      expect(await grantees(office1)).toContain(id);
      // A restart of the admin's app in between: the revocation it signed is kept on its disk.
      await admin.core.lock();
      await admin.core.unlock(MASTER);
      await admin.core.syncNow();
      const rotated = await admin.core.admin.rotateVault(office1, null);
      expect(rotated.unverified.map((u) => u.memberId)).toEqual([id]);
      expect(await grantees(office1)).not.toContain(id);
      // Everyone else still holds the vault under the new key.
      for (const pc of [admin2, insider, watcher, leaver2])
        expect(await grantees(office1)).toContain(idOf(pc));
      // The server stops lying; what it withheld from other admins is docs/security.md's one residual.
      await tamper(`update public.profiles set status = 'disabled', key_certificate = null where id = $1`, [
        id,
      ]);
    },
    SLOW,
  );

  it(
    'serves a disabled person’s certificate and grant back to another admin: the listed revocation refuses it',
    async () => {
      const id = idOf(leaver2);
      const cert = await certificateOf(id);
      await admin.core.admin.disable(id);
      const listed = await office.stack.db.query(`select 1 from public.key_revocations where user_id = $1`, [
        id,
      ]);
      expect(listed.rows).toHaveLength(1);
      await reinstate(id, cert);
      expect(await grantees(office2)).toContain(id);
      const rotated = await admin2.core.admin.rotateVault(office2, null);
      expect(rotated.unverified.map((u) => u.memberId)).toEqual([id]);
      expect(await grantees(office2)).not.toContain(id);
    },
    SLOW,
  );

  it(
    'leaves genuine deletes and restores alone: they reach every PC, across a key rotation',
    async () => {
      const id = ids.genuine!;
      await admin.core.vault.remove(id, admin.core.vault.get(id).version);
      await until(() => watcher.core.vault.list(true).some((x) => x.id === id && x.deletedAt !== null));
      expect(watcher.core.vault.list().some((x) => x.id === id)).toBe(false);
      // The rotation re-encrypts the tombstone as a tombstone and signs a delete proof for the new row.
      await admin.core.admin.rotateVault(office1, null);
      await admin.core.syncNow();
      await admin.core.vault.restore(id, admin.core.vault.get(id).version);
      await until(() => watcher.core.vault.list().some((x) => x.id === id && !x.damaged));
      expect(await watcher.core.vault.reveal(id)).toBe('secret-genuine');
    },
    SLOW,
  );
  it(
    'marks an entry deleted itself (deleted_at and version): damaged on every PC, the entry stays',
    async () => {
      const id = ids['forged-delete']!;
      await tamper(
        `update public.entries set deleted_at = now(), version = version + 1, seq = nextval('public.entries_seq')
         where id = $1`,
        [id],
      );
      for (const pc of [watcher, admin2]) {
        await pc.core.syncNow();
        const listed = pc.core.vault.list().find((e) => e.id === id);
        expect(listed).toMatchObject({ damaged: true, deletedAt: null });
        await damagedRefusal(() => pc.core.vault.reveal(id));
      }
    },
    SLOW,
  );

  it(
    'un-deletes an entry, with or without an insider’s freshly encrypted copy: refused',
    async () => {
      const id = ids['forged-undelete']!;
      const e = admin.core.vault.get(id);
      await admin.core.vault.remove(id, e.version);
      await until(() => watcher.core.vault.list(true).some((x) => x.id === id && x.deletedAt !== null));
      const tombstone = (
        await office.stack.db.query<{ envelope: unknown }>(
          `select envelope from public.entries where id = $1`,
          [id],
        )
      ).rows[0]!.envelope;
      // A member holds the vault key: it encrypts the entry as live for the next version, the server writes it.
      const envelope = keyringOf(insider.core).encrypt(
        office1,
        id,
        e.version + 2,
        encodeEntry({ title: 'forged-undelete', password: 'resurrected' }),
      );
      await tamper(
        `update public.entries set envelope = $2, deleted_at = null, version = version + 1,
         seq = nextval('public.entries_seq') where id = $1`,
        [id, JSON.stringify(envelope)],
      );
      await watcher.core.syncNow();
      expect(watcher.core.vault.list().find((x) => x.id === id)).toMatchObject({ damaged: true });
      await damagedRefusal(() => watcher.core.vault.reveal(id));
      // The tombstone's own ciphertext flipped back to live does not open as a live entry either, not even on a
      // PC that never saw the tombstone.
      await tamper(
        `update public.entries set envelope = $2, deleted_at = null, version = $3, seq = nextval('public.entries_seq')
         where id = $1`,
        [id, tombstone, e.version + 1],
      );
      const fresh = await office.colleague(admin, 'fresh@office.test');
      await fresh.core.syncNow();
      expect(fresh.core.vault.list().find((x) => x.id === id)).toMatchObject({ damaged: true });
    },
    SLOW,
  );

  it(
    'serves a disabled admin’s certificate back so they can sign a vault key of their own: members refuse it',
    async () => {
      const rogue = idOf(admin2);
      const signer = keyringOf(admin2.core).user.ed25519Secret.slice();
      const cert = await certificateOf(rogue);
      await admin.core.admin.disable(rogue);
      await reinstate(rogue, cert);
      // The ex-admin picks a vault key and seals it to a member at a new key version the server makes current.
      const member = idOf(watcher);
      const { rows } = await office.stack.db.query<{ x25519_public: string; key_version: number }>(
        `select p.x25519_public, v.key_version from public.profiles p, public.vaults v where p.id = $1 and v.id = $2`,
        [member, office2],
      );
      const keyVersion = rows[0]!.key_version + 1;
      const memberPublic = rows[0]!.x25519_public;
      const sealed = sealVaultKey(randomBytes(32), fromBase64Url(memberPublic)!, {
        vaultId: office2,
        memberId: member,
        keyVersion,
      });
      const signature = signGrant(
        { vaultId: office2, memberId: member, memberPublic, keyVersion, sealedKey: sealed },
        signer,
      );
      await tamper(`update public.vaults set key_version = $2 where id = $1`, [office2, keyVersion]);
      await tamper(
        `insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, granted_by, signature)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [office2, member, keyVersion, sealed, memberPublic, rogue, signature],
      );
      await watcher.core.lock();
      await watcher.core.unlock(MASTER);
      await watcher.core.syncNow();
      // The member keeps the key an admin in the chain gave it; the ex-admin's never opens.
      expect(keyringOf(watcher.core).currentVersion(office2)).toBe(keyVersion - 1);
    },
    SLOW,
  );
});
