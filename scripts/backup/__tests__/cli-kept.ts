// The commands with --state-dir, run where an admin's PC already keeps its folder (as a scheduled task on the
// admin's own PC would): the account is known there, so the command unlocks it instead of signing in as a new
// PC. The round trip, the refusals and the second run as through a temporary folder; the folder keeps one PC id.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MASTER, Office, type Pc, SLOW, STARTUP } from '../../../src/core/__tests__/office';
import { FIXTURES, PASSPHRASE, snapshot } from '../../../src/core/backup/__tests__/roundtrip';
import type { Entry } from '../../../src/core/vault/entry-schema';
import { BACKUP_MESSAGES } from '../../../src/shared/errors';
import { backupMain } from '../backup';
import { restoreMain } from '../restore';
import { failure, testIo } from './io';

const env = { KEYROOM_MASTER_PASSWORD: MASTER, KEYROOM_BACKUP_PASSPHRASE: PASSPHRASE };

export function keptStateRoundTrip(kind: 'pglite' | 'postgres'): void {
  let source: Office;
  let target: Office;
  let admin: Pc;
  let freshDir: string;
  let out: string;
  let before: Map<string, Entry[]>;
  const args = (o: Office, email: string, dir: string) => [
    '--url',
    o.stack.url,
    '--key',
    o.stack.publishableKey,
    '--email',
    email,
    '--state-dir',
    dir,
  ];

  beforeAll(async () => {
    source = await Office.start(kind);
    target = await Office.start(kind);
  }, STARTUP);
  afterAll(async () => {
    await source?.stop();
    await target?.stop();
  });

  it(
    'npm run backup --state-dir unlocks the kept account and writes the file; the folder stays one PC',
    async () => {
      admin = await source.firstAdmin();
      const main = admin.core.vaults()[0]!.id;
      for (const f of FIXTURES) await admin.core.vault.create(main, f);
      const second = (await admin.core.admin.createVault('Second office')).id;
      const r = await admin.core.vault.create(second, { title: 'Router', password: 'router-v1' });
      await admin.core.vault.update(r.id, 1, { title: 'Router', password: 'router-v2' });
      before = await snapshot(admin);
      await admin.core.dispose();

      out = join(admin.dir, '..', `office-${kind}.keyroom-backup`);
      const io = testIo(env);
      await backupMain([...args(source, 'boss@office.test', admin.dir), '--out', out], io);
      expect(io.stdout.join('\n')).toContain(`${FIXTURES.length + 1} entries, 1 earlier versions`);
      const id = JSON.parse(await readFile(join(admin.dir, 'device.json'), 'utf8')).id;
      await backupMain([...args(source, 'boss@office.test', admin.dir), '--out', out], testIo(env));
      expect(JSON.parse(await readFile(join(admin.dir, 'device.json'), 'utf8')).id).toBe(id);
      const text = (await readFile(out)).toString('latin1');
      for (const needle of ['Bank portal', 'S3cret-bank-pw!', 'Second office', 'router-v1'])
        expect(text).not.toContain(needle);
    },
    SLOW,
  );

  it(
    'npm run restore refuses a wrong passphrase, a damaged file and a declined preview; then restores every field, once',
    async () => {
      const fresh = await target.firstAdmin('new-boss@office.test');
      freshDir = fresh.dir;
      await fresh.core.dispose();
      const a = (extra: string[]) => [...args(target, 'new-boss@office.test', freshDir), ...extra];
      const bytes = await readFile(out);
      await writeFile(`${out}.short`, bytes.subarray(0, bytes.length - 1));
      const altered = Buffer.from(bytes);
      altered[100] = altered[100]! ^ 0x01;
      await writeFile(`${out}.altered`, altered);
      for (const [path, e] of [
        [out, { ...env, KEYROOM_BACKUP_PASSPHRASE: `${PASSPHRASE}!` }],
        [`${out}.short`, env],
        [`${out}.altered`, env],
      ] as const) {
        const err = await failure(restoreMain(a(['--in', path, '--yes']), testIo(e)));
        expect(err.message).toBe(BACKUP_MESSAGES.unreadable);
      }
      const declined = testIo(env, false);
      expect((await failure(restoreMain(a(['--in', out]), declined))).message).toContain(
        'nothing was written',
      );
      expect(declined.stdout.join('\n')).toContain(`${FIXTURES.length + 1} entries to add`);

      const io = testIo(env, true);
      await restoreMain(a(['--in', out]), io);
      expect(io.stdout.join('\n')).toContain(`restored ${FIXTURES.length + 1} entries`);
      expect(io.stderr.some((l) => l.startsWith('restoring'))).toBe(true);
      const again = testIo(env);
      await restoreMain(a(['--in', out, '--yes']), again);
      expect(again.stdout.join('\n')).toContain('nothing to restore');

      const back = await target.pc('admin', freshDir);
      await back.core.signIn('new-boss@office.test', MASTER);
      await back.core.syncNow();
      expect(await snapshot(back)).toEqual(before);
    },
    SLOW,
  );
}
