// openPostgres transactions send BEGIN together with a first statement that has no parameters. The REST and
// Realtime services rely on them to scope `set_config(..., true)` (the role, the JWT claims) to one request:
// whatever way a transaction ends, the pooled connection must come back outside any transaction, as the
// server's own role, with nothing of the request kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/pg';
import { type Database, openDatabase } from './db';

describe('openPostgres transactions', () => {
  let tdb: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    tdb = await createTestDatabase('keyroom_db');
    // One connection: every statement below runs on the connection the previous transaction used.
    db = await openDatabase({ url: tdb.url, poolSize: 1 });
    // `authenticated` is cluster-wide (the local stack's bootstrap made it for earlier test databases).
    await db.exec(`do $$ begin if not exists (select 1 from pg_roles where rolname = 'authenticated') then
      create role authenticated nologin; end if; exception when duplicate_object then null; end $$;
      create table t (n int primary key); grant insert on t to authenticated`);
  });

  afterAll(async () => {
    await db?.close();
    await tdb?.drop();
  });

  const session = async () =>
    (
      await db.query<{ who: string; claims: string; open: boolean }>(
        `select current_user::text as who, coalesce(current_setting('request.jwt.claims', true), '') as claims,
                now() <> statement_timestamp() as open`,
      )
    ).rows[0];

  it('commits a transaction that starts without parameters, answering with the last statement', async () => {
    const r = await db.transaction(async (tx) => {
      const first = await tx.query<{ role: string }>(
        `select set_config('request.jwt.claims', '{"sub":"x"}', true) as c, current_setting('request.jwt.claims') as role`,
      );
      await tx.query('insert into t values ($1)', [1]);
      return first.rows;
    });
    expect(r).toEqual([{ c: '{"sub":"x"}', role: '{"sub":"x"}' }]);
    expect((await db.query('select n from t')).rows).toEqual([{ n: 1 }]);
    expect(await session()).toEqual({ who: 'postgres', claims: '', open: false });
  });

  it('rolls back everything, role and claims included, when the first statement or a later one fails', async () => {
    await expect(db.transaction((tx) => tx.query('select 1 / 0'))).rejects.toThrow(/division by zero/);
    expect(await session()).toEqual({ who: 'postgres', claims: '', open: false });
    await expect(
      db.transaction(async (tx) => {
        await tx.query(
          `select set_config('role', 'authenticated', true), set_config('request.jwt.claims', '{}', true)`,
        );
        await tx.query('insert into t values ($1)', [2]);
        throw new Error('refused later');
      }),
    ).rejects.toThrow('refused later');
    expect(await session()).toEqual({ who: 'postgres', claims: '', open: false });
    expect((await db.query('select n from t order by n')).rows).toEqual([{ n: 1 }]);
  });

  it('still runs a transaction whose first statement has parameters, and one that runs nothing', async () => {
    await db.transaction(async (tx) => {
      await tx.query('insert into t values ($1)', [3]);
      await tx.query('insert into t values ($1)', [4]);
    });
    expect(await db.transaction(async () => 'nothing')).toBe('nothing');
    expect((await db.query('select n from t order by n')).rows).toEqual([{ n: 1 }, { n: 3 }, { n: 4 }]);
    expect(await session()).toEqual({ who: 'postgres', claims: '', open: false });
  });
});
