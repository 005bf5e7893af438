import { describe, expect, it } from 'vitest';
import { CALL_NAMES, callChannel } from '../shared/channels';
import { KeyroomError } from '../shared/errors';
import { dispatch, type Handlers, type IpcMainLike, registerIpcHandlers } from './ipc-registry';
import type { IpcEventLike } from './sender';

const main = { url: 'app://keyroom/index.html' };
const trusted: IpcEventLike = { senderFrame: main, sender: { mainFrame: main } };
const iframe: IpcEventLike = { senderFrame: { url: 'app://keyroom/x.html' }, sender: { mainFrame: main } };
const id = '0b7f3c1e-8f0a-4d5b-9c11-2a3b4c5d6e7f';
const summary = {
  id,
  vaultId: id,
  title: 'Wi-Fi',
  username: 'office',
  url: '',
  category: 'Wi-Fi',
  version: 1,
  updatedAt: '2026-11-25T10:00:00.000Z',
  updatedBy: 'ann@example.com',
  hasTotp: false,
  damaged: false,
  deletedAt: null,
};
const noReport = () => {};

describe('dispatch', () => {
  it('refuses an untrusted sender before the handler runs', async () => {
    let ran = false;
    const result = await dispatch(
      'vault.reveal',
      () => {
        ran = true;
        return { password: 'x' };
      },
      iframe,
      { id },
      noReport,
    );
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
    expect(ran).toBe(false);
  });

  it('rejects a request that does not match the schema, without echoing it', async () => {
    let ran = false;
    const result = await dispatch(
      'vault.get',
      () => {
        ran = true;
        return {} as never;
      },
      trusted,
      { id: 'not-a-uuid-secret-value' },
      noReport,
    );
    expect(ran).toBe(false);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_request');
      expect(result.error.message).not.toContain('secret-value');
    }
  });

  it('rejects unknown request keys (strict requests)', async () => {
    const result = await dispatch(
      'session.lock',
      () => ({ state: 'signedOut' }),
      trusted,
      { extra: 1 },
      noReport,
    );
    expect(result.ok).toBe(false);
  });

  it('passes the parsed request and strips undeclared fields from the response', async () => {
    const result = await dispatch(
      'vault.list',
      (request) => {
        expect(request).toEqual({ includeDeleted: true });
        return { vaults: [], entries: [{ ...summary, password: 'hunter2' }] };
      },
      trusted,
      { includeDeleted: true },
      noReport,
    );
    expect(result.ok).toBe(true);
    if (result.ok) expect(JSON.stringify(result.value)).not.toContain('hunter2');
  });

  it('turns a response that breaks the contract into an internal error and reports it', async () => {
    const reported: string[] = [];
    const result = await dispatch(
      'vault.totp',
      () => ({ code: 'abc', period: 30, remainingSeconds: 3 }),
      trusted,
      { id },
      (call) => reported.push(call),
    );
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: expect.any(String) } });
    expect(reported).toEqual(['vault.totp']);
  });

  it('passes KeyroomError codes through and hides other errors', async () => {
    const conflict = await dispatch(
      'vault.delete',
      () => {
        throw new KeyroomError('conflict', 'Someone changed it.');
      },
      trusted,
      { id, baseVersion: 2 },
      noReport,
    );
    expect(conflict).toEqual({ ok: false, error: { code: 'conflict', message: 'Someone changed it.' } });

    const crash = await dispatch(
      'vault.delete',
      () => {
        throw new Error('db password is s3cret');
      },
      trusted,
      { id, baseVersion: 2 },
      noReport,
    );
    expect(crash.ok).toBe(false);
    if (!crash.ok) {
      expect(crash.error.code).toBe('internal');
      expect(crash.error.message).not.toContain('s3cret');
    }
  });
});

describe('registerIpcHandlers', () => {
  it('registers exactly one channel per contract call and removes them again', async () => {
    const registered = new Map<string, (event: IpcEventLike, ...args: unknown[]) => Promise<unknown>>();
    const ipcMain: IpcMainLike = {
      handle: (channel, listener) => {
        registered.set(channel, listener);
      },
      removeHandler: (channel) => {
        registered.delete(channel);
      },
    };
    const handlers = Object.fromEntries(
      CALL_NAMES.map((name) => [name, () => ({ state: 'signedOut' })]),
    ) as unknown as Handlers;
    const unregister = registerIpcHandlers(ipcMain, handlers, noReport);
    expect([...registered.keys()].sort()).toEqual(CALL_NAMES.map(callChannel).sort());
    const listener = registered.get(callChannel('session.state'));
    expect(await listener?.(trusted, {})).toEqual({ ok: true, value: { state: 'signedOut' } });
    unregister();
    expect(registered.size).toBe(0);
  });
});
