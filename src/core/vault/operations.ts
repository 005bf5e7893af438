// What a signed-in, unlocked user does with entries. Reads come from the decrypted replica (so they work
// offline); secrets leave only through reveal / copy / totp, each audited with log_event. Writes are
// encrypted here for the exact slot they will occupy (vault, entry, key version, entry version) and go to
// the server, or to the persisted outbox when it cannot be reached.
import { randomUUID } from 'node:crypto';
import type { Backend, NewEntry } from '../backend/client';
import { CoreError } from '../backend/errors';
import type { EntryRow } from '../backend/rows';
import { signEntryState } from '../crypto/entry-state';
import { decryptEntry, encryptEntry, VaultKey } from '../crypto/envelope';
import { newVaultKeyBytes, openSealedVaultKey, sealVaultKey } from '../crypto/keys';
import type { SyncEngine } from '../sync/engine';
import type { ConflictRecord, LocalState, OutboxOp, RefusedRecord, WriteOp } from '../sync/state';
import { decodeEntry, type Entry, type EntryInput, EntrySchema, encodeEntry } from './entry-schema';
import { type HistoryVersion, listHistory, versionPassword } from './history';
import type { Keyring } from './keyring';
import type { OpenEntry, Replica } from './replica';
import { parseTotpField, totpNow } from './totp';

export interface EntrySummary {
  id: string;
  vaultId: string;
  title: string;
  username: string;
  url: string;
  category: string;
  version: number;
  updatedAt: string;
  /** Display name of who changed it last. */
  updatedBy: string;
  hasTotp: boolean;
  /** Failed to decrypt or verify: listed so nothing silently disappears, but opens nothing. */
  damaged: boolean;
  deletedAt: string | null;
  /** Created on this PC and still in the outbox: the server (and every other PC) has not got it yet. */
  pending: boolean;
}

export interface EntryDetail extends EntrySummary {
  notes: string;
  hasPassword: boolean;
  /** Hidden fields come with value null, like the password. */
  fields: { name: string; value: string | null; hidden: boolean }[];
  createdAt: string;
  createdBy: string;
  canEdit: boolean;
}

/**
 * On update, `password: undefined` keeps the current password, `totp: undefined` the authenticator key, and a
 * hidden field with value null its value.
 */
export type EntryUpdate = Omit<EntryInput, 'password' | 'fields'> & {
  password?: string | undefined;
  fields?: { name: string; value: string | null; hidden: boolean }[];
};

export type { HistoryVersion } from './history';

export type CopyField = 'password' | 'username' | 'totp';

export interface VaultContext {
  backend: Backend;
  keyring: Keyring;
  replica: Replica;
  local: LocalState;
  engine: SyncEngine;
  isAdmin(): boolean;
  nameOf(userId: string | null): string;
  conflictsChanged(): void;
  outboxChanged(): void;
  refusedChanged(): void;
}

/** A queued write the server refused, as the UI lists it (opened in the main process). */
export interface RefusedWrite {
  id: string;
  vaultId: string;
  title: string;
  username: string;
  hasPassword: boolean;
  /** Plain words, never the server's text. */
  reason: string;
  refusedAt: string;
  /** Neither this PC's own key nor the vault key opens it any more: it can only be discarded. */
  damaged: boolean;
}

const RETRY_LATER: ReadonlySet<CoreError['code']> = new Set([
  'offline',
  'internal',
  'rate_limited',
  'not_signed_in',
  'locked',
  'disabled',
  'update_required',
]);

const REFUSED_WORDS: Partial<Record<CoreError['code'], string>> = {
  forbidden: 'You can no longer add or change entries in that vault (your access may have ended).',
  not_found: 'That vault or entry no longer exists.',
};

function refusalWords(err: unknown): string {
  if (err instanceof CoreError)
    return REFUSED_WORDS[err.code] ?? `The server did not accept it: ${err.message}`.slice(0, 300);
  return 'The server did not accept it.';
}

type CreateOp = Extract<WriteOp, { kind: 'create' }>;
type Sealed = NewEntry & { envelope: ReturnType<Keyring['encrypt']> };

const ADMIN_ONLY = 'Only an admin can change this entry.';

export class VaultOperations {
  constructor(private readonly ctx: VaultContext) {}

  summary(e: OpenEntry): EntrySummary {
    return {
      id: e.id,
      vaultId: e.vaultId,
      title: e.entry.title,
      username: e.entry.username,
      url: e.entry.url,
      category: e.entry.category,
      version: e.version,
      updatedAt: e.updatedAt,
      updatedBy: this.ctx.nameOf(e.updatedBy),
      hasTotp: e.entry.totp !== '',
      damaged: this.ctx.replica.isDamaged(e.id),
      deletedAt: e.deletedAt,
      pending: this.ctx.replica.isPending(e.id),
    };
  }

  list(includeDeleted = false): EntrySummary[] {
    const out: EntrySummary[] = [];
    for (const e of this.ctx.replica.all()) if (includeDeleted || !e.deletedAt) out.push(this.summary(e));
    const known = new Set(out.map((s) => s.id));
    for (const d of this.ctx.replica.damagedEntries()) {
      if (known.has(d.id)) continue;
      out.push({
        id: d.id,
        vaultId: d.vaultId,
        title: '',
        username: '',
        url: '',
        category: '',
        version: d.version,
        updatedAt: d.updatedAt,
        updatedBy: '',
        hasTotp: false,
        damaged: true,
        deletedAt: null,
        pending: this.ctx.replica.isPending(d.id),
      });
    }
    return out.sort((a, b) => a.title.localeCompare(b.title));
  }

  search(query: string, limit = 50): EntrySummary[] {
    if (query.trim() === '') return this.list().slice(0, limit);
    const out: EntrySummary[] = [];
    for (const hit of this.ctx.replica.index.search(query, limit)) {
      const e = this.ctx.replica.get(hit.id);
      if (e && !e.deletedAt) out.push(this.summary(e));
    }
    return out;
  }

  private openEntry(id: string): OpenEntry {
    if (this.ctx.replica.isDamaged(id)) throw new CoreError('damaged');
    const e = this.ctx.replica.get(id);
    if (!e) throw new CoreError('not_found');
    return e;
  }

  get(id: string): EntryDetail {
    const e = this.openEntry(id);
    return {
      ...this.summary(e),
      notes: e.entry.notes,
      hasPassword: e.entry.password !== '',
      fields: e.entry.fields.map((f) => ({
        name: f.name,
        value: f.hidden ? null : f.value,
        hidden: f.hidden,
      })),
      createdAt: e.createdAt,
      createdBy: this.ctx.nameOf(e.createdBy),
      canEdit: this.ctx.isAdmin(),
    };
  }

  async reveal(id: string): Promise<string> {
    const e = this.openEntry(id);
    await this.audit('entry.reveal', id);
    return e.entry.password;
  }

  /** The value for the clipboard; the caller (main process) owns the clipboard and clears it. */
  async copy(id: string, field: CopyField): Promise<string> {
    const e = this.openEntry(id);
    if (field === 'totp') return (await this.totp(id)).code;
    await this.audit(field === 'password' ? 'entry.copy' : 'entry.copy_username', id);
    return field === 'password' ? e.entry.password : e.entry.username;
  }

  /** A code is a secret like the password (it opens the account for its period): audited, shown or copied. */
  async totp(
    id: string,
    now = Date.now(),
  ): Promise<{ code: string; period: number; remainingSeconds: number }> {
    const e = this.openEntry(id);
    if (!e.entry.totp) throw new CoreError('not_found', 'This entry has no authenticator code.');
    const account = parseTotpField(e.entry.totp);
    const { code, secondsLeft } = totpNow(account, now);
    await this.audit('entry.totp', id);
    return { code, period: account.period, remainingSeconds: secondsLeft };
  }

  private async audit(
    action: 'entry.reveal' | 'entry.copy' | 'entry.copy_username' | 'entry.totp',
    entryId: string,
  ) {
    try {
      await this.ctx.backend.logEvent(action, entryId);
    } catch (err) {
      if (!(err instanceof CoreError && err.code === 'offline')) throw err;
      await this.enqueue([
        { kind: 'audit', opId: randomUUID(), action, entryId, queuedAt: new Date().toISOString() },
      ]);
    }
  }

  /** A new entry encrypted for its own id, version 1 and the vault's current key (the AD binds all three). */
  private seal(vaultId: string, input: EntryInput): Sealed {
    if (!this.ctx.keyring.hasVault(vaultId)) throw new CoreError('not_found', 'That vault is not available.');
    const id = randomUUID();
    const keyVersion = this.ctx.keyring.currentVersion(vaultId)!;
    const envelope = this.ctx.keyring.encrypt(vaultId, id, 1, encodeEntry(input));
    return { id, vault_id: vaultId, envelope, key_version: keyVersion };
  }

  /** Members and admins may add entries. Offline, the encrypted entry waits in the outbox. */
  async create(vaultId: string, input: EntryInput): Promise<EntrySummary> {
    const entry = this.seal(vaultId, input);
    try {
      return this.applyOwn(await this.ctx.backend.insertEntry(entry));
    } catch (err) {
      if (!(err instanceof CoreError && err.code === 'offline')) throw err;
      await this.queueCreates([entry]);
      return this.summary(this.openEntry(entry.id));
    }
  }

  private async queueCreates(entries: Sealed[]): Promise<void> {
    const queuedAt = new Date().toISOString();
    const ops: CreateOp[] = entries.map((entry) => ({
      kind: 'create',
      opId: randomUUID(),
      entryId: entry.id,
      vaultId: entry.vault_id,
      envelope: entry.envelope,
      keyVersion: entry.key_version,
      queuedAt,
    }));
    await this.enqueue(ops);
    for (const op of ops) this.showPending(op);
  }

  /** Shown on this PC from the same ciphertext the server will get, marked as not sent yet. */
  private showPending(op: CreateOp): void {
    this.ctx.replica.acceptPending(
      this.pendingRow(op.entryId, op.vaultId, op.envelope, op.keyVersion, op.queuedAt),
    );
  }

  /** At unlock: the creates still in the outbox (from an earlier run too) are listed like in the run that made them. */
  showQueued(): void {
    for (const op of this.ctx.local.outbox)
      if (op.kind === 'create' && !this.ctx.replica.get(op.entryId)) this.showPending(op);
  }

  /**
   * Many creates at once (an import): each entry sealed exactly like create, sent `batch` to a request. Once
   * the server cannot be reached, the rest go to the outbox. Any other refusal stops the run; what was sent
   * stays, and the counts say how far it got.
   */
  async createMany(
    vaultId: string,
    inputs: EntryInput[],
    onProgress: (done: number, total: number) => void = () => {},
    batch = 250,
  ): Promise<{ created: number; queued: number; failed: number }> {
    let created = 0;
    let queued = 0;
    let offline = false;
    for (let at = 0; at < inputs.length; at += batch) {
      const sealed = inputs.slice(at, at + batch).map((input) => this.seal(vaultId, input));
      if (!offline) {
        try {
          this.ctx.engine.applyOwnMany(await this.ctx.backend.insertEntries(sealed));
          created += sealed.length;
        } catch (err) {
          if (!(err instanceof CoreError && err.code === 'offline')) {
            onProgress(created + queued, inputs.length);
            return { created, queued, failed: inputs.length - created - queued };
          }
          offline = true;
        }
      }
      if (offline) {
        await this.queueCreates(sealed);
        queued += sealed.length;
      }
      onProgress(created + queued, inputs.length);
    }
    return { created, queued, failed: 0 };
  }

  /**
   * The one audit event of an import; the server writes each entry's own create event. Offline it waits with
   * the other queued audit events, on disk, and goes out after the queued entries.
   */
  async logImport(vaultId: string, count: number, format: string): Promise<void> {
    try {
      await this.ctx.backend.logImport(vaultId, count, format);
    } catch (err) {
      if (!(err instanceof CoreError && err.code === 'offline')) throw err;
      await this.enqueue([
        {
          kind: 'import-audit',
          opId: randomUUID(),
          vaultId,
          count,
          format,
          queuedAt: new Date().toISOString(),
        },
      ]);
    }
  }

  private pendingRow(
    id: string,
    vaultId: string,
    envelope: unknown,
    keyVersion: number,
    at: string,
  ): EntryRow {
    return {
      id,
      vault_id: vaultId,
      envelope: envelope as EntryRow['envelope'],
      key_version: keyVersion,
      version: 1,
      seq: 0,
      created_by: this.ctx.keyring.userId,
      created_at: at,
      updated_by: this.ctx.keyring.userId,
      updated_at: at,
      deleted_at: null,
      state_proof: null,
    };
  }

  private merge(current: Entry, next: EntryUpdate): Uint8Array {
    const fields = (next.fields ?? current.fields).map((f) => {
      if (f.value !== null) return { name: f.name, value: f.value, hidden: f.hidden };
      const old = current.fields.find((o) => o.name === f.name);
      return { name: f.name, value: old?.value ?? '', hidden: f.hidden };
    });
    // The form never holds the authenticator key either: an edit without one keeps it, like the password.
    return encodeEntry({
      ...next,
      password: next.password ?? current.password,
      totp: next.totp ?? current.totp,
      fields,
    });
  }

  /** Admins only, on top of `baseVersion`; a stale base keeps both versions as a conflict. */
  async update(id: string, baseVersion: number, next: EntryUpdate): Promise<EntrySummary> {
    if (!this.ctx.isAdmin()) throw new CoreError('forbidden', ADMIN_ONLY);
    const e = this.openEntry(id);
    return this.write(e.vaultId, id, baseVersion, this.merge(e.entry, next));
  }

  private async write(vaultId: string, id: string, baseVersion: number, plain: Uint8Array) {
    const keyVersion = this.ctx.keyring.currentVersion(vaultId);
    if (keyVersion === undefined) throw new CoreError('damaged');
    // An edit keeps the deleted state (update_entry does not touch it), and the ciphertext says which it is.
    const deleted = (this.ctx.replica.get(id)?.deletedAt ?? null) !== null;
    const envelope = this.ctx.keyring.encrypt(vaultId, id, baseVersion + 1, plain, deleted);
    try {
      const row = await this.ctx.backend.updateEntry(id, baseVersion, envelope, keyVersion);
      return this.applyOwn(row);
    } catch (err) {
      if (err instanceof CoreError && err.code === 'conflict') {
        this.addConflict({ entryId: id, vaultId, baseVersion, envelope, keyVersion });
        // Fetch "theirs" now so the conflict shows both sides.
        await this.ctx.engine.pull(vaultId).catch(() => {});
      } else if (err instanceof CoreError && err.code === 'offline') {
        const queuedAt = new Date().toISOString();
        await this.enqueue([
          {
            kind: 'update',
            opId: randomUUID(),
            entryId: id,
            vaultId,
            baseVersion,
            envelope,
            keyVersion,
            queuedAt,
          },
        ]);
        return this.summary(this.openEntry(id));
      }
      throw err;
    }
  }

  /** A delete: the tombstone's ciphertext and the admin's signed proof, written in one call. */
  async remove(id: string, baseVersion: number): Promise<EntrySummary> {
    if (!this.ctx.isAdmin()) throw new CoreError('forbidden', 'Only an admin can delete this entry.');
    return this.setDeleted(id, baseVersion, true);
  }

  /** A restore, the same way: re-encrypted as a live entry for the version it reaches, signed. */
  async restore(id: string, baseVersion: number): Promise<EntrySummary> {
    if (!this.ctx.isAdmin()) throw new CoreError('forbidden', 'Only an admin can restore this entry.');
    return this.setDeleted(id, baseVersion, false);
  }

  private async setDeleted(id: string, baseVersion: number, deleted: boolean): Promise<EntrySummary> {
    const e = this.openEntry(id);
    const keyring = this.ctx.keyring;
    const keyVersion = keyring.currentVersion(e.vaultId);
    if (keyVersion === undefined) throw new CoreError('damaged');
    const version = baseVersion + 1;
    const envelope = keyring.encrypt(e.vaultId, id, version, encodeEntry(e.entry), deleted);
    const state = deleted ? 'deleted' : 'live';
    const proof = signEntryState(
      { vaultId: e.vaultId, entryId: id },
      { version, keyVersion, envelope },
      state,
      {
        id: keyring.userId,
        ed25519Secret: keyring.user.ed25519Secret,
      },
    );
    return this.applyOwn(
      await this.ctx.backend.setEntryDeleted({ id, baseVersion, deleted, envelope, keyVersion, proof }),
    );
  }

  private applyOwn(row: EntryRow): EntrySummary {
    this.ctx.engine.applyOwn(row);
    return this.summary(this.openEntry(row.id));
  }

  history(id: string): Promise<HistoryVersion[]> {
    return listHistory(this.ctx, id);
  }

  /** An earlier version's password, shown or copied: audited as a reveal or copy of the entry. */
  async versionPassword(id: string, version: number, use: 'reveal' | 'copy'): Promise<string> {
    const password = await versionPassword(this.ctx, id, version);
    await this.audit(use === 'reveal' ? 'entry.reveal' : 'entry.copy', id);
    return password;
  }

  /** Makes an earlier version's password the current one, as an ordinary update on `baseVersion`. */
  async restorePassword(id: string, baseVersion: number, version: number): Promise<EntrySummary> {
    if (!this.ctx.isAdmin()) throw new CoreError('forbidden', ADMIN_ONLY);
    const password = await versionPassword(this.ctx, id, version);
    const e = this.openEntry(id);
    return this.write(e.vaultId, id, baseVersion, encodeEntry({ ...e.entry, password }));
  }

  // ---- Outbox ----

  private async enqueue(ops: OutboxOp[]): Promise<void> {
    await this.ctx.local.enqueue(ops);
    this.ctx.outboxChanged();
  }

  private flushing: Promise<void> | null = null;

  /** Sends queued writes in order; stops at the first that cannot reach the server. One flush at a time. */
  flushOutbox(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    const local = this.ctx.local;
    while (local.outbox.length > 0) {
      const op = local.outbox[0]!;
      try {
        await this.send(op);
      } catch (err) {
        // Faults that pass (no network, a server error, an expired session, a rate limit) leave the outbox
        // as it is, in order, for the next flush: a server fault loses nothing.
        if (err instanceof CoreError && RETRY_LATER.has(err.code)) return;
        // Anything else (refused, vault gone) cannot succeed by retrying. A write is what someone typed:
        // it is kept aside for them to save elsewhere, and the rest of the outbox goes on. An audit event
        // refused for good has nothing to give back.
        if (op.kind === 'create' || op.kind === 'update') {
          await this.keepRefused(op, refusalWords(err));
          continue;
        }
      }
      await local.dequeue(op);
      this.ctx.outboxChanged();
    }
  }

  private async send(op: OutboxOp): Promise<void> {
    if (op.kind === 'audit') {
      await this.ctx.backend.logEvent(op.action, op.entryId);
      return;
    }
    if (op.kind === 'import-audit') {
      await this.ctx.backend.logImport(op.vaultId, op.count, op.format);
      return;
    }
    if (op.kind === 'create') {
      try {
        const row = await this.ctx.backend.insertEntry({
          id: op.entryId,
          vault_id: op.vaultId,
          envelope: op.envelope,
          key_version: op.keyVersion,
        });
        this.ctx.engine.applyOwn(row);
      } catch (err) {
        // Already there: an earlier run sent it and stopped before forgetting it.
        if (!(err instanceof CoreError && err.code === 'conflict')) throw err;
      }
      return;
    }
    try {
      this.ctx.engine.applyOwn(
        await this.ctx.backend.updateEntry(op.entryId, op.baseVersion, op.envelope, op.keyVersion),
      );
    } catch (err) {
      if (!(err instanceof CoreError && err.code === 'conflict')) throw err;
      this.addConflict(op);
      await this.ctx.engine.pull(op.vaultId).catch(() => {});
    }
  }

  // ---- Refused writes ----

  private async keepRefused(op: WriteOp, reason: string): Promise<void> {
    const entryVersion = op.kind === 'create' ? 1 : op.baseVersion + 1;
    const record: RefusedRecord = {
      id: op.opId,
      kind: op.kind,
      entryId: op.entryId,
      vaultId: op.vaultId,
      keyVersion: op.keyVersion,
      entryVersion,
      envelope: op.envelope,
      rescue: this.rescue(op, entryVersion),
      reason,
      queuedAt: op.queuedAt,
      refusedAt: new Date().toISOString(),
    };
    await this.ctx.local.refuse(op, record);
    if (op.kind === 'create') this.ctx.replica.dropPending(op.entryId);
    this.ctx.outboxChanged();
    this.ctx.refusedChanged();
  }

  /** The entry sealed to the user's own key: it stays readable when the vault key goes with the access. */
  private rescue(op: WriteOp, entryVersion: number): RefusedRecord['rescue'] {
    let plain: Uint8Array;
    try {
      plain = this.ctx.keyring.decrypt(op.vaultId, op.entryId, op.keyVersion, entryVersion, op.envelope);
    } catch {
      return null;
    }
    const raw = newVaultKeyBytes();
    const sealedKey = sealVaultKey(
      raw,
      this.ctx.keyring.user.x25519Public,
      this.rescueContext(op.opId, op.vaultId),
    );
    const envelope = encryptEntry(new VaultKey(raw, 1), this.rescueSlot(op.opId, op.vaultId), plain);
    return { sealedKey, envelope };
  }

  /**
   * Sealed to the own X25519 key like a grant, but bound to the record's id where a grant names its member:
   * a rescue key never opens as a grant, nor a grant's sealed key as a rescue.
   */
  private rescueContext(recordId: string, vaultId: string) {
    return { vaultId, memberId: recordId, keyVersion: 1 };
  }

  /** Bound to the record's own id, so a rescue copy cannot be swapped between records. */
  private rescueSlot(recordId: string, vaultId: string) {
    return { vaultId, entryId: recordId, keyVersion: 1, entryVersion: 1 };
  }

  private openRefused(r: RefusedRecord): Entry | null {
    try {
      if (r.rescue) {
        const raw = openSealedVaultKey(
          r.rescue.sealedKey,
          this.ctx.keyring.user.x25519Secret,
          this.rescueContext(r.id, r.vaultId),
        );
        const plain = decryptEntry(new VaultKey(raw, 1), this.rescueSlot(r.id, r.vaultId), r.rescue.envelope);
        return decodeEntry(plain);
      }
      return decodeEntry(
        this.ctx.keyring.decrypt(r.vaultId, r.entryId, r.keyVersion, r.entryVersion, r.envelope),
      );
    } catch {
      return null;
    }
  }

  refused(): RefusedWrite[] {
    return this.ctx.local.refused.map((r) => {
      const e = this.openRefused(r);
      return {
        id: r.id,
        vaultId: r.vaultId,
        title: e?.title ?? '',
        username: e?.username ?? '',
        hasPassword: (e?.password ?? '') !== '',
        reason: r.reason,
        refusedAt: r.refusedAt,
        damaged: e === null,
      };
    });
  }

  private refusedEntry(id: string): { record: RefusedRecord; entry: Entry } {
    const record = this.ctx.local.refused.find((r) => r.id === id);
    if (!record) throw new CoreError('not_found');
    const entry = this.openRefused(record);
    if (!entry) throw new CoreError('damaged');
    return { record, entry };
  }

  /**
   * For the clipboard. An entry the server knows (a refused edit of an entry this PC still opens) is audited
   * like any copy; a create the server never got has nothing to audit against and stays on this PC.
   */
  async copyRefused(id: string, field: 'password' | 'username'): Promise<string> {
    const { record, entry } = this.refusedEntry(id);
    if (record.kind === 'update' && this.ctx.replica.get(record.entryId))
      await this.audit(field === 'password' ? 'entry.copy' : 'entry.copy_username', record.entryId);
    return field === 'password' ? entry.password : entry.username;
  }

  /** Saves it as a new entry in a vault the person can write to; the record goes once that worked. */
  async saveRefused(id: string, vaultId: string): Promise<EntrySummary> {
    const { entry } = this.refusedEntry(id);
    const saved = await this.create(vaultId, entry);
    await this.discardRefused(id);
    return saved;
  }

  /** Explicit (the UI confirms first): the one way a refused write goes without being saved. */
  async discardRefused(id: string): Promise<void> {
    if (!this.ctx.local.refused.some((r) => r.id === id)) throw new CoreError('not_found');
    await this.ctx.local.discardRefused(id);
    this.ctx.refusedChanged();
  }

  // ---- Conflicts ----

  private addConflict(c: Omit<ConflictRecord, 'id' | 'detectedAt'>): void {
    this.ctx.local.conflicts.push({
      id: randomUUID(),
      entryId: c.entryId,
      vaultId: c.vaultId,
      baseVersion: c.baseVersion,
      envelope: c.envelope,
      keyVersion: c.keyVersion,
      detectedAt: new Date().toISOString(),
    });
    void this.ctx.local.persist().catch(() => {});
    this.ctx.conflictsChanged();
  }

  private mine(c: ConflictRecord): Entry | null {
    return this.ctx.replica.decrypt({
      id: c.entryId,
      vault_id: c.vaultId,
      key_version: c.keyVersion,
      version: c.baseVersion + 1,
      envelope: c.envelope,
      deleted_at: null,
    });
  }

  conflicts(): {
    id: string;
    entryId: string;
    vaultId: string;
    mine: Entry | null;
    theirs: OpenEntry | null;
    detectedAt: string;
  }[] {
    return this.ctx.local.conflicts.map((c) => ({
      id: c.id,
      entryId: c.entryId,
      vaultId: c.vaultId,
      mine: this.mine(c),
      theirs: this.ctx.replica.get(c.entryId) ?? null,
      detectedAt: c.detectedAt,
    }));
  }

  /** mine: my version goes on top of theirs; theirs: mine is dropped; both: mine becomes a new entry. */
  async resolve(conflictId: string, choice: 'mine' | 'theirs' | 'both'): Promise<void> {
    const c = this.ctx.local.conflicts.find((x) => x.id === conflictId);
    if (!c) throw new CoreError('not_found');
    const mine = this.mine(c);
    if (choice !== 'theirs' && !mine) throw new CoreError('damaged');
    const drop = async () => {
      this.ctx.local.conflicts = this.ctx.local.conflicts.filter((x) => x.id !== conflictId);
      await this.ctx.local.persist();
      this.ctx.conflictsChanged();
    };
    if (choice === 'theirs') return drop();
    if (choice === 'both') {
      await this.create(c.vaultId, { ...mine!, title: `${mine!.title} (my version)`.slice(0, 200) });
      return drop();
    }
    const theirs = this.ctx.replica.get(c.entryId);
    if (!theirs) throw new CoreError('not_found');
    await drop();
    await this.write(c.vaultId, c.entryId, theirs.version, encodeEntry(EntrySchema.parse(mine)));
  }
}
