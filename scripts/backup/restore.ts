// npm run restore -- --url U --key K --email E --in FILE [--yes]
// Restores an office backup into the office at U, as the admin E (src/core/backup): the file is opened and
// checked first, before signing in, so a wrong passphrase or a damaged file changes nothing anywhere; then the
// preview (vaults, counts, what is already there) is printed and confirmed unless --yes. Secrets as for backup.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { RestorePreview } from '../../src/core/backup/index';
import { readBackup } from '../../src/core/backup/index';
import {
  CliError,
  type Io,
  MASTER_ENV,
  PASSPHRASE_ENV,
  parseCommon,
  progressPrinter,
  runMain,
  secretFromEnv,
  signIn,
} from './session';

export function previewLines(p: RestorePreview): string[] {
  const lines = [`backup of ${p.source}, made ${p.createdAt}:`];
  for (const v of p.vaults)
    lines.push(
      `  ${v.name} (${v.targetId ? 'existing vault' : 'new vault'}): ${v.entries} entries, ${v.duplicates} already there, ${v.toAdd} to add; ${v.historyVersions} earlier versions in the file`,
    );
  lines.push(`in all: ${p.toAdd} entries to add, ${p.duplicates} already there, ${p.newVaults} new vaults`);
  if (p.skippedDamaged > 0)
    lines.push(`note: ${p.skippedDamaged} entries were damaged when the backup was made`);
  return lines;
}

export async function restoreMain(argv: string[], io: Io): Promise<void> {
  const opts = parseCommon(argv, 'in', { yes: true });
  const master = secretFromEnv(io, MASTER_ENV);
  const passphrase = secretFromEnv(io, PASSPHRASE_ENV);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(opts.file));
  } catch (err) {
    throw new CliError(`cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  io.err('opening the backup…');
  const payload = await readBackup(bytes, passphrase);
  const session = await signIn(opts, master, io);
  try {
    const plan = await session.core.backup.plan(payload);
    for (const l of previewLines(plan.preview)) io.out(l);
    if (plan.preview.toAdd === 0) {
      io.out('nothing to restore: every entry is already there');
      return;
    }
    if (!opts.yes && !(await io.confirm(`Restore ${plan.preview.toAdd} entries into ${opts.url}?`)))
      throw new CliError(
        'restore cancelled: nothing was written (answer y, or pass --yes in a scheduled task)',
      );
    const s = await plan.commit(progressPrinter(io));
    io.out(
      `restored ${s.added} entries (${s.skippedDuplicates} already there, ${s.vaultsCreated} vaults created)`,
    );
    // The outbox lives in this run's temporary folder: what waits there is gone when it ends. A run again
    // adds exactly what is missing.
    if (s.queued > 0 || s.failed > 0)
      throw new CliError(
        `${s.queued + s.failed} entries did not reach the server: run the same restore again to add them`,
      );
  } finally {
    await session.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runMain(restoreMain);
