// The office scenario, part three: access ends and comes back — disabled members, key rotation, a tampered
// cache, re-enabled and demoted members — and the office policy only an admin may change.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CoreError, MESSAGES } from '../backend/errors';
import { MASTER, type Pc, refusal, SLOW, until, waitFor } from './office';
import type { OfficeRun } from './scenarios-run';

export function accessSteps(run: OfficeRun): void {
  it(
    "a disabled employee's core locks and wipes its cache",
    async () => {
      const cacheFile = join(run.emp.dir, 'cache.json');
      expect((await readFile(cacheFile, 'utf8')).length).toBeGreaterThan(0);
      const locked = waitFor(run.emp.core, 'sessionChanged', (s) => s.state === 'disabled', 5_000);
      await run.admin.core.admin.disable(
        run.emp.core.state.state === 'unlocked' ? run.emp.core.state.user.id : '',
      );
      await locked;
      expect(() => run.emp.core.vault.list()).toThrow(CoreError);
      await expect(readFile(cacheFile, 'utf8')).rejects.toThrow();
    },
    SLOW,
  );

  it(
    'key rotation: remaining members decrypt, the leaver cannot, and the leaver’s reveals are listed',
    async () => {
      const members = await run.admin.core.admin.members();
      const leaver = members.find((m) => m.email === 'emp@office.test')!;
      const seen = [run.admin2, run.roamer].map((pc) =>
        waitFor(pc.core, 'entriesChanged', (e) => e.changes.some((c) => c.id === run.wifiId), 5_000),
      );
      const result = await run.admin.core.admin.rotateVault(run.vaultId, leaver.id);
      expect(result.keyVersion).toBe(2);
      expect(result.exposed.map((x) => x.entryId)).toContain(run.wifiId);
      expect(result.exposed).toContainEqual(
        expect.objectContaining({ entryId: run.bankId, action: 'entry.totp' }),
      );
      await Promise.all(seen);
      for (const pc of [run.admin, run.admin2, run.roamer]) {
        const list = pc.core.vault.list();
        expect(list.some((e) => e.damaged)).toBe(false);
        expect(await pc.core.vault.reveal(run.wifiId)).toMatch(/^from-admin2?$/);
      }
      // Even re-enabled, the leaver's PC holds no grant for the new key.
      await run.admin.core.admin.enable(leaver.id);
      const back = await run.office.pc('emp-again', run.emp.dir);
      expect(back.core.state.state).toBe('signedOut');
    },
    SLOW,
  );

  it(
    'a tampered cache fails closed offline: cached grant, colleague key, server documents',
    async () => {
      // A grant signed by an admin other than the root, so the colleague's certified key is in the chain.
      await run.admin2.core.syncNow();
      const seen = waitFor(
        run.roamer.core,
        'entriesChanged',
        (e) => e.changes.some((c) => c.id === run.wifiId),
        30_000,
      );
      const rotated = await run.admin2.core.admin.rotateVault(run.vaultId, null);
      await seen;
      await run.roamer.core.syncNow();
      expect(await run.roamer.core.vault.reveal(run.wifiId)).toMatch(/^from-admin2?$/);
      expect(rotated.keyVersion).toBe(3);
      await run.roamer.core.dispose();
      const file = join(run.roamer.dir, 'cache.json');
      const original = await readFile(file, 'utf8');
      type Doc = { documents: { server: Record<string, unknown> } } & Record<string, unknown>;
      const variants: ((d: Doc) => void)[] = [
        (d) => {
          const grants = d.documents.server.grants as { signature: string }[];
          const sig = grants[0]!.signature;
          grants[0]!.signature = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
        },
        (d) => {
          const grants = d.documents.server.grants as { granted_by: string }[];
          const colleagues = d.documents.server.colleagues as { id: string; ed25519_public: string }[];
          const bySecond = grants.find(
            (g) => g.granted_by !== (run.admin.core.state as { user: { id: string } }).user.id,
          );
          const signer = colleagues.find((c) => c.id === bySecond!.granted_by)!;
          const other = colleagues.find((c) => c.id !== signer.id && c.ed25519_public)!;
          signer.ed25519_public = other.ed25519_public;
        },
        (d) => {
          d.documents.server.grants = 'not a list';
        },
      ];
      run.cable.unplug();
      for (const change of variants) {
        const doc = JSON.parse(original) as Doc;
        change(doc);
        await writeFile(file, JSON.stringify(doc));
        const pc = await run.office.pc('roamer', run.roamer.dir, run.cable.url);
        const err = await refusal(pc.core.unlock(MASTER));
        expect(err.code).toBe('damaged');
        expect(err.message).toBe(MESSAGES.damaged);
        expect(pc.core.state.state).toBe('locked');
        await pc.core.dispose();
      }
      // A tampered unlock snapshot is ignored (the rows are decrypted instead); a tampered row is damaged.
      const doc = JSON.parse(original) as Doc & {
        documents: { 'unlock-snapshot': { ct: string } };
        rows: Record<string, { envelope: { ct: string } }>;
      };
      const snap = doc.documents['unlock-snapshot'];
      snap.ct = `${snap.ct[0] === 'A' ? 'B' : 'A'}${snap.ct.slice(1)}`;
      const row = doc.rows[run.wifiId]!;
      row.envelope.ct = `${row.envelope.ct[0] === 'A' ? 'B' : 'A'}${row.envelope.ct.slice(1)}`;
      await writeFile(file, JSON.stringify(doc));
      const pc = await run.office.pc('roamer', run.roamer.dir, run.cable.url);
      await pc.core.unlock(MASTER);
      const list = pc.core.vault.list();
      expect(list.find((e) => e.id === run.wifiId)?.damaged).toBe(true);
      expect(list.filter((e) => e.damaged)).toHaveLength(1);
      expect(list.map((e) => e.title)).toContain('Printer');
      expect((await refusal(pc.core.vault.reveal(run.wifiId))).code).toBe('damaged');
      // Back online, the row that no longer opened is fetched again and opens.
      run.cable.plug();
      await pc.core.syncNow();
      await until(() => pc.core.vault.list().every((e) => !e.damaged), 30_000);
      expect(await pc.core.vault.reveal(run.wifiId)).toMatch(/^from-admin2?$/);
      await pc.core.dispose();
      await writeFile(file, original);
      run.roamer = await run.office.pc('roamer', run.roamer.dir, run.cable.url);
      await run.roamer.core.unlock(MASTER);
      await run.roamer.core.syncNow();
      expect(run.roamer.core.vault.list().some((e) => e.damaged)).toBe(false);
    },
    SLOW,
  );

  it(
    'a member disabled while their PC was offline is locked and wiped as soon as the PC reaches the server',
    async () => {
      const id = run.roamer.core.state.state === 'unlocked' ? run.roamer.core.state.user.id : '';
      await run.roamer.core.lock();
      run.cable.unplug();
      expect((await run.roamer.core.unlock(MASTER)).state).toBe('unlocked');
      expect(run.roamer.core.vault.list().length).toBeGreaterThan(0);
      await run.admin.core.admin.disable(id);
      await until(() => run.roamer.core.syncStatus.connection === 'offline', 10_000);
      expect(run.roamer.core.state.state).toBe('unlocked');
      const disabled = waitFor(run.roamer.core, 'sessionChanged', (s) => s.state === 'disabled', 15_000);
      run.cable.plug();
      await disabled;
      expect(() => run.roamer.core.vault.list()).toThrow(CoreError);
      await expect(readFile(join(run.roamer.dir, 'cache.json'), 'utf8')).rejects.toThrow();
    },
    SLOW,
  );

  it(
    'a member re-enabled before their PC noticed waits for a new confirmation, then decrypts again',
    async () => {
      const back = await run.office.colleague(run.admin, 'back@office.test');
      const id = userOf(back);
      await back.core.lock();
      await run.admin.core.admin.disable(id);
      // While they are away the vault key rotates: the grant they held opens nothing new.
      await run.admin.core.admin.rotateVault(run.vaultId, id);
      expect((await run.admin.core.admin.enable(id)).status).toBe('enrolled');
      const fingerprint = await unlockToPending(back);
      const listed = (await run.admin.core.admin.members()).find((m) => m.id === id);
      expect(listed).toMatchObject({ status: 'enrolled', fingerprint });
      const unlocked = waitFor(back.core, 'sessionChanged', (s) => s.state === 'unlocked', 60_000);
      expect((await run.admin.core.admin.confirm(id, fingerprint, 'member')).status).toBe('active');
      await unlocked;
      await until(() => back.core.vaults().length === run.admin.core.vaults().length, 60_000);
      await back.core.syncNow();
      expect(await back.core.vault.reveal(run.wifiId)).toMatch(/^from-admin2?$/);
      expect(back.core.vault.list().some((e) => e.damaged)).toBe(false);
    },
    SLOW,
  );

  it(
    'a demoted admin waits for a new confirmation as a member; what they signed was taken over first',
    async () => {
      const id = userOf(run.admin2);
      // Only the office root's admin certificates make keys whose grants colleagues accept.
      const chief = await run.admin2.core.admin.invite('chief@office.test', 'Chief', 'admin');
      const chiefPc = await run.office.pc('chief');
      await chiefPc.core.redeemInvitation('chief@office.test', chief.oneTimePassword);
      const chiefPending = await chiefPc.core.enroll(MASTER, chief.officeFingerprint);
      if (chiefPending.state !== 'pendingConfirmation') throw new Error(`got ${chiefPending.state}`);
      const refused = await refusal(
        run.admin2.core.admin.confirm(chief.memberId, chiefPending.fingerprint, 'admin'),
      );
      expect(refused.code).toBe('forbidden');
      // A member the second admin confirms: certificate and grants signed by that admin.
      const hire = await run.office.colleague(run.admin2, 'hire@office.test');
      const signers = async () =>
        (
          await run.office.stack.db.query<{ signer: string }>(
            `select key_certificate->>'signer' as signer from public.profiles where email = 'hire@office.test'
             union all select granted_by::text from public.vault_grants g join public.vaults v
               on v.id = g.vault_id and v.key_version = g.key_version
             where g.member_id = (select id from public.profiles where email = 'hire@office.test')`,
          )
        ).rows.map((r) => r.signer);
      expect(new Set(await signers())).toEqual(new Set([id]));

      const locked = waitFor(run.admin2.core, 'sessionChanged', (s) => s.state === 'locked', 10_000);
      expect(await run.admin.core.admin.setRole(id, 'member')).toMatchObject({
        role: 'member',
        status: 'enrolled',
      });
      await locked;
      expect(new Set(await signers())).toEqual(new Set([userOf(run.admin)]));
      // The hire's PC opens the vault again from scratch, under grants that verify without the demoted admin.
      await hire.core.lock();
      await hire.core.unlock(MASTER);
      await hire.core.syncNow();
      expect(hire.core.vault.list().some((e) => e.damaged)).toBe(false);
      expect(await hire.core.vault.reveal(run.wifiId)).toMatch(/^from-admin2?$/);

      const fingerprint = await unlockToPending(run.admin2);
      const unlocked = waitFor(run.admin2.core, 'sessionChanged', (s) => s.state === 'unlocked', 60_000);
      await run.admin.core.admin.confirm(id, fingerprint, 'member');
      const s = await unlocked;
      expect(s.state === 'unlocked' && s.user.role).toBe('member');
      await until(() => run.admin2.core.vaults().length === run.admin.core.vaults().length, 60_000);
      await run.admin2.core.syncNow();
      expect(await run.admin2.core.vault.reveal(run.wifiId)).toMatch(/^from-admin2?$/);
      const wifi = run.admin2.core.vault.get(run.wifiId);
      const edit = await refusal(run.admin2.core.vault.update(run.wifiId, wifi.version, { title: 'x' }));
      expect(edit.code).toBe('forbidden');
      // Every active colleague's keys still chain to the root: a rotation verifies them all.
      await run.admin.core.admin.rotateVault(run.vaultId, null);
    },
    SLOW,
  );

  it(
    'the admin switches a forced update off again, audited; a member cannot',
    async () => {
      await run.admin.core.office.publishRelease('1.0.0', 'Current', false);
      expect((await run.admin.core.office.setMinVersion('1.0.0')).minVersion).toBe('1.0.0');
      expect((await run.admin.core.office.setMinVersion(null)).minVersion).toBeNull();
      const { rows } = await run.office.stack.db.query<{ actor_email: string; changed: string }>(
        `select actor_email, details->>'changed' as changed from public.audit_log
         where action = 'policy.update' order by id desc limit 1`,
      );
      expect(rows).toEqual([{ actor_email: 'boss@office.test', changed: '["min_version"]' }]);
      expect((await refusal(run.admin2.core.office.setMinVersion(null))).code).toBe('forbidden');
    },
    SLOW,
  );
}

/**
 * Unlocks a PC whose account waits for a new confirmation and returns the fingerprint its waiting screen shows.
 * A PC that last saw the account active opens from its cache first; the server's answer locks it again, and
 * from then on only the server may open it.
 */
async function unlockToPending(pc: Pc): Promise<string> {
  let s = await pc.core.unlock(MASTER);
  if (s.state === 'unlocked') {
    // The first thing that needs the server gets its answer, and that ends the session.
    await pc.core.syncNow().catch(() => {});
    await until(() => pc.core.state.state === 'locked', 30_000);
    s = await pc.core.unlock(MASTER);
  }
  if (s.state !== 'pendingConfirmation') throw new Error(`${pc.name}: expected pending, got ${s.state}`);
  return s.fingerprint;
}

function userOf(pc: Pc): string {
  const s = pc.core.state;
  if (s.state !== 'unlocked') throw new Error(`${pc.name} is ${s.state}`);
  return s.user.id;
}
