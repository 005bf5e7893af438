// The way out of the update screen for an admin: a minimum version set too high blocks the admin's own PC
// too, and the vault does not open below the minimum. So this signs in with the master password only far
// enough to call app-updates (no keys are unwrapped, no vault is opened, nothing is cached), lowers or clears
// the minimum, and signs out again. app-updates checks the caller is an active admin against `profiles`; the
// check here only gives a member a clear answer before the request.
import { OfficeAdmin, type OfficePolicy } from '../admin/office';
import type { Backend } from '../backend/client';
import { CoreError } from '../backend/errors';
import { deriveMasterKey, splitMasterKey } from '../crypto/kdf';
import type { Account } from './account';

const ONLY_ADMINS = 'Only an office admin can change the minimum version. Ask your admin, or update Keyroom.';

export async function lowerMinimumAsBlockedAdmin(
  backend: Backend,
  account: Account,
  masterPassword: string,
  minVersion: string | null,
): Promise<OfficePolicy> {
  let masterKey: Uint8Array;
  try {
    masterKey = await deriveMasterKey(masterPassword, account.kdf);
  } catch {
    throw new CoreError('damaged');
  }
  const { authSecret, wrapKey } = splitMasterKey(masterKey);
  wrapKey.fill(0);
  try {
    await backend.signIn(account.email, authSecret).catch((e: unknown) => {
      if (e instanceof CoreError && e.code === 'wrong_credentials')
        throw new CoreError('wrong_credentials', 'That master password is not correct.');
      throw e;
    });
    const profile = await backend.ownProfile();
    if (profile?.role !== 'admin' || profile.status !== 'active')
      throw new CoreError('forbidden', ONLY_ADMINS);
    const office = new OfficeAdmin({
      backend,
      isAdmin: () => true,
      presence: () => [],
      titleOf: () => null,
      // Nothing here signs a PC out.
      deviceId: '',
    });
    return await office.setMinVersion(minVersion);
  } finally {
    await backend.signOut();
  }
}
