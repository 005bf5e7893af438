// entries.seq is gap-safe: a client pulling `seq > cursor` must never move its cursor past a change whose
// transaction commits later. Two real connections write as the member and the admin (through RLS and the
// triggers, as PostgREST would run them) while a third pulls by cursor the way the sync engine does.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/pg';
import { applyAll } from '../apply';
import { type Database, openDatabase, type Transaction } from '../db';

const ADMIN = '5e0a0000-0000-4000-8000-000000000001';
const MEMBER = '5e0a0000-0000-4000-8000-000000000002';
const VAULT = '5e0b0000-0000-4000-8000-000000000001';
const key = (name: string) => name.padEnd(43, 'k');

let tdb: TestDatabase;
const open: Database[] = [];

async function connect(): Promise<Database> {
  const db = await openDatabase({ url: tdb.url, poolSize: 1 });
  open.push(db);
  return db;
}

async function actAs(tx: Transaction, userId: string): Promise<void> {
  await tx.query(`select set_config('request.jwt.claims', $1, true)`, [
    JSON.stringify({ sub: userId, role: 'authenticated' }),
  ]);
  await tx.query('set local role authenticated');
}

async function insertEntry(tx: Transaction, id: string): Promise<string> {
  const r = await tx.query<{ seq: string }>(
    `insert into public.entries (id, vault_id, envelope, key_version) values ($1, $2, '{"v": 1}', 1) returning seq`,
    [id, VAULT],
  );
  return r.rows[0]!.seq;
}

/** One delta pull: what changed after the cursor, in seq order. */
async function pull(db: Database, cursor: bigint): Promise<{ id: string; seq: bigint }[]> {
  const r = await db.query<{ id: string; seq: string }>(
    'select id, seq from public.entries where seq > $1 order by seq',
    [cursor.toString()],
  );
  return r.rows.map((row) => ({ id: row.id, seq: BigInt(row.seq) }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The advisory lock the entries trigger takes before assigning seq (see the core schema migration).
const SEQ_LOCK = 7202611250001n;

/** True once some session is queued on the seq lock (pg_locks splits the bigint key into two halves). */
async function waitForSeqLockWaiter(db: Database): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const r = await db.query<{ waiting: boolean }>(
      `select exists (select 1 from pg_locks where locktype = 'advisory' and not granted
         and ((classid::bigint << 32) | objid::bigint) = $1) as waiting`,
      [SEQ_LOCK.toString()],
    );
    if (r.rows[0]?.waiting) return true;
    await sleep(100);
  }
  return false;
}

beforeAll(async () => {
  tdb = await createTestDatabase('keyroom_seq');
  const db = await connect();
  await applyAll(db);
  await db.exec(`
    insert into auth.users (id, aud, role, email) values
      ('${ADMIN}', 'authenticated', 'authenticated', 'admin@seq.test'),
      ('${MEMBER}', 'authenticated', 'authenticated', 'member@seq.test');
    insert into public.profiles (id, email, display_name, role, status, x25519_public) values
      ('${ADMIN}', 'admin@seq.test', 'Admin', 'admin', 'active', '${key('admin')}'),
      ('${MEMBER}', 'member@seq.test', 'Member', 'member', 'active', '${key('member')}');
    insert into public.vaults (id, name) values ('${VAULT}', 'Seq');
    insert into public.vault_grants (vault_id, member_id, key_version, sealed_key, member_public, signature) values
      ('${VAULT}', '${ADMIN}', 1, 's', '${key('admin')}', 'sig'),
      ('${VAULT}', '${MEMBER}', 1, 's', '${key('member')}', 'sig');
  `);
});

afterAll(async () => {
  await Promise.all(open.map((db) => db.close()));
  await tdb?.drop();
});

describe('entries.seq under concurrent writers', () => {
  it('a writer whose seq would follow an in-flight one waits for it to finish', async () => {
    const [a, b, reader] = [await connect(), await connect(), await connect()];
    const start = (await pull(reader, 0n)).at(-1)?.seq ?? 0n;
    let releaseA!: () => void;
    const gateA = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    let aInserted!: () => void;
    const aHasSeq = new Promise<void>((resolve) => {
      aInserted = resolve;
    });
    const idA = randomUUID();
    const idB = randomUUID();

    const txA = a.transaction(async (tx) => {
      await actAs(tx, MEMBER);
      const seq = await insertEntry(tx, idA);
      aInserted();
      await gateA;
      return BigInt(seq);
    });
    await aHasSeq;

    let bDone = false;
    const txB = b
      .transaction(async (tx) => {
        await actAs(tx, ADMIN);
        return BigInt(await insertEntry(tx, idB));
      })
      .finally(() => {
        bDone = true;
      });

    try {
      expect(await waitForSeqLockWaiter(reader)).toBe(true);
      expect(bDone).toBe(false);
      // The reader is not blocked, and sees neither row: A is in flight and B cannot have a seq yet.
      expect(await pull(reader, start)).toEqual([]);
    } finally {
      releaseA();
    }
    const seqA = await txA;
    const seqB = await txB;
    expect(seqB).toBeGreaterThan(seqA);
    expect(await pull(reader, start)).toEqual([
      { id: idA, seq: seqA },
      { id: idB, seq: seqB },
    ]);
  });

  it('a reader pulling by cursor during concurrent inserts and updates misses nothing', async () => {
    const [member, admin, reader] = [await connect(), await connect(), await connect()];
    const committed: string[] = [];
    let writing = true;

    const memberWrites = async () => {
      for (let i = 0; i < 120; i++) {
        const id = randomUUID();
        await member.transaction(async (tx) => {
          await actAs(tx, MEMBER);
          await insertEntry(tx, id);
          await sleep(Math.random() * 4);
        });
        committed.push(id);
      }
    };
    const adminWrites = async () => {
      for (let i = 0; i < 120; i++) {
        await admin.transaction(async (tx) => {
          await actAs(tx, ADMIN);
          const target = committed[Math.floor(Math.random() * committed.length)];
          if (target && i % 2 === 0) {
            await tx.query(`update public.entries set envelope = '{"v": 1, "edit": true}' where id = $1`, [
              target,
            ]);
          } else {
            await insertEntry(tx, randomUUID());
          }
          await sleep(Math.random() * 4);
        });
      }
    };

    // The sync engine's view: latest seq per entry id, and one cursor.
    const known = new Map<string, bigint>();
    let cursor = 0n;
    let pulls = 0;
    const absorb = (rows: { id: string; seq: bigint }[]) => {
      for (const row of rows) {
        known.set(row.id, row.seq);
        if (row.seq > cursor) cursor = row.seq;
      }
    };
    const reading = (async () => {
      while (writing) {
        absorb(await pull(reader, cursor));
        pulls++;
      }
    })();

    await Promise.all([memberWrites(), adminWrites()]);
    writing = false;
    await reading;
    absorb(await pull(reader, cursor));

    const truth = await pull(reader, 0n);
    expect(truth.length).toBeGreaterThan(240 - 60);
    expect(pulls).toBeGreaterThan(10);
    const missed = truth.filter((row) => known.get(row.id) !== row.seq);
    expect(missed).toEqual([]);
  }, 180_000);
});
