// "Automatic daily backup" through dispatch() on the real core and the local stack (demo office), in the preview
// host's pieces: its folder dialog answers a folder of the profile, its keychain is in memory (no OS keychain here).
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoOffice } from '../../../scripts/demo-office';
import { type RunningStack, startStack } from '../../../scripts/local-stack/server';
import { type CoreSession, coreSessions } from '../../../scripts/preview/session';
import { createTestDatabase, type TestDatabase } from '../../../scripts/test/pg';
import { BACKUP_MESSAGES } from '../../shared/errors';
import { answer, call } from './test-dispatch';

const PASSPHRASE = 'granite pelican saffron voltage harbor';
let db: TestDatabase;
let stack: RunningStack;
let admin: CoreSession;
let employee: CoreSession;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase('keyroom_auto_backup_handlers');
  stack = await startStack({ port: 0, dbUrl: db.url });
  dir = await mkdtemp(join(tmpdir(), 'keyroom-auto-backup-handlers-'));
  const options = {
    url: stack.url,
    publishableKey: stack.publishableKey,
    profilesDir: dir,
    version: '0.1.0',
    pollMs: 1000,
  };
  const sessions = coreSessions(options);
  const opened = await openDemoOffice({ ...options, secretKey: stack.secretKey }, (profile) =>
    sessions(profile, () => {}),
  );
  admin = opened.admin;
  employee = opened.employee;
});

afterAll(async () => {
  await admin?.close();
  await employee?.close();
  await stack?.stop();
  await db?.drop();
});

describe('automatic daily backup calls over the real core', () => {
  it('a member is refused every call before any dialog opens', async () => {
    for (const [name, payload] of [
      ['backup.auto.get', {}],
      ['backup.auto.chooseFolder', {}],
      ['backup.auto.enable', { keep: 7, passphrase: PASSPHRASE }],
      ['backup.auto.disable', {}],
    ] as const)
      expect(await call(employee, name, payload as never)).toEqual({
        ok: false,
        error: { code: 'forbidden', message: BACKUP_MESSAGES.adminOnly },
      });
  });

  it('the renderer cannot set the automatic backup through settings.set', async () => {
    const r = await call(admin, 'settings.set', { autoBackup: { enabled: true } } as never);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('an admin chooses the folder, turns it on: the day’s file is written; no answer carries the passphrase', async () => {
    expect(await answer(admin, 'backup.auto.get', {})).toMatchObject({
      enabled: false,
      folder: null,
      keep: 7,
    });
    const weak = await call(admin, 'backup.auto.enable', { keep: 3, passphrase: 'summer2026' });
    expect(weak).toMatchObject({ ok: false });
    const { folder } = await answer(admin, 'backup.auto.chooseFolder', {});
    expect(folder).toBe(join(dir, 'demo-admin', 'auto-backups'));
    const on = await answer(admin, 'backup.auto.enable', { keep: 3, passphrase: PASSPHRASE });
    expect(on).toMatchObject({ enabled: true, folder, keep: 3, lastError: null });
    expect(on.lastRunAt).not.toBeNull();
    expect(JSON.stringify(on)).not.toContain(PASSPHRASE);
    expect(await readdir(folder!)).toEqual([
      `keyroom-backup-${new Date().toISOString().slice(0, 10)}.keyroom-backup`,
    ]);
    const off = await answer(admin, 'backup.auto.disable', {});
    expect(off).toMatchObject({ enabled: false });
  });
});
