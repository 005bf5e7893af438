// Writes, encrypted here for the exact slot they will occupy (vault, entry, key version, entry version): to
// the server, or to the outbox when it cannot be reached. Creates (one or an import's batch), admin edits,
// deletes and restores with their signed state proof, and the writes that settle a conflict or a refused write.
import { randomUUID } from 'node:crypto';
import type { NewEntry } from '../backend/client';
import { CoreError } from '../backend/errors';
import type { EntryRow } from '../backend/rows';
import { signEntryState } from '../crypto/entry-state';
import type { WriteOp } from '../sync/state';
import type { Conflicts } from './conflicts';
import type { VaultContext } from './context';
import { type Entry, type EntryInput, EntrySchema, encodeEntry } from './entry-schema';
import type { EntrySummary, EntryViews } from './entry-views';
import { versionPassword } from './history';
import type { Keyring } from './keyring';
import type { Outbox } from './outbox';
import type { RefusedWrites } from './refused';

/**
 * On update, `password: undefined` keeps the current password, `totp: undefined` the authenticator key, and a
 * hidden field with value null its value.
 */
export type EntryUpdate = Omit<EntryInput, 'password' | 'fields'> & {
  password?: string | undefined;
  fields?: { name: string; value: string | null; hidden: boolean }[];
};

type CreateOp = Extract<WriteOp, { kind: 'create' }>;
type Sealed = NewEntry & { envelope: ReturnType<Keyring['encrypt']> };

const ADMIN_ONLY = 'Only an admin can change this entry.';

export class EntryWrites {
  constructor(
    private readonly ctx: VaultContext,
    private readonly views: EntryViews,
    private readonly outbox: Outbox,
    private readonly conflictList: Conflicts,
    private readonly refusedWrites: RefusedWrites,
  ) {}

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
      return this.views.summary(this.views.openEntry(entry.id));
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
    await this.outbox.enqueue(ops);
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
      await this.outbox.enqueue([
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
    const e = this.views.openEntry(id);
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
        this.conflictList.addConflict({ entryId: id, vaultId, baseVersion, envelope, keyVersion });
        // Fetch "theirs" now so the conflict shows both sides.
        await this.ctx.engine.pull(vaultId).catch(() => {});
      } else if (err instanceof CoreError && err.code === 'offline') {
        const queuedAt = new Date().toISOString();
        await this.outbox.enqueue([
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
        return this.views.summary(this.views.openEntry(id));
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
    const e = this.views.openEntry(id);
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
    return this.views.summary(this.views.openEntry(row.id));
  }

  /** Makes an earlier version's password the current one, as an ordinary update on `baseVersion`. */
  async restorePassword(id: string, baseVersion: number, version: number): Promise<EntrySummary> {
    if (!this.ctx.isAdmin()) throw new CoreError('forbidden', ADMIN_ONLY);
    const password = await versionPassword(this.ctx, id, version);
    const e = this.views.openEntry(id);
    return this.write(e.vaultId, id, baseVersion, encodeEntry({ ...e.entry, password }));
  }

  /** mine: my version goes on top of theirs; theirs: mine is dropped; both: mine becomes a new entry. */
  async resolve(conflictId: string, choice: 'mine' | 'theirs' | 'both'): Promise<void> {
    const c = this.ctx.local.conflicts.find((x) => x.id === conflictId);
    if (!c) throw new CoreError('not_found');
    const mine = this.conflictList.mine(c);
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

  /** Saves it as a new entry in a vault the person can write to; the record goes once that worked. */
  async saveRefused(id: string, vaultId: string): Promise<EntrySummary> {
    const { entry } = this.refusedWrites.refusedEntry(id);
    const saved = await this.create(vaultId, entry);
    await this.refusedWrites.discardRefused(id);
    return saved;
  }
}
