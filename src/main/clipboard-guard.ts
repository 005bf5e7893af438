// Copies a secret and clears it again after a delay, but only if the clipboard still holds what we put there:
// if the user copied something else meanwhile, that is theirs and stays. Only a hash of the copied value is
// kept while the timer runs, so the secret does not linger in this module.
import { createHash } from 'node:crypto';

export const CLEAR_AFTER_MS = 30_000;

export interface ClipboardPort {
  readText(): string;
  // Writes the secret; the platform writer decides how (on Windows: marked to stay out of history and cloud).
  writeSecret(text: string): Promise<void>;
  clear(): void;
}

export interface TimerPort {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ClipboardGuard {
  copy(text: string): Promise<{ clearsInSeconds: number }>;
  // Clears now if the clipboard still holds our value (lock, sign-out, quit).
  clearIfOurs(): void;
}

function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function createClipboardGuard(options: {
  clipboard: ClipboardPort;
  timers: TimerPort;
  clearAfterMs?: number;
}): ClipboardGuard {
  const { clipboard, timers } = options;
  const clearAfterMs = options.clearAfterMs ?? CLEAR_AFTER_MS;
  let pending: { handle: unknown; hash: string } | null = null;

  function clearIfOurs(): void {
    if (pending === null) return;
    timers.clearTimeout(pending.handle);
    const ours = pending.hash;
    pending = null;
    if (digest(clipboard.readText()) === ours) clipboard.clear();
  }

  return {
    async copy(text) {
      if (pending !== null) timers.clearTimeout(pending.handle);
      pending = null;
      await clipboard.writeSecret(text);
      const hash = digest(text);
      const handle = timers.setTimeout(() => {
        if (pending?.handle === handle) clearIfOurs();
      }, clearAfterMs);
      pending = { handle, hash };
      return { clearsInSeconds: Math.round(clearAfterMs / 1000) };
    },
    clearIfOurs,
  };
}
