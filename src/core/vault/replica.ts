// The decrypted side of the cache, in memory only while unlocked: every verified entry, and the ids of the
// ones that failed. The sync engine hands rows here; nothing leaves as plaintext except through the
// operations that audit it (reveal, copy).
//
// At unlock, rows the unlock snapshot covers open from it (session/snapshot.ts): their summary fields come
// from the snapshot and the secret fields (password, authenticator key, custom fields) are decrypted from the
// row on first use. The search index is filled in the background in small chunks; a search first indexes
// whatever is still waiting, so no entry is missing from a result.
import { CoreError } from '../backend/errors';
import type { EntryRow } from '../backend/rows';
import type { Lookup } from '../crypto/trust';
import { type EntrySummaryFields, entryDigest, type SnapshotItem } from '../session/snapshot';
import { decodeEntry, type Entry } from './entry-schema';
import type { Keyring } from './keyring';
import { SearchIndex } from './search';
import { stateChangeHolds } from './state-change';

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

type Decryptable = Pick<EntryRow, 'id' | 'vault_id' | 'key_version' | 'version' | 'envelope' | 'deleted_at'>;

/** An entry opened from the snapshot: summary fields at hand, the secret ones decrypted once, when asked. */
class SnapshotEntry implements Entry {
  #full: Entry | null = null;
  constructor(
    private readonly s: EntrySummaryFields,
    private readonly open: () => Entry,
  ) {}
  get title() {
    return this.s.title;
  }
  get username() {
    return this.s.username;
  }
  get url() {
    return this.s.url;
  }
  get category() {
    return this.s.category;
  }
  get notes() {
    return this.s.notes;
  }
  get password() {
    return this.full().password;
  }
  get totp() {
    // The list asks every entry whether it has a code; only an entry that has one is decrypted for it.
    return this.s.hasTotp ? this.full().totp : '';
  }
  get fields() {
    return this.full().fields;
  }
  private full(): Entry {
    this.#full ??= this.open();
    return this.#full;
  }
}

const CHUNK = 150;

export class Replica {
  private readonly open = new Map<string, OpenEntry>();
  private readonly broken = new Map<string, { vaultId: string; version: number; updatedAt: string }>();
  /** Entries opened from this PC's outbox, not from a server row: created here, not sent yet. */
  private readonly pending = new Set<string>();
  /** What the unlock snapshot will hold: summary fields and the digest of the row they came from. */
  private readonly summaries = new Map<string, SnapshotItem>();
  private readonly searchIndex = new SearchIndex();
  /** Entries not in the search index yet (filled in the background after unlock). */
  private readonly unindexed = new Set<string>();
  private indexing: NodeJS.Immediate | null = null;

  /** `signers`: the colleagues' keys as last listed, to check the admin chain of a state proof. */
  constructor(
    private readonly keyring: Keyring,
    private readonly signers: Lookup = () => undefined,
  ) {}

  /** The search index, complete: entries still waiting are indexed before anyone searches. */
  get index(): SearchIndex {
    this.indexWaiting(Number.POSITIVE_INFINITY);
    return this.searchIndex;
  }

  /**
   * Decrypts a row for the version and state it claims (a tombstone is never shown as content, only offered
   * for restore). `prev` is the row this PC accepted last for the same id: a change of the deleted state must
   * carry an admin's proof newer than it (vault/state-change.ts), else the row is damaged and `prev` stays.
   */
  accept(row: EntryRow, prev?: EntryRow): 'ok' | 'damaged' {
    // The server's row takes the place of the queued one under the same id: no duplicate, no gap.
    this.pending.delete(row.id);
    const entry = stateChangeHolds(row, prev, this.keyring.root, this.signers) ? this.decrypt(row) : null;
    if (!entry) {
      this.markBroken(row);
      return 'damaged';
    }
    this.put(row, entry, {
      id: row.id,
      digest: entryDigest(row),
      title: entry.title,
      username: entry.username,
      url: entry.url,
      category: entry.category,
      notes: entry.notes,
      hasTotp: entry.totp !== '',
    });
    this.unindexed.delete(row.id);
    if (row.deleted_at) this.searchIndex.remove(row.id);
    else this.searchIndex.upsert({ id: row.id, ...entry });
    return 'ok';
  }

  /**
   * A create waiting in the outbox, opened from the ciphertext it will send (version 1 of its own id), so it
   * is listed and revealable before the server has it, in this run and after a restart.
   */
  acceptPending(row: EntryRow): 'ok' | 'damaged' {
    const verdict = this.accept(row);
    this.pending.add(row.id);
    return verdict;
  }

  /** A queued create the server refused: listed as "could not be saved" from now on, not as an entry. */
  dropPending(id: string): void {
    if (!this.pending.delete(id)) return;
    this.open.delete(id);
    this.summaries.delete(id);
    this.unindexed.delete(id);
    this.searchIndex.remove(id);
  }

  /** An entry purged from the trash: the server holds no row any more, so it leaves this PC's memory too. */
  forget(id: string): void {
    this.open.delete(id);
    this.broken.delete(id);
    this.summaries.delete(id);
    this.unindexed.delete(id);
    this.searchIndex.remove(id);
  }

  isPending(id: string): boolean {
    return this.pending.has(id);
  }

  /**
   * Opens the cached rows at unlock: from the snapshot when it covers the exact ciphertext and this PC holds
   * the key it was written under, else by decrypting the row. Indexing follows in the background. Returns
   * the rows that did not open.
   */
  restore(rows: EntryRow[], snapshot: Map<string, SnapshotItem>): EntryRow[] {
    const failed: EntryRow[] = [];
    for (const row of rows) {
      const s = snapshot.get(row.id);
      if (!s || !this.keyring.hasKey(row.vault_id, row.key_version) || s.digest !== entryDigest(row)) {
        if (this.accept(row) === 'damaged') failed.push(row);
        continue;
      }
      const entry = new SnapshotEntry(s, () => {
        const full = this.decrypt(row);
        if (full) return full;
        this.markBroken(row);
        throw new CoreError('damaged');
      });
      this.put(row, entry, s);
      this.broken.delete(row.id);
      if (!row.deleted_at) this.unindexed.add(row.id);
    }
    this.scheduleIndexing();
    return failed;
  }

  private put(row: EntryRow, entry: Entry, summary: SnapshotItem): void {
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
    this.summaries.set(row.id, summary);
    this.broken.delete(row.id);
  }

  private scheduleIndexing(): void {
    if (this.indexing || this.unindexed.size === 0) return;
    this.indexing = setImmediate(() => {
      this.indexing = null;
      this.indexWaiting(CHUNK);
      this.scheduleIndexing();
    });
  }

  private indexWaiting(max: number): void {
    let n = 0;
    for (const id of this.unindexed) {
      if (n++ >= max) break;
      this.unindexed.delete(id);
      const e = this.open.get(id);
      const s = this.summaries.get(id);
      if (e && s && !e.deletedAt) this.searchIndex.upsert(s);
    }
  }

  /** Entries whose key this PC no longer holds (the server's grants took it away) are damaged from now on. */
  dropUnkeyed(): void {
    for (const e of [...this.open.values()]) {
      if (this.keyring.hasKey(e.vaultId, e.keyVersion)) continue;
      this.open.delete(e.id);
      this.summaries.delete(e.id);
      this.unindexed.delete(e.id);
      this.searchIndex.remove(e.id);
      this.broken.set(e.id, { vaultId: e.vaultId, version: e.version, updatedAt: e.updatedAt });
    }
  }

  /** Summaries of every open entry, for the unlock snapshot written at lock. */
  snapshotItems(): SnapshotItem[] {
    return [...this.summaries.values()].filter((s) => this.open.has(s.id));
  }

  /** The plaintext of a row (or a history row), or null: one uniform failure whatever went wrong. */
  decrypt(row: Decryptable) {
    try {
      const deleted = row.deleted_at !== null;
      return decodeEntry(
        this.keyring.decrypt(row.vault_id, row.id, row.key_version, row.version, row.envelope, deleted),
      );
    } catch {
      return null;
    }
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
    if (this.indexing) clearImmediate(this.indexing);
    this.indexing = null;
    this.unindexed.clear();
    this.searchIndex.clear();
    this.open.clear();
    this.summaries.clear();
    this.broken.clear();
    this.pending.clear();
  }
}
