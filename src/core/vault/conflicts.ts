// Edit conflicts: a write on a stale base version keeps both sides, "mine" (the ciphertext this PC sent) and
// "theirs" (the replica's current row), until the person chooses (writes.ts resolves).
import { randomUUID } from 'node:crypto';
import type { ConflictRecord } from '../sync/state';
import type { VaultContext } from './context';
import type { Entry } from './entry-schema';
import type { OpenEntry } from './replica';

/** A conflict as the UI shows it: both sides opened (null where one no longer opens). */
export interface ConflictView {
  id: string;
  entryId: string;
  vaultId: string;
  mine: Entry | null;
  theirs: OpenEntry | null;
  detectedAt: string;
}

export class Conflicts {
  constructor(private readonly ctx: VaultContext) {}

  addConflict(c: Omit<ConflictRecord, 'id' | 'detectedAt'>): void {
    this.ctx.local.conflicts.push({
      id: randomUUID(),
      entryId: c.entryId,
      vaultId: c.vaultId,
      baseVersion: c.baseVersion,
      envelope: c.envelope,
      keyVersion: c.keyVersion,
      detectedAt: new Date().toISOString(),
    });
    void this.ctx.local.persist().catch(() => {});
    this.ctx.conflictsChanged();
  }

  mine(c: ConflictRecord): Entry | null {
    return this.ctx.replica.decrypt({
      id: c.entryId,
      vault_id: c.vaultId,
      key_version: c.keyVersion,
      version: c.baseVersion + 1,
      envelope: c.envelope,
      deleted_at: null,
    });
  }

  conflicts(): ConflictView[] {
    return this.ctx.local.conflicts.map((c) => ({
      id: c.id,
      entryId: c.entryId,
      vaultId: c.vaultId,
      mine: this.mine(c),
      theirs: this.ctx.replica.get(c.entryId) ?? null,
      detectedAt: c.detectedAt,
    }));
  }
}
