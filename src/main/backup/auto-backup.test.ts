// The automatic daily backup on the real core and the local stack (fresh PostgreSQL database, demo office),
// writing real files into a temp folder, with the real settings store (conf under Node). Injected only where the
// real thing cannot run here: the OS keychain (MemoryKeychain: no keychain service or keytar on this machine), the
// clock (to pass a day) and the hourly timer (captured, to see it stop); one test injects a failing folder write.
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoOffice } from '../../../scripts/demo-office';
import { type RunningStack, startStack } from '../../../scripts/local-stack/server';
import { type CoreSession, coreSessions } from '../../../scripts/preview/session';
import { createTestDatabase, type TestDatabase } from '../../../scripts/test/pg';
import { readBackup } from '../../core/backup';
import { AUTO_BACKUP_MESSAGES, BACKUP_MESSAGES } from '../../shared/errors';
import { MemoryKeychain } from '../secrets/memory-keychain';
import { confOpener } from '../store/conf-opener';
import { openSettingsStore } from '../store/profile-stores';
import type { ElectronSettingsStore } from '../store/settings';
import {
  AUTO_BACKUP_CHECK_MS,
  AutoBackup,
  autoBackupFileName,
  type BackupFolder,
  nodeBackupFolder,
} from './auto-backup';
import { AUTO_BACKUP_SERVICE, BackupPassphraseKeychain } from './passphrase-keychain';

const PASSPHRASE = 'lantern orchid basalt mosaic ferry';
const DAY = 24 * 60 * 60 * 1000;

let db: TestDatabase;
let stack: RunningStack;
let admin: CoreSession;
let employee: CoreSession;
let adminPassword: string;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase('keyroom_auto_backup');
  stack = await startStack({ port: 0, dbUrl: db.url });
  dir = await mkdtemp(join(tmpdir(), 'keyroom-auto-backup-'));
  const options = {
    url: stack.url,
    publishableKey: stack.publishableKey,
    profilesDir: join(dir, 'profiles'),
    version: '0.1.0',
    pollMs: 1000,
  };
  const sessions = coreSessions(options);
  const opened = await openDemoOffice({ ...options, secretKey: stack.secretKey }, (profile) =>
    sessions(profile, () => {}),
  );
  admin = opened.admin;
  employee = opened.employee;
  adminPassword = opened.office.admin.masterPassword;
});

afterAll(async () => {
  await admin?.close();
  await employee?.close();
  await stack?.stop();
  await db?.drop();
});

/** One PC: its settings file, its keychain stand-in, a clock the test moves, the hourly timer captured. */
async function pc(session: CoreSession, folder: BackupFolder = nodeBackupFolder) {
  const userData = await mkdtemp(join(dir, 'pc-'));
  const settings: ElectronSettingsStore = openSettingsStore(confOpener(userData));
  const keychain = new MemoryKeychain();
  const clock = { now: new Date('2026-12-02T09:00:00Z') };
  const timers: { ms: number; stopped: boolean }[] = [];
  const logs: string[] = [];
  const auto = new AutoBackup({
    core: session.core,
    settings,
    passphrases: new BackupPassphraseKeychain(keychain),
    folder,
    now: () => clock.now,
    every: (ms) => {
      const t = { ms, stopped: false };
      timers.push(t);
      return () => {
        t.stopped = true;
      };
    },
    onError: (m) => logs.push(m),
  });
  const target = await mkdtemp(join(dir, 'folder-'));
  return { settings, keychain, clock, timers, logs, auto, target, userData };
}

async function until(ok: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ours = async (folder: string) =>
  (await readdir(folder)).filter((n) => n.startsWith('keyroom-backup-')).sort();

describe('automatic daily backup (real core, local stack, real files)', () => {
  it('turned on by the admin: writes the day’s file, which opens with the passphrase; records the run', async () => {
    const p = await pc(admin);
    const state = await p.auto.enable({ folder: p.target, keep: 7, passphrase: PASSPHRASE });
    expect(await ours(p.target)).toEqual(['keyroom-backup-2026-12-02.keyroom-backup']);
    const bytes = await readFile(join(p.target, autoBackupFileName(p.clock.now)));
    const payload = await readBackup(new Uint8Array(bytes), PASSPHRASE);
    expect(payload.vaults.length).toBeGreaterThan(0);
    expect(state).toMatchObject({
      enabled: true,
      folder: p.target,
      keep: 7,
      lastRunAt: '2026-12-02T09:00:00.000Z',
    });
    expect(state.lastError).toBeNull();
    expect(p.timers).toEqual([{ ms: AUTO_BACKUP_CHECK_MS, stopped: false }]);
    p.auto.dispose();
  });

  it('a second check the same day writes nothing; a day later writes the next file; rotation keeps N of ours only', async () => {
    const p = await pc(admin);
    // Older backups of ours, and files that only look alike: the rotation may delete only the exact pattern.
    for (const d of ['2026-11-20', '2026-11-25', '2026-11-28', '2026-11-30'])
      await writeFile(join(p.target, `keyroom-backup-${d}.keyroom-backup`), 'old');
    const bystanders = [
      'notes.txt',
      'keyroom-backup-2026-01-01.keyroom-backup.bak',
      'Keyroom backup 2026-01-01.keyroom-backup',
    ];
    for (const n of bystanders) await writeFile(join(p.target, n), 'keep me');
    await mkdir(join(p.target, 'keyroom-backup-2026-01-02.keyroom-backup.d'));

    await p.auto.enable({ folder: p.target, keep: 3, passphrase: PASSPHRASE });
    const afterFirst = await ours(p.target);
    expect(afterFirst.filter((n) => /^keyroom-backup-\d{4}-\d{2}-\d{2}\.keyroom-backup$/.test(n))).toEqual([
      'keyroom-backup-2026-11-28.keyroom-backup',
      'keyroom-backup-2026-11-30.keyroom-backup',
      'keyroom-backup-2026-12-02.keyroom-backup',
    ]);

    // Later the same day (and even with today's file deleted by hand): not due, nothing written.
    const today = join(p.target, 'keyroom-backup-2026-12-02.keyroom-backup');
    const first = await readFile(today);
    p.clock.now = new Date('2026-12-02T20:00:00Z');
    await p.auto.check();
    expect(await readFile(today)).toEqual(first);
    expect((await p.settings.get()).autoBackup.lastRunAt).toBe('2026-12-02T09:00:00.000Z');

    p.clock.now = new Date(Date.parse('2026-12-02T09:00:00Z') + DAY + 60_000);
    await p.auto.check();
    const names = (await readdir(p.target)).sort();
    expect(names.filter((n) => /^keyroom-backup-\d{4}-\d{2}-\d{2}\.keyroom-backup$/.test(n))).toEqual([
      'keyroom-backup-2026-11-30.keyroom-backup',
      'keyroom-backup-2026-12-02.keyroom-backup',
      'keyroom-backup-2026-12-03.keyroom-backup',
    ]);
    for (const n of [...bystanders, 'keyroom-backup-2026-01-02.keyroom-backup.d']) expect(names).toContain(n);
    p.auto.dispose();
  });

  it('a locked session writes nothing and its hourly check stops; the unlock makes up the missed day', async () => {
    const p = await pc(admin);
    await p.auto.enable({ folder: p.target, keep: 7, passphrase: PASSPHRASE });
    await admin.core.lock();
    expect(admin.core.state.state).toBe('locked');
    expect(p.timers.at(-1)?.stopped).toBe(true);
    p.clock.now = new Date(p.clock.now.getTime() + 2 * DAY);
    await p.auto.check();
    expect(await ours(p.target)).toEqual(['keyroom-backup-2026-12-02.keyroom-backup']);

    await admin.core.unlock(adminPassword);
    await p.auto.check();
    // The check at unlock runs once the core reports the server online (an unlock from the cache signs in behind it).
    await until(async () => (await ours(p.target)).length === 2);
    await p.auto.check();
    expect(await ours(p.target)).toEqual([
      'keyroom-backup-2026-12-02.keyroom-backup',
      'keyroom-backup-2026-12-04.keyroom-backup',
    ]);
    expect(p.timers.at(-1)?.stopped).toBe(false);
    // A run asked for in the first moments after the unlock can be refused by the core (see the report); the next
    // online report or the hourly check makes it, and the last error is cleared by the run that succeeds.
    expect((await p.settings.get()).autoBackup.lastError).toBeNull();
    p.auto.dispose();
  });

  it('a member never runs it: turning it on is refused, and settings naming another user run nothing', async () => {
    const p = await pc(employee);
    await expect(p.auto.enable({ folder: p.target, keep: 7, passphrase: PASSPHRASE })).rejects.toMatchObject({
      code: 'forbidden',
      message: BACKUP_MESSAGES.adminOnly,
    });
    expect(p.keychain.entries.size).toBe(0);
    expect(p.timers).toEqual([]);
    // Settings copied from an admin's PC (the member's own session is not that admin's): nothing runs.
    const s = admin.core.state;
    if (s.state !== 'unlocked') throw new Error('admin must be unlocked');
    await p.settings.set({
      autoBackup: {
        enabled: true,
        folder: p.target,
        keep: 7,
        userId: s.user.id,
        lastRunAt: null,
        lastError: null,
      },
    });
    await p.keychain.setPassword(
      AUTO_BACKUP_SERVICE,
      s.user.id,
      JSON.stringify({ v: 1, passphrase: PASSPHRASE }),
    );
    await p.auto.check();
    expect(await readdir(p.target)).toEqual([]);
    p.auto.dispose();
  });

  it('refuses a weak passphrase in the core’s words, keeping nothing', async () => {
    const p = await pc(admin);
    await expect(
      p.auto.enable({ folder: p.target, keep: 7, passphrase: 'summer2026' }),
    ).rejects.toMatchObject({
      message: BACKUP_MESSAGES.weakPassphrase,
    });
    expect(p.keychain.entries.size).toBe(0);
    expect((await p.settings.get()).autoBackup.enabled).toBe(false);
    p.auto.dispose();
  });

  it('a folder that cannot be written (injected failing write): the last error in words, no path or passphrase in logs', async () => {
    const failing: BackupFolder = {
      ...nodeBackupFolder,
      write: async () => {
        throw Object.assign(new Error(`EACCES: permission denied, open '/secret/${PASSPHRASE}'`), {
          code: 'EACCES',
        });
      },
    };
    const p = await pc(admin, failing);
    const state = await p.auto.enable({ folder: p.target, keep: 7, passphrase: PASSPHRASE });
    expect(state).toMatchObject({ enabled: true, lastRunAt: null, lastError: AUTO_BACKUP_MESSAGES.folder });
    expect(p.logs).toEqual(['automatic backup: run failed (Error)']);
    p.auto.dispose();
  });

  it('the passphrase is in the keychain stand-in only: not in settings, logs or files; sign-out wipes it and turns it off', async () => {
    const p = await pc(admin);
    await p.auto.enable({ folder: p.target, keep: 7, passphrase: PASSPHRASE });
    const s = admin.core.state;
    if (s.state !== 'unlocked') throw new Error('admin must be unlocked');
    expect([...p.keychain.entries.keys()]).toEqual([`${AUTO_BACKUP_SERVICE}\n${s.user.id}`]);
    expect(JSON.stringify(await p.settings.get())).not.toContain(PASSPHRASE);
    const settingsFile = await readFile(join(p.userData, 'settings.json'), 'utf8');
    expect(settingsFile).toContain(p.target);
    expect(settingsFile).not.toContain(PASSPHRASE);
    expect(p.logs.join('\n')).not.toContain(PASSPHRASE);
    const bytes = await readFile(join(p.target, autoBackupFileName(p.clock.now)));
    expect(bytes.includes(Buffer.from(PASSPHRASE))).toBe(false);

    await admin.core.signOut();
    await until(async () => p.keychain.entries.size === 0);
    expect((await p.settings.get()).autoBackup).toMatchObject({ enabled: false, userId: null });
    p.auto.dispose();
  });
});
