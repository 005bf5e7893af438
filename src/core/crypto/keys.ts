// A user's two key pairs (X25519 receives vault keys, Ed25519 signs grants and certificates),
// their wrapping under the wrapKey for `profiles.wrapped_keys`, and the sealing of a vault key to
// a member's X25519 public key for `vault_grants.sealed_key`.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { canonical, concat, equalBytes, fromBase64Url, toBase64Url, utf8, wipe } from './bytes';
import { DamagedError } from './damaged';
import {
  ALG,
  EnvelopeKey,
  openWith,
  sealWith,
  type WrappedEnvelope,
  WrappedEnvelopeSchema,
} from './envelope';
import type { PinnedRoot } from './trust';

export interface UserKeys {
  x25519Secret: Uint8Array;
  x25519Public: Uint8Array;
  ed25519Secret: Uint8Array;
  ed25519Public: Uint8Array;
  /**
   * The office root's Ed25519 secret, held by an admin who took the root role over with the recovery kit
   * (admin/succession.ts); absent for everyone else, the first admin included (their own key is the root's).
   */
  rootSecret?: Uint8Array;
}

export function generateUserKeys(): UserKeys {
  const x25519Secret = x25519.utils.randomSecretKey();
  const ed25519Secret = ed25519.utils.randomSecretKey();
  return {
    x25519Secret,
    x25519Public: x25519.getPublicKey(x25519Secret),
    ed25519Secret,
    ed25519Public: ed25519.getPublicKey(ed25519Secret),
  };
}

export function wipeUserKeys(keys: UserKeys): void {
  wipe(keys.x25519Secret, keys.ed25519Secret, keys.rootSecret);
}

/** The key from `splitMasterKey().wrapKey`, as an envelope key. */
export class WrapKey extends EnvelopeKey {
  constructor(raw: Uint8Array) {
    super(raw, 'wrap');
  }
}

/** The office root a person pinned and the last root hand-over they accepted, as their key bundle carries them. */
export interface KeyPin {
  root: PinnedRoot;
  holder?: { id: string; n: number };
}

const wrappedAdV1 = (userId: string) => canonical('keyroom/v1/wrapped-keys', userId.toLowerCase());

const wrappedAd = (userId: string, pin: KeyPin) =>
  canonical(
    'keyroom/v2/wrapped-keys',
    userId.toLowerCase(),
    pin.root.id.toLowerCase(),
    pin.root.ed25519Public,
    pin.holder?.id.toLowerCase() ?? '',
    pin.holder?.n ?? 0,
  );

/**
 * Seals both secret keys (x25519 || ed25519, 64 bytes; || the office root's for its holder, 96) under the wrapKey,
 * bound to the user id and to the pin, which travels beside the ciphertext.
 */
export function wrapUserKeys(
  wrapKey: WrapKey,
  userId: string,
  keys: UserKeys,
  pin: KeyPin,
): Extract<WrappedEnvelope, { v: 2 }> {
  if (pin.root.ed25519Public.length !== 32) throw new RangeError('bad root key length');
  const plain = concat(keys.x25519Secret, keys.ed25519Secret, keys.rootSecret ?? new Uint8Array(0));
  const fields = {
    root: pin.root.id.toLowerCase(),
    root_public: toBase64Url(pin.root.ed25519Public),
    ...(pin.holder ? { holder: { id: pin.holder.id.toLowerCase(), n: pin.holder.n } } : {}),
  };
  try {
    return { v: 2, alg: ALG, ...sealWith(wrapKey, wrappedAd(userId, pin), plain), pin: fields };
  } finally {
    wipe(plain);
  }
}

/**
 * Opens `profiles.wrapped_keys` and rebuilds the public keys from the secrets. When the caller passes the public
 * keys the server lists for this user, a mismatch (a replaced key) is damage. The pin is null for a v1 bundle.
 */
export function unwrapKeyBundle(
  wrapKey: WrapKey,
  userId: string,
  untrusted: unknown,
  expectedPublic?: { x25519Public: Uint8Array; ed25519Public: Uint8Array },
): { keys: UserKeys; pin: KeyPin | null } {
  const env = WrappedEnvelopeSchema.safeParse(untrusted);
  if (!env.success) throw new DamagedError();
  const pin: KeyPin | null =
    env.data.v === 2
      ? {
          root: { id: env.data.pin.root, ed25519Public: fromBase64Url(env.data.pin.root_public)! },
          ...(env.data.pin.holder ? { holder: env.data.pin.holder } : {}),
        }
      : null;
  const plain = openWith(wrapKey, pin ? wrappedAd(userId, pin) : wrappedAdV1(userId), env.data);
  if (plain.length !== 64 && plain.length !== 96) {
    wipe(plain);
    throw new DamagedError();
  }
  const keys: UserKeys = {
    x25519Secret: plain.slice(0, 32),
    ed25519Secret: plain.slice(32, 64),
    x25519Public: new Uint8Array(0),
    ed25519Public: new Uint8Array(0),
    ...(plain.length === 96 ? { rootSecret: plain.slice(64) } : {}),
  };
  wipe(plain);
  keys.x25519Public = x25519.getPublicKey(keys.x25519Secret);
  keys.ed25519Public = ed25519.getPublicKey(keys.ed25519Secret);
  if (
    expectedPublic &&
    !(
      equalBytes(expectedPublic.x25519Public, keys.x25519Public) &&
      equalBytes(expectedPublic.ed25519Public, keys.ed25519Public)
    )
  ) {
    wipeUserKeys(keys);
    throw new DamagedError();
  }
  return { keys, pin };
}

/** unwrapKeyBundle for callers that hold the pin already (this PC's account). */
export function unwrapUserKeys(
  wrapKey: WrapKey,
  userId: string,
  untrusted: unknown,
  expectedPublic?: { x25519Public: Uint8Array; ed25519Public: Uint8Array },
): UserKeys {
  return unwrapKeyBundle(wrapKey, userId, untrusted, expectedPublic).keys;
}

/** What a sealed vault key is for; bound into the seal's associated data. */
export interface SealContext {
  vaultId: string;
  memberId: string;
  keyVersion: number;
}

const SEAL_VERSION = 1;
const SEALED_BYTES = 1 + 32 + 24 + 32 + 16;

function sealAd(ctx: SealContext, ephemeralPublic: Uint8Array, recipientPublic: Uint8Array): Uint8Array {
  return canonical(
    'keyroom/v1/sealed-vault-key',
    ctx.vaultId.toLowerCase(),
    ctx.memberId.toLowerCase(),
    ctx.keyVersion,
    ephemeralPublic,
    recipientPublic,
  );
}

function sealKey(shared: Uint8Array, ephemeralPublic: Uint8Array, recipientPublic: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, concat(ephemeralPublic, recipientPublic), utf8('keyroom/v1/seal'), 32);
}

/**
 * Seals a 32-byte vault key to a member: ephemeral X25519, HKDF-SHA256 over the shared secret
 * (salted with both public keys), XChaCha20-Poly1305 with the context and both keys as AD.
 * Output: base64url of version(1) || ephemeral public(32) || nonce(24) || ciphertext+tag(48).
 */
export function sealVaultKey(vaultKey: Uint8Array, recipientPublic: Uint8Array, ctx: SealContext): string {
  if (vaultKey.length !== 32 || recipientPublic.length !== 32) throw new RangeError('bad key length');
  const eph = x25519.utils.randomSecretKey();
  const ephPublic = x25519.getPublicKey(eph);
  const shared = x25519.getSharedSecret(eph, recipientPublic);
  const key = sealKey(shared, ephPublic, recipientPublic);
  const nonce = randomBytes(24);
  const ct = xchacha20poly1305(key, nonce, sealAd(ctx, ephPublic, recipientPublic)).encrypt(vaultKey);
  wipe(eph, shared, key);
  return toBase64Url(concat(Uint8Array.of(SEAL_VERSION), ephPublic, nonce, ct));
}

export function openSealedVaultKey(
  sealed: string,
  recipientSecret: Uint8Array,
  ctx: SealContext,
): Uint8Array {
  const bytes = fromBase64Url(sealed);
  if (!bytes || bytes.length !== SEALED_BYTES || bytes[0] !== SEAL_VERSION) throw new DamagedError();
  const ephPublic = bytes.subarray(1, 33);
  const nonce = bytes.subarray(33, 57);
  const ct = bytes.subarray(57);
  let shared: Uint8Array | undefined;
  let key: Uint8Array | undefined;
  try {
    const recipientPublic = x25519.getPublicKey(recipientSecret);
    // noble refuses low-order points (all-zero shared secret) by throwing.
    shared = x25519.getSharedSecret(recipientSecret, ephPublic);
    key = sealKey(shared, ephPublic, recipientPublic);
    return xchacha20poly1305(key, nonce, sealAd(ctx, ephPublic, recipientPublic)).decrypt(ct);
  } catch {
    throw new DamagedError();
  } finally {
    wipe(shared, key);
  }
}

/** A fresh random 256-bit vault key. */
export function newVaultKeyBytes(): Uint8Array {
  return randomBytes(32);
}
