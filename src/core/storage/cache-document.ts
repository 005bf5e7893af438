// The cache as one document (entry rows as the server sent them, cursors, highest version seen per entry,
// named server documents) and the rules every CacheStore applies to it: a row older than the highest version
// seen is a rollback and is refused; cursors only move forward; a dropped vault keeps its highest versions, so
// a later re-grant still detects rollbacks. Stores differ only in where they persist the document.
import { z } from 'zod';
import {
  type CacheApplyResult,
  type CacheBatch,
  type CachedEntry,
  CachedEntrySchema,
  type CacheStore,
} from './types';

const INT8 = /^\d{1,19}$/;

export const CacheDocumentSchema = z.strictObject({
  format: z.literal(1),
  rows: z.record(z.string(), CachedEntrySchema),
  cursors: z.record(z.string(), z.string().regex(INT8)),
  highest: z.record(z.string(), z.int().min(1)),
  documents: z.record(z.string(), z.json()),
});
export type CacheDocument = z.infer<typeof CacheDocumentSchema>;

export const emptyCacheDocument = (): CacheDocument => ({
  format: 1,
  rows: {},
  cursors: {},
  highest: {},
  documents: {},
});

const later = (a: string | undefined, b: string) => (a === undefined || BigInt(b) > BigInt(a) ? b : a);

/** The document after a batch, and the ids refused as rollbacks. Parses the batch: a bad one changes nothing. */
export function applyBatch(
  state: CacheDocument,
  batch: CacheBatch,
): { next: CacheDocument } & CacheApplyResult {
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
    rows: { ...state.rows },
    cursors: { ...state.cursors },
    highest: { ...state.highest },
    documents: { ...state.documents },
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
  return { next, rolledBack };
}

/** The document without one vault's rows and cursor; its highest versions stay (rollback detection). */
export function withoutVault(state: CacheDocument, vaultId: string): CacheDocument {
  const rows: CacheDocument['rows'] = {};
  for (const [id, r] of Object.entries(state.rows)) if (r.vault_id !== vaultId) rows[id] = r;
  const cursors = { ...state.cursors };
  delete cursors[vaultId];
  return { ...state, rows, cursors };
}

/** Reads shared by every document-backed store; subclasses persist changes. */
export abstract class DocumentCacheStore implements CacheStore {
  protected state: CacheDocument;

  protected constructor(state: CacheDocument) {
    this.state = state;
  }

  async rows(vaultId?: string): Promise<CachedEntry[]> {
    const all = Object.values(this.state.rows);
    return vaultId === undefined ? all : all.filter((r) => r.vault_id === vaultId);
  }

  async row(id: string): Promise<CachedEntry | undefined> {
    return this.state.rows[id];
  }

  async cursor(scope: string): Promise<string | undefined> {
    return this.state.cursors[scope];
  }

  async document(name: string): Promise<unknown> {
    return this.state.documents[name];
  }

  async highestVersion(id: string): Promise<number | undefined> {
    return this.state.highest[id];
  }

  abstract apply(batch: CacheBatch): Promise<CacheApplyResult>;
  abstract dropVault(vaultId: string): Promise<void>;
  abstract wipe(): Promise<void>;
}
