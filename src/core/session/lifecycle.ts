// How a session ends (lock, disabled, idle) and what keeps it until then: the auto-lock countdown and the
// sealed unlock snapshot. Every way out goes through closeSession, which wipes the keys.
import { CoreError, MESSAGES } from '../backend/errors';
import type { CoreContext } from './context';
import { sealSnapshot } from './snapshot';
import type { Open, SessionState } from './types';

/** The open session for a call from the host; each such call counts as activity for the auto-lock. */
export function requireOpen(ctx: CoreContext): Open {
  if (!ctx.open) throw new CoreError(ctx.account ? 'locked' : 'not_signed_in');
  touch(ctx);
  return ctx.open;
}

/** Resets the auto-lock countdown (the host calls it on user activity). */
export function touch(ctx: CoreContext): void {
  if (!ctx.open || !ctx.idleLock) return;
  if (ctx.autoLock) clearTimeout(ctx.autoLock);
  ctx.autoLock = setTimeout(() => void lock(ctx).catch(() => {}), ctx.autoLockMs);
  ctx.autoLock.unref?.();
}

/** The host turns the core's own idle lock off while "stay unlocked on this PC" is in force. */
export function setIdleLock(ctx: CoreContext, on: boolean): void {
  ctx.idleLock = on;
  if (on) {
    touch(ctx);
  } else if (ctx.autoLock) {
    clearTimeout(ctx.autoLock);
    ctx.autoLock = null;
  }
}

/** The account was disabled: keys wiped, the local cache erased, nothing more until an admin re-enables. */
export async function disabled(ctx: CoreContext): Promise<void> {
  const email = ctx.account?.email ?? '';
  await closeSession(ctx);
  await ctx.local.wipe();
  ctx.setSession({ state: 'disabled', email });
}

/**
 * This PC was signed out from another of the person's PCs or by an admin: keys wiped, the cache and the account
 * erased; the person may sign in again with email and master password, as on a new PC.
 */
export async function deviceRevoked(ctx: CoreContext): Promise<void> {
  await closeSession(ctx);
  await ctx.local.wipe();
  ctx.account = null;
  ctx.setSession({ state: 'signedOut', notice: MESSAGES.device_revoked });
}

export async function closeSession(ctx: CoreContext): Promise<void> {
  ctx.clearTimers();
  await ctx.stopPending();
  const open = ctx.open;
  ctx.open = null;
  ctx.currentPolicy = null;
  if (open) {
    await open.started;
    await open.confirming;
    open.credentials = null;
    await open.engine.stop();
    await ctx.local.flush().catch(() => {});
    // Sealed while the keys are still here: the next unlock opens the list from it.
    await ctx.local
      .saveSnapshot(sealSnapshot(open.snapshotKey, open.account.userId, open.replica.snapshotItems()))
      .catch(() => {});
    open.snapshotKey.wipe();
    open.replica.clear();
    open.keyring.wipe();
  }
  await ctx.backend.signOut();
}

/** Keys wiped from memory; the signed-in server session is dropped too. `notice`: why, when it is news. */
export async function lock(ctx: CoreContext, notice?: string): Promise<SessionState> {
  await closeSession(ctx);
  if (!ctx.account) return ctx.setSession({ state: 'signedOut' });
  return ctx.setSession({ state: 'locked', email: ctx.account.email, ...(notice ? { notice } : {}) });
}

/** The snapshot follows the replica a little after changes, so a crash loses no more than that. */
export function saveSnapshotSoon(ctx: CoreContext): void {
  if (ctx.snapshotTimer) return;
  ctx.snapshotTimer = setTimeout(() => {
    ctx.snapshotTimer = null;
    void saveSnapshot(ctx).catch(() => {});
  }, 2_000);
  ctx.snapshotTimer.unref?.();
}

export async function saveSnapshot(ctx: CoreContext): Promise<void> {
  const open = ctx.open;
  if (!open) return;
  await ctx.local.saveSnapshot(
    sealSnapshot(open.snapshotKey, open.account.userId, open.replica.snapshotItems()),
  );
}
