// The file a preview page sends with `import.choose` (preview only: it stands in for Electron's dialog) is read by
// the app's own import code, so a page that lies about it gets the app's errors, not a different path: a size
// that does not match the bytes is "could not be opened", a size over the cap is refused unread, and a file sent
// with any other call is never seen by a handler. Raw WebSocket frames, as a tampered page would send them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { readImportFile } from '../../../src/main/handlers/import';
import type { Handlers } from '../../../src/main/ipc-registry';
import { KeyroomError } from '../../../src/shared/errors';
import { type PreviewHost, startPreviewHost } from '../host';
import { BRIDGE_PATH } from '../protocol';
import { rendererSnapshot } from './browser';

let host: PreviewHost;
// What the handlers saw: the text import.choose read, or what another call found as the chosen file.
const seen: string[] = [];

beforeAll(async () => {
  host = await startPreviewHost({
    rendererDir: await rendererSnapshot(),
    createSession: async (_profile, _emit, pages) => ({
      handlers: {
        'import.choose': async () => {
          const file = pages.chosenFile();
          if (file === null) return null;
          seen.push((await readImportFile(file)).text);
          return null;
        },
        'session.state': () => {
          seen.push(`other call saw ${pages.chosenFile() === null ? 'no file' : 'a file'}`);
          throw new KeyroomError('internal', 'not a real session');
        },
      } as unknown as Handlers,
      close: async () => {},
    }),
  });
});

afterAll(async () => {
  await host?.stop();
});

function call(frame: Record<string, unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const url = `${host.origin.replace('http', 'ws')}${BRIDGE_PATH}?token=${host.token}&profile=pc-1`;
    const ws = new WebSocket(url, { origin: host.origin });
    ws.on('open', () => ws.send(JSON.stringify({ t: 'invoke', id: 1, ...frame })));
    ws.on('message', (data) => {
      ws.close();
      resolve((JSON.parse(String(data)) as { result: unknown }).result);
    });
    ws.on('error', reject);
  });
}

const choose = (file: unknown) => call({ call: 'import.choose', request: { vaultId: randomUUID() }, file });
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('a file from the preview page goes through the app import code', () => {
  it('reads a file whose size matches its bytes; cancelled is null', async () => {
    expect(await choose({ name: 'a.csv', size: 11, base64: b64('name,pass\nx') })).toEqual({
      ok: true,
      value: null,
    });
    expect(seen.pop()).toBe('name,pass\nx');
    expect(await choose(null)).toEqual({ ok: true, value: null });
    expect(seen).toEqual([]);
  });

  it('a size that does not match the bytes is "could not be opened", a size over the cap is refused unread', async () => {
    expect(await choose({ name: 'a.csv', size: 3, base64: b64('name,pass\nx') })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'That file could not be opened.' },
    });
    expect(await choose({ name: 'big.csv', size: 10 * 1024 * 1024 + 1, base64: '' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', message: 'This file is larger than 10 MB, too large to import.' },
    });
    expect(seen).toEqual([]);
  });

  it('a file sent with any other call reaches no handler', async () => {
    await call({ call: 'session.state', request: {}, file: { name: 'a.csv', size: 1, base64: b64('x') } });
    expect(seen.pop()).toBe('other call saw no file');
  });
});
