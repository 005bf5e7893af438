// The app settings of this PC (theme, start with Windows, stay unlocked, notifications) on electron-store.
// Each stored field is checked on read: one damaged or outdated field falls back to its default without
// resetting the others. Listeners hear every change, so the OS side (login item, keychain) follows it.
import { type Settings, settingsSchema } from '../../shared/domain';
import type { SettingsStore } from '../handlers/os';
import type { KeyValueStore } from './kv';

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  startWithWindows: false,
  stayUnlocked: false,
  notifications: true,
  healthMaxAgeDays: 365,
  autoBackup: { enabled: false, folder: null, keep: 7, userId: null, lastRunAt: null, lastError: null },
};

const KEY = 'settings';
const patchSchema = settingsSchema.partial().strict();

export type SettingsListener = (next: Settings, previous: Settings) => void | Promise<void>;

export class ElectronSettingsStore implements SettingsStore {
  readonly #kv: KeyValueStore;
  readonly #listeners: SettingsListener[] = [];

  constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  async get(): Promise<Settings> {
    return this.current();
  }

  /** The settings now, synchronously (for the auto-lock poll and the tray). */
  current(): Settings {
    const raw = this.#kv.get(KEY);
    const stored = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    const shape = settingsSchema.shape;
    const field = <K extends keyof Settings>(k: K): Settings[K] => {
      const parsed = shape[k].safeParse(stored[k]);
      return (parsed.success ? parsed.data : DEFAULT_SETTINGS[k]) as Settings[K];
    };
    return {
      theme: field('theme'),
      startWithWindows: field('startWithWindows'),
      stayUnlocked: field('stayUnlocked'),
      notifications: field('notifications'),
      healthMaxAgeDays: field('healthMaxAgeDays'),
      autoBackup: field('autoBackup'),
    };
  }

  async set(patch: Partial<Settings>): Promise<Settings> {
    const previous = this.current();
    const next: Settings = { ...previous, ...patchSchema.parse(patch) };
    this.#kv.set(KEY, next);
    for (const listener of this.#listeners) await listener(next, previous);
    return next;
  }

  onChange(listener: SettingsListener): void {
    this.#listeners.push(listener);
  }
}
