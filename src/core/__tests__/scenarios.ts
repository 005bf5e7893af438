// The office scenarios of issue 7, run in order against one stack: the PGlite and PostgreSQL suites call
// this with their database kind. Each step builds on the office the previous steps left behind.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Backend } from '../backend/client';
import { CoreError, MESSAGES } from '../backend/errors';
import { envNetwork } from '../backend/network/network';
import { Cable, MASTER, Office, type Pc, SLOW, STARTUP, until, waitFor } from './office';

async function refusal(p: Promise<unknown>): Promise<CoreError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof CoreError)) throw new Error(`expected a CoreError, got ${String(err)}`);
  return err;
}

export function officeScenarios(kind: 'pglite' | 'postgres'): void {
  let office: Office;
  let admin: Pc;
  let admin2: Pc;
  let emp: Pc;
  let roamer: Pc;
  let cable: Cable;
  let vaultId: string;
  let wifiId: string;
  let bankId: string;

  beforeAll(async () => {
    office = await Office.start(kind, { pollMs: 1_000 });
  }, STARTUP);
  afterAll(async () => {
    await cable?.close();
    await office?.stop();
  });

  it(
    'the first admin bootstraps the office: root, vault, own grant',
    async () => {
      admin = await office.firstAdmin();
      const s = admin.core.state;
      expect(s.state).toBe('unlocked');
      if (s.state !== 'unlocked') return;
      expect(s.user.role).toBe('admin');
      vaultId = admin.core.vaults()[0]!.id;
      wifiId = (
        await admin.core.vault.create(vaultId, { title: 'Wi-Fi', username: 'office', password: 'pw-1' })
      ).id;
      await admin.core.vault.create(vaultId, { title: 'Printer', username: 'admin', password: 'toner' });
    },
    SLOW,
  );

  it(
    'an enrollment with the wrong office fingerprint is refused',
    async () => {
      const sheet = await admin.core.admin.invite('mallory@office.test', 'Mallory', 'member');
      const pc = await office.pc('mallory');
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
      emp = await office.colleague(admin, 'emp@office.test');
      admin2 = await office.colleague(admin, 'second@office.test', 'admin');
      cable = await Cable.to(office.stack.url);
      roamer = await office.colleague(admin, 'roamer@office.test', 'member', cable.url);
      for (const pc of [emp, admin2, roamer]) {
        expect(pc.core.vault.list().map((e) => e.title)).toEqual(['Printer', 'Wi-Fi']);
      }
      expect(await emp.core.vault.reveal(wifiId)).toBe('pw-1');
    },
    SLOW,
  );

  it(
    'a confirmation with the wrong fingerprint is refused',
    async () => {
      const sheet = await admin.core.admin.invite('late@office.test', 'Late', 'member');
      const pc = await office.pc('late');
      await pc.core.redeemInvitation('late@office.test', sheet.oneTimePassword);
      const pending = await pc.core.enroll(MASTER, sheet.officeFingerprint);
      expect(pending.state).toBe('pendingConfirmation');
      const err = await refusal(
        admin.core.admin.confirm(sheet.memberId, '00000 00000 00000 00000 00000 00000'),
      );
      expect(err.code).toBe('fingerprint_mismatch');
      const members = await admin.core.admin.members();
      expect(members.find((m) => m.id === sheet.memberId)?.status).toBe('enrolled');
    },
    SLOW,
  );

  it(
    'an employee adds an entry and every PC sees it decrypted within a second',
    async () => {
      const pcs = [admin, admin2, roamer];
      const seen = pcs.map((pc) =>
        waitFor(
          pc.core,
          'entriesChanged',
          (e) => e.changes.some((c) => c.op === 'upsert' && c.byName === 'emp'),
          1_000,
        ),
      );
      const started = performance.now();
      const created = await emp.core.vault.create(vaultId, { title: 'Alarm code', password: '4711' });
      await Promise.all(seen);
      expect(performance.now() - started).toBeLessThan(1_000);
      for (const pc of pcs) expect(pc.core.vault.get(created.id).title).toBe('Alarm code');
    },
    SLOW,
  );

  it(
    "the employee's edit and delete are refused, by the core and by the server",
    async () => {
      const wifi = emp.core.vault.get(wifiId);
      const edit = await refusal(emp.core.vault.update(wifiId, wifi.version, { title: 'mine now' }));
      expect(edit.message).toBe('Only an admin can change this entry.');
      expect((await refusal(emp.core.vault.remove(wifiId, wifi.version))).code).toBe('forbidden');
      // The server says the same to a client that skips the check: a fresh, non-admin login.
      const sheet = await admin.core.admin.invite('raw@office.test', 'Raw', 'member');
      const raw = new Backend({
        url: office.stack.url,
        publishableKey: office.stack.publishableKey,
        network: envNetwork(),
      });
      await raw.signIn('raw@office.test', sheet.oneTimePassword);
      const server = await refusal(raw.updateEntry(wifiId, wifi.version, { v: 1 }, 1));
      expect(server.code).toBe('forbidden');
      expect(server.message).toBe('Only an admin can change this entry.');
      await raw.dispose();
    },
    SLOW,
  );

  it(
    "the admin's edit reaches everyone",
    async () => {
      const base = admin.core.vault.get(wifiId).version;
      const seen = [emp, admin2, roamer].map((pc) =>
        waitFor(pc.core, 'entriesChanged', (e) => e.changes.some((c) => c.id === wifiId), 2_000),
      );
      await admin.core.vault.update(wifiId, base, { title: 'Wi-Fi', username: 'office', password: 'pw-2' });
      await Promise.all(seen);
      for (const pc of [emp, admin2, roamer]) {
        expect(pc.core.vault.get(wifiId).version).toBe(base + 1);
      }
      expect(await emp.core.vault.reveal(wifiId)).toBe('pw-2');
    },
    SLOW,
  );

  it(
    'an edit that does not carry the authenticator key keeps it',
    async () => {
      const created = await admin.core.vault.create(vaultId, {
        title: 'Bank',
        password: 'pin',
        totp: 'JBSWY3DPEHPK3PXP',
      });
      await admin.core.vault.update(created.id, created.version, { title: 'Bank (business)' });
      expect(admin.core.vault.get(created.id).hasTotp).toBe(true);
      expect((await admin.core.vault.totp(created.id)).code).toMatch(/^\d{6}$/);
      expect(await admin.core.vault.reveal(created.id)).toBe('pin');
      bankId = created.id;
    },
    SLOW,
  );

  it(
    'authenticator codes are audited, shown or copied',
    async () => {
      await emp.core.syncNow();
      expect(await emp.core.vault.copy(bankId, 'totp')).toMatch(/^\d{6}$/);
      const { rows } = await office.stack.db.query<{ actor_email: string }>(
        `select actor_email from public.audit_log where action = 'entry.totp' and entry_id = $1 order by id`,
        [bankId],
      );
      expect(rows.map((r) => r.actor_email)).toEqual(['boss@office.test', 'emp@office.test']);
    },
    SLOW,
  );

  it(
    'two admins editing the same entry: one winner, one visible conflict, nothing lost',
    async () => {
      const base = admin.core.vault.get(wifiId).version;
      const results = await Promise.allSettled([
        admin.core.vault.update(wifiId, base, { title: 'Wi-Fi', password: 'from-admin' }),
        admin2.core.vault.update(wifiId, base, { title: 'Wi-Fi guest', password: 'from-admin2' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const loser = results[0]!.status === 'rejected' ? admin : admin2;
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((lost.reason as CoreError).code).toBe('conflict');
      const conflicts = loser.core.vault.conflicts();
      expect(conflicts).toHaveLength(1);
      const c = conflicts[0]!;
      expect(c.mine?.password).toMatch(/^from-admin2?$/);
      expect(c.theirs?.version).toBe(base + 1);
      expect(c.mine?.password).not.toBe(c.theirs?.entry.password);
      await loser.core.vault.resolve(c.id, 'both');
      expect(loser.core.vault.conflicts()).toHaveLength(0);
      const titles = loser.core.vault.list().map((e) => e.title);
      expect(titles.some((t) => t.endsWith('(my version)'))).toBe(true);
    },
    SLOW,
  );

  it(
    'a PC offline during changes catches up, and its offline creates arrive after a restart',
    async () => {
      cable.unplug();
      await admin.core.vault.create(vaultId, { title: 'Made while roamer was away', password: 'x' });
      const offline = await roamer.core.vault.create(vaultId, { title: 'Written offline', password: 'o' });
      expect(roamer.core.syncStatus.pendingChanges).toBe(1);
      await roamer.core.dispose();
      // The encrypted create survived the restart on disk, and nothing reached the server meanwhile.
      expect(await readFile(join(roamer.dir, 'outbox.json'), 'utf8')).toContain(offline.id);
      expect(() => admin.core.vault.get(offline.id)).toThrow(CoreError);
      const arrived = waitFor(
        admin.core,
        'entriesChanged',
        (e) => e.changes.some((c) => c.id === offline.id),
        30_000,
      );
      cable.plug();
      const again = await office.pc('roamer', roamer.dir, cable.url);
      roamer = again;
      await again.core.unlock(MASTER);
      await again.core.syncNow();
      await arrived;
      expect(admin.core.vault.get(offline.id).title).toBe('Written offline');
      expect(again.core.vault.list().map((e) => e.title)).toContain('Made while roamer was away');
      expect(again.core.syncStatus.pendingChanges).toBe(0);
    },
    SLOW,
  );

  it(
    'a PC unlocked before unlocks with the server unreachable: cached entries, search, offline create',
    async () => {
      await roamer.core.syncNow();
      const shown = roamer.core.vault.list();
      const wifi = await roamer.core.vault.reveal(wifiId);
      await roamer.core.lock();
      cable.unplug();
      const s = await roamer.core.unlock(MASTER);
      expect(s.state).toBe('unlocked');
      expect(roamer.core.vault.list()).toEqual(shown);
      // Right after unlock, before the background indexing is through, every entry is found.
      for (const e of shown) {
        expect(roamer.core.vault.search(e.title, 500).map((h) => h.id)).toContain(e.id);
      }
      expect(await roamer.core.vault.reveal(wifiId)).toBe(wifi);
      await until(() => roamer.core.syncStatus.connection === 'offline', 10_000);
      const created = await roamer.core.vault.create(vaultId, {
        title: 'Offline, from the cache',
        password: 'c',
      });
      expect(roamer.core.vault.search('from the cache').map((h) => h.id)).toEqual([created.id]);
      expect(roamer.core.syncStatus.pendingChanges).toBe(2);
      expect(() => admin.core.vault.get(created.id)).toThrow(CoreError);
      const arrived = waitFor(
        admin.core,
        'entriesChanged',
        (e) => e.changes.some((c) => c.id === created.id),
        30_000,
      );
      cable.plug();
      await arrived;
      expect(admin.core.vault.get(created.id).title).toBe('Offline, from the cache');
      await until(
        () => roamer.core.syncStatus.pendingChanges === 0 && roamer.core.syncStatus.connection !== 'offline',
        30_000,
      );
      const { rows } = await office.stack.db.query<{ n: number }>(
        `select count(*)::int as n from public.audit_log where action = 'entry.reveal' and entry_id = $1 and actor_email = 'roamer@office.test'`,
        [wifiId],
      );
      expect(rows[0]!.n).toBe(2);
    },
    SLOW,
  );

  it(
    'a create made offline is still listed after a restart offline (not sent yet, revealable) and lands once',
    async () => {
      cable.unplug();
      const made = await roamer.core.vault.create(vaultId, {
        title: 'Guest Wi-Fi',
        password: 'guest-pass-7',
      });
      expect(made.pending).toBe(true);
      await roamer.core.dispose();
      const again = await office.pc('roamer', roamer.dir, cable.url);
      roamer = again;
      expect((await again.core.unlock(MASTER)).state).toBe('unlocked');
      await until(() => again.core.syncStatus.connection === 'offline', 10_000);
      expect(again.core.vault.list().filter((e) => e.id === made.id)).toMatchObject([
        { title: 'Guest Wi-Fi', vaultId, pending: true, damaged: false },
      ]);
      expect(again.core.vault.search('Guest Wi-Fi').map((h) => h.id)).toContain(made.id);
      expect(await again.core.vault.reveal(made.id)).toBe('guest-pass-7');
      expect(() => admin.core.vault.get(made.id)).toThrow(CoreError);
      // While the outbox flushes, the list never shows the entry twice nor loses it for a moment.
      const seen: number[] = [];
      const off = again.core.events.on('entriesChanged', () => {
        seen.push(again.core.vault.list().filter((e) => e.title === 'Guest Wi-Fi').length);
      });
      const arrived = waitFor(
        admin.core,
        'entriesChanged',
        (e) => e.changes.some((c) => c.id === made.id),
        30_000,
      );
      cable.plug();
      await arrived;
      await until(
        () => again.core.syncStatus.pendingChanges === 0 && again.core.syncStatus.connection !== 'offline',
        30_000,
      );
      off();
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((n) => n === 1)).toBe(true);
      expect(again.core.vault.list().filter((e) => e.title === 'Guest Wi-Fi')).toMatchObject([
        { id: made.id, pending: false },
      ]);
      expect(await admin.core.vault.reveal(made.id)).toBe('guest-pass-7');
      const { rows } = await office.stack.db.query<{ n: number }>(
        'select count(*)::int as n from public.entries where id = $1',
        [made.id],
      );
      expect(rows[0]!.n).toBe(1);
    },
    SLOW,
  );

  it(
    'offline, a wrong master password is refused on the PC itself',
    async () => {
      await roamer.core.lock();
      cable.unplug();
      const err = await refusal(roamer.core.unlock('not the master password'));
      expect(err.code).toBe('wrong_credentials');
      expect(roamer.core.state.state).toBe('locked');
      cable.plug();
      expect((await roamer.core.unlock(MASTER)).state).toBe('unlocked');
      await roamer.core.syncNow();
    },
    SLOW,
  );

  it(
    "a disabled employee's core locks and wipes its cache",
    async () => {
      const cacheFile = join(emp.dir, 'cache.json');
      expect((await readFile(cacheFile, 'utf8')).length).toBeGreaterThan(0);
      const locked = waitFor(emp.core, 'sessionChanged', (s) => s.state === 'disabled', 5_000);
      await admin.core.admin.disable(emp.core.state.state === 'unlocked' ? emp.core.state.user.id : '');
      await locked;
      expect(() => emp.core.vault.list()).toThrow(CoreError);
      await expect(readFile(cacheFile, 'utf8')).rejects.toThrow();
    },
    SLOW,
  );

  it(
    'key rotation: remaining members decrypt, the leaver cannot, and the leaver’s reveals are listed',
    async () => {
      const members = await admin.core.admin.members();
      const leaver = members.find((m) => m.email === 'emp@office.test')!;
      const seen = [admin2, roamer].map((pc) =>
        waitFor(pc.core, 'entriesChanged', (e) => e.changes.some((c) => c.id === wifiId), 5_000),
      );
      const result = await admin.core.admin.rotateVault(vaultId, leaver.id);
      expect(result.keyVersion).toBe(2);
      expect(result.exposed.map((x) => x.entryId)).toContain(wifiId);
      expect(result.exposed).toContainEqual(
        expect.objectContaining({ entryId: bankId, action: 'entry.totp' }),
      );
      await Promise.all(seen);
      for (const pc of [admin, admin2, roamer]) {
        const list = pc.core.vault.list();
        expect(list.some((e) => e.damaged)).toBe(false);
        expect(await pc.core.vault.reveal(wifiId)).toMatch(/^from-admin2?$/);
      }
      // Even re-enabled, the leaver's PC holds no grant for the new key.
      await admin.core.admin.enable(leaver.id);
      const back = await office.pc('emp-again', emp.dir);
      expect(back.core.state.state).toBe('signedOut');
    },
    SLOW,
  );

  it(
    'a tampered cache fails closed offline: cached grant, colleague key, server documents',
    async () => {
      // A grant signed by an admin other than the root, so the colleague's certified key is in the chain.
      await admin2.core.syncNow();
      const seen = waitFor(
        roamer.core,
        'entriesChanged',
        (e) => e.changes.some((c) => c.id === wifiId),
        30_000,
      );
      const rotated = await admin2.core.admin.rotateVault(vaultId, null);
      await seen;
      await roamer.core.syncNow();
      expect(await roamer.core.vault.reveal(wifiId)).toMatch(/^from-admin2?$/);
      expect(rotated.keyVersion).toBe(3);
      await roamer.core.dispose();
      const file = join(roamer.dir, 'cache.json');
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
            (g) => g.granted_by !== (admin.core.state as { user: { id: string } }).user.id,
          );
          const signer = colleagues.find((c) => c.id === bySecond!.granted_by)!;
          const other = colleagues.find((c) => c.id !== signer.id && c.ed25519_public)!;
          signer.ed25519_public = other.ed25519_public;
        },
        (d) => {
          d.documents.server.grants = 'not a list';
        },
      ];
      cable.unplug();
      for (const change of variants) {
        const doc = JSON.parse(original) as Doc;
        change(doc);
        await writeFile(file, JSON.stringify(doc));
        const pc = await office.pc('roamer', roamer.dir, cable.url);
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
      const row = doc.rows[wifiId]!;
      row.envelope.ct = `${row.envelope.ct[0] === 'A' ? 'B' : 'A'}${row.envelope.ct.slice(1)}`;
      await writeFile(file, JSON.stringify(doc));
      const pc = await office.pc('roamer', roamer.dir, cable.url);
      await pc.core.unlock(MASTER);
      const list = pc.core.vault.list();
      expect(list.find((e) => e.id === wifiId)?.damaged).toBe(true);
      expect(list.filter((e) => e.damaged)).toHaveLength(1);
      expect(list.map((e) => e.title)).toContain('Printer');
      expect((await refusal(pc.core.vault.reveal(wifiId))).code).toBe('damaged');
      // Back online, the row that no longer opened is fetched again and opens.
      cable.plug();
      await pc.core.syncNow();
      await until(() => pc.core.vault.list().every((e) => !e.damaged), 30_000);
      expect(await pc.core.vault.reveal(wifiId)).toMatch(/^from-admin2?$/);
      await pc.core.dispose();
      await writeFile(file, original);
      roamer = await office.pc('roamer', roamer.dir, cable.url);
      await roamer.core.unlock(MASTER);
      await roamer.core.syncNow();
      expect(roamer.core.vault.list().some((e) => e.damaged)).toBe(false);
    },
    SLOW,
  );

  it(
    'a member disabled while their PC was offline is locked and wiped as soon as the PC reaches the server',
    async () => {
      const id = roamer.core.state.state === 'unlocked' ? roamer.core.state.user.id : '';
      await roamer.core.lock();
      cable.unplug();
      expect((await roamer.core.unlock(MASTER)).state).toBe('unlocked');
      expect(roamer.core.vault.list().length).toBeGreaterThan(0);
      await admin.core.admin.disable(id);
      await until(() => roamer.core.syncStatus.connection === 'offline', 10_000);
      expect(roamer.core.state.state).toBe('unlocked');
      const disabled = waitFor(roamer.core, 'sessionChanged', (s) => s.state === 'disabled', 15_000);
      cable.plug();
      await disabled;
      expect(() => roamer.core.vault.list()).toThrow(CoreError);
      await expect(readFile(join(roamer.dir, 'cache.json'), 'utf8')).rejects.toThrow();
    },
    SLOW,
  );

  it(
    'a member re-enabled before their PC noticed waits for a new confirmation, then decrypts again',
    async () => {
      const back = await office.colleague(admin, 'back@office.test');
      const id = userOf(back);
      await back.core.lock();
      await admin.core.admin.disable(id);
      // While they are away the vault key rotates: the grant they held opens nothing new.
      await admin.core.admin.rotateVault(vaultId, id);
      expect((await admin.core.admin.enable(id)).status).toBe('enrolled');
      const fingerprint = await unlockToPending(back);
      const listed = (await admin.core.admin.members()).find((m) => m.id === id);
      expect(listed).toMatchObject({ status: 'enrolled', fingerprint });
      const unlocked = waitFor(back.core, 'sessionChanged', (s) => s.state === 'unlocked', 60_000);
      expect((await admin.core.admin.confirm(id, fingerprint, 'member')).status).toBe('active');
      await unlocked;
      await until(() => back.core.vaults().length === admin.core.vaults().length, 60_000);
      await back.core.syncNow();
      expect(await back.core.vault.reveal(wifiId)).toMatch(/^from-admin2?$/);
      expect(back.core.vault.list().some((e) => e.damaged)).toBe(false);
    },
    SLOW,
  );

  it(
    'a demoted admin waits for a new confirmation as a member; what they signed was taken over first',
    async () => {
      const id = userOf(admin2);
      // Only the office root's admin certificates make keys whose grants colleagues accept.
      const chief = await admin2.core.admin.invite('chief@office.test', 'Chief', 'admin');
      const chiefPc = await office.pc('chief');
      await chiefPc.core.redeemInvitation('chief@office.test', chief.oneTimePassword);
      const chiefPending = await chiefPc.core.enroll(MASTER, chief.officeFingerprint);
      if (chiefPending.state !== 'pendingConfirmation') throw new Error(`got ${chiefPending.state}`);
      const refused = await refusal(
        admin2.core.admin.confirm(chief.memberId, chiefPending.fingerprint, 'admin'),
      );
      expect(refused.code).toBe('forbidden');
      // A member the second admin confirms: certificate and grants signed by that admin.
      const hire = await office.colleague(admin2, 'hire@office.test');
      const signers = async () =>
        (
          await office.stack.db.query<{ signer: string }>(
            `select key_certificate->>'signer' as signer from public.profiles where email = 'hire@office.test'
             union all select granted_by::text from public.vault_grants g join public.vaults v
               on v.id = g.vault_id and v.key_version = g.key_version
             where g.member_id = (select id from public.profiles where email = 'hire@office.test')`,
          )
        ).rows.map((r) => r.signer);
      expect(new Set(await signers())).toEqual(new Set([id]));

      const locked = waitFor(admin2.core, 'sessionChanged', (s) => s.state === 'locked', 10_000);
      expect(await admin.core.admin.setRole(id, 'member')).toMatchObject({
        role: 'member',
        status: 'enrolled',
      });
      await locked;
      expect(new Set(await signers())).toEqual(new Set([userOf(admin)]));
      // The hire's PC opens the vault again from scratch, under grants that verify without the demoted admin.
      await hire.core.lock();
      await hire.core.unlock(MASTER);
      await hire.core.syncNow();
      expect(hire.core.vault.list().some((e) => e.damaged)).toBe(false);
      expect(await hire.core.vault.reveal(wifiId)).toMatch(/^from-admin2?$/);

      const fingerprint = await unlockToPending(admin2);
      const unlocked = waitFor(admin2.core, 'sessionChanged', (s) => s.state === 'unlocked', 60_000);
      await admin.core.admin.confirm(id, fingerprint, 'member');
      const s = await unlocked;
      expect(s.state === 'unlocked' && s.user.role).toBe('member');
      await until(() => admin2.core.vaults().length === admin.core.vaults().length, 60_000);
      await admin2.core.syncNow();
      expect(await admin2.core.vault.reveal(wifiId)).toMatch(/^from-admin2?$/);
      const wifi = admin2.core.vault.get(wifiId);
      const edit = await refusal(admin2.core.vault.update(wifiId, wifi.version, { title: 'x' }));
      expect(edit.code).toBe('forbidden');
      // Every active colleague's keys still chain to the root: a rotation verifies them all.
      await admin.core.admin.rotateVault(vaultId, null);
    },
    SLOW,
  );

  it(
    'the admin switches a forced update off again, audited; a member cannot',
    async () => {
      await admin.core.office.publishRelease('1.0.0', 'Current', false);
      expect((await admin.core.office.setMinVersion('1.0.0')).minVersion).toBe('1.0.0');
      expect((await admin.core.office.setMinVersion(null)).minVersion).toBeNull();
      const { rows } = await office.stack.db.query<{ actor_email: string; changed: string }>(
        `select actor_email, details->>'changed' as changed from public.audit_log
         where action = 'policy.update' order by id desc limit 1`,
      );
      expect(rows).toEqual([{ actor_email: 'boss@office.test', changed: '["min_version"]' }]);
      expect((await refusal(admin2.core.office.setMinVersion(null))).code).toBe('forbidden');
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
