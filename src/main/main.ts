// Electron main process entry: the office's Supabase project and this PC's stores feed one KeyroomCore; the
// contract handlers and event forwarding sit on it; the shell (window, tray, protocol, OS glue) runs it all.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { app, dialog, session } from 'electron';
import { z } from 'zod';
import { KeyroomCore } from '../core';
import {
  OFFICE_CONFIG_EXAMPLE,
  type OfficeConfig,
  officeConfigFromEnv,
  parseOfficeConfig,
} from '../shared/office-config';
import { createHandlers } from './handlers/create-handlers';
import { forwardCoreEvents } from './handlers/events';
import { dialogPicker } from './handlers/import';
import { electronNetwork, systemCertificates } from './network/electron-network';
import { osKeychain } from './secrets/keytar';
import { type BackendFactory, runShell } from './shell';
import { StayUnlockedWiring } from './stay-unlocked-wiring';
import { openElectronStoreFile } from './store/electron';
import { openProfileStores, openSettingsStore } from './store/profile-stores';
import { electronAutoUpdater } from './updater/electron';
import { UpdateService } from './updater/service';

// SUPABASE_URL + SUPABASE_PUBLISHABLE_KEY (what npm start passes), else config.json in the app's data folder.
function readConfig(): OfficeConfig {
  const fromEnv = officeConfigFromEnv(process.env);
  if (fromEnv) return fromEnv;
  const path = join(app.getPath('userData'), 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`Keyroom is not configured. Put ${OFFICE_CONFIG_EXAMPLE} in ${path}.`);
  }
  return parseOfficeConfig(text, path);
}

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

const createBackend: BackendFactory = async (shell) => {
  const config = readConfig();
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
  const updater = new UpdateService({
    updater: electronAutoUpdater(),
    running: shell.version,
    emit: shell.emit,
    timers: {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
    onError: (message) => console.error(`keyroom: ${message}`),
  });
  // The core reads client_policy; when it says this version is below the minimum, the updater fetches one
  // (a critical latest release forces the update too).
  const offPolicy = core.events.on('updateRequired', ({ required }) => {
    const p = core.policy;
    updater.applyPolicy({
      minVersion: required,
      latestVersion: p?.latestVersion ?? null,
      critical: p?.critical ?? false,
      releaseNotes: p?.releaseNotes ?? '',
    });
  });
  updater.start();
  const os = { ...shell, settings, updater, importFiles: dialogPicker((o) => dialog.showOpenDialog(o)) };
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
