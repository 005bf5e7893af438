// The office backup in the app (Admin → Backup): the core builds and opens the file (src/core/backup); here the
// main process asks the OS where to save it and which file to restore, so the file's bytes never reach the
// renderer. A restore is held here between its preview and its commit, one at a time, dropped after use, when
// another backup is opened and when the session locks: the renderer holds only its id. The passphrase is used
// for the one call and kept nowhere; no log line or answer carries it.
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { KeyroomCore } from '../../core';
import type { BackupProgress, RestorePlan } from '../../core/backup';
import { checkPassphrase } from '../../core/backup';
import { writeFileAtomic } from '../../core/storage/atomic-file';
import { BACKUP_MESSAGES, KeyroomError } from '../../shared/errors';
import type { Handlers } from '../ipc-registry';
import { mapped } from './errors';
import type { ChosenFile } from './import';
import type { HandlerOs } from './os';
import type { SaveDialogOptions } from './upkeep';

/**
 * Far above an office's backup (1,000 entries with history are well under a megabyte) and low enough that a
 * wrong file chosen by mistake (a video) is refused unread rather than decrypted in memory.
 */
export const BACKUP_MAX_BYTES = 256 * 1024 * 1024;

/** Where a backup goes, chosen before it is made: the progress then runs for a file the person has placed. */
export interface BackupTarget {
  fileName: string;
  write(bytes: Uint8Array): Promise<void>;
}

/** The save dialog for backups, injected; null when the person cancels. */
export interface BackupFileSaver {
  choose(suggestedName: string): Promise<BackupTarget | null>;
}

/** The saver over Electron's dialog.showSaveDialog; the file is replaced atomically, readable by this user only. */
export function dialogBackupSaver(
  show: (options: SaveDialogOptions) => Promise<{ canceled: boolean; filePath?: string }>,
): BackupFileSaver {
  return {
    async choose(suggestedName) {
      const r = await show({
        title: 'Back up the office',
        defaultPath: suggestedName,
        filters: [{ name: 'Keyroom office backup', extensions: ['keyroom-backup'] }],
      });
      const path = r.canceled ? undefined : r.filePath;
      if (!path) return null;
      return { fileName: basename(path), write: (bytes) => writeFileAtomic(path, bytes) };
    },
  };
}

/** The name the save dialog offers: the date in it, so a folder of backups sorts by day. */
export function suggestedBackupName(now: Date): string {
  return `Keyroom backup ${now.toISOString().slice(0, 10)}.keyroom-backup`;
}

async function readBackupFile(file: ChosenFile): Promise<Uint8Array> {
  const tooLarge = () =>
    new KeyroomError('invalid_request', 'This file is larger than 256 MB: it is not a Keyroom backup.');
  if ((await file.size()) > BACKUP_MAX_BYTES) throw tooLarge();
  const bytes = await file.bytes();
  if (bytes.byteLength > BACKUP_MAX_BYTES) throw tooLarge();
  return bytes;
}

type BackupHandlers = Pick<Handlers, 'backup.create' | 'backup.open' | 'backup.restore' | 'backup.cancel'>;

export function backupHandlers(
  core: KeyroomCore,
  os: Pick<HandlerOs, 'importFiles' | 'backupFiles' | 'emit'>,
  now: () => Date = () => new Date(),
): BackupHandlers {
  const plans = new Map<string, RestorePlan>();
  core.events.on('sessionChanged', (s) => {
    if (s.state !== 'unlocked') plans.clear();
  });
  // Only the declared fields go out (the emitter validates the event against the contract too).
  const progress = (p: BackupProgress) =>
    os.emit('backupProgress', { phase: p.phase, done: p.done, total: p.total });
  // The core refuses too; asked here first, so nobody but an admin is shown a dialog for nothing.
  const adminBackup = () => {
    const backup = core.backup;
    if (core.state.state !== 'unlocked' || core.state.user.role !== 'admin')
      throw new KeyroomError('forbidden', BACKUP_MESSAGES.adminOnly);
    return backup;
  };
  const notOpen = () =>
    new KeyroomError('not_found', 'Open the backup again: this restore is no longer open.');

  return {
    'backup.create': mapped(async ({ passphrase }) => {
      const backup = adminBackup();
      // The core checks again; asked first here, so a weak passphrase is refused before any dialog opens.
      checkPassphrase(passphrase);
      const target = await os.backupFiles.choose(suggestedBackupName(now()));
      if (!target)
        return {
          saved: false,
          fileName: '',
          vaults: 0,
          entries: 0,
          historyVersions: 0,
          skippedDamaged: 0,
          damagedVersions: 0,
        };
      const { file, summary } = await backup.create(passphrase, progress, now());
      await target.write(file);
      return { saved: true, fileName: target.fileName.slice(0, 260), ...summary };
    }),
    'backup.open': mapped(async ({ passphrase }) => {
      const backup = adminBackup();
      const chosen = await os.importFiles.choose('backup');
      if (chosen === null) return null;
      const bytes = await readBackupFile(chosen);
      const plan = await backup.open(bytes, passphrase, progress);
      plans.clear();
      const restoreId = randomUUID();
      plans.set(restoreId, plan);
      const p = plan.preview;
      return {
        restoreId,
        fileName: chosen.name.slice(0, 260),
        createdAt: p.createdAt,
        source: p.source,
        vaults: p.vaults.map((v) => ({
          name: v.name,
          exists: v.targetId !== null,
          entries: v.entries,
          duplicates: v.duplicates,
          toAdd: v.toAdd,
          historyVersions: v.historyVersions,
          categories: v.categories,
        })),
        entries: p.entries,
        duplicates: p.duplicates,
        toAdd: p.toAdd,
        newVaults: p.newVaults,
        skippedDamaged: p.skippedDamaged,
      };
    }),
    'backup.restore': mapped(async ({ restoreId }) => {
      const plan = plans.get(restoreId);
      if (!plan) throw notOpen();
      plans.delete(restoreId);
      return plan.commit(progress);
    }),
    'backup.cancel': mapped(({ restoreId }) => {
      plans.delete(restoreId);
      return null;
    }),
  };
}
