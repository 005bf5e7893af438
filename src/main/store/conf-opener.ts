// For tests: opens store files with conf, the library electron-store is built on (same JSON file, same
// get/set/delete, same atomic writes), with relative folders resolved against a temp folder the way
// electron-store resolves them against userData. Electron itself cannot run here.
import { join } from 'node:path';
import Conf from 'conf';
import type { OpenStoreFile } from './kv';

export function confOpener(userData: string): OpenStoreFile {
  return ({ cwd, name, ...options }) =>
    new Conf<Record<string, unknown>>({ ...options, cwd: join(userData, cwd), configName: name });
}
