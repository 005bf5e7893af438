// Channel authorization as Supabase Realtime does it (supabase/realtime lib/realtime/tenants/authorization.ex):
// inside one transaction, as the joining user's role with their claims and `realtime.topic` set, probe SELECT
// (may receive) or INSERT (may send / track presence) on realtime.messages per extension, then roll back so
// nothing of the probe is ever kept. Reads and writes are separate probes, run at separate moments:
// - reads at join and on an `access_token` refresh (get_read_authorizations; presence only when the channel
//   has presence enabled, otherwise left unevaluated);
// - writes lazily, at the first broadcast or presence track after the join or refresh
//   (get_write_authorizations, called from broadcast_handler.ex and presence_handler.ex), then kept.
import { randomUUID } from 'node:crypto';
import type { Database, Transaction } from '../db';
import type { JwtClaims } from '../jwt';
import { literal } from '../rest/sql';

/** null = not evaluated yet (Realtime's nil), which counts as "no" wherever it is consulted. */
export interface Policies {
  broadcastRead: boolean | null;
  broadcastWrite: boolean | null;
  presenceRead: boolean | null;
  presenceWrite: boolean | null;
}

export const NO_ACCESS: Policies = {
  broadcastRead: false,
  broadcastWrite: false,
  presenceRead: false,
  presenceWrite: false,
};

export const UNEVALUATED: Policies = {
  broadcastRead: null,
  broadcastWrite: null,
  presenceRead: null,
  presenceWrite: null,
};

class Rollback<T> {
  constructor(readonly value: T) {}
}

// The INSERT probes in one statement: each insert runs in its own sub-transaction (the exception block, like
// Realtime's `mode: :savepoint`), as the user, and a refusal by RLS or grants (insufficient_privilege) is
// recorded instead of raised. Any other error in a policy propagates and counts as a refusal of everything.
const WRITE_PROBES = `do $$
begin
  begin
    insert into realtime.messages (topic, extension) values (current_setting('realtime.topic'), 'broadcast');
    perform set_config('keyroom.probe_broadcast_write', 'yes', true);
  exception when insufficient_privilege then
    perform set_config('keyroom.probe_broadcast_write', 'no', true);
  end;
  begin
    insert into realtime.messages (topic, extension) values (current_setting('realtime.topic'), 'presence');
    perform set_config('keyroom.probe_presence_write', 'yes', true);
  exception when insufficient_privilege then
    perform set_config('keyroom.probe_presence_write', 'no', true);
  end;
end
$$`;

// Realtime's set_conn_config: role, realtime.topic, the claims and the (here empty) request headers.
async function setContext(tx: Transaction, topic: string, claims: JwtClaims): Promise<void> {
  await tx.query(
    `select set_config('role', $1, true), set_config('realtime.topic', $2, true),
            set_config('request.jwt.claims', $3, true), set_config('request.jwt.claim.sub', $4, true),
            set_config('request.jwt.claim.role', $1, true), set_config('request.headers', '{}', true)`,
    [claims.role, topic, JSON.stringify(claims), claims.sub ?? ''],
  );
}

/** Runs fn in a transaction that is always rolled back; any error (a failing policy) yields `onError`. */
async function probe<T>(db: Database, onError: T, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  try {
    await db.transaction(async (tx) => {
      throw new Rollback(await fn(tx));
    });
  } catch (err) {
    if (err instanceof Rollback) return err.value as T;
  }
  return onError;
}

/**
 * The read half (get_read_authorizations): which extensions the token may receive on `topic` (the channel
 * name without "realtime:"). Presence is probed only when `presence` is true; otherwise it keeps the value
 * it had in `base`. Write fields are kept from `base`. Any error in a policy counts as a refusal.
 */
export async function probeRead(
  db: Database,
  topic: string,
  claims: JwtClaims,
  opts: { presence: boolean; base?: Policies },
): Promise<Policies> {
  const base = opts.base ?? UNEVALUATED;
  const refused: Policies = {
    ...base,
    broadcastRead: false,
    presenceRead: opts.presence ? false : base.presenceRead,
  };
  const broadcastId = randomUUID();
  const presenceId = randomUUID();
  return probe(db, refused, async (tx) => {
    // Inserted with the server's own privileges, then read back as the user. Literals, so that on
    // PostgreSQL this statement travels with BEGIN.
    const rows = [`(${literal(broadcastId)}, ${literal(topic)}, 'broadcast')`];
    if (opts.presence) rows.push(`(${literal(presenceId)}, ${literal(topic)}, 'presence')`);
    await tx.query(`insert into realtime.messages (id, topic, extension) values ${rows.join(', ')}`);
    await setContext(tx, topic, claims);
    const seen = await tx.query<{ id: string }>(
      'select id::text as id from realtime.messages where id = any($1::uuid[])',
      [[broadcastId, presenceId]],
    );
    const ids = new Set(seen.rows.map((r) => r.id));
    return {
      ...base,
      broadcastRead: ids.has(broadcastId),
      presenceRead: opts.presence ? ids.has(presenceId) : base.presenceRead,
    };
  });
}

/** The write half (get_write_authorizations): both extensions, read fields kept from `base`. */
export async function probeWrite(
  db: Database,
  topic: string,
  claims: JwtClaims,
  base: Policies = UNEVALUATED,
): Promise<Policies> {
  return probe(db, { ...base, broadcastWrite: false, presenceWrite: false }, async (tx) => {
    await setContext(tx, topic, claims);
    await tx.query(WRITE_PROBES);
    const r = await tx.query<{ broadcast_write: string; presence_write: string }>(
      `select current_setting('keyroom.probe_broadcast_write') as broadcast_write,
              current_setting('keyroom.probe_presence_write') as presence_write`,
    );
    return {
      ...base,
      broadcastWrite: r.rows[0]?.broadcast_write === 'yes',
      presenceWrite: r.rows[0]?.presence_write === 'yes',
    };
  });
}
