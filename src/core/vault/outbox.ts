// The persisted outbox: writes and audit events that could not reach the server wait here, in order, and go
// out on the next flush. A passing fault leaves them queued; a refusal for good sets the write aside.
import { randomUUID } from 'node:crypto';
import { CoreError } from '../backend/errors';
import type { OutboxOp } from '../sync/state';
import type { Conflicts } from './conflicts';
import type { VaultContext } from './context';
import { type RefusedWrites, refusalWords } from './refused';

const RETRY_LATER: ReadonlySet<CoreError['code']> = new Set([
  'offline',
  'internal',
  'rate_limited',
  'not_signed_in',
  'locked',
  'disabled',
  'update_required',
]);

export class Outbox {
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly ctx: VaultContext,
    private readonly conflictList: Conflicts,
    private readonly refusedWrites: RefusedWrites,
  ) {}

  async enqueue(ops: OutboxOp[]): Promise<void> {
    await this.ctx.local.enqueue(ops);
    this.ctx.outboxChanged();
  }

  async audit(action: 'entry.reveal' | 'entry.copy' | 'entry.copy_username' | 'entry.totp', entryId: string) {
    try {
      await this.ctx.backend.logEvent(action, entryId);
    } catch (err) {
      if (!(err instanceof CoreError && err.code === 'offline')) throw err;
      await this.enqueue([
        { kind: 'audit', opId: randomUUID(), action, entryId, queuedAt: new Date().toISOString() },
      ]);
    }
  }

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
          await this.refusedWrites.keepRefused(op, refusalWords(err));
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
      this.conflictList.addConflict(op);
      await this.ctx.engine.pull(op.vaultId).catch(() => {});
    }
  }
}
