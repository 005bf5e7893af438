// What one PC keeps between runs, over the CacheStore / OutboxStore interfaces (a file in tests and
// benchmarks, electron-store in the app): ciphertext rows exactly as the server sent them (only rows that
// verified), per-vault cursors, the highest version seen per entry (rollback detection), entries seen
// damaged, the outbox of unsent writes and the open conflicts. No plaintext and no key is ever in here.
//
// For unlocking without the server it also keeps the server documents the unlock verifies (own profile,
// policy, colleagues with their key certificates, the own grants that verified, vault names) exactly as
// parsed from the server, and the sealed unlock snapshot (session/snapshot.ts). Both are read back as
// untrusted: the documents are parsed again and every grant is verified against the pinned root on each load.
import { z } from 'zod';
import {
  colleagueRowSchema,
  type EntryRow,
  entryRowSchema,
  grantRowSchema,
  policyRowSchema,
  profileRowSchema,
  vaultRowSchema,
} from '../backend/rows';
import type { CacheStore, OutboxItem, OutboxStore } from '../storage/types';

const uuid = z.uuid();
const version = z.number().int().positive();

export interface CoreStorage {
  cache: CacheStore;
  outbox: OutboxStore;
}

/** An encrypted write made on this PC, waiting for the server (the store's item shape). */
export type WriteOp = Extract<OutboxItem, { kind: 'create' | 'update' }>;

/**
 * A reveal or copy made offline, or an import's one `vault.import` event: sent when the server is back. Kept
 * with the cache documents, so a restart before reconnecting does not lose it.
 */
export const auditOpSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('audit'),
    opId: uuid,
    action: z.enum(['entry.reveal', 'entry.copy', 'entry.copy_username', 'entry.totp']),
    entryId: uuid,
    queuedAt: z.string(),
  }),
  z.object({
    kind: z.literal('import-audit'),
    opId: uuid,
    vaultId: uuid,
    count: z.number().int().min(1).max(100_000),
    format: z.string().regex(/^[a-z0-9]{1,20}$/),
    queuedAt: z.string(),
  }),
]);
export type AuditOp = z.infer<typeof auditOpSchema>;
export type OutboxOp = WriteOp | AuditOp;

function isAudit(op: OutboxOp): op is AuditOp {
  return op.kind === 'audit' || op.kind === 'import-audit';
}

/** "Mine" is this PC's encrypted edit (written for baseVersion + 1); "theirs" is the cached server row. */
export const conflictRecordSchema = z.object({
  id: uuid,
  entryId: uuid,
  vaultId: uuid,
  baseVersion: version,
  envelope: z.json(),
  keyVersion: version,
  detectedAt: z.string(),
});
export type ConflictRecord = z.infer<typeof conflictRecordSchema>;

/**
 * A queued write the server refused for good (vault removed, access ended, validation): kept, never dropped,
 * until the person saves it elsewhere or discards it. `id` is the op's id, so a refusal repeated after a
 * restart (the outbox removal did not reach the disk) keeps one record. `rescue` is the same entry sealed to
 * the user's own key (a fresh key sealed to their X25519 public key), so it still opens after the vault key
 * is gone; null when the write could not be opened at refusal (then only the vault key opens `envelope`).
 */
export const refusedRecordSchema = z.object({
  id: uuid,
  kind: z.enum(['create', 'update']),
  entryId: uuid,
  vaultId: uuid,
  keyVersion: version,
  entryVersion: version,
  envelope: z.json(),
  rescue: z.object({ sealedKey: z.string().max(200), envelope: z.json() }).nullable(),
  reason: z.string().max(300),
  queuedAt: z.string(),
  refusedAt: z.string(),
});
export type RefusedRecord = z.infer<typeof refusedRecordSchema>;

const damagedDoc = z.record(uuid, z.object({ version, seq: z.number().int().nonnegative() }));
const DOC = {
  conflicts: 'conflicts',
  refused: 'refused-writes',
  damaged: 'damaged',
  audits: 'pending-audits',
  server: 'server',
  snapshot: 'unlock-snapshot',
  revoked: 'revoked-certificates',
} as const;
const revokedDoc = z.array(z.string().max(200)).max(100_000);

/** What the last confirmed session read from the server and an offline unlock needs. */
export const serverDocsSchema = z.strictObject({
  profile: profileRowSchema,
  policy: policyRowSchema.nullable(),
  colleagues: z.array(colleagueRowSchema).max(10_000),
  grants: z.array(grantRowSchema).max(100_000),
  vaults: z.array(vaultRowSchema).max(100_000),
});
export type ServerDocs = z.infer<typeof serverDocsSchema>;

export class LocalState {
  readonly cursors = new Map<string, number>();
  readonly rows = new Map<string, EntryRow>();
  readonly seen = new Map<string, number>();
  readonly damaged = new Map<string, { version: number; seq: number }>();
  outbox: OutboxOp[] = [];
  conflicts: ConflictRecord[] = [];
  refused: RefusedRecord[] = [];
  /** The stores were read into memory; it stays authoritative until a wipe (writes go through here). */
  loaded = false;
  private readonly dirtyRows = new Set<string>();
  private saving: Promise<void> = Promise.resolve();
  private queued = false;

  constructor(private readonly storage: CoreStorage) {}

  /** Loads what the stores hold; rows or documents that do not parse are dropped (the server resends). */
  async load(): Promise<void> {
    this.reset();
    const { cache, outbox } = this.storage;
    for (const raw of await cache.rows()) {
      const r = entryRowSchema.safeParse(raw);
      if (!r.success) continue;
      this.rows.set(r.data.id, r.data);
      this.seen.set(r.data.id, (await cache.highestVersion(r.data.id)) ?? r.data.version);
    }
    const damaged = damagedDoc.safeParse(await cache.document(DOC.damaged));
    if (damaged.success) for (const [k, v] of Object.entries(damaged.data)) this.damaged.set(k, v);
    const conflicts = z.array(conflictRecordSchema).safeParse(await cache.document(DOC.conflicts));
    if (conflicts.success) this.conflicts = conflicts.data;
    // Like the audit events: one record that does not parse costs only itself.
    const refused = z.array(z.unknown()).safeParse(await cache.document(DOC.refused));
    this.refused = (refused.success ? refused.data : []).flatMap((raw) => {
      const r = refusedRecordSchema.safeParse(raw);
      return r.success ? [r.data] : [];
    });
    // One event that does not parse (a newer kind, a damaged file) costs that event, not the others.
    const stored = z.array(z.unknown()).safeParse(await cache.document(DOC.audits));
    const audits = (stored.success ? stored.data : []).flatMap((raw) => {
      const op = auditOpSchema.safeParse(raw);
      return op.success ? [op.data] : [];
    });
    const writes = (await outbox.list()).filter(
      (i): i is WriteOp => i.kind === 'create' || i.kind === 'update',
    );
    this.outbox = [...writes, ...audits];
    this.loaded = true;
  }

  /**
   * The cached server documents, or 'none' before the first confirmed session on this PC; 'damaged' when
   * they are there but do not parse (a tampered or broken file is never half used).
   */
  async serverDocs(): Promise<ServerDocs | 'none' | 'damaged'> {
    const raw = await this.storage.cache.document(DOC.server);
    if (raw === undefined) return 'none';
    const parsed = serverDocsSchema.safeParse(raw);
    return parsed.success ? parsed.data : 'damaged';
  }

  async saveServerDocs(docs: ServerDocs): Promise<void> {
    await this.storage.cache.apply({ documents: { [DOC.server]: serverDocsSchema.parse(docs) } });
  }

  /** Forgets them: the next unlock goes through the server (which disagreed with this PC). */
  async dropServerDocs(): Promise<void> {
    await this.storage.cache.apply({ documents: { [DOC.server]: undefined } });
  }

  /**
   * Certificates this PC has seen revoked (crypto/revocation.ts certificateKey). Kept once seen: a server that
   * stops listing a revocation does not make the certificate usable here again.
   */
  async revokedCertificates(): Promise<Set<string>> {
    const stored = revokedDoc.safeParse(await this.storage.cache.document(DOC.revoked));
    return new Set(stored.success ? stored.data : []);
  }

  /** Adds to what revokedCertificates keeps; returns the whole set. */
  async rememberRevoked(keys: Iterable<string>): Promise<Set<string>> {
    const known = await this.revokedCertificates();
    const before = known.size;
    for (const k of keys) known.add(k);
    if (known.size !== before) await this.storage.cache.apply({ documents: { [DOC.revoked]: [...known] } });
    return known;
  }

  async snapshot(): Promise<unknown> {
    return this.storage.cache.document(DOC.snapshot);
  }

  async saveSnapshot(sealed: unknown): Promise<void> {
    await this.storage.cache.apply({ documents: { [DOC.snapshot]: sealed } });
  }

  /** The vault's cursor as stored (0 when none). */
  async loadCursor(vaultId: string): Promise<number> {
    const known = this.cursors.get(vaultId);
    if (known !== undefined) return known;
    const stored = await this.storage.cache.cursor(vaultId);
    const n = stored && /^\d{1,16}$/.test(stored) ? Number(stored) : 0;
    this.cursors.set(vaultId, n);
    return n;
  }

  setRow(row: EntryRow): void {
    this.rows.set(row.id, row);
    this.seen.set(row.id, Math.max(row.version, this.seen.get(row.id) ?? 0));
    this.dirtyRows.add(row.id);
  }

  /** Saves soon; changes that pile up meanwhile go in one batch. */
  persist(): Promise<void> {
    if (this.queued) return this.saving;
    this.queued = true;
    this.saving = this.saving
      .catch(() => {})
      .then(async () => {
        this.queued = false;
        const rows = [...this.dirtyRows].flatMap((id) => {
          const r = this.rows.get(id);
          return r ? [{ ...r, seq: String(r.seq) }] : [];
        });
        this.dirtyRows.clear();
        await this.storage.cache.apply({
          rows,
          cursors: Object.fromEntries([...this.cursors].map(([k, v]) => [k, String(v)])),
          documents: {
            [DOC.damaged]: Object.fromEntries(this.damaged),
            [DOC.conflicts]: this.conflicts,
            [DOC.refused]: this.refused,
            [DOC.audits]: this.outbox.filter(isAudit),
          },
        });
      });
    return this.saving;
  }

  /** Queues ops in order; the writes among them reach the outbox store in one write. */
  async enqueue(ops: OutboxOp[]): Promise<void> {
    this.outbox.push(...ops);
    const writes = ops.filter((o): o is WriteOp => !isAudit(o));
    if (writes.length > 0) await this.storage.outbox.enqueue(writes);
    if (writes.length < ops.length) await this.persist();
  }

  async dequeue(op: OutboxOp): Promise<void> {
    this.outbox = this.outbox.filter((o) => o.opId !== op.opId);
    if (isAudit(op)) await this.persist();
    else await this.storage.outbox.remove(op.opId);
  }

  /**
   * Moves a refused write out of the outbox into the refused records: the record is on disk before the
   * outbox forgets the write, so a crash in between repeats the refusal (same id, one record), never loses it.
   */
  async refuse(op: WriteOp, record: RefusedRecord): Promise<void> {
    if (!this.refused.some((r) => r.id === record.id)) this.refused.push(record);
    await this.persist();
    await this.dequeue(op);
  }

  async discardRefused(id: string): Promise<void> {
    this.refused = this.refused.filter((r) => r.id !== id);
    await this.persist();
  }

  /** Waits for pending writes (before a restart, in tests). */
  async flush(): Promise<void> {
    await this.saving.catch(() => {});
  }

  reset(): void {
    this.loaded = false;
    this.cursors.clear();
    this.rows.clear();
    this.seen.clear();
    this.damaged.clear();
    this.dirtyRows.clear();
    this.outbox = [];
    this.conflicts = [];
    this.refused = [];
  }

  /** Forgets everything on this PC, on disk too (a disabled account). */
  async wipe(): Promise<void> {
    await this.flush();
    this.reset();
    await this.storage.cache.wipe();
    await this.storage.outbox.wipe();
  }
}
