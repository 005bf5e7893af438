// Entries: the delta pull by seq, inserts (one or a batch), edits and deletes through the RPCs that check the
// base version, and an entry's history.

import { z } from 'zod';
import type { StateProof } from '../crypto/entry-state';
import { type Connection, many, one } from './connection';
import { CoreError } from './errors';
import { type EntryRow, entryRowSchema, type HistoryRow, historyRowSchema, parseRows } from './rows';

const ENTRY_COLUMNS =
  'id,vault_id,envelope,key_version,version,seq,created_by,created_at,updated_by,updated_at,deleted_at,state_proof';

export interface NewEntry {
  id: string;
  vault_id: string;
  envelope: unknown;
  key_version: number;
}

/** One page of the delta: rows of one vault after a cursor, in seq order. Malformed rows are counted. */
export async function pullEntries(
  c: Connection,
  vaultId: string,
  afterSeq: number,
  limit: number,
): Promise<{ rows: EntryRow[]; rejected: number; pageSize: number }> {
  const data = await c.call(() =>
    c.client
      .from('entries')
      .select(ENTRY_COLUMNS)
      .eq('vault_id', vaultId)
      .gt('seq', afterSeq)
      .order('seq', { ascending: true })
      .limit(limit)
      // postgrest-js retries a failed GET three times (1 s, 2 s, 4 s): 7 s before an outage shows. A pull
      // is repeated by the sync engine anyway, so it fails at once and the PC says it is offline.
      .retry(false),
  );
  const pageSize = Array.isArray(data) ? data.length : 0;
  return { ...parseRows(entryRowSchema, data), pageSize };
}

export async function allEntries(c: Connection, vaultId: string): Promise<EntryRow[]> {
  const out: EntryRow[] = [];
  let cursor = 0;
  for (;;) {
    const page = await pullEntries(c, vaultId, cursor, 1000);
    out.push(...page.rows);
    if (page.pageSize < 1000) return out;
    cursor = page.rows.at(-1)?.seq ?? cursor;
  }
}

export async function insertEntry(c: Connection, entry: NewEntry): Promise<EntryRow> {
  const data = await c.call(() => c.client.from('entries').insert(entry).select(ENTRY_COLUMNS), {
    forbidden: 'You cannot add entries to this vault.',
  });
  return one(entryRowSchema, data);
}

/** One request for many rows (an import): RLS and the insert triggers still see each row. */
export async function insertEntries(c: Connection, entries: NewEntry[]): Promise<EntryRow[]> {
  if (entries.length === 0) return [];
  const data = await c.call(() => c.client.from('entries').insert(entries).select(ENTRY_COLUMNS), {
    forbidden: 'You cannot add entries to this vault.',
  });
  const rows = many(entryRowSchema, data);
  if (rows.length !== entries.length) throw new CoreError('damaged');
  return rows;
}

export async function updateEntry(
  c: Connection,
  id: string,
  baseVersion: number,
  envelope: unknown,
  keyVersion: number,
): Promise<EntryRow> {
  const data = await c.call(
    () =>
      c.client.rpc('update_entry', {
        p_id: id,
        p_base_version: baseVersion,
        p_envelope: envelope,
        p_key_version: keyVersion,
      }),
    { forbidden: 'Only an admin can change this entry.' },
  );
  return changedRow(data, 'Only an admin can change this entry.');
}

export interface DeletedChange {
  id: string;
  baseVersion: number;
  deleted: boolean;
  envelope: unknown;
  keyVersion: number;
  proof: StateProof;
}

/** A delete or restore: the ciphertext re-written for the new state and the admin's proof, in one call. */
export async function setEntryDeleted(c: Connection, change: DeletedChange): Promise<EntryRow> {
  const msg = change.deleted
    ? 'Only an admin can delete this entry.'
    : 'Only an admin can restore this entry.';
  const data = await c.call(
    () =>
      c.client.rpc('set_entry_deleted', {
        p_id: change.id,
        p_base_version: change.baseVersion,
        p_deleted: change.deleted,
        p_envelope: change.envelope,
        p_key_version: change.keyVersion,
        p_proof: change.proof,
      }),
    { forbidden: msg },
  );
  return changedRow(data, msg);
}

// RLS hides the row from a member's UPDATE, so the RPC returns nothing instead of raising: a refusal.
function changedRow(data: unknown, forbidden: string): EntryRow {
  if (data === null || (Array.isArray(data) && data.length === 0))
    throw new CoreError('forbidden', forbidden);
  return one(entryRowSchema, data);
}

export async function history(c: Connection, entryId: string): Promise<HistoryRow[]> {
  const data = await c.call(
    () =>
      c.client
        .from('entry_history')
        .select('entry_id,vault_id,envelope,key_version,version,changed_by,changed_at,deleted_at')
        .eq('entry_id', entryId)
        .order('version', { ascending: false }),
    { forbidden: 'Only an admin can see the history of an entry.' },
  );
  return parseRows(historyRowSchema, data).rows;
}

/** Removes a tombstone for good (admins); its history and audit rows stay on the server (purge_entry). */
export async function purgeEntry(c: Connection, id: string): Promise<void> {
  await c.call(() => c.client.rpc('purge_entry', { p_id: id }), {
    forbidden: 'Only an admin can purge an entry.',
    notFound: 'That entry is no longer in the trash.',
  });
}

const tombstoneSchema = z.object({ id: z.uuid(), vault_id: z.uuid(), deleted_by: z.uuid().nullable() });
export type TombstoneRow = z.infer<typeof tombstoneSchema>;

/** The tombstones the server holds (admins read every vault): ids only, the rows come through sync. */
export async function tombstones(c: Connection): Promise<TombstoneRow[]> {
  const data = await c.call(() =>
    c.client.from('entries').select('id,vault_id,deleted_by').not('deleted_at', 'is', null).limit(10_000),
  );
  return many(tombstoneSchema, data);
}
