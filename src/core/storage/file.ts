// File-backed CacheStore and OutboxStore: the whole state in memory, saved as one JSON document
// per store through AtomicJsonFile after every change. Used by tests, the preview host and
// benchmarks; the desktop app implements the same interfaces on electron-store.
import { z } from 'zod';
import { AtomicJsonFile, SerialQueue } from './atomic-file';
import {
  type CacheApplyResult,
  type CacheBatch,
  type CachedEntry,
  CachedEntrySchema,
  type CacheStore,
  type OutboxItem,
  OutboxItemSchema,
  type OutboxStore,
} from './types';

const CacheFileSchema = z.strictObject({
  format: z.literal(1),
  rows: z.record(z.string(), CachedEntrySchema),
  cursors: z.record(z.string(), z.string().regex(/^\d{1,19}$/)),
  highest: z.record(z.string(), z.int().min(1)),
  documents: z.record(z.string(), z.json()),
});
type CacheFile = z.infer<typeof CacheFileSchema>;

const later = (a: string | undefined, b: string) => (a === undefined || BigInt(b) > BigInt(a) ? b : a);

export class FileCacheStore implements CacheStore {
  readonly #file: AtomicJsonFile;
  /** Read-modify-write steps run one at a time, so concurrent calls never lose each other's rows. */
  readonly #serial = new SerialQueue();
  #state: CacheFile;

  private constructor(file: AtomicJsonFile, state: CacheFile) {
    this.#file = file;
    this.#state = state;
  }

  /**
   * Opens (or creates) the cache at `path`. A cache file that cannot be read or does not match
   * the schema is discarded: the cache holds only what the server can send again.
   */
  static async open(path: string): Promise<FileCacheStore> {
    const file = new AtomicJsonFile(path);
    const parsed = CacheFileSchema.safeParse(await file.read().catch(() => undefined));
    return new FileCacheStore(file, parsed.success ? parsed.data : FileCacheStore.#empty());
  }

  static #empty(): CacheFile {
    return { format: 1, rows: {}, cursors: {}, highest: {}, documents: {} };
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

  apply(batch: CacheBatch): Promise<CacheApplyResult> {
    return this.#serial.run(() => this.#apply(batch));
  }

  async #apply(batch: CacheBatch): Promise<CacheApplyResult> {
    const rows = (batch.rows ?? []).map((r) => CachedEntrySchema.parse(r));
    const cursors = Object.entries(batch.cursors ?? {}).map(([scope, seq]) => {
      if (!/^\d{1,19}$/.test(seq)) throw new RangeError('cursor must be an int8 in text');
      return [scope, seq] as const;
    });
    const documents = Object.entries(batch.documents ?? {}).map(
      ([name, doc]) => [name, doc === undefined ? undefined : z.json().parse(doc)] as const,
    );
    const next: CacheFile = {
      ...this.#state,
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
    await this.#file.write(next);
    this.#state = next;
    return { rolledBack };
  }

  dropVault(vaultId: string): Promise<void> {
    return this.#serial.run(() => this.#dropVault(vaultId));
  }

  async #dropVault(vaultId: string): Promise<void> {
    const next: CacheFile = { ...this.#state, rows: {}, cursors: { ...this.#state.cursors } };
    for (const [id, r] of Object.entries(this.#state.rows)) if (r.vault_id !== vaultId) next.rows[id] = r;
    delete next.cursors[vaultId];
    await this.#file.write(next);
    this.#state = next;
  }

  wipe(): Promise<void> {
    return this.#serial.run(async () => {
      await this.#file.remove();
      this.#state = FileCacheStore.#empty();
    });
  }
}

const OutboxFileSchema = z.strictObject({ format: z.literal(1), items: z.array(OutboxItemSchema) });

/** The outbox file cannot be read: queued work is at stake, so nothing is discarded silently. */
export class OutboxUnreadableError extends Error {
  constructor(path: string) {
    super(`The offline queue at ${path} cannot be read; it was left untouched.`);
    this.name = 'OutboxUnreadableError';
  }
}

export class FileOutboxStore implements OutboxStore {
  readonly #file: AtomicJsonFile;
  readonly #serial = new SerialQueue();
  #items: OutboxItem[];

  private constructor(file: AtomicJsonFile, items: OutboxItem[]) {
    this.#file = file;
    this.#items = items;
  }

  static async open(path: string): Promise<FileOutboxStore> {
    const file = new AtomicJsonFile(path);
    const raw = await file.read().catch(() => {
      throw new OutboxUnreadableError(path);
    });
    if (raw === undefined) return new FileOutboxStore(file, []);
    const parsed = OutboxFileSchema.safeParse(raw);
    if (!parsed.success) throw new OutboxUnreadableError(path);
    return new FileOutboxStore(file, parsed.data.items);
  }

  async list(): Promise<OutboxItem[]> {
    return [...this.#items];
  }

  enqueue(item: OutboxItem): Promise<void> {
    return this.#serial.run(async () => {
      const parsed = OutboxItemSchema.parse(item);
      if (this.#items.some((i) => i.opId === parsed.opId)) return;
      await this.#save([...this.#items, parsed]);
    });
  }

  remove(opId: string): Promise<void> {
    return this.#serial.run(() => this.#save(this.#items.filter((i) => i.opId !== opId)));
  }

  wipe(): Promise<void> {
    return this.#serial.run(async () => {
      await this.#file.remove();
      this.#items = [];
    });
  }

  async #save(items: OutboxItem[]): Promise<void> {
    await this.#file.write({ format: 1, items });
    this.#items = items;
  }
}
