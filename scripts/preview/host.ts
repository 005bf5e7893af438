// The browser-preview host: serves the built renderer on 127.0.0.1 and plays the Electron main process for it
// over a WebSocket. Each profile (one browser context = one simulated PC) gets its own session: a real core
// with its own cache directory and the same handlers the Electron main process registers, every call going
// through the same dispatch() (contract validation of requests and responses, errors as {code, message}).
// WebSocket upgrades are accepted only from the preview's own origin and with the per-run token.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { createEventEmitter, type EmitEvent, type EventTarget } from '../../src/main/events';
import type { ChosenFile } from '../../src/main/handlers/import';
import { type CallHandler, dispatch, type Handlers } from '../../src/main/ipc-registry';
import { APP_ORIGIN, type IpcEventLike } from '../../src/main/sender';
import { type CallName, EVENT_NAMES, eventChannel, isCallName } from '../../src/shared/channels';
import { DEFAULT_MESSAGES, KeyroomError } from '../../src/shared/errors';
import {
  BRIDGE_PATH,
  type ClientMessage,
  clientMessageSchema,
  type HostMessage,
  MAX_MESSAGE_BYTES,
  type PageFile,
  type PreviewPageMessage,
  profileSchema,
} from './protocol';
import { bundleShim, createStaticHandler } from './static';

export interface PreviewSession {
  handlers: Handlers;
  close(): Promise<void>;
}

/**
 * What a session gets from the host beyond contract events, for what the main process does itself in Electron
 * and the page must do in the browser. Preview only: nothing like it exists on Electron's IPC.
 */
export interface PreviewPages {
  /** Sends a preview-only message (the clipboard's write and clear) to every page of this profile. */
  send(message: PreviewPageMessage): void;
  /** The file the page's own file input chose for the `import.choose` or `backup.open` being answered now. */
  chosenFile(): ChosenFile | null;
}

// Makes the session of one profile; `emit` pushes contract events to every page of that profile.
export type SessionFactory<S extends PreviewSession = PreviewSession> = (
  profile: string,
  emit: EmitEvent,
  pages: PreviewPages,
) => Promise<S>;

export interface PreviewHostOptions<S extends PreviewSession> {
  rendererDir: string;
  createSession: SessionFactory<S>;
  port?: number;
  log?: (line: string) => void;
}

export interface PreviewHost<S extends PreviewSession = PreviewSession> {
  /** http://127.0.0.1:<port>, the origin pages must come from. */
  origin: string;
  /** The URL to open: the origin with the per-run token. */
  url: string;
  token: string;
  /** The session of a profile, made now if no page of it has connected yet; its pages get its events. */
  open(profile: string): Promise<S>;
  stop(): Promise<void>;
}

// The WebSocket was authenticated at the upgrade (own origin + token), the preview's stand-in for Electron's
// sender check; dispatch() then sees the call as coming from the app's main frame.
const appFrame = { url: `${APP_ORIGIN}/index.html` };
const previewSender: IpcEventLike = { senderFrame: appFrame, sender: { mainFrame: appFrame } };

const EVENT_PREFIX = eventChannel(EVENT_NAMES[0]).slice(0, -EVENT_NAMES[0].length);

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// The file a page sent with its call, for the handler that call reaches (import.choose and backup.open read it
// through PreviewPages.chosenFile, in place of Electron's dialog).
const callFile = new AsyncLocalStorage<PageFile | null>();

/** The calls that open the OS file dialog in Electron: the page sends its chosen file with them. */
const FILE_CALLS: ReadonlySet<CallName> = new Set(['import.choose', 'backup.open']);

function chosenFile(): ChosenFile | null {
  const file = callFile.getStore();
  if (!file) return null;
  return {
    name: file.name,
    // The page sends no bytes for a file over the cap, only its size: the app's import code refuses it by size.
    size: async () => Math.max(file.size, Buffer.byteLength(file.base64, 'base64')),
    async bytes() {
      const bytes = Buffer.from(file.base64, 'base64');
      if (bytes.byteLength !== file.size)
        throw new KeyroomError('not_found', 'That file could not be opened.');
      return bytes;
    },
  };
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startPreviewHost<S extends PreviewSession>(
  options: PreviewHostOptions<S>,
): Promise<PreviewHost<S>> {
  const log = options.log ?? (() => {});
  const token = randomBytes(24).toString('base64url');
  const serveStatic = createStaticHandler(options.rendererDir, await bundleShim());
  const sessions = new Map<string, Promise<S>>();
  const pages = new Map<string, Set<WebSocket>>();
  let origin = '';

  const sendToPages = (profile: string, message: PreviewPageMessage) => {
    const frame = JSON.stringify(message);
    for (const ws of pages.get(profile) ?? []) if (ws.readyState === ws.OPEN) ws.send(frame);
  };

  const targetsOf = (profile: string): EventTarget[] =>
    [...(pages.get(profile) ?? [])].map((ws) => ({
      isDestroyed: () => ws.readyState !== ws.OPEN,
      send: (channel: string, payload: unknown) => {
        const message: HostMessage = { t: 'event', name: channel.slice(EVENT_PREFIX.length), payload };
        ws.send(JSON.stringify(message));
      },
    }));

  const sessionOf = (profile: string): Promise<S> => {
    let session = sessions.get(profile);
    if (!session) {
      session = options.createSession(
        profile,
        createEventEmitter(() => targetsOf(profile)),
        { send: (message) => sendToPages(profile, message), chosenFile },
      );
      sessions.set(profile, session);
      session.catch(() => sessions.delete(profile));
    }
    return session;
  };

  const report = (call: CallName, error: unknown) => {
    log(`preview: ${call} failed: ${error instanceof Error ? error.name : 'error'}`);
  };

  const answer = async (profile: string, msg: ClientMessage): Promise<unknown> => {
    if (!isCallName(msg.call)) {
      return { ok: false, error: { code: 'invalid_request', message: DEFAULT_MESSAGES.invalid_request } };
    }
    const name = msg.call;
    const session = await sessionOf(profile);
    const handler = session.handlers[name] as CallHandler<typeof name>;
    return callFile.run(FILE_CALLS.has(name) ? (msg.file ?? null) : null, () =>
      dispatch(name, handler, previewSender, msg.request, report),
    );
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('connection', (ws: WebSocket, profile: string) => {
    let set = pages.get(profile);
    if (!set) {
      set = new Set();
      pages.set(profile, set);
    }
    set.add(ws);
    ws.on('close', () => set.delete(ws));
    ws.on('message', (data) => {
      let parsed: ClientMessage;
      try {
        parsed = clientMessageSchema.parse(JSON.parse(String(data)));
      } catch {
        ws.close(1008, 'bad message');
        return;
      }
      answer(profile, parsed)
        .catch(() => ({ ok: false, error: { code: 'internal', message: DEFAULT_MESSAGES.internal } }))
        .then((result) => {
          const message: HostMessage = { t: 'result', id: parsed.id, result };
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
        });
    });
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', origin);
    const profile = profileSchema.safeParse(url.searchParams.get('profile'));
    if (url.pathname !== BRIDGE_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    if (req.headers.origin !== origin) return refuseUpgrade(socket, 403, 'Forbidden');
    if (!sameSecret(url.searchParams.get('token') ?? '', token))
      return refuseUpgrade(socket, 403, 'Forbidden');
    if (!profile.success) return refuseUpgrade(socket, 400, 'Bad Request');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, profile.data));
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    serveStatic(req.method ?? 'GET', req.url ?? '/')
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(() => {
        res.writeHead(500).end();
      });
  };

  const server = createServer(onRequest);
  server.on('upgrade', onUpgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    url: `${origin}/?token=${token}`,
    token,
    open: sessionOf,
    async stop() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      const all = await Promise.allSettled(sessions.values());
      for (const s of all) if (s.status === 'fulfilled') await s.value.close();
    },
  };
}
