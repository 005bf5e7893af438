// An entry's earlier versions, for admins (RLS on entry_history lets only admins read them): what changed at a
// glance, and the password a version held. Reading that password is a reveal like any other and is audited
// by the caller; a restore goes through the ordinary update (RLS, the stale-version conflict, the audit row).
import type { Backend } from '../backend/client';
import { CoreError } from '../backend/errors';
import type { Entry } from './entry-schema';
import type { Replica } from './replica';

export interface HistoryVersion {
  version: number;
  changedAt: string;
  changedBy: string;
  title: string;
  username: string;
  url: string;
  passwordChanged: boolean;
  deleted: boolean;
  damaged: boolean;
}

export interface HistoryContext {
  backend: Backend;
  replica: Replica;
  isAdmin(): boolean;
  nameOf(userId: string | null): string;
}

const ADMIN_ONLY = 'Only an admin can see the history of an entry.';

export async function listHistory(ctx: HistoryContext, id: string): Promise<HistoryVersion[]> {
  if (!ctx.isAdmin()) throw new CoreError('forbidden', ADMIN_ONLY);
  const rows = await ctx.backend.history(id);
  const out: HistoryVersion[] = [];
  let newer: Entry | null = ctx.replica.get(id)?.entry ?? null;
  for (const h of rows) {
    const entry = ctx.replica.decrypt({ ...h, id: h.entry_id });
    out.push({
      version: h.version,
      changedAt: h.changed_at,
      changedBy: ctx.nameOf(h.changed_by),
      title: entry?.title ?? '',
      username: entry?.username ?? '',
      url: entry?.url ?? '',
      passwordChanged: entry !== null && newer !== null && entry.password !== newer.password,
      deleted: h.deleted_at !== null,
      damaged: entry === null,
    });
    if (entry) newer = entry;
  }
  return out;
}

/** The password an earlier version held; it is decrypted and verified like any version (damaged otherwise). */
export async function versionPassword(ctx: HistoryContext, id: string, version: number): Promise<string> {
  if (!ctx.isAdmin()) throw new CoreError('forbidden', ADMIN_ONLY);
  const row = (await ctx.backend.history(id)).find((h) => h.version === version);
  if (!row) throw new CoreError('not_found', 'That version of the entry no longer exists.');
  const entry = ctx.replica.decrypt({ ...row, id: row.entry_id });
  if (!entry) throw new CoreError('damaged');
  return entry.password;
}
