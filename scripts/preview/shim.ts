// Runs in the browser before the renderer: defines window.keyroom with the preload's KeyroomBridge shape, over a
// WebSocket to the preview host instead of Electron IPC. Like the preload it forwards only contract names and
// validates no payloads (the host does, with the contract). The per-run token comes in the URL once, then lives
// in sessionStorage; the profile (which simulated PC this browser is) in localStorage, so two browser contexts
// are two PCs and a reload stays the same PC. Preview only, and kept from the renderer: `import.choose` and
// `backup.open` first open the browser's file chooser and send the chosen file with the call, and the host's
// clipboard orders are carried out on the browser's clipboard (page-os.ts says why).
import type { KeyroomBridge } from '../../src/shared/api';
import { type CallName, type EventName, isCallName, isEventName } from '../../src/shared/channels';
import type { IpcResult } from '../../src/shared/errors';
import { chooseFile, createPageClipboard } from './page-os';
import { BRIDGE_PATH, hostMessageSchema, type PageFile, profileSchema } from './protocol';

const TOKEN_KEY = 'keyroom-preview-token';
const PROFILE_KEY = 'keyroom-preview-profile';
const RECONNECT_MS = 300;

function startupParams(): { token: string; profile: string } {
  const params = new URLSearchParams(location.search);
  const token = params.get('token') ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
  sessionStorage.setItem(TOKEN_KEY, token);
  const asked = profileSchema.safeParse(params.get('profile'));
  const stored = profileSchema.safeParse(localStorage.getItem(PROFILE_KEY));
  const profile = asked.success ? asked.data : stored.success ? stored.data : crypto.randomUUID();
  localStorage.setItem(PROFILE_KEY, profile);
  // Keep the token out of the address bar, history and screenshots.
  if (params.has('token') || params.has('profile')) history.replaceState(null, '', location.pathname);
  return { token, profile };
}

const lost: IpcResult<never> = {
  ok: false,
  error: { code: 'internal', message: 'The connection to the preview host was lost. Try again.' },
};

function createSocketBridge(token: string, profile: string): KeyroomBridge {
  const pending = new Map<number, (result: IpcResult<unknown>) => void>();
  // Calls made while the socket is down wait here and go out on reconnect.
  const queue: { id: number; frame: string }[] = [];
  const sent = new Set<number>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  const clipboard = createPageClipboard();

  const connect = () => {
    const url = new URL(BRIDGE_PATH, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.search = new URLSearchParams({ token, profile }).toString();
    const ws = new WebSocket(url);
    ws.onopen = () => {
      socket = ws;
      for (const { id, frame } of queue.splice(0)) {
        sent.add(id);
        ws.send(frame);
      }
    };
    ws.onmessage = (message) => {
      let data: unknown;
      try {
        data = JSON.parse(String(message.data));
      } catch {
        return;
      }
      const parsed = hostMessageSchema.safeParse(data);
      if (!parsed.success) return;
      const msg = parsed.data;
      if (msg.t === 'clipboardWrite') clipboard.write(msg.text);
      else if (msg.t === 'clipboardClear') clipboard.clear();
      else if (msg.t === 'result') {
        pending.get(msg.id)?.(msg.result as IpcResult<unknown>);
        pending.delete(msg.id);
        sent.delete(msg.id);
      } else if (isEventName(msg.name)) {
        for (const listener of listeners.get(msg.name) ?? []) listener(msg.payload);
      }
    };
    ws.onclose = () => {
      socket = null;
      // A call in flight may or may not have run; the caller hears that it failed and can retry.
      for (const id of sent) {
        pending.get(id)?.(lost);
        pending.delete(id);
      }
      sent.clear();
      setTimeout(connect, RECONNECT_MS);
    };
  };
  connect();

  const send = (call: CallName, request: unknown, file?: PageFile | null): Promise<never> => {
    const id = nextId++;
    const frame = JSON.stringify({
      t: 'invoke',
      id,
      call,
      request: request ?? {},
      ...(file !== undefined ? { file } : {}),
    });
    const result = new Promise<IpcResult<unknown>>((resolve) => {
      pending.set(id, resolve);
      if (socket) {
        sent.add(id);
        socket.send(frame);
      } else {
        queue.push({ id, frame });
      }
    });
    return result as Promise<never>;
  };
  const invoke = (call: CallName, request: unknown): Promise<never> => {
    if (!isCallName(call)) return Promise.reject(new Error('Unknown Keyroom call.'));
    // Where Electron's main process shows its dialog, the page shows its own chooser, now, within the click.
    if (call === 'import.choose' || call === 'backup.open')
      return chooseFile(call === 'backup.open' ? 'backup' : 'import').then((file) =>
        send(call, request, file),
      );
    return send(call, request);
  };
  const subscribe = (event: EventName, listener: (payload: never) => void): (() => void) => {
    if (!isEventName(event) || typeof listener !== 'function') throw new Error('Unknown Keyroom event.');
    const forward = (payload: unknown) => listener(payload as never);
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    set.add(forward);
    return () => {
      set.delete(forward);
    };
  };
  return Object.freeze({ invoke, subscribe }) as KeyroomBridge;
}

const { token, profile } = startupParams();
Object.defineProperty(window, 'keyroom', {
  value: createSocketBridge(token, profile),
  writable: false,
  configurable: false,
  enumerable: true,
});
