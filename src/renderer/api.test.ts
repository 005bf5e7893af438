import { afterEach, describe, expect, it } from 'vitest';
import type { KeyroomBridge } from '../shared/api';
import { KeyroomError } from '../shared/errors';
import { call, errorMessage } from './api';

function install(invoke: (name: string, request: unknown) => Promise<unknown>) {
  const bridge = { invoke, subscribe: () => () => {} } as unknown as KeyroomBridge;
  Object.assign(globalThis, { window: { keyroom: bridge } });
}

afterEach(() => {
  Reflect.deleteProperty(globalThis, 'window');
});

describe('renderer api client', () => {
  it('returns the value of a successful call', async () => {
    install(async () => ({ ok: true, value: { clearsInSeconds: 30 } }));
    expect(await call('vault.copy', { id: 'x', field: 'password' })).toEqual({ clearsInSeconds: 30 });
  });

  it('turns {ok:false} into a KeyroomError with the code and the readable message', async () => {
    install(async () => ({ ok: false, error: { code: 'conflict', message: 'Someone changed it.' } }));
    const error = await call('vault.delete', { id: 'x', baseVersion: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyroomError);
    expect((error as KeyroomError).code).toBe('conflict');
    expect(errorMessage(error)).toBe('Someone changed it.');
  });

  it('hides bridge failures behind the generic message', async () => {
    install(async () => {
      throw new Error("Error invoking remote method 'keyroom:call:vault.get': boom");
    });
    const error = await call('vault.get', { id: 'x' }).catch((e: unknown) => e);
    expect((error as KeyroomError).code).toBe('internal');
    expect(errorMessage(error)).not.toContain('boom');
    expect(errorMessage(new Error('raw'))).not.toContain('raw');
  });
});
