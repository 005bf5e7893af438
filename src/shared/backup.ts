// The IPC shapes of the office backup (issue 16). The backup file's bytes never cross IPC: the main process writes
// the file where the person chose, and on restore reads it, decrypts it and keeps the plan itself. The renderer
// sees counts and vault names only, never an entry's contents; the passphrase goes in with the call and nothing
// comes back that holds it.
import { z } from 'zod';
import { isoTime, uuid } from './domain';

const count = z.number().int().nonnegative();
// The core decides what is strong enough (backup/format.ts checkPassphrase); this bound only stops absurd payloads.
const passphrase = z.string().min(1).max(1024);

export const backupCreateRequestSchema = z.object({ passphrase }).strict();

export const backupCreateResultSchema = z.object({
  saved: z.boolean(),
  fileName: z.string().max(260),
  vaults: count,
  entries: count,
  historyVersions: count,
  /** Live entries, and earlier versions, that did not open on this PC: not in the file. */
  skippedDamaged: count,
  damagedVersions: count,
});

export const backupOpenRequestSchema = z.object({ passphrase }).strict();

export const restorePreviewSchema = z.object({
  restoreId: uuid,
  fileName: z.string().max(260),
  createdAt: isoTime,
  source: z.string().max(2048),
  vaults: z
    .array(
      z.object({
        name: z.string().max(200),
        /** false: no vault of that name here, a new one is created. */
        exists: z.boolean(),
        entries: count,
        duplicates: count,
        toAdd: count,
        historyVersions: count,
        categories: count,
      }),
    )
    .max(10_000),
  entries: count,
  duplicates: count,
  toAdd: count,
  newVaults: count,
  skippedDamaged: count,
});
export type RestorePreviewView = z.infer<typeof restorePreviewSchema>;

export const backupRestoreRequestSchema = z.object({ restoreId: uuid }).strict();

export const restoreSummarySchema = z.object({
  added: count,
  skippedDuplicates: count,
  vaultsCreated: count,
  queued: count,
  failed: count,
});

export const backupProgressSchema = z.object({
  phase: z.enum(['reading', 'history', 'encrypting', 'decrypting', 'restoring']),
  done: count,
  total: count,
});
export type BackupProgressView = z.infer<typeof backupProgressSchema>;

// The automatic daily backup (Admin → Backup): the folder is chosen through the OS dialog and held in the main
// process, so the renderer never names a path to write to; the passphrase goes in once, to the OS keychain.
export const autoBackupViewSchema = z.object({
  enabled: z.boolean(),
  folder: z.string().max(4096).nullable(),
  keep: z.number().int().min(1).max(365),
  lastRunAt: isoTime.nullable(),
  /** In words, for the screen. */
  lastError: z.string().max(300).nullable(),
});
export type AutoBackupView = z.infer<typeof autoBackupViewSchema>;

export const autoBackupEnableRequestSchema = z
  .object({ keep: z.number().int().min(1).max(365), passphrase })
  .strict();
