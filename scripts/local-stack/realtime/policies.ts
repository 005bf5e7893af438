// Channel authorization as Supabase Realtime does it (Realtime.Tenants.Authorization): inside one
// transaction, as the joining user's role with their claims and `realtime.topic` set, probe SELECT (may
// receive) and INSERT (may send / track presence) on realtime.messages per extension, then roll back so
// nothing of the probe is ever kept.
import { randomUUID } from 'node:crypto';
import type { Database, Transaction } from '../db';
import type { JwtClaims } from '../jwt';
import { literal } from '../rest/sql';

export interface Policies {
  broadcastRead: boolean;
  broadcastWrite: boolean;
  presenceRead: boolean;
  presenceWrite: boolean;
}

export const NO_ACCESS: Policies = {
  broadcastRead: false,
  broadcastWrite: false,
  presenceRead: false,
  presenceWrite: false,
};

class Rollback {
  constructor(readonly policies: Policies) {}
}

// The INSERT probes in one statement: each insert runs in its own sub-transaction (the exception block), as
// the user, and a refusal by RLS or grants (insufficient_privilege) is recorded instead of raised. Any
// other error in a policy propagates and counts as a refusal of everything, as before.
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

async function setContext(tx: Transaction, topic: string, claims: JwtClaims): Promise<void> {
  await tx.query(
    `select set_config('role', $1, true), set_config('realtime.topic', $2, true),
            set_config('request.jwt.claims', $3, true), set_config('request.jwt.claim.sub', $4, true),
            set_config('request.jwt.claim.role', $1, true), set_config('request.headers', '{}', true)`,
    [claims.role, topic, JSON.stringify(claims), claims.sub ?? ''],
  );
}

/**
 * Evaluates the RLS of realtime.messages for `topic` (the channel name without "realtime:") as the
 * token's role. Any error in a policy counts as a refusal, as it does in Supabase Realtime. Five round
 * trips on PostgreSQL: every join and every periodic re-check of hundreds of channels pays them.
 */
export async function probePolicies(db: Database, topic: string, claims: JwtClaims): Promise<Policies> {
  const broadcastId = randomUUID();
  const presenceId = randomUUID();
  try {
    await db.transaction(async (tx) => {
      // Inserted with the server's own privileges, then read back as the user. Literals, so that on
      // PostgreSQL this statement travels with BEGIN.
      await tx.query(
        `insert into realtime.messages (id, topic, extension)
         values (${literal(broadcastId)}, ${literal(topic)}, 'broadcast'), (${literal(presenceId)}, ${literal(topic)}, 'presence')`,
      );
      await setContext(tx, topic, claims);
      await tx.query(WRITE_PROBES);
      const probe = await tx.query<{ seen: string[]; broadcast_write: string; presence_write: string }>(
        `select array(select id::text from realtime.messages where id = any($1::uuid[])) as seen,
                current_setting('keyroom.probe_broadcast_write') as broadcast_write,
                current_setting('keyroom.probe_presence_write') as presence_write`,
        [[broadcastId, presenceId]],
      );
      const row = probe.rows[0];
      const seen = new Set(row?.seen ?? []);
      throw new Rollback({
        broadcastRead: seen.has(broadcastId),
        presenceRead: seen.has(presenceId),
        broadcastWrite: row?.broadcast_write === 'yes',
        presenceWrite: row?.presence_write === 'yes',
      });
    });
  } catch (err) {
    if (err instanceof Rollback) return err.policies;
  }
  return NO_ACCESS;
}
