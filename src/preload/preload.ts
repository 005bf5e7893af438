// The preload exposes the typed IPC contract (src/shared) on window.keyroom and nothing else.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('keyroom', Object.freeze({}));
