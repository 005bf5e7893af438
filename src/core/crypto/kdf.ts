// Master password → Argon2id master key → HKDF-SHA256 split into the Supabase Auth secret and the
// key-wrapping key. Argon2id runs in hash-wasm (WASM, ~0.42 s for 64 MiB/t=3 on the 2-core dev
// machine against ~1.2 s for @noble/hashes' pure-JS argon2id), so the floor costs no usability.

import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { argon2id } from 'hash-wasm';
import { z } from 'zod';
import { base64UrlBytes, fromBase64Url, toBase64Url, utf8, wipe } from './bytes';
import { DamagedError } from './damaged';

/** The built-in floor: a server cannot talk the client below it (DESIGN.md §4). */
export const KDF_FLOOR = { m: 65536, t: 3, p: 1, saltBytes: 16 } as const;
/** Defaults for new accounts: the floor, which measures 0.3–1 s on office PCs. */
export const KDF_DEFAULT = { m: 65536, t: 3, p: 1 } as const;

/**
 * KDF parameters as stored in `profiles.kdf` (untrusted: the server sends them). The ceiling
 * (256 MiB, 10 passes, 4 lanes: about 4× the default cost) stops a hostile server from freezing
 * or exhausting an office PC with a 64 GiB or 10^6-pass request.
 */
export const KdfParamsSchema = z.strictObject({
  alg: z.literal('argon2id'),
  v: z.literal(19),
  m: z.int().min(KDF_FLOOR.m).max(262_144),
  t: z.int().min(KDF_FLOOR.t).max(10),
  p: z.int().min(KDF_FLOOR.p).max(4),
  salt: base64UrlBytes(KDF_FLOOR.saltBytes, 64),
});
export type KdfParams = z.infer<typeof KdfParamsSchema>;

export function newKdfParams(): KdfParams {
  return { alg: 'argon2id', v: 19, ...KDF_DEFAULT, salt: toBase64Url(randomBytes(16)) };
}

export interface Argon2idInput {
  password: Uint8Array;
  salt: Uint8Array;
  m: number;
  t: number;
  p: number;
  length: number;
}

/** Raw Argon2id (v=0x13) with no policy; exported for the known-answer tests and the benchmark. */
export async function argon2idRaw(i: Argon2idInput): Promise<Uint8Array> {
  return argon2id({
    password: i.password,
    salt: i.salt,
    memorySize: i.m,
    iterations: i.t,
    parallelism: i.p,
    hashLength: i.length,
    outputType: 'binary',
  });
}

export interface KdfDeps {
  argon2id: (i: Argon2idInput) => Promise<Uint8Array>;
}

/**
 * Derives the 32-byte master key. The parameters are parsed and held to the floor before any
 * derivation runs; a weak, unknown or malformed set is the uniform DamagedError.
 * The password is NFKC-normalised so the same typed password gives the same key on every OS.
 */
export async function deriveMasterKey(
  masterPassword: string,
  untrustedParams: unknown,
  deps: KdfDeps = { argon2id: argon2idRaw },
): Promise<Uint8Array> {
  const parsed = KdfParamsSchema.safeParse(untrustedParams);
  if (!parsed.success) throw new DamagedError();
  const { m, t, p, salt } = parsed.data;
  const password = utf8(masterPassword.normalize('NFKC'));
  try {
    return await deps.argon2id({ password, salt: fromBase64Url(salt)!, m, t, p, length: 32 });
  } catch {
    // e.g. the WASM memory could not be grown: still one uniform failure, never a weaker retry.
    throw new DamagedError();
  } finally {
    wipe(password);
  }
}

export interface SplitKeys {
  /** What Supabase Auth sees as the password (43 base64url characters). */
  authSecret: string;
  /** Wraps the user's private keys; wipe it on lock. */
  wrapKey: Uint8Array;
}

const AUTH_INFO = utf8('keyroom/v1/auth-secret');
const WRAP_INFO = utf8('keyroom/v1/wrap-key');

/** HKDF-SHA256 split; distinct info labels make the two outputs independent. Wipes the master key. */
export function splitMasterKey(masterKey: Uint8Array): SplitKeys {
  if (masterKey.length !== 32) throw new DamagedError();
  const auth = hkdf(sha256, masterKey, undefined, AUTH_INFO, 32);
  const wrapKey = hkdf(sha256, masterKey, undefined, WRAP_INFO, 32);
  const authSecret = toBase64Url(auth);
  wipe(auth, masterKey);
  return { authSecret, wrapKey };
}
