// A new account on this PC: the first sign-in with the invitation's one-time password, then the enrollment
// that sets the master password. The office's first admin opens at once; everyone else waits for an admin.
import { CoreError } from '../backend/errors';
import { fromBase64Url } from '../crypto/bytes';
import { fingerprint } from '../crypto/fingerprint';
import type { CoreContext } from './context';
import { enroll as enrollKeys, rootFromPolicy } from './enrollment';
import { openSession } from './open';
import { awaitConfirmation } from './pending';
import type { SessionState } from './types';
import { unlock } from './unlock';

/**
 * First sign-in with the one-time password from the invitation sheet. On a PC that already knows this
 * account, the password is the master password and this unlocks.
 */
export async function signIn(ctx: CoreContext, email: string, password: string): Promise<SessionState> {
  if (ctx.account && ctx.account.email.toLowerCase() === email.trim().toLowerCase()) {
    return unlock(ctx, password);
  }
  await ctx.backend.signIn(email.trim(), password);
  const profile = await ctx.backend.ownProfile();
  if (!profile) return ctx.setSession({ state: 'disabled', email });
  if (profile.status !== 'invited') {
    await ctx.backend.signOut();
    throw new CoreError(
      'invalid_request',
      'This account is already set up on another PC. Ask your administrator to reset it.',
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
