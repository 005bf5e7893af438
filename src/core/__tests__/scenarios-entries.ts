// The office scenario, part two: entries written, edited and refused, conflicts between admins, and PCs
// that work offline and catch up.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { Backend } from '../backend/client';
import { CoreError } from '../backend/errors';
import { envNetwork } from '../backend/network/network';
import { MASTER, refusal, SLOW, until, waitFor } from './office';
import type { OfficeRun } from './scenarios-run';

export function entrySteps(run: OfficeRun): void {
  it(
    'an employee adds an entry and every PC sees it decrypted within a second',
    async () => {
      const pcs = [run.admin, run.admin2, run.roamer];
      const seen = pcs.map((pc) =>
        waitFor(
          pc.core,
          'entriesChanged',
          (e) => e.changes.some((c) => c.op === 'upsert' && c.byName === 'emp'),
          1_000,
        ),
      );
      const started = performance.now();
      const created = await run.emp.core.vault.create(run.vaultId, { title: 'Alarm code', password: '4711' });
      await Promise.all(seen);
      expect(performance.now() - started).toBeLessThan(1_000);
      for (const pc of pcs) expect(pc.core.vault.get(created.id).title).toBe('Alarm code');
    },
    SLOW,
  );

  it(
    "the employee's edit and delete are refused, by the core and by the server",
    async () => {
      const wifi = run.emp.core.vault.get(run.wifiId);
      const edit = await refusal(run.emp.core.vault.update(run.wifiId, wifi.version, { title: 'mine now' }));
      expect(edit.message).toBe('Only an admin can change this entry.');
      expect((await refusal(run.emp.core.vault.remove(run.wifiId, wifi.version))).code).toBe('forbidden');
      // The server says the same to a client that skips the check: a fresh, non-admin login.
      const sheet = await run.admin.core.admin.invite('raw@office.test', 'Raw', 'member');
      const raw = new Backend({
        url: run.office.stack.url,
        publishableKey: run.office.stack.publishableKey,
        network: envNetwork(),
      });
      await raw.signIn('raw@office.test', sheet.oneTimePassword);
      const server = await refusal(raw.updateEntry(run.wifiId, wifi.version, { v: 1 }, 1));
      expect(server.code).toBe('forbidden');
      expect(server.message).toBe('Only an admin can change this entry.');
      await raw.dispose();
    },
    SLOW,
  );

  it(
    "the admin's edit reaches everyone",
    async () => {
      const base = run.admin.core.vault.get(run.wifiId).version;
      const seen = [run.emp, run.admin2, run.roamer].map((pc) =>
        waitFor(pc.core, 'entriesChanged', (e) => e.changes.some((c) => c.id === run.wifiId), 2_000),
      );
      await run.admin.core.vault.update(run.wifiId, base, {
        title: 'Wi-Fi',
        username: 'office',
        password: 'pw-2',
      });
      await Promise.all(seen);
      for (const pc of [run.emp, run.admin2, run.roamer]) {
        expect(pc.core.vault.get(run.wifiId).version).toBe(base + 1);
      }
      expect(await run.emp.core.vault.reveal(run.wifiId)).toBe('pw-2');
    },
    SLOW,
  );

  it(
    'an edit that does not carry the authenticator key keeps it',
    async () => {
      const created = await run.admin.core.vault.create(run.vaultId, {
        title: 'Bank',
        password: 'pin',
        totp: 'JBSWY3DPEHPK3PXP',
      });
      await run.admin.core.vault.update(created.id, created.version, { title: 'Bank (business)' });
      expect(run.admin.core.vault.get(created.id).hasTotp).toBe(true);
      expect((await run.admin.core.vault.totp(created.id)).code).toMatch(/^\d{6}$/);
      expect(await run.admin.core.vault.reveal(created.id)).toBe('pin');
      run.bankId = created.id;
    },
    SLOW,
  );

  it(
    'authenticator codes are audited, shown or copied',
    async () => {
      await run.emp.core.syncNow();
      expect(await run.emp.core.vault.copy(run.bankId, 'totp')).toMatch(/^\d{6}$/);
      const { rows } = await run.office.stack.db.query<{ actor_email: string }>(
        `select actor_email from public.audit_log where action = 'entry.totp' and entry_id = $1 order by id`,
        [run.bankId],
      );
      expect(rows.map((r) => r.actor_email)).toEqual(['boss@office.test', 'emp@office.test']);
    },
    SLOW,
  );

  it(
    'two admins editing the same entry: one winner, one visible conflict, nothing lost',
    async () => {
      const base = run.admin.core.vault.get(run.wifiId).version;
      const results = await Promise.allSettled([
        run.admin.core.vault.update(run.wifiId, base, { title: 'Wi-Fi', password: 'from-admin' }),
        run.admin2.core.vault.update(run.wifiId, base, { title: 'Wi-Fi guest', password: 'from-admin2' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const loser = results[0]!.status === 'rejected' ? run.admin : run.admin2;
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
      run.cable.unplug();
      await run.admin.core.vault.create(run.vaultId, { title: 'Made while roamer was away', password: 'x' });
      const offline = await run.roamer.core.vault.create(run.vaultId, {
        title: 'Written offline',
        password: 'o',
      });
      expect(run.roamer.core.syncStatus.pendingChanges).toBe(1);
      await run.roamer.core.dispose();
      // The encrypted create survived the restart on disk, and nothing reached the server meanwhile.
      expect(await readFile(join(run.roamer.dir, 'outbox.json'), 'utf8')).toContain(offline.id);
      expect(() => run.admin.core.vault.get(offline.id)).toThrow(CoreError);
      const arrived = waitFor(
        run.admin.core,
        'entriesChanged',
        (e) => e.changes.some((c) => c.id === offline.id),
        30_000,
      );
      run.cable.plug();
      const again = await run.office.pc('roamer', run.roamer.dir, run.cable.url);
      run.roamer = again;
      await again.core.unlock(MASTER);
      await again.core.syncNow();
      await arrived;
      expect(run.admin.core.vault.get(offline.id).title).toBe('Written offline');
      expect(again.core.vault.list().map((e) => e.title)).toContain('Made while roamer was away');
      expect(again.core.syncStatus.pendingChanges).toBe(0);
    },
    SLOW,
  );

  it(
    'a PC unlocked before unlocks with the server unreachable: cached entries, search, offline create',
    async () => {
      await run.roamer.core.syncNow();
      const shown = run.roamer.core.vault.list();
      const wifi = await run.roamer.core.vault.reveal(run.wifiId);
      await run.roamer.core.lock();
      run.cable.unplug();
      const s = await run.roamer.core.unlock(MASTER);
      expect(s.state).toBe('unlocked');
      expect(run.roamer.core.vault.list()).toEqual(shown);
      // Right after unlock, before the background indexing is through, every entry is found.
      for (const e of shown) {
        expect(run.roamer.core.vault.search(e.title, 500).map((h) => h.id)).toContain(e.id);
      }
      expect(await run.roamer.core.vault.reveal(run.wifiId)).toBe(wifi);
      await until(() => run.roamer.core.syncStatus.connection === 'offline', 10_000);
      const created = await run.roamer.core.vault.create(run.vaultId, {
        title: 'Offline, from the cache',
        password: 'c',
      });
      expect(run.roamer.core.vault.search('from the cache').map((h) => h.id)).toEqual([created.id]);
      expect(run.roamer.core.syncStatus.pendingChanges).toBe(2);
      expect(() => run.admin.core.vault.get(created.id)).toThrow(CoreError);
      const arrived = waitFor(
        run.admin.core,
        'entriesChanged',
        (e) => e.changes.some((c) => c.id === created.id),
        30_000,
      );
      run.cable.plug();
      await arrived;
      expect(run.admin.core.vault.get(created.id).title).toBe('Offline, from the cache');
      await until(
        () =>
          run.roamer.core.syncStatus.pendingChanges === 0 &&
          run.roamer.core.syncStatus.connection !== 'offline',
        30_000,
      );
      const { rows } = await run.office.stack.db.query<{ n: number }>(
        `select count(*)::int as n from public.audit_log where action = 'entry.reveal' and entry_id = $1 and actor_email = 'roamer@office.test'`,
        [run.wifiId],
      );
      expect(rows[0]!.n).toBe(2);
    },
    SLOW,
  );

  it(
    'a create made offline is still listed after a restart offline (not sent yet, revealable) and lands once',
    async () => {
      run.cable.unplug();
      const made = await run.roamer.core.vault.create(run.vaultId, {
        title: 'Guest Wi-Fi',
        password: 'guest-pass-7',
      });
      expect(made.pending).toBe(true);
      await run.roamer.core.dispose();
      const again = await run.office.pc('roamer', run.roamer.dir, run.cable.url);
      run.roamer = again;
      expect((await again.core.unlock(MASTER)).state).toBe('unlocked');
      await until(() => again.core.syncStatus.connection === 'offline', 10_000);
      expect(again.core.vault.list().filter((e) => e.id === made.id)).toMatchObject([
        { title: 'Guest Wi-Fi', vaultId: run.vaultId, pending: true, damaged: false },
      ]);
      expect(again.core.vault.search('Guest Wi-Fi').map((h) => h.id)).toContain(made.id);
      expect(await again.core.vault.reveal(made.id)).toBe('guest-pass-7');
      expect(() => run.admin.core.vault.get(made.id)).toThrow(CoreError);
      // While the outbox flushes, the list never shows the entry twice nor loses it for a moment.
      const seen: number[] = [];
      const off = again.core.events.on('entriesChanged', () => {
        seen.push(again.core.vault.list().filter((e) => e.title === 'Guest Wi-Fi').length);
      });
      const arrived = waitFor(
        run.admin.core,
        'entriesChanged',
        (e) => e.changes.some((c) => c.id === made.id),
        30_000,
      );
      run.cable.plug();
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
      expect(await run.admin.core.vault.reveal(made.id)).toBe('guest-pass-7');
      const { rows } = await run.office.stack.db.query<{ n: number }>(
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
      await run.roamer.core.lock();
      run.cable.unplug();
      const err = await refusal(run.roamer.core.unlock('not the master password'));
      expect(err.code).toBe('wrong_credentials');
      expect(run.roamer.core.state.state).toBe('locked');
      run.cable.plug();
      expect((await run.roamer.core.unlock(MASTER)).state).toBe('unlocked');
      await run.roamer.core.syncNow();
    },
    SLOW,
  );
}
