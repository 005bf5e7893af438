// Opens the stack's database ready to serve: PostgreSQL, or embedded PGlite under <data dir>/pgdata, bootstrapped
// and migrated. A new PGlite database starts from the schema image (template.ts) when there is one, and leaves
// one behind when it had to be built from scratch.
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type ApplyReport, applyAll } from './apply';
import { type Database, openDatabase } from './db';
import { readTemplate, saveTemplate, schemaKey } from './template';

export interface PrepareOptions {
  /** postgres://… ; when absent, PGlite. */
  dbUrl?: string | undefined;
  /** The stack's data directory; absent means an in-memory PGlite (tests). */
  dataDir?: string | undefined;
  log?: (line: string) => void;
}

export async function openStackDatabase(
  opts: PrepareOptions,
): Promise<{ db: Database; report: ApplyReport; fromImage: boolean }> {
  const log = opts.log ?? (() => {});
  if (opts.dbUrl) {
    const db = await openDatabase({ url: opts.dbUrl });
    return { db, report: await applyOrClose(db, log), fromImage: false };
  }
  const dir = opts.dataDir ? join(opts.dataDir, 'pgdata') : undefined;
  if (opts.dataDir) await mkdir(opts.dataDir, { recursive: true });
  const fresh = !dir || !existsSync(join(dir, 'PG_VERSION'));
  const image = fresh ? await readTemplate() : undefined;
  if (image) {
    try {
      const db = await openDatabase({ dataDir: dir, template: image });
      return { db, report: await applyOrClose(db, log), fromImage: true };
    } catch (err) {
      // A damaged image only costs time: build from scratch below, and the rebuilt image replaces it.
      log(`database image unusable (${(err as Error).message}); building the database from scratch`);
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }
  const key = fresh ? await schemaKey() : undefined;
  const db = await openDatabase({ dataDir: dir });
  const report = await applyOrClose(db, log);
  // Saved only when the migrations did not change while they were being applied (someone editing one).
  if (!key || !report.bootstrapped || !db.dumpDataDir || key !== (await schemaKey())) {
    return { db, report, fromImage: false };
  }
  // PGlite queues the dump ahead of every later query, so the image is the bare schema even though the stack
  // starts serving meanwhile; close() waits for the image to be written.
  const saving = db
    .dumpDataDir()
    .then((image) => saveTemplate(key, image))
    .catch((err: Error) => log(`database image not saved: ${err.message}`));
  const close = db.close;
  return {
    db: {
      ...db,
      close: async () => {
        await saving;
        await close();
      },
    },
    report,
    fromImage: false,
  };
}

async function applyOrClose(db: Database, log: (line: string) => void): Promise<ApplyReport> {
  try {
    return await applyAll(db, log);
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
}

/** Makes sure the schema image exists (npm test calls this once, before its workers start stacks in parallel). */
export async function ensureTemplate(): Promise<void> {
  const { db } = await openStackDatabase({});
  await db.close();
}
