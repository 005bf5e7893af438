// The office backup file: a short clear header, then one XChaCha20-Poly1305 ciphertext of the whole payload with
// every header byte as associated data, so a changed, missing or added byte anywhere makes the file refuse to
// open. The header holds only what opening needs (format version, the Argon2id parameters and salt, the nonce,
// a key commitment, the creation time): no office, vault or entry name. The key comes from the backup
// passphrase through Argon2id at least as strong as the master-password KDF (crypto/kdf.ts), held to the same
// floor and ceiling when a file is read, so a doctored header can neither weaken nor freeze the derivation.
//
//   "KEYROOMB" | format version (1 byte) | header length (uint32 BE) | header JSON | ciphertext
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { BACKUP_MESSAGES } from '../../shared/errors';
import { CoreError } from '../backend/errors';
import { base64UrlBytes, concat, equalBytes, fromBase64Url, toBase64Url, utf8, wipe } from '../crypto/bytes';
import { argon2idRaw, KDF_DEFAULT, type KdfParams, KdfParamsSchema } from '../crypto/kdf';
import { estimateStrength } from '../vault/strength';

const MAGIC = utf8('KEYROOMB');
export const FORMAT_VERSION = 1;
const PREFIX = MAGIC.length + 1 + 4;
/** A header is a few hundred bytes; the bound stops a doctored length from allocating much. */
const HEADER_MAX = 4096;

/**
 * One pass more than the master-password default: a backup file can be copied and attacked offline for as
 * long as someone likes, and the extra pass costs ~0.15 s once per backup or restore.
 */
export const BACKUP_KDF = { m: KDF_DEFAULT.m, t: KDF_DEFAULT.t + 1, p: KDF_DEFAULT.p } as const;

/** At least this long and scored at least "strong" (3 of 4) by the app's own estimator (vault/strength.ts). */
const PASSPHRASE_MIN_LENGTH = 16;
const PASSPHRASE_MIN_SCORE = 3;

const HeaderSchema = z.strictObject({
  kdf: KdfParamsSchema,
  nonce: base64UrlBytes(24),
  /** HMAC-SHA256 under a key derived beside the encryption key: Poly1305 alone does not commit to its key. */
  commit: base64UrlBytes(32),
  createdAt: z.iso.datetime({ offset: true }),
});
export type BackupHeader = z.infer<typeof HeaderSchema>;

const unreadable = () => new CoreError('damaged', BACKUP_MESSAGES.unreadable);

/** Refuses a passphrase that would make the file the weak point, in the words the CLI and app show. */
export function checkPassphrase(passphrase: string): void {
  if (passphrase.length < PASSPHRASE_MIN_LENGTH || estimateStrength(passphrase).score < PASSPHRASE_MIN_SCORE)
    throw new CoreError('invalid_request', BACKUP_MESSAGES.weakPassphrase);
}

async function keysFrom(
  passphrase: string,
  kdf: KdfParams,
): Promise<{ enc: Uint8Array; commit: Uint8Array }> {
  const password = utf8(passphrase.normalize('NFKC'));
  let master: Uint8Array;
  try {
    master = await argon2idRaw({
      password,
      salt: fromBase64Url(kdf.salt)!,
      m: kdf.m,
      t: kdf.t,
      p: kdf.p,
      length: 32,
    });
  } finally {
    wipe(password);
  }
  const enc = hkdf(sha256, master, undefined, utf8('keyroom/v1/backup-encrypt'), 32);
  const commitKey = hkdf(sha256, master, undefined, utf8('keyroom/v1/backup-commit'), 32);
  wipe(master);
  return { enc, commit: commitKey };
}

function commitment(commitKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hmac(sha256, commitKey, concat(utf8('keyroom/v1/backup-commitment'), nonce));
}

/** Encrypts `payload` (the encoded plaintext, wiped afterwards) into a complete backup file. */
export async function sealBackup(
  payload: Uint8Array,
  passphrase: string,
  now = new Date(),
): Promise<Uint8Array> {
  checkPassphrase(passphrase);
  const kdf: KdfParams = { alg: 'argon2id', v: 19, ...BACKUP_KDF, salt: toBase64Url(randomBytes(16)) };
  const nonce = randomBytes(24);
  const keys = await keysFrom(passphrase, kdf);
  const header: BackupHeader = {
    kdf,
    nonce: toBase64Url(nonce),
    commit: toBase64Url(commitment(keys.commit, nonce)),
    createdAt: now.toISOString(),
  };
  const json = utf8(JSON.stringify(header));
  const prefix = new Uint8Array(PREFIX);
  prefix.set(MAGIC);
  prefix[MAGIC.length] = FORMAT_VERSION;
  new DataView(prefix.buffer).setUint32(MAGIC.length + 1, json.length);
  const ad = concat(prefix, json);
  try {
    return concat(ad, xchacha20poly1305(keys.enc, nonce, ad).encrypt(payload));
  } finally {
    wipe(keys.enc, keys.commit, payload);
  }
}

/** The clear header, for telling a backup file apart before asking for its passphrase; nothing is verified. */
export function readHeader(file: Uint8Array): BackupHeader {
  return split(file).header;
}

function split(file: Uint8Array): { header: BackupHeader; ad: Uint8Array; ct: Uint8Array } {
  if (file.length < PREFIX || !equalBytes(file.subarray(0, MAGIC.length), MAGIC)) throw unreadable();
  if (file[MAGIC.length] !== FORMAT_VERSION) throw unreadable();
  const len = new DataView(file.buffer, file.byteOffset + MAGIC.length + 1, 4).getUint32(0);
  if (len > HEADER_MAX || file.length < PREFIX + len + 16) throw unreadable();
  let parsed: ReturnType<typeof HeaderSchema.safeParse>;
  try {
    parsed = HeaderSchema.safeParse(
      JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(PREFIX, PREFIX + len))),
    );
  } catch {
    throw unreadable();
  }
  if (!parsed.success) throw unreadable();
  return { header: parsed.data, ad: file.subarray(0, PREFIX + len), ct: file.subarray(PREFIX + len) };
}

/**
 * Decrypts a backup file. Every failure (wrong passphrase, any altered or missing byte, an unknown version,
 * parameters outside the floor and ceiling) is the one `unreadable` refusal.
 */
export async function openBackup(file: Uint8Array, passphrase: string): Promise<Uint8Array> {
  const { header, ad, ct } = split(file);
  const nonce = fromBase64Url(header.nonce)!;
  let keys: { enc: Uint8Array; commit: Uint8Array };
  try {
    keys = await keysFrom(passphrase, header.kdf);
  } catch {
    throw unreadable();
  }
  try {
    if (!equalBytes(commitment(keys.commit, nonce), fromBase64Url(header.commit)!)) throw unreadable();
    return xchacha20poly1305(keys.enc, nonce, ad).decrypt(ct);
  } catch {
    throw unreadable();
  } finally {
    wipe(keys.enc, keys.commit);
  }
}
