// The automatic daily backup of an admin's app (issue 16): while that admin's session is unlocked, one backup a
// day goes into the folder they chose, made by the core exactly as the manual one (src/core/backup), and the
// newest N such files are kept. It checks once the unlocked session is online and then hourly, so a PC that sleeps through midnight backs
// up when it is next in use; nothing runs while locked or signed out, and never in anyone else's session.
// The passphrase comes from the OS keychain (passphrase-keychain.ts) for each run and is kept nowhere else.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyroomCore, SessionState } from '../../core';
import { checkPassphrase } from '../../core/backup';
import { writeFileAtomic } from '../../core/storage/atomic-file';
import type { AutoBackupSettings, Settings } from '../../shared/domain';
import { AUTO_BACKUP_MESSAGES, BACKUP_MESSAGES, KeyroomError } from '../../shared/errors';
import type { BackupPassphraseKeychain } from './passphrase-keychain';

export const AUTO_BACKUP_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** How often an open session asks whether a day has passed: a missed day is made up within the hour. */
export const AUTO_BACKUP_CHECK_MS = 60 * 60 * 1000;

/** The same extension as the manual backup's save dialog (handlers/backup.ts). */
const FILE_PATTERN = /^keyroom-backup-\d{4}-\d{2}-\d{2}\.keyroom-backup$/;

export function autoBackupFileName(now: Date): string {
  return `keyroom-backup-${now.toISOString().slice(0, 10)}.keyroom-backup`;
}

/** The folder's file operations, injected so a test can make a write fail. */
export interface BackupFolder {
  list(folder: string): Promise<string[]>;
  write(path: string, bytes: Uint8Array): Promise<void>;
  remove(path: string): Promise<void>;
}

export const nodeBackupFolder: BackupFolder = {
  list: (folder) => readdir(folder),
  write: (path, bytes) => writeFileAtomic(path, bytes),
  remove: (path) => rm(path, { force: true }),
};

export interface AutoBackupSettingsStore {
  get(): Promise<Settings>;
  set(patch: Partial<Settings>): Promise<Settings>;
}

export interface AutoBackupOptions {
  core: Pick<KeyroomCore, 'events' | 'state' | 'backup'>;
  settings: AutoBackupSettingsStore;
  passphrases: BackupPassphraseKeychain;
  folder?: BackupFolder;
  now?: () => Date;
  /** Starts a repeating check and returns its stop; unref'd in the app, so it never keeps the process alive. */
  every?: (ms: number, fn: () => void) => () => void;
  /** Gets the failing step and the error's class only. */
  onError?: (message: string) => void;
}

const WIPE_ON: ReadonlySet<SessionState['state']> = new Set([
  'signedOut',
  'disabled',
  'needsEnrollment',
  'pendingConfirmation',
]);

function unrefInterval(ms: number, fn: () => void): () => void {
  const t = setInterval(fn, ms);
  t.unref();
  return () => clearInterval(t);
}

export class AutoBackup {
  readonly #o: Required<AutoBackupOptions>;
  #stop: (() => void) | null = null;
  /** The user of the last unlocked session: a signed-out state names nobody. */
  #lastUser: string | null = null;
  #work: Promise<unknown> = Promise.resolve();
  readonly #off: () => void;

  constructor(options: AutoBackupOptions) {
    this.#o = {
      folder: nodeBackupFolder,
      now: () => new Date(),
      every: unrefInterval,
      onError: () => {},
      ...options,
    };
    const offs = [
      this.#o.core.events.on('sessionChanged', (s) => this.#onSession(s)),
      // The check at unlock waits for the server: an unlock from the cache signs in behind it, and a backup
      // asked for before that is refused.
      this.#o.core.events.on('syncState', (s) => {
        if (s.connection === 'online' && this.#stop) void this.check();
      }),
    ];
    this.#off = () => {
      for (const off of offs) off();
    };
    this.#onSession(this.#o.core.state);
  }

  /** Turns it on for the unlocked admin: the passphrase goes to the keychain, then a backup is made if due. */
  async enable(choice: { folder: string; keep: number; passphrase: string }): Promise<AutoBackupSettings> {
    const userId = this.#admin();
    if (!userId) throw new KeyroomError('forbidden', BACKUP_MESSAGES.adminOnly);
    checkPassphrase(choice.passphrase);
    await this.#o.passphrases.save(userId, choice.passphrase);
    const previous = (await this.#o.settings.get()).autoBackup;
    const sameAdmin = previous.userId === userId && previous.folder === choice.folder;
    const next: AutoBackupSettings = {
      enabled: true,
      folder: choice.folder,
      keep: choice.keep,
      userId,
      lastRunAt: sameAdmin ? previous.lastRunAt : null,
      lastError: null,
    };
    await this.#o.settings.set({ autoBackup: next });
    this.#start();
    await this.check();
    return (await this.#o.settings.get()).autoBackup;
  }

  /** Turns it off and wipes the kept passphrase. */
  async disable(): Promise<AutoBackupSettings> {
    const current = (await this.#o.settings.get()).autoBackup;
    if (current.userId) await this.#o.passphrases.wipe(current.userId);
    const next = { ...current, enabled: false, userId: null };
    await this.#o.settings.set({ autoBackup: next });
    this.#halt();
    return next;
  }

  /** Makes the day's backup when one is due; one at a time. Resolves when it has run (tests, the screen). */
  check(): Promise<void> {
    const next = this.#work.then(() => this.#runIfDue());
    this.#work = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    this.#off();
    this.#halt();
  }

  #admin(): string | null {
    const s = this.#o.core.state;
    return s.state === 'unlocked' && s.user.role === 'admin' ? s.user.id : null;
  }

  #onSession(s: SessionState): void {
    if (s.state === 'unlocked') {
      this.#lastUser = s.user.id;
      if (s.user.role === 'admin') {
        this.#start();
        return;
      }
    }
    this.#halt();
    const user = this.#lastUser;
    if (WIPE_ON.has(s.state) && user) void this.#wipeIfOwner(user);
  }

  async #wipeIfOwner(user: string): Promise<void> {
    try {
      const current = (await this.#o.settings.get()).autoBackup;
      if (current.userId === user) await this.disable();
    } catch (err) {
      this.#failed('wipe', err);
    }
  }

  #start(): void {
    if (this.#stop) return;
    this.#stop = this.#o.every(AUTO_BACKUP_CHECK_MS, () => void this.check());
  }

  #halt(): void {
    this.#stop?.();
    this.#stop = null;
  }

  async #runIfDue(): Promise<void> {
    const userId = this.#admin();
    const cfg = (await this.#o.settings.get()).autoBackup;
    if (!userId || !cfg.enabled || !cfg.folder || cfg.userId !== userId) return;
    const now = this.#o.now();
    if (cfg.lastRunAt && now.getTime() - Date.parse(cfg.lastRunAt) < AUTO_BACKUP_INTERVAL_MS) return;
    const record = (patch: Partial<AutoBackupSettings>) =>
      this.#o.settings.set({ autoBackup: { ...cfg, ...patch } });
    try {
      const passphrase = await this.#o.passphrases.load(userId);
      if (passphrase === undefined)
        throw new KeyroomError('invalid_request', AUTO_BACKUP_MESSAGES.noPassphrase);
      const { file } = await this.#o.core.backup.create(passphrase, () => {}, now);
      await this.#o.folder.write(join(cfg.folder, autoBackupFileName(now)), file);
      await this.#rotate(cfg.folder, cfg.keep);
      await record({ lastRunAt: now.toISOString(), lastError: null });
    } catch (err) {
      this.#failed('run', err);
      await record({ lastError: inWords(err) }).catch((e: unknown) => this.#failed('record', e));
    }
  }

  /** Keeps the newest `keep` files of this exact name pattern; nothing else in the folder is touched. */
  async #rotate(folder: string, keep: number): Promise<void> {
    const ours = (await this.#o.folder.list(folder)).filter((n) => FILE_PATTERN.test(n)).sort();
    for (const name of ours.slice(0, Math.max(0, ours.length - keep)))
      await this.#o.folder.remove(join(folder, name));
  }

  #failed(step: string, err: unknown): void {
    this.#o.onError(`automatic backup: ${step} failed (${err instanceof Error ? err.name : typeof err})`);
  }
}

// The screen shows this; the core's and our own errors are already in words (src/shared/errors.ts), a file system
// error becomes one sentence (its message would carry the path and the OS's wording).
function inWords(err: unknown): string {
  if (err instanceof KeyroomError || (err instanceof Error && err.name === 'CoreError'))
    return err.message.slice(0, 300);
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return AUTO_BACKUP_MESSAGES.folder;
  return AUTO_BACKUP_MESSAGES.failed;
}
