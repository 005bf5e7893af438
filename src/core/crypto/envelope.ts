// Versioned AEAD envelopes: XChaCha20-Poly1305 with a fresh random 24-byte nonce, associated data
// that pins where the ciphertext belongs, and a key-commitment tag checked before decryption
// (Poly1305 alone is not key-committing: one ciphertext could be made to open under two keys).
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import {
  base64UrlBytes,
  canonical,
  concat,
  equalBytes,
  fromBase64Url,
  toBase64Url,
  utf8,
  wipe,
} from './bytes';
import { DamagedError } from './damaged';

export const ALG = 'xchacha20poly1305';
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
/** An entry is a few KiB at most; 1 MiB bounds what a hostile row can make us allocate. */
const MAX_CT_BYTES = 1 << 20;

/**
 * A symmetric key split once into an encryption subkey and a commitment subkey (HKDF-SHA256
 * with a purpose label), so the AEAD key and the HMAC key are never the same bytes.
 */
export class EnvelopeKey {
  readonly #enc: Uint8Array;
  readonly #cm: Uint8Array;

  protected constructor(raw: Uint8Array, purpose: string) {
    if (raw.length !== 32) throw new DamagedError();
    this.#enc = hkdf(sha256, raw, undefined, utf8(`keyroom/v1/${purpose}/enc`), 32);
    this.#cm = hkdf(sha256, raw, undefined, utf8(`keyroom/v1/${purpose}/commit`), 32);
  }

  /** Commitment tag over nonce || AD under the commitment subkey. */
  commit(nonce: Uint8Array, ad: Uint8Array): Uint8Array {
    return hmac(sha256, this.#cm, concat(nonce, ad));
  }

  seal(nonce: Uint8Array, ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return xchacha20poly1305(this.#enc, nonce, ad).encrypt(plaintext);
  }

  open(nonce: Uint8Array, ad: Uint8Array, ct: Uint8Array): Uint8Array {
    return xchacha20poly1305(this.#enc, nonce, ad).decrypt(ct);
  }

  wipe(): void {
    wipe(this.#enc, this.#cm);
  }
}

const sealedFields = {
  alg: z.literal(ALG),
  nonce: base64UrlBytes(NONCE_BYTES),
  ct: base64UrlBytes(TAG_BYTES, MAX_CT_BYTES + TAG_BYTES),
  cm: base64UrlBytes(32),
};

/** `entries.envelope` (docs/data-model.md). */
export const EntryEnvelopeSchema = z.strictObject({
  v: z.literal(1),
  kv: z.int().min(1).max(0x7fffffff),
  ...sealedFields,
});
export type EntryEnvelope = z.infer<typeof EntryEnvelopeSchema>;

/**
 * What a key bundle vouches for besides the keys: the office root this person pinned, and the last hand-over of
 * the root role they accepted. Public values, readable by the server but bound into the bundle's associated data,
 * so only someone holding the wrap key (the master password) can write another.
 */
export const KeyPinSchema = z.strictObject({
  root: z.uuid(),
  root_public: base64UrlBytes(32),
  holder: z.strictObject({ id: z.uuid(), n: z.int().min(1).max(0x7fffffff) }).optional(),
});
export type KeyPinFields = z.infer<typeof KeyPinSchema>;

/**
 * `profiles.wrapped_keys`: the same envelope style, no key version (wrapKey has none). v2 carries the pin (a
 * new PC verifies the office from data only the master password opens); v1, from before, carries none.
 */
export const WrappedEnvelopeSchema = z.discriminatedUnion('v', [
  z.strictObject({ v: z.literal(1), ...sealedFields }),
  z.strictObject({ v: z.literal(2), ...sealedFields, pin: KeyPinSchema }),
]);
export type WrappedEnvelope = z.infer<typeof WrappedEnvelopeSchema>;

interface Sealed {
  nonce: string;
  ct: string;
  cm: string;
}

export function sealWith(key: EnvelopeKey, ad: Uint8Array, plaintext: Uint8Array): Sealed {
  if (plaintext.length > MAX_CT_BYTES) throw new RangeError('plaintext too large');
  const nonce = randomBytes(NONCE_BYTES);
  return {
    nonce: toBase64Url(nonce),
    ct: toBase64Url(key.seal(nonce, ad, plaintext)),
    cm: toBase64Url(key.commit(nonce, ad)),
  };
}

/** Checks the commitment in constant time, and only then decrypts; every failure is DamagedError. */
export function openWith(key: EnvelopeKey, ad: Uint8Array, sealed: Sealed): Uint8Array {
  const nonce = fromBase64Url(sealed.nonce);
  const ct = fromBase64Url(sealed.ct);
  const cm = fromBase64Url(sealed.cm);
  if (!nonce || !ct || !cm) throw new DamagedError();
  if (!equalBytes(key.commit(nonce, ad), cm)) throw new DamagedError();
  try {
    return key.open(nonce, ad, ct);
  } catch {
    throw new DamagedError();
  }
}

/** A vault key of one key_version; wipe it on lock. */
export class VaultKey extends EnvelopeKey {
  readonly version: number;
  constructor(raw: Uint8Array, version: number) {
    super(raw, 'entry');
    if (!Number.isInteger(version) || version < 1) throw new DamagedError();
    this.version = version;
  }
}

/** Where an entry ciphertext belongs; all of it goes into the associated data. */
export interface EntrySlot {
  vaultId: string;
  entryId: string;
  keyVersion: number;
  /** The entry version this ciphertext is written for: 1 on create, base version + 1 on edit. */
  entryVersion: number;
  /**
   * A tombstone's ciphertext is bound to being one: it never opens as a live entry, nor a live one as a
   * tombstone (so a server cannot flip `deleted_at` on a row and keep its ciphertext valid).
   */
  deleted?: boolean;
}

const UUID = z.uuid();

function entryAd(slot: EntrySlot): Uint8Array {
  if (!UUID.safeParse(slot.vaultId).success || !UUID.safeParse(slot.entryId).success) {
    throw new DamagedError();
  }
  if (!Number.isInteger(slot.entryVersion) || slot.entryVersion < 1) throw new DamagedError();
  const at = [slot.vaultId.toLowerCase(), slot.entryId.toLowerCase(), slot.keyVersion, slot.entryVersion];
  // Appended only for tombstones, so the AD of a live entry is what it always was (crypto/vectors.test.ts).
  return slot.deleted
    ? canonical('keyroom/v1/entry', ...at, 'deleted')
    : canonical('keyroom/v1/entry', ...at);
}

export function encryptEntry(key: VaultKey, slot: EntrySlot, plaintext: Uint8Array): EntryEnvelope {
  if (slot.keyVersion !== key.version) throw new RangeError('vault key version does not match slot');
  return { v: 1, alg: ALG, kv: key.version, ...sealWith(key, entryAd(slot), plaintext) };
}

/**
 * Opens an entry envelope taken from the server (untrusted). `slot` comes from the row and from
 * what the client knows (expected version); a missing key, a key of another version, an envelope
 * relabelled to another kv, or any tampering gives DamagedError.
 */
export function decryptEntry(key: VaultKey | undefined, slot: EntrySlot, untrusted: unknown): Uint8Array {
  const env = EntryEnvelopeSchema.safeParse(untrusted);
  if (!env.success || !key) throw new DamagedError();
  if (env.data.kv !== slot.keyVersion || key.version !== slot.keyVersion) throw new DamagedError();
  return openWith(key, entryAd(slot), env.data);
}
