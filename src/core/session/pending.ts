// Enrolled (or re-enabled, or demoted) and not yet confirmed by an admin: the keys wait in memory while this
// PC listens on its member channel and polls, and the session opens once the account is active.
import type { UserKeys } from '../crypto/keys';
import type { Account } from './account';
import type { CoreContext } from './context';
import { memberFingerprint } from './enrollment';
import { openSession } from './open';
import type { SessionState } from './types';

export async function awaitConfirmation(
  ctx: CoreContext,
  keys: UserKeys,
  account: Account,
): Promise<SessionState> {
  const check = async () => {
    const p = await ctx.backend.ownProfile().catch(() => undefined);
    if (!ctx.pending || p === undefined) return;
    if (p === null) {
      await ctx.stopPending();
      return void ctx.setSession({ state: 'disabled', email: account.email });
    }
    if (p.status === 'active') {
      const held = ctx.pending.keys;
      await ctx.pending.stop();
      ctx.pending = null;
      await openSession(ctx, held, p).catch(() => {});
    }
  };
  const channel = ctx.backend.subscribe(`member:${account.userId}`, {
    broadcast: { grants: () => void check(), profile: () => void check() },
  });
  const timer = setInterval(() => void check(), Math.min(ctx.opts.pollMs ?? 30_000, 5_000));
  timer.unref?.();
  ctx.pending = {
    keys,
    stop: async () => {
      clearInterval(timer);
      await ctx.backend.unsubscribe(channel);
    },
  };
  return ctx.setSession({
    state: 'pendingConfirmation',
    email: account.email,
    fingerprint: memberFingerprint(account.x25519Public, account.ed25519Public),
  });
}
