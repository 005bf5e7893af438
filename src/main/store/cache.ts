// The core's CacheStore on electron-store: the whole cache is one document under one key, so every change
// (rows, cursors, documents together) lands in one atomic file write. It holds server data as the server sent
// it (entry rows with their ciphertext envelopes, profile/grant/policy documents), never plaintext.
import { z } from 'zod';
import {
  type CacheApplyResult,
  type CacheBatch,
  type CachedEntry,
  CachedEntrySchema,
  type CacheStore,
} from '../../core/storage/types';
import type { KeyValueStore } from './kv';

const INT8 = /^\d{1,19}$/;

const CacheDocumentSchema = z.strictObject({
  format: z.literal(1),
  rows: z.record(z.string(), CachedEntrySchema),
  cursors: z.record(z.string(), z.string().regex(INT8)),
  highest: z.record(z.string(), z.int().min(1)),
  documents: z.record(z.string(), z.json()),
});
type CacheDocument = z.infer<typeof CacheDocumentSchema>;

const KEY = 'cache';

const empty = (): CacheDocument => ({ format: 1, rows: {}, cursors: {}, highest: {}, documents: {} });

const later = (a: string | undefined, b: string) => (a === undefined || BigInt(b) > BigInt(a) ? b : a);

export class ElectronCacheStore implements CacheStore {
  readonly #kv: KeyValueStore;
  #state: CacheDocument;

  private constructor(kv: KeyValueStore, state: CacheDocument) {
    this.#kv = kv;
    this.#state = state;
  }

  /**
   * Reads the cache from the store. A document that does not match the schema (another version, a damaged
   * file) is discarded: the cache holds only what the server can send again.
   */
  static open(kv: KeyValueStore): ElectronCacheStore {
    const parsed = CacheDocumentSchema.safeParse(kv.get(KEY));
    return new ElectronCacheStore(kv, parsed.success ? parsed.data : empty());
  }

  async rows(vaultId?: string): Promise<CachedEntry[]> {
    const all = Object.values(this.#state.rows);
    return vaultId === undefined ? all : all.filter((r) => r.vault_id === vaultId);
  }

  async row(id: string): Promise<CachedEntry | undefined> {
    return this.#state.rows[id];
  }

  async cursor(scope: string): Promise<string | undefined> {
    return this.#state.cursors[scope];
  }

  async document(name: string): Promise<unknown> {
    return this.#state.documents[name];
  }

  async highestVersion(id: string): Promise<number | undefined> {
    return this.#state.highest[id];
  }

  // Each mutation reads, computes and writes synchronously (no await in between), so concurrent calls cannot
  // interleave and lose each other's changes.
  async apply(batch: CacheBatch): Promise<CacheApplyResult> {
    const rows = (batch.rows ?? []).map((r) => CachedEntrySchema.parse(r));
    const cursors = Object.entries(batch.cursors ?? {}).map(([scope, seq]) => {
      if (!INT8.test(seq)) throw new RangeError('cursor must be an int8 in text');
      return [scope, seq] as const;
    });
    const documents = Object.entries(batch.documents ?? {}).map(
      ([name, doc]) => [name, doc === undefined ? undefined : z.json().parse(doc)] as const,
    );
    const next: CacheDocument = {
      format: 1,
      rows: { ...this.#state.rows },
      cursors: { ...this.#state.cursors },
      highest: { ...this.#state.highest },
      documents: { ...this.#state.documents },
    };
    const rolledBack: string[] = [];
    for (const r of rows) {
      const seen = next.highest[r.id];
      if (seen !== undefined && r.version < seen) {
        rolledBack.push(r.id);
        continue;
      }
      next.rows[r.id] = r;
      next.highest[r.id] = r.version;
    }
    for (const [scope, seq] of cursors) next.cursors[scope] = later(next.cursors[scope], seq);
    for (const [name, doc] of documents) {
      if (doc === undefined) delete next.documents[name];
      else next.documents[name] = doc;
    }
    this.#save(next);
    return { rolledBack };
  }

  async dropVault(vaultId: string): Promise<void> {
    const rows: CacheDocument['rows'] = {};
    for (const [id, r] of Object.entries(this.#state.rows)) if (r.vault_id !== vaultId) rows[id] = r;
    const cursors = { ...this.#state.cursors };
    delete cursors[vaultId];
    // The highest versions stay: a revoked and later re-granted vault must still detect rollbacks.
    this.#save({ ...this.#state, rows, cursors });
  }

  async wipe(): Promise<void> {
    this.#kv.delete(KEY);
    this.#state = empty();
  }

  #save(next: CacheDocument): void {
    this.#kv.set(KEY, next);
    this.#state = next;
  }
}
