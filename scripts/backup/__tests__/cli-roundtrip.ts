// The issue's round trip through the commands themselves: an office backed up with `npm run backup`'s entry,
// restored with `npm run restore`'s into a fresh office's first admin, each command signing in as a new PC does
// (email and master password alone). Every entry and field identical; a wrong passphrase and a truncated or
// altered file refused with nothing written; a second restore adds nothing; a declined preview writes nothing.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

export function cliRoundTrip(kind: 'pglite' | 'postgres'): void {
  let source: Office;
  let target: Office;
  let admin: Pc;
  let fresh: Pc;
  let out: string;
  let dir: string;
  let before: Map<string, Entry[]>;
  const args = (o: Office, email: string) => [
    '--url',
    o.stack.url,
    '--key',
    o.stack.publishableKey,
    '--email',
    email,
  ];

  beforeAll(async () => {
    source = await Office.start(kind);
    target = await Office.start(kind);
    dir = await mkdtemp(join(tmpdir(), 'keyroom-cli-roundtrip-'));
  }, STARTUP);
  afterAll(async () => {
    await source?.stop();
    await target?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'npm run backup signs in as a new PC and writes the encrypted file',
    async () => {
      admin = await source.firstAdmin();
      const main = admin.core.vaults()[0]!.id;
      for (const f of FIXTURES) await admin.core.vault.create(main, f);
      const second = (await admin.core.admin.createVault('Second office')).id;
      const r = await admin.core.vault.create(second, { title: 'Router', password: 'router-v1' });
      await admin.core.vault.update(r.id, 1, { title: 'Router', password: 'router-v2' });
      before = await snapshot(admin);

      out = join(dir, 'office.keyroom-backup');
      const io = testIo(env);
      await backupMain([...args(source, 'boss@office.test'), '--out', out], io);
      expect(io.stdout.join('\n')).toContain(`${FIXTURES.length + 1} entries`);
      expect(io.stderr.some((l) => l.startsWith('history'))).toBe(true);
      const text = (await readFile(out)).toString('latin1');
      for (const needle of ['Bank portal', 'S3cret-bank-pw!', 'Second office', 'router-v1'])
        expect(text).not.toContain(needle);
    },
    SLOW,
  );

  it(
    'npm run restore refuses a wrong passphrase, a truncated and an altered file, and a declined preview; nothing is written',
    async () => {
      fresh = await target.firstAdmin('new-boss@office.test');
      const start = fresh.core.vault.list().length;
      const bytes = await readFile(out);
      const altered = Buffer.from(bytes);
      altered[bytes.length - 20] = altered[bytes.length - 20]! ^ 0x80;
      const bad = [
        [out, { ...env, KEYROOM_BACKUP_PASSPHRASE: `${PASSPHRASE}!` }],
        [`${out}.short`, env, bytes.subarray(0, bytes.length - 1)],
        [`${out}.altered`, env, altered],
      ] as const;
      for (const [path, e, content] of bad) {
        if (content) await writeFile(path, content);
        const err = await failure(
          restoreMain([...args(target, 'new-boss@office.test'), '--in', path, '--yes'], testIo(e)),
        );
        expect(err.message).toBe(BACKUP_MESSAGES.unreadable);
      }
      const declined = testIo(env, false);
      const err = await failure(
        restoreMain([...args(target, 'new-boss@office.test'), '--in', out], declined),
      );
      expect(err.message).toContain('nothing was written');
      expect(declined.asked).toHaveLength(1);
      expect(declined.stdout.join('\n')).toContain(`${FIXTURES.length + 1} entries to add`);
      await fresh.core.syncNow();
      expect(fresh.core.vault.list().length).toBe(start);
    },
    SLOW,
  );

  it(
    'npm run restore brings every entry and field; a second run adds nothing',
    async () => {
      const io = testIo(env, true);
      await restoreMain([...args(target, 'new-boss@office.test'), '--in', out], io);
      expect(io.stdout.join('\n')).toContain(`restored ${FIXTURES.length + 1} entries`);
      await fresh.core.syncNow();
      expect(await snapshot(fresh)).toEqual(before);

      const again = testIo(env);
      await restoreMain([...args(target, 'new-boss@office.test'), '--in', out, '--yes'], again);
      expect(again.stdout.join('\n')).toContain('nothing to restore');
      await fresh.core.syncNow();
      expect(await snapshot(fresh)).toEqual(before);
    },
    SLOW,
  );
}
