// File-backed CacheStore and OutboxStore: the whole state in memory, saved as one JSON document
// per store through AtomicJsonFile after every change. Used by tests, the preview host and
// benchmarks; the desktop app implements the same interfaces on electron-store.
import { z } from 'zod';
import { AtomicJsonFile, SerialQueue } from './atomic-file';
import {
  applyBatch,
  type CacheDocument,
  CacheDocumentSchema,
  DocumentCacheStore,
  emptyCacheDocument,
  withoutVault,
} from './cache-document';
import {
  type CacheApplyResult,
  type CacheBatch,
  type OutboxItem,
  OutboxItemSchema,
  type OutboxStore,
} from './types';

export class FileCacheStore extends DocumentCacheStore {
  readonly #file: AtomicJsonFile;
  /** Read-modify-write steps run one at a time, so concurrent calls never lose each other's rows. */
  readonly #serial = new SerialQueue();

  private constructor(file: AtomicJsonFile, state: CacheDocument) {
    super(state);
    this.#file = file;
  }

  /**
   * Opens (or creates) the cache at `path`. A cache file that cannot be read or does not match
   * the schema is discarded: the cache holds only what the server can send again.
   */
  static async open(path: string): Promise<FileCacheStore> {
    const file = new AtomicJsonFile(path);
    const parsed = CacheDocumentSchema.safeParse(await file.read().catch(() => undefined));
    return new FileCacheStore(file, parsed.success ? parsed.data : emptyCacheDocument());
  }

  apply(batch: CacheBatch): Promise<CacheApplyResult> {
    return this.#serial.run(async () => {
      const { next, rolledBack } = applyBatch(this.state, batch);
      await this.#save(next);
      return { rolledBack };
    });
  }

  dropVault(vaultId: string): Promise<void> {
    return this.#serial.run(() => this.#save(withoutVault(this.state, vaultId)));
  }

  wipe(): Promise<void> {
    return this.#serial.run(async () => {
      await this.#file.remove();
      this.state = emptyCacheDocument();
    });
  }

  async #save(next: CacheDocument): Promise<void> {
    await this.#file.write(next);
    this.state = next;
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

/**
 * The queue with `items` appended, each checked against the schema, without those already queued (by opId);
 * undefined when nothing is new. Shared with the electron-store outbox.
 */
export function appendNew(queue: OutboxItem[], items: OutboxItem[]): OutboxItem[] | undefined {
  const known = new Set(queue.map((i) => i.opId));
  const fresh: OutboxItem[] = [];
  for (const item of items) {
    const parsed = OutboxItemSchema.parse(item);
    if (known.has(parsed.opId)) continue;
    known.add(parsed.opId);
    fresh.push(parsed);
  }
  return fresh.length > 0 ? [...queue, ...fresh] : undefined;
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

  enqueue(items: OutboxItem[]): Promise<void> {
    return this.#serial.run(async () => {
      const added = appendNew(this.#items, items);
      if (added) await this.#save(added);
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
