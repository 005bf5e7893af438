// npm run backup -- --url U --key K --email E --out FILE
// Writes an encrypted backup of every vault the admin holds (src/core/backup) to FILE, for a scheduled task.
// The master password comes from KEYROOM_MASTER_PASSWORD and the backup passphrase from
// KEYROOM_BACKUP_PASSPHRASE; neither is ever taken on the command line. Progress goes to stderr, the summary to
// stdout; the exit code is 0 only when the file was written.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkPassphrase } from '../../src/core/backup/index';
import { writeFileAtomic } from '../../src/core/storage/atomic-file';
import {
  type Io,
  MASTER_ENV,
  PASSPHRASE_ENV,
  parseCommon,
  progressPrinter,
  runMain,
  secretFromEnv,
  signIn,
} from './session';

export async function backupMain(argv: string[], io: Io): Promise<void> {
  const opts = parseCommon(argv, 'out');
  const master = secretFromEnv(io, MASTER_ENV);
  const passphrase = secretFromEnv(io, PASSPHRASE_ENV);
  // Refused before signing in: nothing is read or audited for a backup that could not be written well.
  checkPassphrase(passphrase);
  const out = resolve(opts.file);
  const session = await signIn(opts, master, io);
  try {
    const { file, summary } = await session.core.backup.create(passphrase, progressPrinter(io));
    await writeFileAtomic(out, file);
    io.out(
      `backup written to ${out}: ${summary.vaults} vaults, ${summary.entries} entries, ${summary.historyVersions} earlier versions (${file.length} bytes)`,
    );
    if (summary.skippedDamaged > 0 || summary.damagedVersions > 0)
      io.err(
        `warning: ${summary.skippedDamaged} entries and ${summary.damagedVersions} earlier versions could not be opened and are not in the backup`,
      );
  } finally {
    await session.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runMain(backupMain);
