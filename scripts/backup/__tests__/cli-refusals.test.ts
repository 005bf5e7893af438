// What the backup and restore commands refuse before they sign in anywhere: secrets on the command line, missing
// secrets, a weak passphrase, and a backup file that does not open (so nothing is written, no server is asked).
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealBackup } from '../../../src/core/backup/format';
import { encodePayload } from '../../../src/core/backup/payload';
import { BACKUP_MESSAGES } from '../../../src/shared/errors';
import { backupMain } from '../backup';
import { restoreMain } from '../restore';
import { failure, testIo } from './io';

const PASS = 'granite lantern violet harbour 19';
// Nothing listens there: a command that tried to sign in would fail with a connection error, not these words.
const NOWHERE = [
  '--url',
  'http://127.0.0.1:1',
  '--key',
  'sb_publishable_xxxxxxxxxxxx',
  '--email',
  'a@office.test',
];
const env = { KEYROOM_MASTER_PASSWORD: 'correct horse battery staple 42', KEYROOM_BACKUP_PASSPHRASE: PASS };

describe('backup and restore commands refuse before signing in', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyroom-cli-test-'));
    file = join(dir, 'office.keyroom-backup');
    const payload = {
      kind: 'keyroom-office-backup' as const,
      v: 1 as const,
      createdAt: new Date().toISOString(),
      source: 'http://127.0.0.1:1',
      vaults: [],
      skippedDamaged: 0,
    };
    await writeFile(file, await sealBackup(encodePayload(payload), PASS));
  }, 30_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a password or passphrase given as a flag, naming the environment variables', async () => {
    for (const flag of ['--passphrase=x', '--master-password', '--password', '--backup-passphrase=y']) {
      const err = await failure(backupMain([...NOWHERE, '--out', file, flag, 'x'], testIo(env)));
      expect(err.exitCode).toBe(2);
      expect(err.message).toContain('KEYROOM_MASTER_PASSWORD');
      expect(err.message).toContain('KEYROOM_BACKUP_PASSPHRASE');
    }
    const err = await failure(restoreMain([...NOWHERE, '--in', file, '--passphrase', PASS], testIo(env)));
    expect(err.exitCode).toBe(2);
  });

  it('refuses a missing secret, a missing option and an unknown one as usage errors', async () => {
    const noPass = await failure(
      backupMain([...NOWHERE, '--out', file], testIo({ KEYROOM_MASTER_PASSWORD: 'x' })),
    );
    expect([noPass.exitCode, noPass.message]).toEqual([
      2,
      expect.stringContaining('KEYROOM_BACKUP_PASSPHRASE'),
    ]);
    const noOut = await failure(backupMain(NOWHERE, testIo(env)));
    expect([noOut.exitCode, noOut.message]).toEqual([2, expect.stringContaining('--out <file>')]);
    const unknown = await failure(restoreMain([...NOWHERE, '--in', file, '--force'], testIo(env)));
    expect([unknown.exitCode, unknown.message]).toEqual([2, expect.stringContaining('--force')]);
    // A password typed where no option takes it is never echoed back.
    const stray = await failure(restoreMain([...NOWHERE, '--in', file, 'hunter2-secret'], testIo(env)));
    expect(stray.exitCode).toBe(2);
    expect(stray.message).not.toContain('hunter2-secret');
  });

  it('refuses a weak backup passphrase before signing in', async () => {
    for (const weak of ['short', 'password1234567890', 'qwertyuiopasdfghjkl']) {
      const err = await failure(
        backupMain(
          [...NOWHERE, '--out', join(dir, 'weak')],
          testIo({ ...env, KEYROOM_BACKUP_PASSPHRASE: weak }),
        ),
      );
      expect(err.message).toBe(BACKUP_MESSAGES.weakPassphrase);
    }
    expect(await readdir(dir)).toEqual(['office.keyroom-backup']);
  });

  it('refuses a wrong passphrase and a damaged file with one message, before asking any server', async () => {
    const wrong = await failure(
      restoreMain([...NOWHERE, '--in', file], testIo({ ...env, KEYROOM_BACKUP_PASSPHRASE: `${PASS}x` })),
    );
    expect(wrong.message).toBe(BACKUP_MESSAGES.unreadable);
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(file);
    for (const damaged of [
      bytes.subarray(0, bytes.length - 3),
      Buffer.from([...bytes.subarray(0, 30), bytes[30]! ^ 4, ...bytes.subarray(31)]),
    ]) {
      const path = join(dir, 'damaged');
      await writeFile(path, damaged);
      const err = await failure(restoreMain([...NOWHERE, '--in', path], testIo(env)));
      expect(err.message).toBe(BACKUP_MESSAGES.unreadable);
      await rm(path);
    }
    const missing = await failure(restoreMain([...NOWHERE, '--in', join(dir, 'none')], testIo(env)));
    expect(missing.message).toContain('cannot read');
  });
});
