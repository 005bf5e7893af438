// One simulated PC per browser profile: a real KeyroomCore with its own file-backed cache and outbox under
// profilesDir/<profile>/, the same handlers as the Electron main process, and in-process stand-ins for the
// OS pieces: the clipboard (the guard clears it after 30 s like the app; the host keeps what it holds and the
// browser page writes it to the browser's clipboard), settings in a JSON file, notifications recorded (the
// renderer shows its own toast), the app's real update service over a stand-in for electron-updater whose feed a
// test sets (installs and opened download pages are recorded, nothing restarts), in place of the OS open dialog
// the file the page's own file input chose (or, with no page, the one a handler test names), and in place of the
// save dialog a folder of the profile.

import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { KeyroomCore } from '../../src/core';
import type { Network } from '../../src/core/backend/network/network';
import { AtomicJsonFile, writeFileAtomic } from '../../src/core/storage/atomic-file';
import { FileCacheStore, FileOutboxStore } from '../../src/core/storage/file';
import { createClipboardGuard } from '../../src/main/clipboard-guard';
import type { EmitEvent } from '../../src/main/events';
import { createHandlers } from '../../src/main/handlers/create-handlers';
import { forwardCoreEvents } from '../../src/main/handlers/events';
import { fileAt } from '../../src/main/handlers/import';
import type { HandlerOs, SettingsStore } from '../../src/main/handlers/os';
import { MemoryKeychain } from '../../src/main/secrets/memory-keychain';
import { FakeUpdater } from '../../src/main/updater/fake-updater';
import { manualDownloadPage } from '../../src/main/updater/feed';
import { followOfficePolicy } from '../../src/main/updater/follow-policy';
import { UpdateService } from '../../src/main/updater/service';
import { type Settings, settingsSchema } from '../../src/shared/domain';
import type { PreviewPages, PreviewSession } from './host';

/** The preview's update feed: a generic HTTPS feed that only exists as the stand-in's answers. */
const PREVIEW_FEED = { provider: 'generic', url: 'https://updates.preview.invalid/keyroom' } as const;

export interface CoreSession extends PreviewSession {
  core: KeyroomCore;
  /** What this PC's clipboard holds now ('' once cleared). */
  clipboardText(): string;
  notifications: string[];
  /** Paths of the vault exports this PC saved (the save dialog's stand-in). */
  exports: string[];
  /** Paths of the office backups this PC saved (the same stand-in). */
  backups: string[];
  /**
   * The file the next open dialog answers when no page sent one (the handler tests have no page); null: the
   * person cancels it. Used once.
   */
  answerOpenDialog(path: string | null): void;
  /** This PC's update feed stand-in: set `feedVersion`, `failChecks`; read `installs`. */
  feed: FakeUpdater;
  /** Download pages "download manually" opened. */
  openedPages: string[];
}

export interface CoreSessionOptions {
  url: string;
  publishableKey: string;
  profilesDir: string;
  version: string;
  /** Pull interval without a live socket; tests shorten DESIGN.md's 30 s. */
  pollMs?: number;
  /** How long a copied secret stays on the clipboard (the app's 30 s by default). */
  clipboardClearMs?: number;
  /** The cores' network; the proxy variables as curl reads them when absent. */
  network?: Network;
}

const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  startWithWindows: false,
  stayUnlocked: false,
  notifications: true,
  healthMaxAgeDays: 365,
  autoBackup: { enabled: false, folder: null, keep: 7, userId: null, lastRunAt: null, lastError: null },
};

function settingsFile(path: string): SettingsStore {
  const file = new AtomicJsonFile(path);
  const get = async () => {
    const stored = settingsSchema.partial().safeParse(await file.read().catch(() => undefined));
    return { ...DEFAULT_SETTINGS, ...(stored.success ? stored.data : {}) };
  };
  return {
    get,
    async set(patch) {
      const next = settingsSchema.parse({ ...(await get()), ...patch });
      await file.write(next);
      return next;
    },
  };
}

async function deviceId(path: string): Promise<string> {
  const file = new AtomicJsonFile(path);
  const stored = (await file.read().catch(() => undefined)) as { id?: unknown } | undefined;
  if (typeof stored?.id === 'string') return stored.id;
  const id = randomUUID();
  await file.write({ id });
  return id;
}

export function coreSessions(
  options: CoreSessionOptions,
): (profile: string, emit: EmitEvent, pages?: PreviewPages) => Promise<CoreSession> {
  // Without pages (the handler tests) the clipboard stays in the host and no file is ever chosen.
  return async (profile, emit, pages) => {
    const dir = join(options.profilesDir, profile);
    const core = await KeyroomCore.create({
      url: options.url,
      publishableKey: options.publishableKey,
      storage: {
        cache: await FileCacheStore.open(join(dir, 'cache.json')),
        outbox: await FileOutboxStore.open(join(dir, 'outbox.json')),
      },
      appVersion: options.version,
      device: {
        id: await deviceId(join(dir, 'device.json')),
        name: `Browser preview ${profile}`,
        platform: 'browser',
      },
      ...(options.pollMs ? { pollMs: options.pollMs } : {}),
      ...(options.network ? { network: options.network } : {}),
    });
    let clipboard = '';
    const notifications: string[] = [];
    const exports: string[] = [];
    const backups: string[] = [];
    let dialogAnswer: string | null = null;
    const feed = new FakeUpdater(options.version);
    const openedPages: string[] = [];
    const timers = {
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms).unref(),
      clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
    };
    const updater = new UpdateService({
      updater: feed,
      running: options.version,
      emit,
      timers,
      feed: PREVIEW_FEED,
      manualDownload: {
        url: manualDownloadPage(PREVIEW_FEED),
        open: async (url) => {
          openedPages.push(url);
        },
      },
    });
    const os: HandlerOs = {
      version: options.version,
      platform: 'browser',
      clipboard: createClipboardGuard({
        // PREVIEW ONLY: the copied value is sent to this PC's pages, which write it with navigator.clipboard,
        // and the clear after the countdown goes the same way (the page clears only if the browser's clipboard
        // still holds it, as the guard does with the OS clipboard). In Electron the main process writes the OS
        // clipboard and nothing secret reaches the renderer; here there is no main process in the browser, and
        // the preview is a demo whose host holds every secret on the same machine anyway.
        clipboard: {
          readText: () => clipboard,
          writeSecret: async (text) => {
            clipboard = text;
            pages?.send({ t: 'clipboardWrite', text });
          },
          clear: () => {
            clipboard = '';
            pages?.send({ t: 'clipboardClear' });
          },
        },
        timers: {
          setTimeout: (fn, ms) => setTimeout(fn, ms),
          clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
        },
        ...(options.clipboardClearMs ? { clearAfterMs: options.clipboardClearMs } : {}),
      }),
      settings: settingsFile(join(dir, 'settings.json')),
      notifier: { notify: (_title, body) => notifications.push(body) },
      // The OS file dialog's stand-in: the file the page's own file input chose, sent with the call; the app's
      // import code reads it (same cap, same errors as a file from Electron's dialog).
      importFiles: {
        choose: async () => {
          const answer = dialogAnswer;
          dialogAnswer = null;
          return pages?.chosenFile() ?? (answer === null ? null : fileAt(answer));
        },
      },
      // PREVIEW ONLY: the backup's save dialog writes into this PC's profile folder too, as the app writes it.
      backupFiles: {
        choose: async (suggestedName) => {
          const path = join(dir, 'backups', basename(suggestedName));
          return {
            fileName: basename(path),
            write: async (bytes) => {
              await mkdir(join(dir, 'backups'), { recursive: true });
              await writeFileAtomic(path, bytes);
              backups.push(path);
            },
          };
        },
      },
      // PREVIEW ONLY: the folder dialog answers a folder of this PC's profile, and the keychain is in memory (no OS
      // keychain in the preview host): the automatic backup writes there as the app writes into the chosen folder.
      autoBackup: {
        folders: {
          choose: async () => {
            const folder = join(dir, 'auto-backups');
            await mkdir(folder, { recursive: true });
            return folder;
          },
        },
        keychain: new MemoryKeychain(),
      },
      // PREVIEW ONLY: the save dialog's stand-in writes the export into this PC's profile folder, under the name
      // the app suggests (user-only permissions, as the app writes it); the tests read it from `exports`.
      exportFiles: {
        save: async (suggestedName, _format, text) => {
          const path = join(dir, 'exports', basename(suggestedName));
          await mkdir(join(dir, 'exports'), { recursive: true });
          await writeFile(path, text, { encoding: 'utf8', mode: 0o600 });
          exports.push(path);
          return { fileName: basename(path) };
        },
      },
      emit,
      updater,
    };
    const offUpdate = followOfficePolicy(core, updater);
    updater.start();
    const offEvents = forwardCoreEvents(core, emit, os);
    return {
      core,
      handlers: createHandlers(core, os),
      clipboardText: () => clipboard,
      notifications,
      exports,
      backups,
      answerOpenDialog: (path) => {
        dialogAnswer = path;
      },
      feed,
      openedPages,
      async close() {
        offEvents();
        offUpdate();
        updater.stop();
        os.clipboard.clearIfOurs();
        await core.dispose();
      },
    };
  };
}
