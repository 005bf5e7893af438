// Secrets leave the vault only here: the password, the username for the clipboard and the authenticator
// code, of the current entry, an earlier version or a refused write; each audited with log_event (queued
// when offline).
import { CoreError } from '../backend/errors';
import type { VaultContext } from './context';
import type { EntryViews } from './entry-views';
import { versionPassword } from './history';
import type { Outbox } from './outbox';
import type { RefusedWrites } from './refused';
import { parseTotpField, totpNow } from './totp';

export type CopyField = 'password' | 'username' | 'totp';

export class Secrets {
  constructor(
    private readonly ctx: VaultContext,
    private readonly views: EntryViews,
    private readonly outbox: Outbox,
    private readonly refusedWrites: RefusedWrites,
  ) {}

  async reveal(id: string): Promise<string> {
    const e = this.views.openEntry(id);
    await this.outbox.audit('entry.reveal', id);
    return e.entry.password;
  }

  /** The value for the clipboard; the caller (main process) owns the clipboard and clears it. */
  async copy(id: string, field: CopyField): Promise<string> {
    const e = this.views.openEntry(id);
    if (field === 'totp') return (await this.totp(id)).code;
    await this.outbox.audit(field === 'password' ? 'entry.copy' : 'entry.copy_username', id);
    return field === 'password' ? e.entry.password : e.entry.username;
  }

  /** A code is a secret like the password (it opens the account for its period): audited, shown or copied. */
  async totp(
    id: string,
    now = Date.now(),
  ): Promise<{ code: string; period: number; remainingSeconds: number }> {
    const e = this.views.openEntry(id);
    if (!e.entry.totp) throw new CoreError('not_found', 'This entry has no authenticator code.');
    const account = parseTotpField(e.entry.totp);
    const { code, secondsLeft } = totpNow(account, now);
    await this.outbox.audit('entry.totp', id);
    return { code, period: account.period, remainingSeconds: secondsLeft };
  }

  /** An earlier version's password, shown or copied: audited as a reveal or copy of the entry. */
  async versionPassword(id: string, version: number, use: 'reveal' | 'copy'): Promise<string> {
    const password = await versionPassword(this.ctx, id, version);
    await this.outbox.audit(use === 'reveal' ? 'entry.reveal' : 'entry.copy', id);
    return password;
  }

  /**
   * For the clipboard. An entry the server knows (a refused edit of an entry this PC still opens) is audited
   * like any copy; a create the server never got has nothing to audit against and stays on this PC.
   */
  async copyRefused(id: string, field: 'password' | 'username'): Promise<string> {
    const { record, entry } = this.refusedWrites.refusedEntry(id);
    if (record.kind === 'update' && this.ctx.replica.get(record.entryId))
      await this.outbox.audit(field === 'password' ? 'entry.copy' : 'entry.copy_username', record.entryId);
    return field === 'password' ? entry.password : entry.username;
  }
}
