import { describe, expect, it } from 'vitest';
import { callChannel, eventChannel } from '../shared/channels';
import { createBridge, type IpcRendererLike } from './bridge';

function fakeIpc() {
  const invoked: [string, unknown][] = [];
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const ipc: IpcRendererLike = {
    invoke: async (channel, ...args) => {
      invoked.push([channel, args[0]]);
      return { ok: true, value: null };
    },
    on: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
    },
    removeListener: (channel, listener) => {
      listeners.get(channel)?.delete(listener);
    },
  };
  const emit = (channel: string, payload: unknown) => {
    for (const l of listeners.get(channel) ?? []) l({ sender: 'ipc internals' }, payload);
  };
  return { ipc, invoked, emit, count: (channel: string) => listeners.get(channel)?.size ?? 0 };
}

describe('preload bridge', () => {
  it('exposes exactly invoke and subscribe, frozen', () => {
    const bridge = createBridge(fakeIpc().ipc);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'subscribe']);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('invokes contract calls on their own channel', async () => {
    const f = fakeIpc();
    const bridge = createBridge(f.ipc);
    await bridge.invoke('vault.get', { id: 'x' });
    expect(f.invoked).toEqual([[callChannel('vault.get'), { id: 'x' }]]);
  });

  it('refuses names outside the contract instead of passing them through', async () => {
    const f = fakeIpc();
    const bridge = createBridge(f.ipc) as unknown as {
      invoke(call: string, request: unknown): Promise<unknown>;
      subscribe(event: string, listener: () => void): () => void;
    };
    await expect(bridge.invoke('../../evil', {})).rejects.toThrow(/Unknown/);
    await expect(bridge.invoke('keyroom:call:vault.get', {})).rejects.toThrow(/Unknown/);
    expect(() => bridge.subscribe('keyroom:event:toast', () => {})).toThrow(/Unknown/);
    expect(f.invoked).toEqual([]);
  });

  it('delivers the payload only, and unsubscribes', () => {
    const f = fakeIpc();
    const bridge = createBridge(f.ipc);
    const got: unknown[] = [];
    const off = bridge.subscribe('toast', (payload) => got.push(payload));
    f.emit(eventChannel('toast'), { kind: 'info', message: 'hi' });
    expect(got).toEqual([{ kind: 'info', message: 'hi' }]);
    off();
    expect(f.count(eventChannel('toast'))).toBe(0);
  });
});
