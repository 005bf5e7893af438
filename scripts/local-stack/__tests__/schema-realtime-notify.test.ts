// The contract between the schema and the local Realtime server: every realtime.send (here: the entries
// trigger's poke) is announced on NOTIFY channel `realtime_broadcast` as {id, topic, event, private,
// payload} once its transaction commits, never for a rolled-back one, and a failing send never fails the
// caller's transaction. Checked on both back ends the local stack runs on.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../test/pg';
import { applyAll } from '../apply';
import { type Database, openDatabase } from '../db';

const SLOW_MS = 240_000;
const MEMBER = '6a1c0000-0000-4000-8000-000000000002';
const VAULT = '6a1d0000-0000-4000-8000-000000000001';
const PUBLIC_KEY = 'member'.padEnd(43, 'k');

const Broadcast = z.object({
  id: z.uuid(),
  topic: z.string(),
  event: z.string(),
  private: z.boolean(),
  payload: z.record(z.string(), z.unknown()),
});
type Broadcast = z.infer<typeof Broadcast>;

async function seed(db: Database): Promise<void> {
  await db.exec(`
    insert into auth.users (id, aud, role, email) values ('${MEMBER}', 'authenticated', 'authenticated', 'm@rt.test');
    insert into public.profiles (id, email, display_name, status, x25519_public)
      values ('${MEMBER}', 'm@rt.test', 'M', 'active', '${PUBLIC_KEY}');
    insert into public.vaults (id, name) values ('${VAULT}', 'RT');
    insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, signature)
      values ('${VAULT}', '${MEMBER}', 1, 's', '${PUBLIC_KEY}', 'sig');
  `);
}

/** Inserts an entry as the member, the way PostgREST would run the request; optionally fails afterwards. */
async function memberInsert(db: Database, id: string, failAfter: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(`select set_config('request.jwt.claims', $1, true)`, [
      JSON.stringify({ sub: MEMBER, role: 'authenticated' }),
    ]);
    await tx.query('set local role authenticated');
    await tx.query(
      `insert into public.entries (id, vault_id, envelope, key_version) values ($1, $2, '{"v": 1}', 1)`,
      [id, VAULT],
    );
    if (failAfter) await tx.query('select 1 / 0');
  });
}

async function settle(received: Broadcast[], count: number): Promise<void> {
  for (let i = 0; i < 50 && received.length < count; i++) await new Promise((r) => setTimeout(r, 100));
  // A little longer, so that an unexpected extra notification would be caught too.
  await new Promise((r) => setTimeout(r, 200));
}

async function checkContract(db: Database): Promise<void> {
  await applyAll(db);
  await seed(db);
  const received: Broadcast[] = [];
  const unlisten = await db.listen('realtime_broadcast', (raw) =>
    received.push(Broadcast.parse(JSON.parse(raw))),
  );
  try {
    const rolledBack = randomUUID();
    await expect(memberInsert(db, rolledBack, true)).rejects.toThrow();
    const entryId = randomUUID();
    await memberInsert(db, entryId, false);
    await settle(received, 1);

    const seq = (await db.query<{ seq: string }>('select seq from public.entries where id = $1', [entryId]))
      .rows[0]?.seq;
    expect(received).toEqual([
      {
        id: expect.any(String),
        topic: `vault:${VAULT}`,
        event: 'entry',
        private: true,
        payload: { id: entryId, seq: Number(seq), op: 'insert' },
      },
    ]);
    const stored = await db.query<{ topic: string; extension: string }>(
      'select topic, extension from realtime.messages where id = $1',
      [received[0]?.id],
    );
    expect(stored.rows).toEqual([{ topic: `vault:${VAULT}`, extension: 'broadcast' }]);

    // NOTIFY payloads are limited to 8000 bytes: this send fails inside realtime.send, which only warns.
    received.length = 0;
    await db.transaction(async (tx) => {
      await tx.query(
        `select realtime.send(jsonb_build_object('blob', repeat('x', 9000)), 'big', 'office', true)`,
      );
      await tx.query(`select realtime.send('{"small": true}', 'small', 'office', true)`);
    });
    await settle(received, 1);
    expect(received.map((b) => b.event)).toEqual(['small']);
    const big = await db.query<{ n: string }>(
      `select count(*) as n from realtime.messages where event = 'big'`,
    );
    expect(big.rows[0]?.n).toBe('0');
  } finally {
    await unlisten();
  }
}

describe('realtime.send → NOTIFY realtime_broadcast', () => {
  let tdb: TestDatabase | undefined;
  afterAll(async () => {
    await tdb?.drop();
  });

  it(
    'on PGlite',
    async () => {
      const db = await openDatabase({});
      try {
        await checkContract(db);
      } finally {
        await db.close();
      }
    },
    SLOW_MS,
  );

  it(
    'on PostgreSQL',
    async () => {
      tdb = await createTestDatabase('keyroom_notify');
      const db = await openDatabase({ url: tdb.url });
      try {
        await checkContract(db);
      } finally {
        await db.close();
      }
    },
    SLOW_MS,
  );
});
