// The real electron-updater, for the Electron main process only. Assigning it to UpdaterPort here makes tsc
// check that the port the service is tested against matches electron-updater's API.
import electronUpdater from 'electron-updater';
import type { UpdaterPort } from './port';

export function electronAutoUpdater(): UpdaterPort {
  return electronUpdater.autoUpdater;
}
