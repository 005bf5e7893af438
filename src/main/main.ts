// Electron main process entry: the office's Supabase project and this PC's stores feed one KeyroomCore; the
// contract handlers and event forwarding sit on it; the shell (window, tray, protocol, OS glue) runs it all.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import tls from 'node:tls';
import { app, BrowserWindow, dialog, shell as electronShell, net, session } from 'electron';
import { z } from 'zod';
import { KeyroomCore } from '../core';
import { dialogBackupSaver } from './handlers/backup';
import { createHandlers } from './handlers/create-handlers';
import { forwardCoreEvents } from './handlers/events';
import { dialogPicker } from './handlers/import';
import { dialogSaver } from './handlers/upkeep';
import { electronNetwork, systemCertificates } from './network/electron-network';
import { ProxyLogin } from './network/proxy-login';
import { windowAsk } from './network/proxy-login-window';
import { officeConfigPaths, readOfficeConfig } from './office-config-file';
import { osKeychain } from './secrets/keytar';
import { type BackendFactory, runShell } from './shell';
import { StayUnlockedWiring } from './stay-unlocked-wiring';
import { openElectronStoreFile } from './store/electron';
import { openProfileStores, openSettingsStore } from './store/profile-stores';
import { electronAutoUpdater } from './updater/electron';
import { DEFAULT_FEED, feedFromPublish, manualDownloadPage } from './updater/feed';
import { followOfficePolicy } from './updater/follow-policy';
import { UpdateService } from './updater/service';

// One id per installation, for the devices list; kept next to the settings.
function deviceId(): string {
  const file = openElectronStoreFile({
    cwd: '.',
    name: 'device',
    clearInvalidConfig: true,
    accessPropertiesByDotNotation: false,
    configFileMode: 0o600,
    watch: false,
  });
  const stored = z.uuid().safeParse(file.get('id'));
  if (stored.success) return stored.data;
  const id = randomUUID();
  file.set('id', id);
  return id;
}

// One per run: the proxy sign-in the person gives lives here, in memory, until Keyroom quits.
const proxyLogin = new ProxyLogin({
  ask: windowAsk(() => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0] ?? null),
  // The message names the proxy's host, never the user name or password.
  onGiveUp: (message) => void dialog.showMessageBox({ type: 'warning', title: 'Proxy sign-in', message }),
});

// Windows and utility processes (Electron's app 'login'); the main process's own REST signs in through
// electronNetwork's net.request. A server's own 401 keeps Electron's default: cancelled, no prompt.
app.on('login', (event, _contents, _details, authInfo, callback) => {
  if (!authInfo.isProxy) return;
  event.preventDefault();
  proxyLogin.challenge(authInfo, callback);
});

const createBackend: BackendFactory = async (shell) => {
  const config = readOfficeConfig(process.env, officeConfigPaths(app.getPath('userData'), process.execPath));
  const settings = openSettingsStore(openElectronStoreFile);
  const core = await KeyroomCore.create({
    url: config.supabaseUrl,
    publishableKey: config.publishableKey,
    storage: openProfileStores(openElectronStoreFile, config.supabaseUrl),
    appVersion: shell.version,
    device: { id: deviceId(), name: hostname(), platform: shell.platform },
    // The system proxy (PAC/WPAD too) and the OS certificate store, as Chromium sees them.
    network: electronNetwork({
      session: session.defaultSession,
      certificates: () => systemCertificates(tls),
      login: {
        proxyLogin,
        request: (url) => {
          const r = net.request({ url, method: 'HEAD', session: session.defaultSession });
          return {
            onLogin: (listener) => void r.on('login', listener),
            onResponse: (listener) =>
              void r.on('response', (res) => {
                res.on('data', () => {});
                listener(res);
              }),
            onError: (listener) => void r.on('error', listener),
            end: () => void r.end(),
          };
        },
      },
    }),
  });
  const stayUnlocked = new StayUnlockedWiring({
    core,
    keychain: osKeychain,
    settings,
    office: new URL(config.supabaseUrl).host,
    onError: (message) => console.error(`keyroom: ${message}`),
  });
  // Before the window asks for the session: a PC that stays unlocked opens without the lock screen.
  await stayUnlocked.start();
  let feed = DEFAULT_FEED;
  try {
    if (config.updateFeed !== undefined) feed = feedFromPublish(config.updateFeed);
  } catch {
    throw new Error(
      'The office config names an update feed Keyroom cannot use: updateFeed must be {"provider": "github", "owner", "repo"} of a public repository or {"provider": "generic", "url": "https://…"}.',
    );
  }
  const updater = new UpdateService({
    updater: electronAutoUpdater(),
    running: shell.version,
    feed,
    manualDownload: {
      url: manualDownloadPage(feed),
      open: (url) => electronShell.openExternal(url), // eng-disable OPEN_EXTERNAL_JS_CHECK only the office feed's https download page (feed.ts refuses any other scheme), never a URL from the renderer
    },
    emit: shell.emit,
    timers: {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
    onError: (message) => console.error(`keyroom: ${message}`),
  });
  // The core reads client_policy; a minimum above this version blocks until updated, a critical release
  // installs as soon as it is downloaded.
  const offPolicy = followOfficePolicy(core, updater);
  updater.start();
  const os = {
    ...shell,
    settings,
    updater,
    importFiles: dialogPicker((o) => dialog.showOpenDialog(o)),
    exportFiles: dialogSaver((o) => dialog.showSaveDialog(o)),
    backupFiles: dialogBackupSaver((o) => dialog.showSaveDialog(o)),
    autoBackup: {
      folders: {
        choose: async () => {
          const r = await dialog.showOpenDialog({
            title: 'Folder for the daily backup',
            properties: ['openDirectory', 'createDirectory'],
          });
          return r.canceled ? null : (r.filePaths[0] ?? null);
        },
      },
      keychain: osKeychain,
    },
  };
  const offEvents = forwardCoreEvents(core, shell.emit, os);
  return {
    handlers: createHandlers(core, os),
    settings,
    isUnlocked: () => core.state.state === 'unlocked',
    lock: () => core.lock(),
    // OS-idle locking follows client_policy.auto_lock_minutes; "stay unlocked" needs both the office's
    // permission and the user's setting. Unknown policy (not unlocked yet): screen lock and sleep still lock.
    lockPolicy: () => {
      const p = core.policy;
      return p && { autoLockMinutes: p.autoLockMinutes, stayUnlocked: stayUnlocked.enabled() };
    },
    async dispose() {
      offPolicy();
      offEvents();
      updater.stop();
      await stayUnlocked.dispose();
      await core.dispose();
    },
  };
};

runShell(async (shell) => {
  try {
    return await createBackend(shell);
  } catch (error) {
    dialog.showErrorBox('Keyroom could not start', error instanceof Error ? error.message : 'Unknown error.');
    app.exit(1);
    throw error;
  }
});
