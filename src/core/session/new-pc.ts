// Signing in with email and master password on a PC that holds nothing of this account (a second PC, a replaced
// one, a reinstalled Windows), and unlocking a known PC whose master password was changed on another. The KDF
// parameters come from the server's prelogin (fake but stable ones for an unknown email, so the answer reveals
// nothing); everything the PC then trusts comes out of the person's own key bundle, which only the master password
// opens: the key pairs, and the pin of the office root (crypto/keys.ts KeyPin). The server is asked for nothing
// it could lie about unnoticed.

import { CoreError } from '../backend/errors';
import type { ProfileRow } from '../backend/rows';
import { equalBytes, fromBase64Url, toBase64Url } from '../crypto/bytes';
import { WrappedEnvelopeSchema } from '../crypto/envelope';
import { deriveMasterKey, type KdfParams, KdfParamsSchema, splitMasterKey } from '../crypto/kdf';
import { type KeyPin, type UserKeys, unwrapKeyBundle, WrapKey, wipeUserKeys } from '../crypto/keys';
import type { Account } from './account';

/** One message for an unknown email and a wrong master password: which of the two it was stays unsaid. */
export const SIGN_IN_REFUSED = 'The email or master password is not correct.';
/** Why a PC locked by itself: another PC of the person's changed the master password. */
export const CHANGED_ELSEWHERE = 'Your master password was changed on another PC. Type the new one.';
/** The previous master password, which opens this PC's copy of the bundle but no longer signs in. */
export const OLD_PASSWORD =
  'That was your previous master password: it was changed on another PC (or your account was reset). Type the new one.';
/** A password this PC's copy does not open, and no server to ask whether it is a new one. */
export const OFFLINE_NEW_PASSWORD =
  'That master password is not correct. If you changed it on another PC, connect to the office network to use the new one here.';

const LEGACY_BUNDLE =
  'Your account was set up before Keyroom could sign in on other PCs. Unlock Keyroom once on the PC you set it up on, then sign in here.';
const NOT_ENROLLED =
  'This account is not set up yet. Choose "I have an invitation" and use the one-time password from your invitation sheet.';

export interface SignInBackend {
  prelogin(email: string): Promise<unknown>;
  signIn(email: string, password: string): Promise<{ id: string; email: string }>;
  ownProfile(): Promise<ProfileRow | null>;
  policy(): Promise<{ office_root_id: string | null; office_root_public: string | null } | null>;
}

export type NewPcSignIn =
  | { kind: 'disabled' }
  | { kind: 'signedIn'; account: Account; keys: UserKeys; profile: ProfileRow };

/** The server's KDF parameters for this email, refused below the floor before any derivation. */
async function preloginParams(backend: SignInBackend, email: string): Promise<KdfParams> {
  const parsed = KdfParamsSchema.safeParse(await backend.prelogin(email));
  if (!parsed.success)
    throw new CoreError('damaged', 'The office server sent sign-in parameters Keyroom does not accept.');
  return parsed.data;
}

/** Argon2id with the given parameters, then Auth with the derived secret; the wrap key is the caller's to wipe. */
async function deriveAndSignIn(
  backend: SignInBackend,
  email: string,
  masterPassword: string,
  kdf: KdfParams,
): Promise<WrapKey> {
  let mk: Uint8Array;
  try {
    mk = await deriveMasterKey(masterPassword, kdf);
  } catch {
    throw new CoreError('damaged', 'The office server sent sign-in parameters Keyroom does not accept.');
  }
  const split = splitMasterKey(mk);
  const wrapKey = new WrapKey(split.wrapKey);
  split.wrapKey.fill(0);
  try {
    await backend.signIn(email, split.authSecret);
  } catch (err) {
    wrapKey.wipe();
    // Auth answers "banned" before it checks the password (GoTrue token.go, ResourceOwnerPasswordGrant): saying
    // "disabled" here would tell anyone which emails belong to former employees.
    if (err instanceof CoreError && (err.code === 'wrong_credentials' || err.code === 'disabled'))
      throw new CoreError('wrong_credentials', SIGN_IN_REFUSED);
    throw err;
  }
  return wrapKey;
}

function samePublic(
  pin: { id: string; ed25519Public: Uint8Array },
  id: string | null,
  pub: string | null,
): boolean {
  const bytes = pub ? fromBase64Url(pub) : undefined;
  return (
    id !== null &&
    id.toLowerCase() === pin.id.toLowerCase() &&
    bytes !== undefined &&
    equalBytes(bytes, pin.ed25519Public)
  );
}

/**
 * Email and master password on a PC without this account. The caller signs out on any throw. Refused: a bundle
 * that does not open under the password Auth just accepted (the server swapped it), a bundle from before the pin
 * (nothing here could verify the office), and an office root the server lists other than the pinned one.
 */
export async function signInOnNewPc(
  backend: SignInBackend,
  email: string,
  masterPassword: string,
): Promise<NewPcSignIn> {
  const kdf = await preloginParams(backend, email);
  const wrapKey = await deriveAndSignIn(backend, email, masterPassword, kdf);
  let opened: { keys: UserKeys; pin: KeyPin | null };
  let profile: ProfileRow | null;
  try {
    profile = await backend.ownProfile();
    if (!profile || profile.status === 'disabled') return { kind: 'disabled' };
    if (profile.status === 'invited' || !profile.x25519_public || !profile.ed25519_public)
      throw new CoreError('invalid_request', NOT_ENROLLED);
    const listed = KdfParamsSchema.safeParse(profile.kdf);
    if (!listed.success || JSON.stringify(listed.data) !== JSON.stringify(kdf))
      throw new CoreError('damaged');
    try {
      opened = unwrapKeyBundle(wrapKey, profile.id, profile.wrapped_keys, {
        x25519Public: fromBase64Url(profile.x25519_public)!,
        ed25519Public: fromBase64Url(profile.ed25519_public)!,
      });
    } catch {
      throw new CoreError('damaged');
    }
  } finally {
    wrapKey.wipe();
  }
  const { keys, pin } = opened;
  if (!pin) {
    wipeUserKeys(keys);
    throw new CoreError('invalid_request', LEGACY_BUNDLE);
  }
  const policy = await backend.policy().catch((err: unknown) => {
    wipeUserKeys(keys);
    throw err;
  });
  if (!samePublic(pin.root, policy?.office_root_id ?? null, policy?.office_root_public ?? null)) {
    wipeUserKeys(keys);
    throw new CoreError('fingerprint_mismatch');
  }
  const account: Account = {
    v: 1,
    userId: profile.id,
    email: profile.email,
    kdf,
    wrappedKeys: WrappedEnvelopeSchema.parse(profile.wrapped_keys),
    x25519Public: toBase64Url(keys.x25519Public),
    ed25519Public: toBase64Url(keys.ed25519Public),
    root: { id: pin.root.id, ed25519Public: toBase64Url(pin.root.ed25519Public) },
    ...(pin.holder ? { rootHolder: pin.holder } : {}),
  };
  return { kind: 'signedIn', account, keys, profile };
}

/**
 * The master password typed on a known PC does not open its own copy of the bundle: it may be the new password
 * from a change on another PC. The server's parameters decide; when they are this PC's own, the password is
 * simply wrong (no second derivation, no request to Auth). Else the server's bundle must open to the very keys
 * this PC enrolled, carrying the same pinned root, or it is damage. Returns the account with the new wrapping.
 */
export async function reopenAfterPasswordChange(
  backend: SignInBackend,
  account: Account,
  masterPassword: string,
): Promise<{ account: Account; keys: UserKeys; profile: ProfileRow } | 'disabled'> {
  const kdf = await preloginParams(backend, account.email);
  if (JSON.stringify(kdf) === JSON.stringify(account.kdf))
    throw new CoreError('wrong_credentials', 'That master password is not correct.');
  const wrapKey = await deriveAndSignIn(backend, account.email, masterPassword, kdf).catch((err: unknown) => {
    throw err instanceof CoreError && err.code === 'wrong_credentials'
      ? new CoreError('wrong_credentials', 'That master password is not correct.')
      : err;
  });
  let opened: { keys: UserKeys; pin: KeyPin | null };
  let profile: ProfileRow | null;
  try {
    profile = await backend.ownProfile();
    if (!profile || profile.status === 'disabled') return 'disabled';
    try {
      opened = unwrapKeyBundle(wrapKey, account.userId, profile.wrapped_keys, {
        x25519Public: fromBase64Url(account.x25519Public)!,
        ed25519Public: fromBase64Url(account.ed25519Public)!,
      });
    } catch {
      throw new CoreError('damaged');
    }
  } finally {
    wrapKey.wipe();
  }
  const root = { id: account.root.id, ed25519Public: fromBase64Url(account.root.ed25519Public)! };
  const listed = KdfParamsSchema.safeParse(profile.kdf);
  // A password change writes a bundle with the pin: one without it is not that change.
  if (
    !listed.success ||
    JSON.stringify(listed.data) !== JSON.stringify(kdf) ||
    opened.pin === null ||
    !samePublic(root, opened.pin.root.id, toBase64Url(opened.pin.root.ed25519Public))
  ) {
    wipeUserKeys(opened.keys);
    throw new CoreError('damaged');
  }
  // Only this person's PCs could have written the bundle's hand-over (they verified it then): the higher one holds.
  const theirs = opened.pin?.holder;
  const mine = account.rootHolder;
  const holder = theirs && (!mine || theirs.n > mine.n) ? theirs : mine;
  return {
    account: {
      ...account,
      kdf,
      wrappedKeys: WrappedEnvelopeSchema.parse(profile.wrapped_keys),
      ...(holder ? { rootHolder: holder } : {}),
    },
    keys: opened.keys,
    profile,
  };
}
