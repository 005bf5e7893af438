// The core's OutboxStore on electron-store: changes made offline, already encrypted, in the order they were
// made. Unlike the cache, the outbox holds work that exists nowhere else, so a document that cannot be read is
// an error for the user to see, never silently replaced by an empty queue.
import { z } from 'zod';
import { appendNew, OutboxUnreadableError } from '../../core/storage/file';
import { type OutboxItem, OutboxItemSchema, type OutboxStore } from '../../core/storage/types';
import type { KeyValueStore } from './kv';

const OutboxDocumentSchema = z.strictObject({ format: z.literal(1), items: z.array(OutboxItemSchema) });

const KEY = 'outbox';

export class ElectronOutboxStore implements OutboxStore {
  readonly #kv: KeyValueStore;
  #items: OutboxItem[];

  private constructor(kv: KeyValueStore, items: OutboxItem[]) {
    this.#kv = kv;
    this.#items = items;
  }

  static open(kv: KeyValueStore): ElectronOutboxStore {
    const raw = kv.get(KEY);
    if (raw === undefined) return new ElectronOutboxStore(kv, []);
    const parsed = OutboxDocumentSchema.safeParse(raw);
    if (!parsed.success) throw new OutboxUnreadableError(kv.path);
    return new ElectronOutboxStore(kv, parsed.data.items);
  }

  async list(): Promise<OutboxItem[]> {
    return [...this.#items];
  }

  async enqueue(items: OutboxItem[]): Promise<void> {
    const added = appendNew(this.#items, items);
    if (added) this.#save(added);
  }

  async remove(opId: string): Promise<void> {
    this.#save(this.#items.filter((i) => i.opId !== opId));
  }

  async wipe(): Promise<void> {
    this.#kv.delete(KEY);
    this.#items = [];
  }

  #save(items: OutboxItem[]): void {
    this.#kv.set(KEY, { format: 1, items });
    this.#items = items;
  }
}
