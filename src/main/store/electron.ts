// The store files on electron-store, in Electron's userData folder. Only the Electron main process can load
// this module (electron-store reads app paths from Electron at import).
import Store from 'electron-store';
import type { OpenStoreFile } from './kv';

export const openElectronStoreFile: OpenStoreFile = (options) => new Store<Record<string, unknown>>(options);
