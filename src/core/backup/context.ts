// What the backup needs from an open admin session, passed in by the facade (src/core/index.ts) so this folder
// depends on no session internals and ports onto any split of them.
import type { Entry, EntryInput } from '../vault/entry-schema';

export interface LiveEntry {
  id: string;
  vaultId: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  entry: Entry;
}

export interface OldVersion {
  version: number;
  changedAt: string;
  deleted: boolean;
  /** null: the version did not decrypt or verify (shown as damaged in the History dialog). */
  entry: Entry | null;
}

export interface BackupContext {
  /** The server's address, recorded in the payload. */
  source: string;
  isAdmin(): boolean;
  /** Pull every vault and send the outbox, so what is read is what the server holds now. */
  refresh(): Promise<void>;
  /** The vaults this PC holds a key for. */
  vaults(): { id: string; name: string }[];
  /** Live (not deleted) entries that opened on this PC. */
  liveEntries(): LiveEntry[];
  /** Live entries that did not open (damaged): they cannot be backed up and are counted. */
  damagedLive(): number;
  /** An entry's earlier versions, newest first, decrypted as the History dialog does (vault/history.ts). */
  history(entryId: string): Promise<OldVersion[]>;
  /** The audit row of a backup: every password of the office left in one file. */
  logBackup(): Promise<void>;
  createVault(name: string): Promise<{ id: string; name: string }>;
  createMany(
    vaultId: string,
    inputs: EntryInput[],
    onProgress: (done: number, total: number) => void,
  ): Promise<{ created: number; queued: number; failed: number }>;
  /** The audit row of a restore into one vault (the entries are audited one by one by the server). */
  logRestore(vaultId: string, count: number): Promise<void>;
}

export interface BackupProgress {
  phase: 'reading' | 'history' | 'encrypting' | 'decrypting' | 'restoring';
  done: number;
  total: number;
}

export type OnProgress = (p: BackupProgress) => void;
