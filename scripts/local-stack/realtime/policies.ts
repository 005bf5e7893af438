// Channel authorization as Supabase Realtime does it (Realtime.Tenants.Authorization): inside one
// transaction, as the joining user's role with their claims and `realtime.topic` set, probe SELECT (may
// receive) and INSERT (may send / track presence) on realtime.messages per extension, then roll back so
// nothing of the probe is ever kept.
import { randomUUID } from 'node:crypto';
import type { Database, Transaction } from '../db';
import type { JwtClaims } from '../jwt';

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

const INSUFFICIENT_PRIVILEGE = '42501';

async function setContext(tx: Transaction, topic: string, claims: JwtClaims): Promise<void> {
  await tx.query(
    `select set_config('role', $1, true), set_config('realtime.topic', $2, true),
            set_config('request.jwt.claims', $3, true), set_config('request.jwt.claim.sub', $4, true),
            set_config('request.jwt.claim.role', $1, true), set_config('request.headers', '{}', true)`,
    [claims.role, topic, JSON.stringify(claims), claims.sub ?? ''],
  );
}

async function mayInsert(tx: Transaction, topic: string, extension: string, n: number): Promise<boolean> {
  await tx.query(`savepoint probe_${n}`);
  try {
    await tx.query('insert into realtime.messages (topic, extension) values ($1, $2)', [topic, extension]);
    await tx.query(`release savepoint probe_${n}`);
    return true;
  } catch (err) {
    await tx.query(`rollback to savepoint probe_${n}`);
    if ((err as { code?: string }).code === INSUFFICIENT_PRIVILEGE) return false;
    throw err;
  }
}

/**
 * Evaluates the RLS of realtime.messages for `topic` (the channel name without "realtime:") as the
 * token's role. Any error in a policy counts as a refusal, as it does in Supabase Realtime.
 */
export async function probePolicies(db: Database, topic: string, claims: JwtClaims): Promise<Policies> {
  const broadcastId = randomUUID();
  const presenceId = randomUUID();
  try {
    await db.transaction(async (tx) => {
      // Inserted with the server's own privileges, then read back as the user.
      await tx.query(
        `insert into realtime.messages (id, topic, extension) values ($1, $3, 'broadcast'), ($2, $3, 'presence')`,
        [broadcastId, presenceId, topic],
      );
      await setContext(tx, topic, claims);
      const seen = await tx.query<{ id: string }>(
        'select id::text as id from realtime.messages where id = any($1::uuid[])',
        [[broadcastId, presenceId]],
      );
      const ids = new Set(seen.rows.map((r) => r.id));
      const policies: Policies = {
        broadcastRead: ids.has(broadcastId),
        presenceRead: ids.has(presenceId),
        broadcastWrite: await mayInsert(tx, topic, 'broadcast', 1),
        presenceWrite: await mayInsert(tx, topic, 'presence', 2),
      };
      throw new Rollback(policies);
    });
  } catch (err) {
    if (err instanceof Rollback) return err.policies;
  }
  return NO_ACCESS;
}
