// npm run db:apply -- [--db-url postgres://…] [--data-dir DIR]
// Applies bootstrap + migrations to a PostgreSQL database, or to an embedded PGlite data directory.
import { parseArgs } from 'node:util';
import { applyAll } from './apply';
import { openDatabase } from './db';
import { defaultDataDir } from './paths';

const { values } = parseArgs({
  options: { 'db-url': { type: 'string' }, 'data-dir': { type: 'string' } },
});
const url = values['db-url'] ?? process.env.DATABASE_URL;
const dataDir = url ? undefined : (values['data-dir'] ?? defaultDataDir());
const db = await openDatabase({ url, dataDir });
try {
  const report = await applyAll(db, (line) => console.log(line));
  console.log(
    `${url ? 'postgres' : `pglite (${dataDir})`}: ${report.applied.length} migration(s) applied, ${report.skipped.length} already present`,
  );
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  await db.close();
}
