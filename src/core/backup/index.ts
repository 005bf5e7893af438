// The office backup of an open admin session: create() writes every vault this admin holds into one encrypted
// file (format.ts); open() reads such a file and returns a restore plan whose preview is shown before anything is
// written (restore.ts). The file's bytes are the caller's to store: the core writes no file itself.
import { BACKUP_MESSAGES } from '../../shared/errors';
import { CoreError } from '../backend/errors';
import { collect } from './collect';
import type { BackupContext, OnProgress } from './context';
import { checkPassphrase, openBackup, sealBackup } from './format';
import { type BackupPayload, decodePayload, encodePayload } from './payload';
import { RestorePlan } from './restore';

export type { BackupProgress } from './context';
export { checkPassphrase } from './format';
export type { RestorePlan, RestorePreview, RestoreSummary } from './restore';

export interface BackupSummary {
  vaults: number;
  entries: number;
  historyVersions: number;
  /** Live entries, and earlier versions, that did not open on this PC and are not in the file. */
  skippedDamaged: number;
  damagedVersions: number;
}

/** Decrypts and validates a backup file; needs no session (the CLI checks the file before it signs in). */
export async function readBackup(file: Uint8Array, passphrase: string): Promise<BackupPayload> {
  return decodePayload(await openBackup(file, passphrase));
}

export class OfficeBackup {
  constructor(private readonly ctx: BackupContext) {}

  async create(
    passphrase: string,
    onProgress: OnProgress = () => {},
    now = new Date(),
  ): Promise<{ file: Uint8Array; summary: BackupSummary }> {
    if (!this.ctx.isAdmin()) throw new CoreError('forbidden', BACKUP_MESSAGES.adminOnly);
    // Before the long part: a weak passphrase is refused at once.
    checkPassphrase(passphrase);
    const got = await collect(this.ctx, onProgress, now);
    onProgress({ phase: 'encrypting', done: 0, total: 1 });
    const file = await sealBackup(encodePayload(got.payload), passphrase, now);
    onProgress({ phase: 'encrypting', done: 1, total: 1 });
    // The file holds every password this admin can read: no file leaves without its audit row.
    await this.ctx.logBackup();
    return {
      file,
      summary: {
        vaults: got.payload.vaults.length,
        entries: got.entries,
        historyVersions: got.historyVersions,
        skippedDamaged: got.payload.skippedDamaged,
        damagedVersions: got.damagedVersions,
      },
    };
  }

  /** Opens a backup file for a restore into this office; a file that does not open changes nothing. */
  async open(file: Uint8Array, passphrase: string, onProgress: OnProgress = () => {}): Promise<RestorePlan> {
    if (!this.ctx.isAdmin()) throw new CoreError('forbidden', BACKUP_MESSAGES.adminOnly);
    onProgress({ phase: 'decrypting', done: 0, total: 1 });
    const payload = await readBackup(file, passphrase);
    onProgress({ phase: 'decrypting', done: 1, total: 1 });
    return this.plan(payload);
  }

  /** A restore plan for a payload already read with readBackup. */
  plan(payload: BackupPayload): Promise<RestorePlan> {
    return RestorePlan.read(this.ctx, payload);
  }
}
