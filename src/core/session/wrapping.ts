// The own keys' wrapping under the master password, as this PC holds it and as the server lists it: the
// enrolled public keys must match (else an alarm), a wrapping changed on another PC is adopted only with the
// master password and above the KDF floor, and a change made here rewraps the keys and the Auth secret.
import { CoreError } from '../backend/errors';
import type { ProfileRow } from '../backend/rows';
import { fromBase64Url } from '../crypto/bytes';
import { WrappedEnvelopeSchema } from '../crypto/envelope';
import { type KdfParams, KdfParamsSchema } from '../crypto/kdf';
import { unwrapUserKeys, wipeUserKeys } from '../crypto/keys';
import type { Account } from './account';
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
 * The server's KDF parameters and wrapped keys differ from this PC's after a master-password change on
 * another PC. The floor is checked before any derivation; a weakened set is refused, never used.
 */
export async function adoptRemoteWrapping(
  ctx: CoreContext,
  profile: ProfileRow,
  account: Account,
  masterPassword: string,
) {
  const kdf = sameWrapping(profile, account);
  if (kdf === true) return;
  const secrets = await deriveSecrets(masterPassword, kdf);
  try {
    const keys = unwrapUserKeys(secrets.wrapKey, account.userId, profile.wrapped_keys, {
      x25519Public: fromBase64Url(account.x25519Public)!,
      ed25519Public: fromBase64Url(account.ed25519Public)!,
    });
    wipeUserKeys(keys);
  } catch {
    throw new CoreError('damaged');
  } finally {
    secrets.wrapKey.wipe();
  }
  const parsed = WrappedEnvelopeSchema.parse(profile.wrapped_keys);
  ctx.account = { ...account, kdf, wrappedKeys: parsed };
  await ctx.accounts.save(ctx.account);
}

/**
 * True when the server holds the KDF parameters and wrapped keys this PC has (compared as parsed: jsonb
 * reorders keys), else the server's parameters, checked against the floor (below it: damaged).
 */
export function sameWrapping(profile: ProfileRow, account: Account): true | KdfParams {
  const kdf = KdfParamsSchema.safeParse(profile.kdf);
  const wrapped = WrappedEnvelopeSchema.safeParse(profile.wrapped_keys);
  if (!kdf.success || !wrapped.success) throw new CoreError('damaged');
  const same =
    JSON.stringify(kdf.data) === JSON.stringify(account.kdf) &&
    JSON.stringify(wrapped.data) === JSON.stringify(account.wrappedKeys);
  return same || kdf.data;
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
  const { kdf, wrapped, authSecret } = await wrapForPassword(account.userId, open.keyring.user, next);
  await ctx.backend.updateOwnProfile({ kdf, wrapped_keys: wrapped });
  await ctx.backend.setAuthPassword(authSecret);
  ctx.account = { ...account, kdf, wrappedKeys: wrapped };
  open.account = ctx.account;
  await ctx.accounts.save(ctx.account);
}
