// A fresh PGlite database spends most of its start in initdb (about 5 s of WASM on a 2-core machine) and then
// applies the same bootstrap and migrations every time. So the first fresh database built from a given schema is
// kept as a compressed data-directory image, and later fresh databases (new data dirs, in-memory test stacks) start
// from it in about a second. The image holds the schema only: it is taken right after the migrations, before any
// key, user or row exists, and its name carries a hash of everything that built it (PGlite's version, bootstrap.sql,
// the runner that applies the migrations and how, every migration), so a changed migration can never be served from
// an old image.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APPLY_PATH, BOOTSTRAP_PATH, MIGRATIONS_DIR, migrationFiles } from './apply';

const root = fileURLToPath(new URL('../..', import.meta.url));
const templateDir = () => process.env.KEYROOM_TEMPLATE_DIR ?? join(root, '.keyroom', 'templates');

// The package does not export its package.json, so it is read from where npm put it.
async function pgliteVersion(): Promise<string> {
  const pkg = await readFile(join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8');
  return String((JSON.parse(pkg) as { version?: unknown }).version);
}

/** Hash of what a freshly migrated PGlite database is made of. */
export async function schemaKey(): Promise<string> {
  const hash = createHash('sha256').update(`pglite ${await pgliteVersion()}\n`);
  hash.update(await readFile(BOOTSTRAP_PATH));
  hash.update(await readFile(APPLY_PATH));
  for (const file of await migrationFiles()) {
    hash.update(`\n-- ${file}\n`).update(await readFile(join(MIGRATIONS_DIR, file)));
  }
  return hash.digest('hex').slice(0, 32);
}

const fileFor = (key: string) => join(templateDir(), `pglite-${key}.tar.gz`);

/** The image for the current schema, or undefined when none has been made yet. */
export async function readTemplate(): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(fileFor(await schemaKey()))]);
  } catch {
    return undefined;
  }
}

/**
 * Keeps the image of a database that was just bootstrapped and migrated. Written to a temporary name and renamed,
 * so parallel test workers racing to make it never leave a half-written image; images of older schemas are removed.
 */
export async function saveTemplate(key: string, image: Blob): Promise<void> {
  const dir = templateDir();
  await mkdir(dir, { recursive: true });
  const target = fileFor(key);
  const partial = `${target}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await image.arrayBuffer()));
  await rename(partial, target);
  for (const name of await readdir(dir)) {
    if (name.startsWith('pglite-') && join(dir, name) !== target && !name.endsWith('.partial')) {
      await rm(join(dir, name), { force: true });
    }
  }
}
