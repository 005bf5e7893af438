// First-run enrollment: the master password becomes an Argon2id master key, split into the Supabase Auth
// secret (the server never sees the master password) and the wrap key that seals the new key pairs. The
// office root is pinned from the fingerprint on the invitation sheet; the very first admin becomes the root.
import type { Backend } from '../backend/client';
import { CoreError } from '../backend/errors';
import type { ProfileRow } from '../backend/rows';
import { fromBase64Url, toBase64Url, wipe } from '../crypto/bytes';
import { fingerprint } from '../crypto/fingerprint';
import { deriveMasterKey, type KdfParams, newKdfParams, splitMasterKey } from '../crypto/kdf';
import { generateUserKeys, type KeyPin, type UserKeys, WrapKey, wrapUserKeys } from '../crypto/keys';
import { type PinnedRoot, signKeyCertificate } from '../crypto/trust';
import type { Account } from './account';

/** Fingerprints compare by their digits only, however people typed the spaces. */
export function sameFingerprint(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/[\s-]/g, '');
  return norm(a).length > 0 && norm(a) === norm(b);
}

/** The office root as the server lists it, checked against what the user read from the sheet. */
export function rootFromPolicy(
  policy: { office_root_id: string | null; office_root_public: string | null } | null,
  typedFingerprint: string | null,
): PinnedRoot | null {
  if (!policy?.office_root_id || !policy.office_root_public) {
    // Someone holding an invitation sheet expects an office: a server that lists none must not get to make
    // this PC pin nothing (or itself). Only enroll(masterPassword, null) bootstraps the office.
    if (typedFingerprint !== null) throw new CoreError('fingerprint_mismatch');
    return null;
  }
  const pub = fromBase64Url(policy.office_root_public);
  if (pub?.length !== 32) throw new CoreError('damaged');
  if (!typedFingerprint || !sameFingerprint(fingerprint(pub), typedFingerprint)) {
    throw new CoreError('fingerprint_mismatch');
  }
  return { id: policy.office_root_id, ed25519Public: pub };
}

export interface Enrolled {
  account: Account;
  keys: UserKeys;
  profile: ProfileRow;
  authSecret: string;
}

export interface MasterSecrets {
  authSecret: string;
  wrapKey: WrapKey;
}

/** Derives both secrets; the KDF floor is checked inside deriveMasterKey before Argon2 runs. */
export async function deriveSecrets(masterPassword: string, kdf: unknown): Promise<MasterSecrets> {
  const mk = await deriveMasterKey(masterPassword, kdf);
  const { authSecret, wrapKey } = splitMasterKey(mk);
  const key = new WrapKey(wrapKey);
  wipe(wrapKey);
  return { authSecret, wrapKey: key };
}

/** Wraps the given key pairs, with the pin they vouch for, under a fresh KDF salt for this master password. */
export async function wrapForPassword(
  userId: string,
  keys: UserKeys,
  pin: KeyPin,
  masterPassword: string,
): Promise<{ kdf: KdfParams; wrapped: ReturnType<typeof wrapUserKeys>; authSecret: string }> {
  const kdf = newKdfParams();
  const { authSecret, wrapKey } = await deriveSecrets(masterPassword, kdf);
  try {
    return { kdf, wrapped: wrapUserKeys(wrapKey, userId, keys, pin), authSecret };
  } finally {
    wrapKey.wipe();
  }
}

/**
 * Uploads fresh keys for an invited user and switches the Auth password to the derived secret.
 * `root` is the pinned office root, or null for the first admin, who becomes the root.
 */
export async function enroll(
  backend: Backend,
  profile: ProfileRow,
  masterPassword: string,
  root: PinnedRoot | null,
): Promise<Enrolled> {
  if (profile.status !== 'invited')
    throw new CoreError('invalid_request', 'This account is already enrolled.');
  if (!root && profile.role !== 'admin') throw new CoreError('fingerprint_mismatch');
  const keys = generateUserKeys();
  // The first admin's own signing key is the office root.
  const pinned = root ?? { id: profile.id, ed25519Public: keys.ed25519Public };
  const { kdf, wrapped, authSecret } = await wrapForPassword(
    profile.id,
    keys,
    { root: pinned },
    masterPassword,
  );
  const x25519Public = toBase64Url(keys.x25519Public);
  const ed25519Public = toBase64Url(keys.ed25519Public);
  // The pinned fingerprint covers only the root's signing key; its self-signed certificate is what lets
  // colleagues trust the root's X25519 key before sealing vault keys to it. It goes in the same update,
  // the only one in which the database accepts it.
  const key_certificate = root
    ? undefined
    : signKeyCertificate(
        { id: profile.id, role: 'admin', x25519Public, ed25519Public },
        { id: profile.id, ed25519Secret: keys.ed25519Secret },
      );
  const updated = await backend.updateOwnProfile({
    x25519_public: x25519Public,
    ed25519_public: ed25519Public,
    kdf,
    wrapped_keys: wrapped,
    ...(key_certificate ? { key_certificate } : {}),
  });
  await backend.setAuthPassword(authSecret);
  return {
    keys,
    profile: updated,
    authSecret,
    account: {
      v: 1,
      userId: profile.id,
      email: profile.email,
      kdf,
      wrappedKeys: wrapped,
      x25519Public,
      ed25519Public,
      root: { id: pinned.id, ed25519Public: toBase64Url(pinned.ed25519Public) },
    },
  };
}

/** The fingerprint a member reads out to the admin: both public keys. */
export function memberFingerprint(x25519Public: string, ed25519Public: string): string {
  const x = fromBase64Url(x25519Public);
  const e = fromBase64Url(ed25519Public);
  if (!x || !e || x.length !== 32 || e.length !== 32) throw new CoreError('damaged');
  return fingerprint(e, x);
}
