// Locks the vault after the policy's idle time, when the OS locks the screen, and before the machine sleeps.
// "Stay unlocked on this PC" (only when the office policy allows it) turns off the idle timer; screen lock and
// sleep still lock, because then nobody is at the keyboard.

export type LockReason = 'idle' | 'lock-screen' | 'suspend';

export interface PowerMonitorLike {
  on(event: 'lock-screen' | 'suspend', listener: () => void): unknown;
  removeListener(event: 'lock-screen' | 'suspend', listener: () => void): unknown;
  getSystemIdleTime(): number;
}

export interface IntervalPort {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface LockPolicy {
  autoLockMinutes: number;
  // True only when the user chose it and the office policy allows it.
  stayUnlocked: boolean;
}

export function shouldLockForIdle(idleSeconds: number, policy: LockPolicy): boolean {
  if (policy.stayUnlocked) return false;
  return idleSeconds >= policy.autoLockMinutes * 60;
}

export const IDLE_POLL_MS = 15_000;

export function startAutoLock(options: {
  powerMonitor: PowerMonitorLike;
  timers: IntervalPort;
  // null while the office policy is not known: then only screen lock and sleep lock from here.
  policy: () => LockPolicy | null;
  isUnlocked: () => boolean;
  lock: (reason: LockReason) => void;
  pollMs?: number;
}): () => void {
  const { powerMonitor, timers, policy, isUnlocked, lock } = options;
  const lockIfUnlocked = (reason: LockReason) => {
    if (isUnlocked()) lock(reason);
  };
  const onLockScreen = () => lockIfUnlocked('lock-screen');
  const onSuspend = () => lockIfUnlocked('suspend');
  powerMonitor.on('lock-screen', onLockScreen);
  powerMonitor.on('suspend', onSuspend);
  const handle = timers.setInterval(() => {
    const current = policy();
    if (current && isUnlocked() && shouldLockForIdle(powerMonitor.getSystemIdleTime(), current)) lock('idle');
  }, options.pollMs ?? IDLE_POLL_MS);
  return () => {
    timers.clearInterval(handle);
    powerMonitor.removeListener('lock-screen', onLockScreen);
    powerMonitor.removeListener('suspend', onSuspend);
  };
}
