// The preload exposes the typed IPC contract (src/shared) on window.keyroom and nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld('keyroom', createBridge(ipcRenderer));
