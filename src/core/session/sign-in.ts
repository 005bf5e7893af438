// A new account on this PC: email and master password for someone enrolled elsewhere (session/new-pc.ts), or
// the invitation's one-time password and then the enrollment that sets the master password. The office's first
// admin opens at once; everyone else waits for an admin.
import { CoreError } from '../backend/errors';
import { fromBase64Url } from '../crypto/bytes';
import { fingerprint } from '../crypto/fingerprint';
import { wipeUserKeys } from '../crypto/keys';
import type { CoreContext } from './context';
import { enroll as enrollKeys, rootFromPolicy } from './enrollment';
import { closeSession } from './lifecycle';
import { signInOnNewPc } from './new-pc';
import { openSession } from './open';
import { awaitConfirmation } from './pending';
import type { SessionState } from './types';
import { unlock } from './unlock';

/**
 * Email and master password. On a PC that knows this account, an unlock. On any other PC (a second one, a
 * replaced one) the person signs in from data only the master password opens (session/new-pc.ts): no one-time
 * password, no admin step. An unknown email and a wrong password end in the same error.
 */
export async function signIn(ctx: CoreContext, email: string, masterPassword: string): Promise<SessionState> {
  const typed = email.trim();
  if (ctx.account && ctx.account.email.toLowerCase() === typed.toLowerCase()) {
    return unlock(ctx, masterPassword);
  }
  if (ctx.open || ctx.pending) await closeSession(ctx);
  let result: Awaited<ReturnType<typeof signInOnNewPc>>;
  try {
    result = await signInOnNewPc(ctx.backend, typed, masterPassword);
  } catch (err) {
    await ctx.backend.signOut();
    throw err;
  }
  if (result.kind === 'disabled') {
    await ctx.backend.signOut();
    return ctx.setSession({ state: 'disabled', email: typed });
  }
  const { account, keys, profile } = result;
  try {
    // One account per PC profile: whoever was here before leaves nothing behind for this one.
    await ctx.local.wipe();
    ctx.account = account;
    await ctx.accounts.save(account);
    ctx.freshDevice = true;
    if (profile.status === 'enrolled') return await awaitConfirmation(ctx, keys, account);
    await openSession(ctx, keys, profile);
  } catch (err) {
    if (!ctx.open) {
      wipeUserKeys(keys);
      await ctx.backend.signOut();
    }
    throw err;
  }
  return ctx.session;
}

/** First sign-in with the one-time password from the invitation sheet; enrollment follows. */
export async function redeemInvitation(
  ctx: CoreContext,
  email: string,
  oneTimePassword: string,
): Promise<SessionState> {
  if (ctx.open || ctx.pending) await closeSession(ctx);
  await ctx.backend.signIn(email.trim(), oneTimePassword);
  const profile = await ctx.backend.ownProfile();
  if (!profile) return ctx.setSession({ state: 'disabled', email });
  if (profile.status !== 'invited') {
    await ctx.backend.signOut();
    throw new CoreError(
      'invalid_request',
      'This account is already set up. Sign in with your email and master password.',
    );
  }
  const policy = await ctx.backend.policy();
  const rootPub = policy?.office_root_public ? fromBase64Url(policy.office_root_public) : undefined;
  return ctx.setSession({
    state: 'needsEnrollment',
    email: profile.email,
    officeFingerprint: rootPub && rootPub.length === 32 ? fingerprint(rootPub) : null,
  });
}

/**
 * Sets the master password and uploads fresh keys. `officeFingerprint` is what the invitation sheet says;
 * it must match the office root the server lists. Only the office's very first admin passes null.
 */
export async function enroll(
  ctx: CoreContext,
  masterPassword: string,
  officeFingerprint: string | null,
): Promise<SessionState> {
  if (ctx.session.state !== 'needsEnrollment') throw new CoreError('invalid_request');
  const profile = await ctx.backend.ownProfile();
  if (!profile) throw new CoreError('disabled');
  const root = rootFromPolicy(await ctx.backend.policy(), officeFingerprint);
  const done = await enrollKeys(ctx.backend, profile, masterPassword, root);
  ctx.account = done.account;
  ctx.freshDevice = true;
  await ctx.local.wipe();
  await ctx.accounts.save(done.account);
  const after = await ctx.backend.ownProfile();
  if (after?.status === 'active') {
    // The first admin: the enrollment trigger made them active and the office root.
    const policy = await ctx.backend.policy();
    if (policy?.office_root_id !== after.id || policy.office_root_public !== done.account.ed25519Public) {
      throw new CoreError('fingerprint_mismatch');
    }
    await openSession(ctx, done.keys, after);
    await ctx.open!.admin.createVault('Office');
    await ctx.open!.engine.setVaults(ctx.open!.keyring.vaultIds());
    return ctx.session;
  }
  return awaitConfirmation(ctx, done.keys, done.account);
}
