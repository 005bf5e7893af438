// Confirmation by the server of a session opened from the cache: until the server has signed this session
// in and said the account, keys, policy and grants still hold, nothing is sent and the sync engine does not
// run. Calls through the gated backend wait for it (or are "offline"); a refusal ends the session.
import type { Backend } from '../backend/client';
import { CoreError } from '../backend/errors';
import { emitSync, startSync } from '../sync/follow';
import { colleagueKeys } from '../vault/keyring';
import { listColleagues } from './colleagues';
import type { CoreContext } from './context';
import { disabled, lock } from './lifecycle';
import { CHANGED_ELSEWHERE } from './new-pc';
import type { Open } from './types';
import { forceUpdate } from './update-required';
import { isBelow } from './version';
import { checkOwnKeys, sameWrapping } from './wrapping';

/**
 * The backend as the vault and admin operations see it: before the server has confirmed this session, a
 * call first tries to get it confirmed, and is "offline" when it cannot (writes go to the outbox then).
 */
export function gatedBackend(ctx: CoreContext, open: Open): Backend {
  return new Proxy(ctx.backend, {
    get: (target, prop, receiver) => {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await confirmed(ctx, open);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** One attempt at a time to get an unlock from the cache confirmed by the server. */
export function confirm(ctx: CoreContext, open: Open): Promise<void> {
  open.confirming ??= confirmOnce(ctx, open).finally(() => {
    open.confirming = null;
  });
  return open.confirming;
}

/**
 * Signs in with the secret derived at unlock and checks what the server says now, as an online unlock
 * would: disabled → wipe; other public keys or KDF parameters → alarm and lock; a required update → the
 * update screen; then the grants the server lists replace the cached ones, and sync starts. What ends the
 * session runs after this attempt has settled (closing waits for it).
 */
async function confirmOnce(ctx: CoreContext, open: Open): Promise<void> {
  const creds = open.credentials;
  if (!creds || ctx.open !== open) return;
  const account = open.account;
  const end = (refusal: CoreError, run: () => Promise<unknown>) => {
    const done = new Promise<void>((resolve) =>
      setImmediate(
        () =>
          void run().then(
            () => resolve(),
            () => resolve(),
          ),
      ),
    );
    open.ended = { refusal, done };
  };
  try {
    await ctx.backend.signIn(account.email, creds.authSecret);
    const profile = await ctx.backend.ownProfile();
    if (ctx.open !== open) return;
    if (!profile || profile.status === 'disabled') return end(new CoreError('disabled'), () => disabled(ctx));
    await checkOwnKeys(ctx, profile, account);
    // The master password was changed on another PC: adopting the new wrapping needs the new password, which
    // the next unlock takes (session/new-pc.ts).
    if (sameWrapping(profile, account) !== true) {
      await ctx.local.dropServerDocs();
      return end(new CoreError('wrong_credentials', CHANGED_ELSEWHERE), () => lock(ctx, CHANGED_ELSEWHERE));
    }
    if (profile.status !== 'active') {
      // Awaiting re-confirmation (re-enabled, demoted) or reset: locked, and from now on only an online
      // unlock may open it (it shows the wait for the admin, as it always did).
      await ctx.local.saveServerDocs({ ...ctx.serverDocsOf(open), profile });
      return end(new CoreError('locked'), () => lock(ctx));
    }
    const policy = await ctx.backend.policy();
    if (ctx.open !== open) return;
    if (policy && isBelow(ctx.opts.appVersion, policy.min_version)) {
      await ctx.local.saveServerDocs({ ...ctx.serverDocsOf(open), profile, policy });
      const required = policy.min_version ?? '';
      return end(new CoreError('update_required'), () => forceUpdate(ctx, required));
    }
    const [colleagues, grants, vaults] = await Promise.all([
      listColleagues(ctx),
      ctx.backend.ownGrants(),
      ctx.backend.vaults(),
    ]);
    if (ctx.open !== open) return;
    const { opened } = open.keyring.openGrants(grants, colleagueKeys(colleagues));
    open.keyring.retainOnly(opened);
    open.replica.dropUnkeyed();
    open.profile = profile;
    open.grants = opened;
    open.vaultRows = vaults;
    open.colleagues = new Map(colleagues.map((c) => [c.id, c]));
    open.vaultNames = new Map(vaults.map((v) => [v.id, v.name]));
    open.confirmed = true;
    open.credentials = null;
    open.reachable = true;
    ctx.currentPolicy = policy;
    if (policy) ctx.autoLockMs = policy.auto_lock_minutes * 60_000;
    await ctx.local.saveServerDocs({ profile, policy, colleagues, grants: opened, vaults });
    const s = ctx.session;
    if (
      s.state === 'unlocked' &&
      (s.user.role !== profile.role || s.user.displayName !== profile.display_name)
    )
      ctx.setSession(ctx.unlockedState(profile));
    await startSync(ctx, open);
  } catch (err) {
    if (ctx.open !== open) return;
    if (err instanceof CoreError && err.code === 'offline') {
      open.reachable = false;
      emitSync(ctx, open.engine.connection);
      ctx.confirmTimer = setTimeout(
        () => void confirm(ctx, open).catch(() => {}),
        Math.min(ctx.opts.pollMs ?? 30_000, 5_000),
      );
      ctx.confirmTimer.unref?.();
      return;
    }
    if (err instanceof CoreError && err.code === 'disabled')
      return end(new CoreError('disabled'), () => disabled(ctx));
    // The keys alarm, a weakened KDF, wrong credentials (the password changed or was reset elsewhere): the
    // session ends, and the next unlock goes through the server, which refuses as it always did.
    await ctx.local.dropServerDocs().catch(() => {});
    const refusal = err instanceof CoreError ? err : new CoreError('damaged');
    return end(refusal, () => lock(ctx));
  }
}

/** Resolves once the server has confirmed this session; else throws what stands in the way. */
export async function confirmed(ctx: CoreContext, open: Open): Promise<void> {
  if (!open.confirmed && !open.ended) await confirm(ctx, open);
  if (open.ended) {
    await open.ended.done;
    throw open.ended.refusal;
  }
  if (ctx.open !== open) throw new CoreError('locked');
  if (!open.confirmed) throw new CoreError('offline');
}
