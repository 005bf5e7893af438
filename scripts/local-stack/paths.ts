import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The embedded database and the stack's keys live here unless --data-dir says otherwise. */
export function defaultDataDir(): string {
  return process.env.KEYROOM_DATA_DIR ?? join(root, '.keyroom', 'local-stack');
}
