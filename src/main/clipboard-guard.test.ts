import { describe, expect, it } from 'vitest';
import { type ClipboardPort, createClipboardGuard, type TimerPort } from './clipboard-guard';

function fakeClock() {
  let now = 0;
  let next = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const port: TimerPort = {
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (id) => {
      timers.delete(id as number);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, t] of [...timers]) {
      if (t.at <= now) {
        timers.delete(id);
        t.fn();
      }
    }
  };
  return { port, advance, pending: () => timers.size };
}

function memoryClipboard() {
  let text = '';
  const port: ClipboardPort = {
    readText: () => text,
    writeSecret: async (value) => {
      text = value;
    },
    clear: () => {
      text = '';
    },
  };
  return { port, get: () => text, userCopies: (value: string) => (text = value) };
}

describe('clipboard guard', () => {
  it('clears our value after 30 s, not before', async () => {
    const clock = fakeClock();
    const clip = memoryClipboard();
    const guard = createClipboardGuard({ clipboard: clip.port, timers: clock.port });
    expect(await guard.copy('hunter2')).toEqual({ clearsInSeconds: 30 });
    clock.advance(29_999);
    expect(clip.get()).toBe('hunter2');
    clock.advance(1);
    expect(clip.get()).toBe('');
  });

  it('leaves the clipboard alone when the user copied something else meanwhile', async () => {
    const clock = fakeClock();
    const clip = memoryClipboard();
    const guard = createClipboardGuard({ clipboard: clip.port, timers: clock.port });
    await guard.copy('hunter2');
    clip.userCopies('meeting notes');
    clock.advance(30_000);
    expect(clip.get()).toBe('meeting notes');
  });

  it('a second copy restarts the timer for the new value', async () => {
    const clock = fakeClock();
    const clip = memoryClipboard();
    const guard = createClipboardGuard({ clipboard: clip.port, timers: clock.port });
    await guard.copy('first');
    clock.advance(20_000);
    await guard.copy('second');
    expect(clock.pending()).toBe(1);
    clock.advance(20_000);
    expect(clip.get()).toBe('second');
    clock.advance(10_000);
    expect(clip.get()).toBe('');
  });

  it('clearIfOurs clears at once (lock) and cancels the timer', async () => {
    const clock = fakeClock();
    const clip = memoryClipboard();
    const guard = createClipboardGuard({ clipboard: clip.port, timers: clock.port });
    await guard.copy('hunter2');
    guard.clearIfOurs();
    expect(clip.get()).toBe('');
    expect(clock.pending()).toBe(0);
  });
});
