// The operating-system pieces the handlers need, injected so the same handlers run in Electron (clipboard,
// electron-store, Notification, electron-updater) and in the browser-preview host (in-process stand-ins).
import type { Settings, UpdateStatus } from '../../shared/domain';
import type { ClipboardGuard } from '../clipboard-guard';
import type { EmitEvent } from '../events';
import type { AutoBackupOs } from './auto-backup';
import type { BackupFileSaver } from './backup';
import type { ImportFilePicker } from './import';
import type { ExportFileSaver } from './upkeep';

export interface SettingsStore {
  get(): Promise<Settings>;
  set(patch: Partial<Settings>): Promise<Settings>;
}

// A desktop notification for a change someone else made.
export interface Notifier {
  notify(title: string, body: string): void;
}

export interface Updater {
  status(): UpdateStatus;
  restartToUpdate(): Promise<void>;
  /** Asks the feed again now (the update screen's "retry"). */
  retry(): Promise<void>;
  /** Opens the office's download page in the OS browser (the update screen's "download manually"). */
  downloadManually(): Promise<void>;
  /** The newest version the office's update feed serves, asked now; throws in words when it cannot be read. */
  feedLatest(): Promise<string>;
}

export interface HandlerOs {
  version: string;
  platform: 'win32' | 'darwin' | 'linux' | 'browser';
  clipboard: ClipboardGuard;
  settings: SettingsStore;
  notifier: Notifier;
  updater: Updater;
  importFiles: ImportFilePicker;
  /** The save dialog a vault export is written through. */
  exportFiles: ExportFileSaver;
  /** The save dialog an office backup is written through (the open dialog is importFiles'). */
  backupFiles: BackupFileSaver;
  /** The folder dialog and the keychain of the automatic daily backup. */
  autoBackup: AutoBackupOs;
  /** Pushes contract events (import and backup progress) to the renderer. */
  emit: EmitEvent;
}
