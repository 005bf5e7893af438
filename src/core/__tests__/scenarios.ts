// The office scenarios of issue 7, run in order against one stack: the PGlite and PostgreSQL suites call
// this with their database kind. Each step builds on the office the previous steps left behind.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Backend } from '../backend/client';
import { CoreError } from '../backend/errors';
import { Cable, MASTER, Office, type Pc, SLOW, STARTUP, waitFor } from './office';

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
      const s = await pc.core.signIn('mallory@office.test', sheet.oneTimePassword);
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
      await pc.core.signIn('late@office.test', sheet.oneTimePassword);
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
      const raw = new Backend({ url: office.stack.url, anonKey: office.stack.anonKey });
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
}
