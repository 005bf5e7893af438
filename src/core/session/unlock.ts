// The unlock path, in one place: the master password (or a kept master key) through the KDF, the own keys
// unwrapped on this PC, then the vault opened from the verified cache (the server confirms in the
// background, session/confirm.ts) or, without a usable cache, from the server's documents.
import { CoreError } from '../backend/errors';
import { fromBase64Url } from '../crypto/bytes';
import { DamagedError } from '../crypto/damaged';
import { deriveMasterKey, splitMasterKey } from '../crypto/kdf';
import { type UserKeys, unwrapUserKeys, WrapKey, wipeUserKeys, wrapUserKeys } from '../crypto/keys';
import type { ServerDocs } from '../sync/state';
import { colleagueKeys, Keyring } from '../vault/keyring';
import { type Account, keyPinOf } from './account';
import type { CoreContext } from './context';
import { disabled } from './lifecycle';
import { OFFLINE_NEW_PASSWORD, OLD_PASSWORD, reopenAfterPasswordChange } from './new-pc';
import { openSession, startSession } from './open';
import { awaitConfirmation } from './pending';
import type { Open, SessionState } from './types';
import { refuseOldVersion } from './update-required';
import { isBelow } from './version';
import { adoptRemoteWrapping, checkOwnKeys, sameWrapping } from './wrapping';

const KEY_REFUSED =
  'Keyroom could not unlock on its own: the master password may have changed. Type your master password.';

/** The typed master password does not open this PC's own copy of the key bundle (internal to unlock). */
class LocalBundleRefused extends Error {}

export async function unlock(ctx: CoreContext, masterPassword: string): Promise<SessionState> {
  const account = ctx.account;
  if (!account) throw new CoreError('not_signed_in');
  if (ctx.open) return ctx.session;
  let masterKey: Uint8Array;
  try {
    masterKey = await deriveMasterKey(masterPassword, account.kdf);
  } catch {
    throw new CoreError('damaged');
  }
  const kept = ctx.keeper ? masterKey.slice() : null;
  try {
    const s = await unlockAfterKdf(ctx, account, masterKey, masterPassword);
    // Only a session that opened is worth keeping: a wait for confirmation or an update screen is not.
    if (kept && s.state === 'unlocked') await ctx.keeper?.(kept).catch(() => {});
    return s;
  } catch (err) {
    if (!(err instanceof LocalBundleRefused)) throw err;
    return unlockChanged(ctx, account, masterPassword);
  } finally {
    kept?.fill(0);
  }
}

/**
 * The typed password does not open this PC's copy of the bundle: wrong, or the new one from a change on another
 * PC. Only the server can tell; offline it stays "not correct" (session/new-pc.ts).
 */
async function unlockChanged(
  ctx: CoreContext,
  account: Account,
  masterPassword: string,
): Promise<SessionState> {
  let r: Awaited<ReturnType<typeof reopenAfterPasswordChange>>;
  try {
    r = await reopenAfterPasswordChange(ctx.backend, account, masterPassword);
  } catch (err) {
    await ctx.backend.signOut();
    if (err instanceof CoreError && err.code === 'offline')
      throw new CoreError('wrong_credentials', OFFLINE_NEW_PASSWORD);
    throw err;
  }
  if (r === 'disabled') {
    await disabled(ctx);
    return ctx.session;
  }
  try {
    ctx.account = r.account;
    await ctx.accounts.save(r.account);
    if (r.profile.status === 'enrolled') return await awaitConfirmation(ctx, r.keys, r.account);
    if (r.profile.status !== 'active') throw new CoreError('invalid_request');
    await openSession(ctx, r.keys, r.profile);
  } catch (err) {
    if (!ctx.open) {
      wipeUserKeys(r.keys);
      await ctx.backend.signOut();
    }
    throw err;
  }
  return ctx.session;
}

/**
 * Unlocks with a master key kept by keepUnlockKey, exactly as unlock does after the KDF: a key that does not
 * unwrap this PC's keys, or that the server no longer accepts (the master password was changed or the
 * account reset elsewhere), is refused with wrong_credentials and the user types the password; nothing
 * falls back. A session opened from the cache and ended by the server's answer calls `onRefused`, so the
 * host drops the key (a required update is not a refusal of the key).
 */
export async function unlockWithKey(
  ctx: CoreContext,
  masterKey: Uint8Array,
  onRefused?: (refusal: CoreError) => void,
): Promise<SessionState> {
  const account = ctx.account;
  if (!account) throw new CoreError('not_signed_in');
  if (ctx.open) return ctx.session;
  if (masterKey.length !== 32) throw new CoreError('wrong_credentials', KEY_REFUSED);
  const s = await unlockAfterKdf(ctx, account, masterKey.slice(), null);
  // (TypeScript narrowed ctx.open to null above; the unlock just set it.)
  const open = ctx.open as Open | null;
  if (open && !open.confirmed && onRefused) {
    const off = ctx.events.on('sessionChanged', (next) => {
      if (next.state === 'unlocked') return;
      off();
      const refusal = open.ended?.refusal;
      if (refusal && refusal.code !== 'update_required') onRefused(refusal);
    });
  }
  return s;
}

/** Everything an unlock does after the KDF; `masterPassword` is null for a kept key. Wipes `masterKey`. */
async function unlockAfterKdf(
  ctx: CoreContext,
  account: Account,
  masterKey: Uint8Array,
  masterPassword: string | null,
): Promise<SessionState> {
  const split = splitMasterKey(masterKey);
  const secrets = { authSecret: split.authSecret, wrapKey: new WrapKey(split.wrapKey) };
  split.wrapKey.fill(0);
  const started = performance.now();
  let keys: UserKeys;
  try {
    // A wrong master password fails here, on this PC, online or not.
    keys = unwrapUserKeys(secrets.wrapKey, account.userId, account.wrappedKeys, {
      x25519Public: fromBase64Url(account.x25519Public)!,
      ed25519Public: fromBase64Url(account.ed25519Public)!,
    });
    // Enrolled before bundles carried the pin: re-wrapped with it now, sent once the server has confirmed.
    ctx.pinnedBundle =
      account.wrappedKeys.v === 1
        ? wrapUserKeys(secrets.wrapKey, account.userId, keys, keyPinOf(account))
        : null;
  } catch {
    if (masterPassword === null) throw new CoreError('wrong_credentials', KEY_REFUSED);
    throw new LocalBundleRefused();
  } finally {
    secrets.wrapKey.wipe();
  }
  const cached = await ctx.local.serverDocs();
  let cacheRefused = false;
  if (cached !== 'none') {
    try {
      if (cached === 'damaged') throw new DamagedError();
      if (await openFromCache(ctx, keys, cached, { authSecret: secrets.authSecret })) {
        ctx.lastUnlockMs = performance.now() - started;
        return ctx.session;
      }
    } catch (err) {
      if (!(err instanceof DamagedError)) {
        wipeUserKeys(keys);
        throw err;
      }
      // The cached documents do not verify: only the server's copy, verified the same way, may open it.
      cacheRefused = true;
    }
  }
  try {
    await ctx.backend.signIn(account.email, secrets.authSecret);
    const profile = await ctx.backend.ownProfile();
    if (!profile || profile.status === 'disabled') {
      wipeUserKeys(keys);
      await disabled(ctx);
      return ctx.session;
    }
    await checkOwnKeys(ctx, profile, account);
    if (masterPassword !== null) await adoptRemoteWrapping(ctx, profile, account, masterPassword);
    // A kept key cannot adopt a wrapping changed elsewhere: that takes the new password.
    else if (sameWrapping(profile, account) !== true) throw new CoreError('wrong_credentials', KEY_REFUSED);
    if (profile.status === 'enrolled') return awaitConfirmation(ctx, keys, account);
    if (profile.status !== 'active') throw new CoreError('invalid_request');
    await openSession(ctx, keys, profile);
    ctx.lastUnlockMs = performance.now() - started;
    return ctx.session;
  } catch (err) {
    if (!ctx.open) {
      wipeUserKeys(keys);
      await ctx.backend.signOut();
    }
    // A cache that failed verification and no server to replace it: closed, with the one refusal.
    if (cacheRefused && err instanceof CoreError && err.code === 'offline') throw new CoreError('damaged');
    if (err instanceof CoreError && err.code === 'offline' && typeof cached === 'object') {
      if (refuseOldVersion(ctx, keys, cached.policy)) return ctx.session;
    }
    if (err instanceof CoreError && err.code === 'wrong_credentials')
      throw new CoreError('wrong_credentials', masterPassword === null ? KEY_REFUSED : OLD_PASSWORD);
    if (err instanceof CoreError) throw err;
    if (err instanceof DamagedError) throw new CoreError('damaged');
    throw err;
  }
}

/**
 * Opens the vault from what this PC holds, verified exactly as the server's copy would be: the cached
 * profile must carry the enrolled keys, every cached grant must verify against the pinned root through the
 * cached key certificates, and entry rows open only under those keys. Any failure is DamagedError (the
 * caller then asks the server). The server confirms in the background. False: not an active member when
 * last confirmed (awaiting re-confirmation), which only the server can settle.
 */
async function openFromCache(
  ctx: CoreContext,
  keys: UserKeys,
  docs: ServerDocs,
  credentials: { authSecret: string },
): Promise<boolean> {
  const account = ctx.account!;
  const profile = docs.profile;
  if (
    profile.id.toLowerCase() !== account.userId.toLowerCase() ||
    profile.x25519_public !== account.x25519Public ||
    profile.ed25519_public !== account.ed25519Public
  )
    throw new DamagedError();
  if (profile.status !== 'active') return false;
  // A cached minimum above this version may have been lowered since (an admin's way out of the update screen):
  // the server's policy decides; only when the server cannot be reached does the cached one block.
  if (isBelow(ctx.opts.appVersion, docs.policy?.min_version ?? null)) return false;
  const keyring = new Keyring(account.userId, keys, ctx.pinnedRoot(account));
  const outcome = keyring.openGrants(docs.grants, colleagueKeys(docs.colleagues));
  if (outcome.damaged > 0) {
    keyring.dropVaultKeys();
    throw new DamagedError();
  }
  await startSession(ctx, keyring, { ...docs, grants: outcome.opened }, credentials);
  return true;
}
