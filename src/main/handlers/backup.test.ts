// Admin → Backup through dispatch() on the real core and the local stack (fresh PostgreSQL database) with the demo
// office: the file is written by the save dialog's stand-in and chosen again through the open dialog's; what
// crosses IPC is checked for the passphrase and for entry contents, and a restore is held in the main process
// between its preview and its one commit.
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoOffice } from '../../../scripts/demo-office';
import { type RunningStack, startStack } from '../../../scripts/local-stack/server';
import { type CoreSession, coreSessions } from '../../../scripts/preview/session';
import { createTestDatabase, type TestDatabase } from '../../../scripts/test/pg';
import type { EventName } from '../../shared/channels';
import { BACKUP_MESSAGES } from '../../shared/errors';
import { dialogBackupSaver, suggestedBackupName } from './backup';
import { dialogPicker } from './import';
import { answer, call } from './test-dispatch';

let db: TestDatabase;
let stack: RunningStack;
let admin: CoreSession;
let employee: CoreSession;
let dir: string;
let adminPassword: string;
const events: { name: EventName; payload: unknown }[] = [];

const PASSPHRASE = 'copper meadow violin hexagon tulip';
const SECRET = 'Backup-Handler-Secret-93!';

beforeAll(async () => {
  db = await createTestDatabase('keyroom_backup_handlers');
  stack = await startStack({ port: 0, dbUrl: db.url });
  dir = await mkdtemp(join(tmpdir(), 'keyroom-backup-handlers-'));
  const options = {
    url: stack.url,
    publishableKey: stack.publishableKey,
    profilesDir: dir,
    version: '0.1.0',
    pollMs: 1000,
  };
  const sessions = coreSessions(options);
  const opened = await openDemoOffice({ ...options, secretKey: stack.secretKey }, (profile) =>
    sessions(profile, (name, payload) => {
      events.push({ name, payload });
    }),
  );
  admin = opened.admin;
  adminPassword = opened.office.admin.masterPassword;
  employee = opened.employee;
  const [vault] = admin.core.vaults();
  await admin.core.vault.create(vault!.id, { title: 'Router', username: 'admin', password: SECRET });
});

afterAll(async () => {
  await admin?.close();
  await employee?.close();
  await stack?.stop();
  await db?.drop();
});

const progressOf = () => events.filter((e) => e.name === 'backupProgress').map((e) => e.payload);

describe('office backup calls over the real core', () => {
  it('refuses a weak passphrase in the core’s words before any dialog opens', async () => {
    const r = await call(admin, 'backup.create', { passphrase: 'summer2026' });
    expect(r).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: BACKUP_MESSAGES.weakPassphrase },
    });
    expect(admin.backups).toEqual([]);
  });

  it('saves the file through the save dialog with progress; the answer holds counts, not the file or passphrase', async () => {
    events.length = 0;
    const r = await answer(admin, 'backup.create', { passphrase: PASSPHRASE });
    const count = admin.core.vault.list().length;
    expect(r).toEqual({
      saved: true,
      fileName: suggestedBackupName(new Date()),
      vaults: 1,
      entries: count,
      historyVersions: 0,
      skippedDamaged: 0,
      damagedVersions: 0,
    });
    expect(JSON.stringify(r)).not.toContain(PASSPHRASE);
    const [path] = admin.backups;
    const bytes = await readFile(path!);
    expect(bytes.subarray(0, 8).toString()).toBe('KEYROOMB');
    expect(bytes.includes(Buffer.from(SECRET))).toBe(false);
    if (process.platform !== 'win32') expect((await stat(path!)).mode & 0o777).toBe(0o600);
    const phases = progressOf().map((p) => (p as { phase: string }).phase);
    expect(phases).toContain('reading');
    expect(phases.at(-1)).toBe('encrypting');
    expect(JSON.stringify(events)).not.toContain(PASSPHRASE);
  });

  it('refuses a wrong passphrase and a damaged file with the one message, holding nothing', async () => {
    admin.answerOpenDialog(admin.backups[0]!);
    const wrong = await call(admin, 'backup.open', { passphrase: 'another long passphrase here' });
    expect(wrong).toEqual({ ok: false, error: { code: 'damaged', message: BACKUP_MESSAGES.unreadable } });

    const bytes = await readFile(admin.backups[0]!);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 1;
    const damaged = join(dir, 'damaged.keyroom-backup');
    await writeFile(damaged, bytes);
    admin.answerOpenDialog(damaged);
    expect(await call(admin, 'backup.open', { passphrase: PASSPHRASE })).toEqual(wrong);
  });

  it('the preview of a restore into the same office: everything already there, no entry contents', async () => {
    admin.answerOpenDialog(admin.backups[0]!);
    const p = await answer(admin, 'backup.open', { passphrase: PASSPHRASE });
    expect(p).not.toBeNull();
    const count = admin.core.vault.list().length;
    expect(p).toMatchObject({
      fileName: suggestedBackupName(new Date()),
      source: stack.url,
      entries: count,
      duplicates: count,
      toAdd: 0,
      newVaults: 0,
      vaults: [{ name: 'Office', exists: true, entries: count, duplicates: count, toAdd: 0 }],
    });
    const wire = JSON.stringify(p);
    expect(wire).not.toContain(SECRET);
    expect(wire).not.toContain('Router');
    expect(wire).not.toContain(PASSPHRASE);
    const s = await answer(admin, 'backup.restore', { restoreId: p!.restoreId });
    expect(s).toEqual({ added: 0, skippedDuplicates: count, vaultsCreated: 0, queued: 0, failed: 0 });
    expect(admin.core.vault.list()).toHaveLength(count);
  });

  it('restores what went missing once; the plan is gone after use', async () => {
    const router = admin.core.vault.list().find((e) => e.title === 'Router')!;
    await admin.core.vault.remove(router.id, router.version);
    admin.answerOpenDialog(admin.backups[0]!);
    const p = (await answer(admin, 'backup.open', { passphrase: PASSPHRASE }))!;
    expect(p.toAdd).toBe(1);
    events.length = 0;
    const s = await answer(admin, 'backup.restore', { restoreId: p.restoreId });
    expect(s).toMatchObject({ added: 1, vaultsCreated: 0, failed: 0 });
    expect(progressOf().at(-1)).toEqual({ phase: 'restoring', done: 1, total: 1 });
    const back = admin.core.vault.list().filter((e) => e.title === 'Router');
    expect(back).toHaveLength(1);
    expect(await admin.core.vault.reveal(back[0]!.id)).toBe(SECRET);

    const again = await call(admin, 'backup.restore', { restoreId: p.restoreId });
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.code).toBe('not_found');
  });

  it('a cancelled dialog writes or opens nothing; a lock drops an open restore', async () => {
    admin.answerOpenDialog(null);
    expect(await answer(admin, 'backup.open', { passphrase: PASSPHRASE })).toBeNull();

    admin.answerOpenDialog(admin.backups[0]!);
    const p = (await answer(admin, 'backup.open', { passphrase: PASSPHRASE }))!;
    await answer(admin, 'backup.cancel', { restoreId: p.restoreId });
    const cancelled = await call(admin, 'backup.restore', { restoreId: p.restoreId });
    expect(cancelled.ok).toBe(false);

    admin.answerOpenDialog(admin.backups[0]!);
    const q = (await answer(admin, 'backup.open', { passphrase: PASSPHRASE }))!;
    await answer(admin, 'session.lock', {});
    await answer(admin, 'session.unlock', { masterPassword: adminPassword });
    const locked = await call(admin, 'backup.restore', { restoreId: q.restoreId });
    expect(locked.ok).toBe(false);
    if (!locked.ok) expect(locked.error.code).toBe('not_found');
  });

  it('refuses an employee before any dialog opens', async () => {
    const r = await call(employee, 'backup.create', { passphrase: PASSPHRASE });
    expect(r).toEqual({ ok: false, error: { code: 'forbidden', message: BACKUP_MESSAGES.adminOnly } });
    employee.answerOpenDialog(admin.backups[0]!);
    const o = await call(employee, 'backup.open', { passphrase: PASSPHRASE });
    expect(o).toEqual({ ok: false, error: { code: 'forbidden', message: BACKUP_MESSAGES.adminOnly } });
    expect(employee.backups).toEqual([]);
  });
});

describe('backup save dialog', () => {
  it('offers the dated name and the backup filter; writes the file for this user only; a cancel writes nothing', async () => {
    const target = join(dir, 'chosen.keyroom-backup');
    let asked: unknown = null;
    const saver = dialogBackupSaver(async (o) => {
      asked = o;
      return { canceled: false, filePath: target };
    });
    const chosen = await saver.choose('Keyroom backup 2026-12-02.keyroom-backup');
    expect(asked).toMatchObject({
      defaultPath: 'Keyroom backup 2026-12-02.keyroom-backup',
      filters: [{ name: 'Keyroom office backup', extensions: ['keyroom-backup'] }],
    });
    expect(chosen?.fileName).toBe('chosen.keyroom-backup');
    await chosen!.write(new Uint8Array([1, 2, 3]));
    expect([...(await readFile(target))]).toEqual([1, 2, 3]);
    if (process.platform !== 'win32') expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect(await dialogBackupSaver(async () => ({ canceled: true })).choose('x.keyroom-backup')).toBeNull();
  });

  it('the open dialog asks for a backup with its own title and filter', async () => {
    let asked: unknown = null;
    const picker = dialogPicker(async (o) => {
      asked = o;
      return { canceled: false, filePaths: [join(dir, 'chosen.keyroom-backup')] };
    });
    expect((await picker.choose('backup'))?.name).toBe('chosen.keyroom-backup');
    expect(asked).toMatchObject({
      title: 'Restore from a backup',
      filters: [{ name: 'Keyroom office backup', extensions: ['keyroom-backup'] }, { name: 'All files' }],
    });
  });
});
