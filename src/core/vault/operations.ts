// What a signed-in, unlocked user does with entries, composed from one part per idea: reading the replica
// (entry-views.ts), secrets out, audited (secrets.ts), encrypted writes (writes.ts), the outbox (outbox.ts),
// refused writes (refused.ts), edit conflicts (conflicts.ts) and the history (history.ts).
import { Conflicts, type ConflictView } from './conflicts';
import type { VaultContext } from './context';
import type { EntryInput } from './entry-schema';
import { type EntryDetail, type EntrySummary, EntryViews } from './entry-views';
import { type HistoryVersion, listHistory } from './history';
import { Outbox } from './outbox';
import { type RefusedWrite, RefusedWrites } from './refused';
import type { OpenEntry } from './replica';
import { type CopyField, Secrets } from './secrets';
import { type EntryUpdate, EntryWrites } from './writes';

export type { ConflictView } from './conflicts';
export type { VaultContext } from './context';
export type { EntryDetail, EntrySummary } from './entry-views';
export type { HistoryVersion } from './history';
export type { RefusedWrite } from './refused';
export type { CopyField } from './secrets';
export type { EntryUpdate } from './writes';

export class VaultOperations {
  private readonly views: EntryViews;
  private readonly secrets: Secrets;
  private readonly writes: EntryWrites;
  private readonly outbox: Outbox;
  private readonly refusedWrites: RefusedWrites;
  private readonly conflictList: Conflicts;

  constructor(private readonly ctx: VaultContext) {
    this.views = new EntryViews(ctx);
    this.conflictList = new Conflicts(ctx);
    this.refusedWrites = new RefusedWrites(ctx);
    this.outbox = new Outbox(ctx, this.conflictList, this.refusedWrites);
    this.secrets = new Secrets(ctx, this.views, this.outbox, this.refusedWrites);
    this.writes = new EntryWrites(ctx, this.views, this.outbox, this.conflictList, this.refusedWrites);
  }

  // ---- Reads ----

  summary(e: OpenEntry): EntrySummary {
    return this.views.summary(e);
  }

  list(includeDeleted = false): EntrySummary[] {
    return this.views.list(includeDeleted);
  }

  search(query: string, limit = 50): EntrySummary[] {
    return this.views.search(query, limit);
  }

  get(id: string): EntryDetail {
    return this.views.get(id);
  }

  history(id: string): Promise<HistoryVersion[]> {
    return listHistory(this.ctx, id);
  }

  // ---- Secrets (audited) ----

  reveal(id: string): Promise<string> {
    return this.secrets.reveal(id);
  }

  copy(id: string, field: CopyField): Promise<string> {
    return this.secrets.copy(id, field);
  }

  totp(id: string, now = Date.now()): Promise<{ code: string; period: number; remainingSeconds: number }> {
    return this.secrets.totp(id, now);
  }

  versionPassword(id: string, version: number, use: 'reveal' | 'copy'): Promise<string> {
    return this.secrets.versionPassword(id, version, use);
  }

  // ---- Writes ----

  create(vaultId: string, input: EntryInput): Promise<EntrySummary> {
    return this.writes.create(vaultId, input);
  }

  showQueued(): void {
    this.writes.showQueued();
  }

  createMany(
    vaultId: string,
    inputs: EntryInput[],
    onProgress: (done: number, total: number) => void = () => {},
    batch = 250,
  ): Promise<{ created: number; queued: number; failed: number }> {
    return this.writes.createMany(vaultId, inputs, onProgress, batch);
  }

  logImport(vaultId: string, count: number, format: string): Promise<void> {
    return this.writes.logImport(vaultId, count, format);
  }

  update(id: string, baseVersion: number, next: EntryUpdate): Promise<EntrySummary> {
    return this.writes.update(id, baseVersion, next);
  }

  remove(id: string, baseVersion: number): Promise<EntrySummary> {
    return this.writes.remove(id, baseVersion);
  }

  restore(id: string, baseVersion: number): Promise<EntrySummary> {
    return this.writes.restore(id, baseVersion);
  }

  restorePassword(id: string, baseVersion: number, version: number): Promise<EntrySummary> {
    return this.writes.restorePassword(id, baseVersion, version);
  }

  // ---- Outbox ----

  flushOutbox(): Promise<void> {
    return this.outbox.flushOutbox();
  }

  // ---- Refused writes ----

  refused(): RefusedWrite[] {
    return this.refusedWrites.refused();
  }

  copyRefused(id: string, field: 'password' | 'username'): Promise<string> {
    return this.secrets.copyRefused(id, field);
  }

  saveRefused(id: string, vaultId: string): Promise<EntrySummary> {
    return this.writes.saveRefused(id, vaultId);
  }

  discardRefused(id: string): Promise<void> {
    return this.refusedWrites.discardRefused(id);
  }

  // ---- Conflicts ----

  conflicts(): ConflictView[] {
    return this.conflictList.conflicts();
  }

  resolve(conflictId: string, choice: 'mine' | 'theirs' | 'both'): Promise<void> {
    return this.writes.resolve(conflictId, choice);
  }
}
