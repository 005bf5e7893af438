// Queued writes the server refused for good: kept aside with a rescue copy sealed to the user's own key, so
// what someone typed stays readable after the vault key went with their access, until saved or discarded.
import { CoreError } from '../backend/errors';
import { decryptEntry, encryptEntry, VaultKey } from '../crypto/envelope';
import { newVaultKeyBytes, openSealedVaultKey, sealVaultKey } from '../crypto/keys';
import type { RefusedRecord, WriteOp } from '../sync/state';
import type { VaultContext } from './context';
import { decodeEntry, type Entry } from './entry-schema';

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

const REFUSED_WORDS: Partial<Record<CoreError['code'], string>> = {
  forbidden: 'You can no longer add or change entries in that vault (your access may have ended).',
  not_found: 'That vault or entry no longer exists.',
};

export function refusalWords(err: unknown): string {
  if (err instanceof CoreError)
    return REFUSED_WORDS[err.code] ?? `The server did not accept it: ${err.message}`.slice(0, 300);
  return 'The server did not accept it.';
}

export class RefusedWrites {
  constructor(private readonly ctx: VaultContext) {}

  async keepRefused(op: WriteOp, reason: string): Promise<void> {
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

  refusedEntry(id: string): { record: RefusedRecord; entry: Entry } {
    const record = this.ctx.local.refused.find((r) => r.id === id);
    if (!record) throw new CoreError('not_found');
    const entry = this.openRefused(record);
    if (!entry) throw new CoreError('damaged');
    return { record, entry };
  }

  /** Explicit (the UI confirms first): the one way a refused write goes without being saved. */
  async discardRefused(id: string): Promise<void> {
    if (!this.ctx.local.refused.some((r) => r.id === id)) throw new CoreError('not_found');
    await this.ctx.local.discardRefused(id);
    this.ctx.refusedChanged();
  }
}
