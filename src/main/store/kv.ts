// The slice of electron-store these adapters use. electron-store (and conf, its engine, which the tests use
// under Node where Electron cannot run) keeps one JSON file per store and rewrites it atomically on every set,
// so one set() of a whole document is one atomic step on disk.
export interface KeyValueStore {
  /** The file behind the store, for error messages. */
  readonly path: string;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** Options for one store file, as electron-store (and conf) take them. */
export interface StoreFileOptions {
  /** Folder of the file, relative to Electron's userData folder. */
  cwd: string;
  name: string;
  /** Replace an unreadable (non-JSON) file with an empty store instead of throwing. */
  clearInvalidConfig: boolean;
  /** Keys are opaque names (entry ids, vault ids, document names), never dotted paths. */
  accessPropertiesByDotNotation: false;
  /** Owner-only: the cache holds ciphertext and metadata (titles are encrypted, who changed what is not). */
  configFileMode: 0o600;
  watch: false;
}

export type OpenStoreFile = (options: StoreFileOptions) => KeyValueStore;
