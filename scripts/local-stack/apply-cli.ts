// npm run db:apply -- [--db-url postgres://…] [--data-dir DIR]
// Applies bootstrap + migrations to a PostgreSQL database, or to the embedded PGlite database of a stack data
// directory (the same DIR `npm run stack -- --data-dir` takes; default .keyroom/local-stack). On PGlite this also
// leaves the schema image that makes every later fresh stack start in seconds (npm run setup runs it).
import { parseArgs } from 'node:util';
import { defaultDataDir } from './paths';
import { openStackDatabase } from './prepare';

const { values } = parseArgs({
  options: { 'db-url': { type: 'string' }, 'data-dir': { type: 'string' } },
});
const dbUrl = values['db-url'] ?? process.env.DATABASE_URL;
const dataDir = dbUrl ? undefined : (values['data-dir'] ?? defaultDataDir());
try {
  const { db, report, fromImage } = await openStackDatabase({
    dbUrl,
    dataDir,
    log: (line) => console.log(line),
  });
  await db.close();
  console.log(
    `${dbUrl ? 'postgres' : `pglite (${dataDir})`}: ${report.applied.length} migration(s) applied, ` +
      `${report.skipped.length} already present${fromImage ? ' (started from the prepared schema image)' : ''}`,
  );
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
}
