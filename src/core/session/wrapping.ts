// The own keys' wrapping under the master password, as this PC holds it and as the server lists it: the
// enrolled public keys must match (else an alarm), a wrapping changed on another PC is adopted only with the
// master password and above the KDF floor, and a change made here rewraps the keys and the Auth secret.
import { CoreError } from '../backend/errors';
import type { ProfileRow } from '../backend/rows';
import { equalBytes, fromBase64Url } from '../crypto/bytes';
import { WrappedEnvelopeSchema } from '../crypto/envelope';
import { type KdfParams, KdfParamsSchema } from '../crypto/kdf';
import { unwrapKeyBundle, unwrapUserKeys, wipeUserKeys } from '../crypto/keys';
import { type Account, keyPinOf } from './account';
import type { CoreContext } from './context';
import { deriveSecrets, wrapForPassword } from './enrollment';
import type { Open } from './types';

/**
 * The server lists other keys for us than we enrolled: an alarm, not an update. The cached server documents
 * go, so no later unlock opens from the cache before the server has been past this check again.
 */
export async function checkOwnKeys(ctx: CoreContext, profile: ProfileRow, account: Account): Promise<void> {
  if (profile.x25519_public !== account.x25519Public || profile.ed25519_public !== account.ed25519Public) {
    await ctx.local.dropServerDocs();
    throw new CoreError('damaged');
  }
}

/**
 * The server's KDF parameters or key bundle differ from this PC's: a master-password change on another PC not
 * yet in Auth, or the same password's bundle re-wrapped elsewhere (the pin added, the root role taken over). The
 * floor is checked before any derivation; the bundle must open to this PC's keys with its pinned root, or it is
 * damage, never adopted.
 */
export async function adoptRemoteWrapping(
  ctx: CoreContext,
  profile: ProfileRow,
  account: Account,
  masterPassword: string,
) {
  const kdf = sameWrapping(profile, account);
  if (kdf === true && JSON.stringify(profile.wrapped_keys) === JSON.stringify(account.wrappedKeys)) return;
  const params = kdf === true ? account.kdf : kdf;
  const secrets = await deriveSecrets(masterPassword, params);
  let rootHolder = account.rootHolder;
  try {
    const { keys, pin } = unwrapKeyBundle(secrets.wrapKey, account.userId, profile.wrapped_keys, {
      x25519Public: fromBase64Url(account.x25519Public)!,
      ed25519Public: fromBase64Url(account.ed25519Public)!,
    });
    wipeUserKeys(keys);
    const root = ctx.pinnedRoot(account);
    // A bundle without the pin is one from before this PC's: the server serving an older copy.
    if (!pin && account.wrappedKeys.v === 2) throw new CoreError('damaged');
    if (
      pin &&
      (pin.root.id.toLowerCase() !== root.id.toLowerCase() ||
        !equalBytes(pin.root.ed25519Public, root.ed25519Public))
    )
      throw new CoreError('damaged');
    if (pin?.holder && pin.holder.n > (rootHolder?.n ?? 0)) rootHolder = pin.holder;
  } catch {
    throw new CoreError('damaged');
  } finally {
    secrets.wrapKey.wipe();
  }
  const parsed = WrappedEnvelopeSchema.parse(profile.wrapped_keys);
  ctx.pinnedBundle = null;
  ctx.account = { ...account, kdf: params, wrappedKeys: parsed, ...(rootHolder ? { rootHolder } : {}) };
  await ctx.accounts.save(ctx.account);
}

/**
 * True when the server holds the KDF parameters this PC has (compared as parsed: jsonb reorders keys): the
 * master password was not changed elsewhere. Else the server's parameters, checked against the floor (below it:
 * damaged).
 */
export function sameWrapping(profile: ProfileRow, account: Account): true | KdfParams {
  const kdf = KdfParamsSchema.safeParse(profile.kdf);
  const wrapped = WrappedEnvelopeSchema.safeParse(profile.wrapped_keys);
  if (!kdf.success || !wrapped.success) throw new CoreError('damaged');
  return JSON.stringify(kdf.data) === JSON.stringify(account.kdf) || kdf.data;
}

/** On a session the server has confirmed: the keys rewrapped under `next`, the Auth secret with them. */
export async function changeMasterPassword(
  ctx: CoreContext,
  open: Open,
  current: string,
  next: string,
): Promise<void> {
  const account = open.account;
  const check = await deriveSecrets(current, account.kdf);
  try {
    wipeUserKeys(unwrapUserKeys(check.wrapKey, account.userId, account.wrappedKeys));
  } catch {
    throw new CoreError('wrong_credentials', 'The current master password is not correct.');
  } finally {
    check.wrapKey.wipe();
  }
  const { kdf, wrapped, authSecret } = await wrapForPassword(
    account.userId,
    open.keyring.user,
    keyPinOf(account),
    next,
  );
  // Taken as this PC's own before the profile poke comes back, so it does not read its own change as one made
  // elsewhere (sync/follow.ts checkStatus).
  open.account = { ...account, kdf, wrappedKeys: wrapped };
  try {
    await ctx.backend.updateOwnProfile({ kdf, wrapped_keys: wrapped });
  } catch (err) {
    open.account = account;
    throw err;
  }
  try {
    await ctx.backend.setAuthPassword(authSecret);
  } catch (err) {
    // Auth still takes the old secret: the profile goes back to the wrapping that secret belongs to, or no PC
    // could sign in with either password (if this fails too, the next unlock here reports it).
    await ctx.backend
      .updateOwnProfile({ kdf: account.kdf, wrapped_keys: account.wrappedKeys })
      .catch(() => {});
    open.account = account;
    throw err;
  }
  ctx.account = open.account;
  await ctx.accounts.save(ctx.account);
}
