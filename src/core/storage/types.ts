// Interfaces for what the client keeps on disk between runs (DESIGN.md §5): the cache of entry
// rows exactly as the server sent them (ciphertext only, never plaintext) with sync cursors and
// the highest version seen per entry, and the outbox of changes made offline. The Electron app
// backs these with electron-store; tests, the preview host and benchmarks use file.ts.
import { z } from 'zod';
import { EntryEnvelopeSchema } from '../crypto/envelope';

const text = z.string().max(200);
/** int8 comes back from PostgREST as a number or, from the local db layer, as text. */
const int8 = z.union([z.string().regex(/^\d{1,19}$/), z.int().nonnegative()]).transform(String);

/**
 * An `entries` row (docs/data-model.md). Columns this client does not know yet are kept as they
 * came (`loose`), so the cache holds the row exactly as the server has it.
 */
export const CachedEntrySchema = z.looseObject({
  id: z.uuid(),
  vault_id: z.uuid(),
  envelope: z.unknown(),
  key_version: z.int().min(1),
  version: z.int().min(1),
  seq: int8,
  created_by: z.uuid().nullable().optional(),
  created_at: text.nullable().optional(),
  updated_by: z.uuid().nullable().optional(),
  updated_at: text.nullable().optional(),
  deleted_at: text.nullable().optional(),
  deleted_by: z.uuid().nullable().optional(),
});
export type CachedEntry = z.infer<typeof CachedEntrySchema>;

export interface CacheBatch {
  rows?: CachedEntry[];
  /** Sync cursors (last `seq` applied) by scope: a vault id, or 'global'. */
  cursors?: Record<string, string>;
  /**
   * Other data the app needs to unlock and verify offline, stored as JSON under a name: 'account',
   * 'server' (own profile, policy, colleagues, verified own grants, vaults as the server sent them),
   * 'unlock-snapshot' (sealed under the user's key). Never plaintext; an `undefined` value deletes the document.
   */
  documents?: Record<string, unknown>;
}

export interface CacheApplyResult {
  /** Rows not applied because their version is below the highest already seen (rollback). */
  rolledBack: string[];
}

export interface CacheStore {
  /** Cached rows, of one vault or of all. */
  rows(vaultId?: string): Promise<CachedEntry[]>;
  row(id: string): Promise<CachedEntry | undefined>;
  cursor(scope: string): Promise<string | undefined>;
  /** A document stored with `apply({ documents })`, untrusted as when it came from the server. */
  document(name: string): Promise<unknown>;
  /** Highest `version` ever seen for an entry; survives restarts so rollbacks stay detectable. */
  highestVersion(id: string): Promise<number | undefined>;
  /**
   * Stores rows, cursors and documents together, atomically. A row whose version is lower than the highest
   * seen is refused (reported, not applied) and a cursor never moves backwards: the cache cannot
   * be rolled back by a replaying server even if the caller forgot to check.
   */
  apply(batch: CacheBatch): Promise<CacheApplyResult>;
  /** Forgets one vault's rows and cursor (its grant was revoked). */
  dropVault(vaultId: string): Promise<void>;
  /** Deletes everything (the user was disabled or signed out). */
  wipe(): Promise<void>;
}

const queued = {
  opId: z.uuid(),
  entryId: z.uuid(),
  vaultId: z.uuid(),
  queuedAt: z.iso.datetime(),
};

/** A change made offline, already encrypted for the version it will have on the server. */
export const OutboxItemSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('create'),
    ...queued,
    keyVersion: z.int().min(1),
    envelope: EntryEnvelopeSchema,
  }),
  z.strictObject({
    kind: z.literal('update'),
    ...queued,
    baseVersion: z.int().min(1),
    keyVersion: z.int().min(1),
    envelope: EntryEnvelopeSchema,
  }),
  z.strictObject({ kind: z.enum(['delete', 'restore']), ...queued, baseVersion: z.int().min(1) }),
]);
export type OutboxItem = z.infer<typeof OutboxItemSchema>;

export interface OutboxStore {
  /** Queued items, oldest first. */
  list(): Promise<OutboxItem[]>;
  /**
   * Appends items in one write (an offline import queues hundreds at once). An item whose opId is already
   * queued is skipped: a retried enqueue must not send the same operation twice.
   */
  enqueue(items: OutboxItem[]): Promise<void>;
  /** Removes an item once the server accepted it (or the user resolved its conflict). */
  remove(opId: string): Promise<void>;
  wipe(): Promise<void>;
}
