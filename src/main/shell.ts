// The Electron shell: the app:// protocol, the hardened window, tray, close-to-tray, start with Windows, native
// notifications, clipboard, auto-lock, and the IPC registry. Everything behind IPC comes from a backend
// factory (the core), so this file is only wiring between Electron's APIs and the tested modules next to it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  clipboard,
  ipcMain,
  Menu,
  Notification,
  nativeImage,
  powerMonitor,
  protocol,
  Tray,
} from 'electron';
import type { Settings } from '../shared/domain';
import { createAppProtocolHandler } from './app-protocol';
import { type LockPolicy, startAutoLock } from './auto-lock';
import { type ClipboardGuard, createClipboardGuard } from './clipboard-guard';
import { createEventEmitter, type EmitEvent } from './events';
import { type Handlers, registerIpcHandlers } from './ipc-registry';
import { APP_ORIGIN, APP_SCHEME } from './sender';
import { installWindowGuards, secureWebPreferences } from './window-hardening';
import { createWindowsSecretWriter } from './windows-clipboard';

// What the shell gives the backend: the OS pieces its handlers need.
export interface ShellServices {
  version: string;
  platform: 'win32' | 'darwin' | 'linux';
  clipboard: ClipboardGuard;
  notifier: { notify(title: string, body: string): void };
  emit: EmitEvent;
}

// This PC's settings as the shell needs them: read them, and hear every change (login item follows it).
export interface ShellSettings {
  get(): Promise<Settings>;
  onChange(listener: (next: Settings, previous: Settings) => void | Promise<void>): void;
}

// What the shell needs from the backend.
export interface DesktopBackend {
  handlers: Handlers;
  settings: ShellSettings;
  isUnlocked(): boolean;
  lock(): Promise<unknown>;
  // The idle-lock policy, or null while it is not known (screen lock and sleep still lock).
  lockPolicy(): LockPolicy | null;
  dispose(): Promise<void>;
}

export type BackendFactory = (services: ShellServices) => Promise<DesktopBackend>;

// Started by the login item: come up in the tray without opening the window.
const HIDDEN_ARG = '--hidden';

function platformName(): ShellServices['platform'] {
  return process.platform === 'win32' || process.platform === 'darwin' ? process.platform : 'linux';
}

function applyLoginItem(settings: Settings): void {
  if (process.platform === 'linux') return; // no login items there; the setting is hidden in the UI
  app.setLoginItemSettings({ openAtLogin: settings.startWithWindows, args: [HIDDEN_ARG] });
}

function createClipboard(): ClipboardGuard {
  const writeSecret =
    process.platform === 'win32'
      ? createWindowsSecretWriter(spawn)
      : async (text: string) => clipboard.writeText(text);
  return createClipboardGuard({
    clipboard: { readText: () => clipboard.readText(), writeSecret, clear: () => clipboard.clear() },
    timers: {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
  });
}

function createWindow(): BrowserWindow {
  // biome-ignore format: electronegativity reads its exception on the flagged line itself
  const win = new BrowserWindow({ // eng-disable AUXCLICK_JS_CHECK CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK webPreferences come from secureWebPreferences and installWindowGuards denies new windows
    width: 1180,
    height: 760,
    minWidth: 860,
    minHeight: 560,
    show: false,
    title: 'Keyroom',
    autoHideMenuBar: true,
    backgroundColor: '#16181d',
    icon: join(__dirname, 'icon.png'),
    webPreferences: secureWebPreferences(join(__dirname, '../preload/preload.cjs')),
  });
  installWindowGuards(win.webContents, win.webContents.session);
  win.removeMenu();
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

export function runShell(createBackend: BackendFactory): void {
  // Must run before the app is ready: app:// behaves like https (standard, secure origin, fetch allowed).
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  let win: BrowserWindow | null = null;
  let quitting = false;
  const show = () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
  app.on('second-instance', show);
  app.on('before-quit', () => {
    quitting = true;
  });
  // The tray keeps the app alive with no window; quitting is explicit.
  app.on('window-all-closed', () => {});

  void app.whenReady().then(async () => {
    protocol.handle(APP_SCHEME, createAppProtocolHandler(join(__dirname, '../renderer')));
    const clip = createClipboard();
    const emit = createEventEmitter(() => (win ? [win.webContents] : []));
    let notificationsOn = true;
    const notifier = {
      notify(title: string, body: string) {
        if (!notificationsOn || !Notification.isSupported()) return;
        const n = new Notification({ title, body });
        n.on('click', show);
        n.show();
      },
    };
    const backend = await createBackend({
      version: app.getVersion(),
      platform: platformName(),
      clipboard: clip,
      notifier,
      emit,
    });
    const initial = await backend.settings.get();
    notificationsOn = initial.notifications;
    applyLoginItem(initial);
    // Changing "start with Windows" takes effect in the OS at once.
    backend.settings.onChange((next, previous) => {
      notificationsOn = next.notifications;
      if (next.startWithWindows !== previous.startWithWindows) applyLoginItem(next);
    });
    // Logs the call name and the error's class only: messages from deep layers may quote data.
    registerIpcHandlers(ipcMain, backend.handlers, (call, error) =>
      console.error(`keyroom: ${call} failed (${error instanceof Error ? error.name : typeof error})`),
    );

    const lock = () => {
      clip.clearIfOurs();
      void backend.lock();
    };
    const stopAutoLock = startAutoLock({
      powerMonitor,
      timers: {
        setInterval: (fn, ms) => setInterval(fn, ms),
        clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
      },
      policy: () => backend.lockPolicy(),
      isUnlocked: () => backend.isUnlocked(),
      lock,
    });

    const tray = new Tray(nativeImage.createFromPath(join(__dirname, 'tray.png')));
    tray.setToolTip('Keyroom');
    const trayMenu = Menu.buildFromTemplate([
      { label: 'Open Keyroom', click: show },
      { label: 'Lock', click: lock },
      { type: 'separator' },
      { label: 'Quit', click: () => app.quit() },
    ]);
    tray.setContextMenu(trayMenu);
    // The Electron e2e test clicks the tray's items here (a real tray cannot be clicked by Playwright). It
    // reaches the main process only through the inspector, which the packaged app's fuses turn off.
    if (process.env.KEYROOM_E2E === '1') Object.assign(globalThis, { keyroomTrayMenu: trayMenu });
    tray.on('click', show);

    win = createWindow();
    win.once('ready-to-show', () => {
      if (!process.argv.includes(HIDDEN_ARG)) show();
    });
    win.on('close', (event) => {
      if (quitting) return;
      event.preventDefault();
      win?.hide();
    });

    app.on('will-quit', () => {
      stopAutoLock();
      clip.clearIfOurs();
      tray.destroy();
      void backend.dispose();
    });
  });
}
