// The update screen: an office minimum above this version closes the vault (at unlock, at the server's
// confirmation, on a policy poke), and an admin's way out of it lowers the minimum without opening the vault.
import { CoreError } from '../backend/errors';
import type { PolicyRow } from '../backend/rows';
import { type UserKeys, wipeUserKeys } from '../crypto/keys';
import { lowerMinimumAsBlockedAdmin } from './blocked-admin';
import type { CoreContext } from './context';
import { lock } from './lifecycle';
import type { SessionState } from './types';
import { isBelow } from './version';

/** The office requires a newer app: keys wiped, the update screen. */
export function refuseOldVersion(ctx: CoreContext, keys: UserKeys, policy: PolicyRow | null): boolean {
  if (!policy || !isBelow(ctx.opts.appVersion, policy.min_version)) return false;
  wipeUserKeys(keys);
  const required = policy.min_version ?? '';
  ctx.events.emit('updateRequired', { running: ctx.opts.appVersion, required });
  ctx.setSession({ state: 'updateRequired', running: ctx.opts.appVersion, required });
  return true;
}

export async function forceUpdate(ctx: CoreContext, required: string): Promise<void> {
  await lock(ctx);
  ctx.events.emit('updateRequired', { running: ctx.opts.appVersion, required });
  ctx.setSession({ state: 'updateRequired', running: ctx.opts.appVersion, required });
}

/**
 * From the update screen: an admin lowers (or clears, null) the office minimum version with the master
 * password, without opening the vault (session/blocked-admin.ts). The cached server documents go, so the next
 * unlock reads the new policy from the server; the PC is locked then, or still blocked when the new minimum
 * is above this version too.
 */
export async function lowerMinimumWhileBlocked(
  ctx: CoreContext,
  masterPassword: string,
  minVersion: string | null,
): Promise<SessionState> {
  const account = ctx.account;
  if (!account || ctx.session.state !== 'updateRequired')
    throw new CoreError(
      'invalid_request',
      'The minimum version is changed here only from the update screen.',
    );
  const policy = await lowerMinimumAsBlockedAdmin(ctx.backend, account, masterPassword, minVersion);
  await ctx.local.dropServerDocs();
  ctx.events.emit('policyChanged', policy);
  if (isBelow(ctx.opts.appVersion, policy.minVersion)) {
    await forceUpdate(ctx, policy.minVersion ?? '');
    return ctx.session;
  }
  return lock(ctx);
}
