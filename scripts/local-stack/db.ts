// One database interface for the local stack, the migration runner and the tests, backed either by
// embedded PGlite (zero install) or by a real PostgreSQL server (pg pool).
import { PGlite } from '@electric-sql/pglite';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import pg from 'pg';

export interface SqlResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<R>>;
}

export interface Transaction extends Queryable {
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn inside BEGIN … COMMIT (ROLLBACK when fn throws) on one connection. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Runs a multi-statement SQL script (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * LISTEN on a channel; resolves to an unsubscribe function. On PostgreSQL a lost LISTEN connection (server
   * restart, terminated backend) is opened again with backoff, and `relistened` runs once it listens again:
   * notifications sent meanwhile are lost, so the caller must tell its own listeners to catch up.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    relistened?: () => void,
  ): Promise<() => Promise<void>>;
  /** PGlite only: a compressed image of the data directory (see template.ts). */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… ; when absent, PGlite is used. */
  url?: string | undefined;
  /** PGlite data directory; absent means in-memory. */
  dataDir?: string | undefined;
  /** PGlite only: start a NEW database from this data-directory image instead of running initdb. */
  template?: Blob | undefined;
  /** pg pool size (ignored for PGlite). */
  poolSize?: number;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts.poolSize ?? 10) : openPglite(opts.dataDir, opts.template);
}

// JSON, timestamps and bigints come back as text so that both back ends hand callers the same values;
// callers that need structure build JSON in SQL.
const asText = (v: string) => v;
const TEXT_TYPES = [20, 114, 1082, 1114, 1184, 3802];

async function openPglite(dataDir: string | undefined, template: Blob | undefined): Promise<Database> {
  const parsers = Object.fromEntries(TEXT_TYPES.map((t) => [t, asText]));
  const db = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(template ? { loadDataDir: template } : {}),
    extensions: { pgcrypto },
    parsers,
  });
  const wrap =
    (q: Pick<PGlite, 'query'>) =>
    async <R>(sql: string, params?: unknown[]) => {
      const r = await q.query<R>(sql, params as unknown[]);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    };
  return {
    kind: 'pglite',
    query: wrap(db),
    transaction: (fn) =>
      db.transaction((tx) =>
        fn({
          query: wrap(tx),
          exec: async (sql) => {
            await tx.exec(sql);
          },
        }),
      ),
    exec: async (sql) => {
      await db.exec(sql);
    },
    listen: async (channel, cb) => {
      const unsub = await db.listen(channel, cb);
      return unsub;
    },
    dumpDataDir: () => db.dumpDataDir('gzip'),
    close: () => db.close(),
  };
}

/** Backoff between attempts to open a lost LISTEN connection again: 100 ms doubling up to 5 s. */
export const RELISTEN_BACKOFF_MS = { first: 100, max: 5_000 };

async function openPostgres(url: string, max: number): Promise<Database> {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      TEXT_TYPES.includes(oid) ? asText : pg.types.getTypeParser(oid, format ?? 'text'),
  };
  const pool = new pg.Pool({ connectionString: url, max, types });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  const listeners = new Set<() => Promise<void>>();
  // A simple query with several statements (exec, a migration) answers with one result per statement: the last
  // one is the answer, as for the first statement of a transaction below.
  const run = async <R>(c: pg.Pool | pg.PoolClient, sql: string, params?: unknown[]) => {
    const all = (await c.query(sql, params)) as unknown as pg.QueryResult | pg.QueryResult[];
    const r = Array.isArray(all) ? (all[all.length - 1] as pg.QueryResult) : all;
    return { rows: r.rows as R[], rowCount: r.rowCount ?? r.rows.length };
  };

  const listenOnce = async (channel: string, cb: (payload: string) => void): Promise<pg.Client> => {
    // keepAlive: a connection cut without a FIN (a dead host, a dropped NAT entry) must end too.
    const client = new pg.Client({ connectionString: url, keepAlive: true });
    // A terminated backend reports an error and then ends; 'end' is where we act.
    client.on('error', () => {});
    client.on('notification', (n) => {
      if (n.channel === channel) cb(n.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      return client;
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
  };

  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    transaction: async (fn) => {
      const client = await pool.connect();
      // BEGIN goes out with the transaction's first statement when that one has no parameters (a simple
      // query may hold several): one round trip fewer for every REST request, which starts by setting the
      // request context.
      let begun = false;
      const first = async <R>(sql: string, params?: unknown[]) => {
        if (begun) return run<R>(client, sql, params);
        begun = true;
        if (params?.length) {
          await client.query('begin');
          return run<R>(client, sql, params);
        }
        const all = (await client.query(`begin; ${sql}`)) as unknown as pg.QueryResult[];
        const last = all[all.length - 1] as pg.QueryResult;
        return { rows: last.rows as R[], rowCount: last.rowCount ?? last.rows.length };
      };
      try {
        const out = await fn({
          query: first,
          exec: async (sql) => {
            await first(sql);
          },
        });
        if (begun) await client.query('commit');
        return out;
      } catch (err) {
        if (begun) await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    exec: async (sql) => {
      await pool.query(sql);
    },
    listen: async (channel, cb, relistened) => {
      let stopped = false;
      let current: pg.Client | null = null;
      let retry: NodeJS.Timeout | undefined;
      const keep = (client: pg.Client) => {
        current = client;
        client.once('end', () => {
          if (current !== client) return;
          current = null;
          if (!stopped) again(RELISTEN_BACKOFF_MS.first);
        });
      };
      const again = (delay: number) => {
        retry = setTimeout(() => {
          listenOnce(channel, cb).then(
            (client) => {
              if (stopped) return void client.end().catch(() => {});
              keep(client);
              relistened?.();
            },
            () => {
              if (!stopped) again(Math.min(delay * 2, RELISTEN_BACKOFF_MS.max));
            },
          );
        }, delay);
      };
      keep(await listenOnce(channel, cb));
      const unlisten = async () => {
        stopped = true;
        clearTimeout(retry);
        listeners.delete(unlisten);
        const client = current;
        current = null;
        await client?.end().catch(() => {});
      };
      listeners.add(unlisten);
      return unlisten;
    },
    close: async () => {
      await Promise.all([...listeners].map((unlisten) => unlisten()));
      await pool.end();
    },
  };
}
