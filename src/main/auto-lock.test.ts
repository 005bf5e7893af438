import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type LockReason, shouldLockForIdle, startAutoLock } from './auto-lock';

describe('shouldLockForIdle', () => {
  it('locks at the policy minute, not before', () => {
    expect(shouldLockForIdle(599, { autoLockMinutes: 10, stayUnlocked: false })).toBe(false);
    expect(shouldLockForIdle(600, { autoLockMinutes: 10, stayUnlocked: false })).toBe(true);
  });
  it('never locks for idle when staying unlocked on this PC', () => {
    expect(shouldLockForIdle(86_400, { autoLockMinutes: 10, stayUnlocked: true })).toBe(false);
  });
});

function setup(options: { unlocked: boolean; stayUnlocked: boolean; policyKnown?: boolean }) {
  const monitor = Object.assign(new EventEmitter(), { idle: 0, getSystemIdleTime: () => monitor.idle });
  let tick: (() => void) | null = null;
  const locks: LockReason[] = [];
  const stop = startAutoLock({
    powerMonitor: monitor,
    timers: {
      setInterval: (fn) => {
        tick = fn;
        return 1;
      },
      clearInterval: () => {
        tick = null;
      },
    },
    policy: () =>
      options.policyKnown === false ? null : { autoLockMinutes: 5, stayUnlocked: options.stayUnlocked },
    isUnlocked: () => options.unlocked,
    lock: (reason) => locks.push(reason),
  });
  return { monitor, locks, stop, tick: () => tick?.() };
}

describe('startAutoLock', () => {
  it('locks on screen lock and on suspend, even when staying unlocked', () => {
    const s = setup({ unlocked: true, stayUnlocked: true });
    s.monitor.emit('lock-screen');
    s.monitor.emit('suspend');
    expect(s.locks).toEqual(['lock-screen', 'suspend']);
  });

  it('locks after the idle time on the poll', () => {
    const s = setup({ unlocked: true, stayUnlocked: false });
    s.monitor.idle = 299;
    s.tick();
    expect(s.locks).toEqual([]);
    s.monitor.idle = 300;
    s.tick();
    expect(s.locks).toEqual(['idle']);
  });

  it('leaves idle alone while the policy is unknown, but still locks on screen lock', () => {
    const s = setup({ unlocked: true, stayUnlocked: false, policyKnown: false });
    s.monitor.idle = 10_000;
    s.tick();
    expect(s.locks).toEqual([]);
    s.monitor.emit('lock-screen');
    expect(s.locks).toEqual(['lock-screen']);
  });

  it('does nothing while already locked, and nothing after stop', () => {
    const s = setup({ unlocked: false, stayUnlocked: false });
    s.monitor.idle = 10_000;
    s.tick();
    s.monitor.emit('lock-screen');
    expect(s.locks).toEqual([]);
    s.stop();
    expect(s.monitor.listenerCount('lock-screen')).toBe(0);
    expect(s.monitor.listenerCount('suspend')).toBe(0);
  });
});
