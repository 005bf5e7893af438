// Applies what a Supabase database already has (bootstrap.sql) and then the project's own
// supabase/migrations, unchanged and in order. Idempotent: applied migrations are recorded in
// supabase_migrations.schema_migrations, the table the Supabase CLI itself uses.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './db';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const BOOTSTRAP_PATH = join(root, 'scripts/local-stack/bootstrap.sql');
export const MIGRATIONS_DIR = join(root, 'supabase/migrations');

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
  for (const file of await migrationFiles()) {
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
        await tx.exec(sql);
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
