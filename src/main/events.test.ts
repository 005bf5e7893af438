import { describe, expect, it } from 'vitest';
import { eventChannel } from '../shared/channels';
import { createEventEmitter } from './events';

describe('createEventEmitter', () => {
  it('sends validated payloads to live windows only', () => {
    const sent: [string, unknown][] = [];
    const live = { isDestroyed: () => false, send: (c: string, p: unknown) => sent.push([c, p]) };
    const dead = { isDestroyed: () => true, send: () => expect.fail('sent to a destroyed window') };
    const emit = createEventEmitter(() => [live, dead]);
    emit('conflictsChanged', { count: 2 });
    expect(sent).toEqual([[eventChannel('conflictsChanged'), { count: 2 }]]);
  });

  it('refuses a payload that breaks the contract', () => {
    const emit = createEventEmitter(() => []);
    expect(() => emit('toast', { kind: 'info', message: '' })).toThrow(/toast/);
  });
});
