// Admin → Backup's "Automatic daily backup": the folder comes from the OS folder dialog and is held here (the
// renderer never names a path to write to); the passphrase goes once into the OS keychain through the scheduler
// (src/main/backup/auto-backup.ts) and no answer carries it. Admins only; the scheduler refuses anyone else too.
import type { KeyroomCore } from '../../core';
import type { AutoBackupView } from '../../shared/backup';
import type { AutoBackupSettings } from '../../shared/domain';
import { BACKUP_MESSAGES, KeyroomError } from '../../shared/errors';
import { AutoBackup } from '../backup/auto-backup';
import { BackupPassphraseKeychain } from '../backup/passphrase-keychain';
import type { Handlers } from '../ipc-registry';
import type { Keychain } from '../secrets/keychain';
import { mapped } from './errors';
import type { SettingsStore } from './os';

/** The OS folder dialog, injected; null when the person cancels. */
export interface BackupFolderPicker {
  choose(): Promise<string | null>;
}

export interface AutoBackupOs {
  folders: BackupFolderPicker;
  keychain: Keychain;
}

type AutoBackupHandlers = Pick<
  Handlers,
  'backup.auto.get' | 'backup.auto.chooseFolder' | 'backup.auto.enable' | 'backup.auto.disable'
>;

const view = (s: AutoBackupSettings): AutoBackupView => ({
  enabled: s.enabled,
  folder: s.folder,
  keep: s.keep,
  lastRunAt: s.lastRunAt,
  lastError: s.lastError,
});

export function autoBackupHandlers(
  core: KeyroomCore,
  os: { settings: SettingsStore; autoBackup: AutoBackupOs },
): AutoBackupHandlers {
  const scheduler = new AutoBackup({
    core,
    settings: os.settings,
    passphrases: new BackupPassphraseKeychain(os.autoBackup.keychain),
    onError: (message) => console.error(`keyroom: ${message}`),
  });
  let chosen: string | null = null;
  const admin = () => {
    const s = core.state;
    if (s.state !== 'unlocked' || s.user.role !== 'admin')
      throw new KeyroomError('forbidden', BACKUP_MESSAGES.adminOnly);
  };
  return {
    'backup.auto.get': mapped(async () => {
      admin();
      return view((await os.settings.get()).autoBackup);
    }),
    'backup.auto.chooseFolder': mapped(async () => {
      admin();
      chosen = await os.autoBackup.folders.choose();
      return { folder: chosen };
    }),
    'backup.auto.enable': mapped(async ({ keep, passphrase }) => {
      admin();
      const folder = chosen ?? (await os.settings.get()).autoBackup.folder;
      if (!folder) throw new KeyroomError('invalid_request', 'Choose the folder for the daily backup first.');
      return view(await scheduler.enable({ folder, keep, passphrase }));
    }),
    'backup.auto.disable': mapped(async () => {
      admin();
      chosen = null;
      return view(await scheduler.disable());
    }),
  };
}
