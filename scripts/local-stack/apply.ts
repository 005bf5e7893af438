// Applies what a Supabase database already has (bootstrap.sql) and then the project's own
// supabase/migrations, unchanged and in order. Idempotent: applied migrations are recorded in
// supabase_migrations.schema_migrations, the table the Supabase CLI itself uses.
//
// Each migration runs as MIGRATION_OWNER, a non-superuser with BYPASSRLS, as migrations run as the (demoted)
// `postgres` role on Supabase: the local PostgreSQL and PGlite connect as their superuser, so the migration's
// transaction switches role first (see bootstrap.sql). A migration that needs superuser rights fails here as it
// would on Supabase, and the project's tables are owned by a role RLS-exempt only through BYPASSRLS.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './db';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const BOOTSTRAP_PATH = join(root, 'scripts/local-stack/bootstrap.sql');
export const MIGRATIONS_DIR = join(root, 'supabase/migrations');
export const APPLY_PATH = fileURLToPath(import.meta.url);
/** The role that runs the migrations and owns what they create (bootstrap.sql says why it is not `postgres`). */
export const MIGRATION_OWNER = 'migration_owner';

export interface ApplyReport {
  bootstrapped: boolean;
  applied: string[];
  skipped: string[];
}

/** The project's migration files in the order they apply (the Supabase CLI's naming: <version>_<name>.sql). */
export async function migrationFiles(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR)).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
}

export async function applyAll(
  db: Database,
  onProgress: (line: string) => void = () => {},
): Promise<ApplyReport> {
  const report: ApplyReport = { bootstrapped: false, applied: [], skipped: [] };
  const has = await db.query<{ ok: boolean }>(`select to_regclass('auth.users') is not null as ok`);
  if (!has.rows[0]?.ok) {
    onProgress('bootstrap: Supabase roles, auth and realtime schemas');
    await db.exec(await readFile(BOOTSTRAP_PATH, 'utf8'));
    report.bootstrapped = true;
  }
  await db.exec(`create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations
      (version text primary key, statements text[], name text)`);
  const done = new Set(
    (
      await db.query<{ version: string }>('select version from supabase_migrations.schema_migrations')
    ).rows.map((r) => r.version),
  );
  const files = await migrationFiles();
  // As `supabase db push` refuses a database whose history has versions the migrations directory lacks
  // (supabase/cli pkg/migration/apply.go ErrMissingLocal: "Remote migration versions not found in local migrations
  // directory."): here that is a database built from migrations since folded or removed, which must be built again.
  const known = new Set(files.map((f) => f.split('_')[0]));
  const unknown = [...done].filter((v) => !known.has(v)).sort();
  if (unknown.length > 0) {
    throw new Error(
      `the database has migrations that are no longer in supabase/migrations (${unknown.join(', ')}): ` +
        'it was built from an older schema; remove its data directory (or drop the database) and apply again',
    );
  }
  for (const file of files) {
    const [version, ...rest] = file.replace(/\.sql$/, '').split('_');
    if (!version) continue;
    if (done.has(version)) {
      report.skipped.push(file);
      continue;
    }
    onProgress(`migration ${file}`);
    const sql = await readFile(join(MIGRATIONS_DIR, file), 'utf8');
    try {
      await db.transaction(async (tx) => {
        await tx.exec(`set local role ${MIGRATION_OWNER}`);
        await tx.exec(sql);
        // The history table is the runner's own, as the CLI keeps it.
        await tx.exec('reset role');
        await tx.query(
          'insert into supabase_migrations.schema_migrations(version, name, statements) values ($1, $2, $3)',
          [version, rest.join('_'), [createHash('sha256').update(sql).digest('hex')]],
        );
      });
    } catch (err) {
      throw new Error(`migration ${file} failed: ${(err as Error).message}`);
    }
    report.applied.push(file);
  }
  return report;
}
