// Builds the object the preload exposes as window.keyroom, from an injected ipcRenderer, so the channel
// allow-listing can be tested without Electron. It forwards only contract names; it validates no payloads
// (the main process does), and hands listeners the payload only, never the IPC event (which carries `sender`).
import type { KeyroomBridge } from '../shared/api';
import {
  type CallName,
  callChannel,
  type EventName,
  eventChannel,
  isCallName,
  isEventName,
} from '../shared/channels';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createBridge(ipc: IpcRendererLike): KeyroomBridge {
  const invoke = (call: CallName, request: unknown): Promise<never> => {
    if (!isCallName(call)) return Promise.reject(new Error('Unknown Keyroom call.'));
    return ipc.invoke(callChannel(call), request) as Promise<never>;
  };
  const subscribe = (event: EventName, listener: (payload: never) => void): (() => void) => {
    if (!isEventName(event) || typeof listener !== 'function') throw new Error('Unknown Keyroom event.');
    const forward = (_event: unknown, payload: unknown) => listener(payload as never);
    ipc.on(eventChannel(event), forward);
    return () => {
      ipc.removeListener(eventChannel(event), forward);
    };
  };
  return Object.freeze({ invoke, subscribe }) as KeyroomBridge;
}
