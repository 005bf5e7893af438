// Electron main process entry. The full shell (windows, tray, IPC, updater) lands with the desktop-app issue.

import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';

async function createWindow(): Promise<void> {
  const win = new BrowserWindow({
    width: 1100,
    height: 720,
    webPreferences: {
      preload: join(__dirname, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  await win.loadFile(join(__dirname, '../renderer/index.html'));
}

app.whenReady().then(createWindow);
app.on('window-all-closed', () => app.quit());
