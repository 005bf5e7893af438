// The decrypted side of the cache, in memory only while unlocked: every verified entry, and the ids of the
// ones that failed. The sync engine hands rows here; nothing leaves as plaintext except through the
// operations that audit it (reveal, copy).
import type { EntryRow } from '../backend/rows';
import { decodeEntry, type Entry } from './entry-schema';
import type { Keyring } from './keyring';
import { SearchIndex } from './search';

export interface OpenEntry {
  id: string;
  vaultId: string;
  version: number;
  keyVersion: number;
  entry: Entry;
  createdBy: string | null;
  createdAt: string;
  updatedBy: string | null;
  updatedAt: string;
  deletedAt: string | null;
}

export class Replica {
  private readonly open = new Map<string, OpenEntry>();
  private readonly broken = new Map<string, { vaultId: string; version: number; updatedAt: string }>();
  readonly index = new SearchIndex();

  constructor(private readonly keyring: Keyring) {}

  /**
   * Decrypts a row for the version it claims. A tombstone keeps the ciphertext of the version before the
   * delete (the delete bumps the version but writes no ciphertext), or of the next one while a restore is
   * under way, so it opens for v-1, v or v+1; it is never shown as content, only offered for restore.
   */
  accept(row: EntryRow): 'ok' | 'damaged' {
    const entry = this.decrypt(row);
    if (!entry) {
      this.markBroken(row);
      return 'damaged';
    }
    this.open.set(row.id, {
      id: row.id,
      vaultId: row.vault_id,
      version: row.version,
      keyVersion: row.key_version,
      entry,
      createdBy: row.created_by,
      createdAt: row.created_at,
      updatedBy: row.updated_by,
      updatedAt: row.updated_at,
      deletedAt: row.deleted_at,
    });
    this.broken.delete(row.id);
    if (row.deleted_at) this.index.remove(row.id);
    else this.index.upsert({ id: row.id, ...entry });
    return 'ok';
  }

  /** The plaintext of a row (or a history row), or null: one uniform failure whatever went wrong. */
  decrypt(row: Pick<EntryRow, 'id' | 'vault_id' | 'key_version' | 'version' | 'envelope' | 'deleted_at'>) {
    const versions = row.deleted_at ? [row.version, row.version - 1, row.version + 1] : [row.version];
    for (const v of versions) {
      if (v < 1) continue;
      try {
        return decodeEntry(this.keyring.decrypt(row.vault_id, row.id, row.key_version, v, row.envelope));
      } catch {
        // the next candidate version; all failing is the one "damaged"
      }
    }
    return null;
  }

  markBroken(row: Pick<EntryRow, 'id' | 'vault_id' | 'version' | 'updated_at'>): void {
    this.broken.set(row.id, { vaultId: row.vault_id, version: row.version, updatedAt: row.updated_at });
  }

  get(id: string): OpenEntry | undefined {
    return this.open.get(id);
  }

  isDamaged(id: string): boolean {
    return this.broken.has(id);
  }

  all(): IterableIterator<OpenEntry> {
    return this.open.values();
  }

  damagedEntries(): { id: string; vaultId: string; version: number; updatedAt: string }[] {
    return [...this.broken.entries()].map(([id, b]) => ({ id, ...b }));
  }

  get size(): number {
    return this.open.size;
  }

  clear(): void {
    this.index.clear();
    this.open.clear();
    this.broken.clear();
  }
}
