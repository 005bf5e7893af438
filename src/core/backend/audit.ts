// The audit log: events the client reports (reveals, copies, an import) and the admin's reading of the log.
import { type Connection, many } from './connection';
import { type AuditRow, auditRowSchema } from './rows';

export type ClientEventAction =
  | 'entry.reveal'
  | 'entry.copy'
  | 'entry.copy_username'
  | 'entry.totp'
  | 'vault.export';

export interface AuditQuery {
  actorId?: string;
  entryId?: string;
  action?: string;
  actions?: string[];
  /** Only rows with a smaller id (paging newest-first). */
  before?: string;
  /** ISO times, inclusive. */
  from?: string;
  to?: string;
  limit?: number;
}

export async function logEvent(
  c: Connection,
  action: ClientEventAction,
  entryId: string | null,
): Promise<void> {
  await c.call(() => c.client.rpc('log_event', { p_action: action, p_entry_id: entryId }));
}

/** The one audit event of an import (the entries themselves are audited one by one by the server). */
export async function logImport(
  c: Connection,
  vaultId: string,
  count: number,
  format: string,
): Promise<void> {
  await c.call(() => c.client.rpc('log_import', { p_vault_id: vaultId, p_count: count, p_format: format }));
}

export async function audit(c: Connection, q: AuditQuery = {}): Promise<AuditRow[]> {
  const data = await c.call(
    () => {
      let b = c.client
        .from('audit_log')
        .select('id,at,actor_id,actor_email,action,entry_id,vault_id,target_user_id,details');
      if (q.actorId) b = b.eq('actor_id', q.actorId);
      if (q.entryId) b = b.eq('entry_id', q.entryId);
      if (q.action) b = b.eq('action', q.action);
      if (q.actions) b = b.in('action', q.actions);
      if (q.before) b = b.lt('id', q.before);
      if (q.from) b = b.gte('at', q.from);
      if (q.to) b = b.lte('at', q.to);
      return b.order('id', { ascending: false }).limit(q.limit ?? 1000);
    },
    { forbidden: 'Only an admin can read the audit log.' },
  );
  return many(auditRowSchema, data);
}

/** The one audit event of an export: vault, how many entries, which format (admins; log_export). */
export async function logExport(
  c: Connection,
  vaultId: string,
  count: number,
  format: string,
): Promise<void> {
  await c.call(() => c.client.rpc('log_export', { p_vault_id: vaultId, p_count: count, p_format: format }), {
    forbidden: 'Only an admin can export a vault.',
  });
}
