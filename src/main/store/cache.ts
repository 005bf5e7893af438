// The core's CacheStore on electron-store: the whole cache is one document under one key, so every change
// (rows, cursors, documents together) lands in one atomic file write. It holds server data as the server sent
// it (entry rows with their ciphertext envelopes, profile/grant/policy documents), never plaintext.
import {
  applyBatch,
  type CacheDocument,
  CacheDocumentSchema,
  DocumentCacheStore,
  emptyCacheDocument,
  withoutVault,
} from '../../core/storage/cache-document';
import type { CacheApplyResult, CacheBatch } from '../../core/storage/types';
import type { KeyValueStore } from './kv';

const KEY = 'cache';

export class ElectronCacheStore extends DocumentCacheStore {
  readonly #kv: KeyValueStore;

  private constructor(kv: KeyValueStore, state: CacheDocument) {
    super(state);
    this.#kv = kv;
  }

  /**
   * Reads the cache from the store. A document that does not match the schema (another version, a damaged
   * file) is discarded: the cache holds only what the server can send again.
   */
  static open(kv: KeyValueStore): ElectronCacheStore {
    const parsed = CacheDocumentSchema.safeParse(kv.get(KEY));
    return new ElectronCacheStore(kv, parsed.success ? parsed.data : emptyCacheDocument());
  }

  // Each mutation reads, computes and writes synchronously (no await in between), so concurrent calls cannot
  // interleave and lose each other's changes.
  async apply(batch: CacheBatch): Promise<CacheApplyResult> {
    const { next, rolledBack } = applyBatch(this.state, batch);
    this.#save(next);
    return { rolledBack };
  }

  async dropVault(vaultId: string): Promise<void> {
    this.#save(withoutVault(this.state, vaultId));
  }

  async wipe(): Promise<void> {
    this.#kv.delete(KEY);
    this.state = emptyCacheDocument();
  }

  #save(next: CacheDocument): void {
    this.#kv.set(KEY, next);
    this.state = next;
  }
}
