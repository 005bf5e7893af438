// Opens the electron-store files of one signed-in profile: its cache and its outbox, in a folder of their own
// so signing out of one profile wipes nothing of another. The folder name is a hash of the profile name, so
// whatever the name holds (an email, slashes, dots) it can never point outside the profiles folder.
import { createHash } from 'node:crypto';
import { OutboxUnreadableError } from '../../core/storage/file';
import type { CacheStore, OutboxStore } from '../../core/storage/types';
import { ElectronCacheStore } from './cache';
import type { KeyValueStore, OpenStoreFile, StoreFileOptions } from './kv';
import { ElectronOutboxStore } from './outbox';
import { ElectronSettingsStore } from './settings';

export function profileFolder(profile: string): string {
  return `profiles/${createHash('sha256').update(profile, 'utf8').digest('hex').slice(0, 32)}`;
}

const fileOptions = (cwd: string, name: string, clearInvalidConfig: boolean): StoreFileOptions => ({
  cwd,
  name,
  clearInvalidConfig,
  accessPropertiesByDotNotation: false,
  configFileMode: 0o600,
  watch: false,
});

export function openProfileStores(
  open: OpenStoreFile,
  profile: string,
): { cache: CacheStore; outbox: OutboxStore } {
  const cwd = profileFolder(profile);
  // The cache is only a copy of server data: a damaged file is replaced. The outbox holds changes that exist
  // nowhere else: a damaged file is reported and left on disk for support to recover.
  const cache = ElectronCacheStore.open(open(fileOptions(cwd, 'cache', true)));
  let outboxFile: KeyValueStore;
  try {
    outboxFile = open(fileOptions(cwd, 'outbox', false));
  } catch {
    throw new OutboxUnreadableError(`${cwd}/outbox.json`);
  }
  return { cache, outbox: ElectronOutboxStore.open(outboxFile) };
}

/** The settings of this PC, shared by every profile. */
export function openSettingsStore(open: OpenStoreFile): ElectronSettingsStore {
  return new ElectronSettingsStore(open(fileOptions('.', 'settings', true)));
}
