// The office recovery kit: the office root's Ed25519 secret sealed under a recovery code that exists only on the
// printed sheet. The code is 160 random bits (far past any offline search, so the sealed kit may sit on the server
// and on paper), written as 8 groups of 4 Crockford base32 characters. The sealing key is Argon2id over the code
// with the same parameter floor as a master password (kdf.ts), then the entries' AEAD (envelope.ts); the associated
// data binds the office root's id and public key, so a kit opens only for the office whose root it seals.
import { ed25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import {
  base64UrlBytes,
  canonical,
  equalBytes,
  fromBase64Url,
  fromUtf8,
  toBase64Url,
  utf8,
  wipe,
} from './bytes';
import { DamagedError } from './damaged';
import { ALG, EnvelopeKey, openWith, sealWith } from './envelope';
import { deriveMasterKey, KdfParamsSchema, newKdfParams } from './kdf';
import type { PinnedRoot } from './trust';

/** 160 bits: 32 base32 characters exactly, no padding bits to get wrong. */
const CODE_BYTES = 20;
const CODE_CHARS = 32;
const GROUP = 4;
// Crockford's base32: no I, L, O or U, so what is typed from paper has one reading.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The printed kit text is the sealed kit as base64url JSON: a few hundred characters. */
const KIT_TEXT_MAX = 2048;

export const RecoveryKitSchema = z.strictObject({
  v: z.literal(1),
  office_root: z.uuid(),
  root_public: base64UrlBytes(32),
  kdf: KdfParamsSchema,
  alg: z.literal(ALG),
  nonce: base64UrlBytes(24),
  ct: base64UrlBytes(48),
  cm: base64UrlBytes(32),
});
export type RecoveryKit = z.infer<typeof RecoveryKitSchema>;

class RecoveryKey extends EnvelopeKey {
  constructor(raw: Uint8Array) {
    super(raw, 'recovery-kit');
  }
}

/** A new recovery code, grouped for print: "7KQ2-M9XD-…" (8 groups). */
export function newRecoveryCode(): string {
  const bytes = randomBytes(CODE_BYTES);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  wipe(bytes);
  return out.match(new RegExp(`.{${GROUP}}`, 'g'))!.join('-');
}

/**
 * The one spelling of a typed code (case, spaces and dashes ignored; O read as 0, I and L as 1), or null when it
 * cannot be a code at all: the person is told to check the sheet, not that the kit failed.
 */
export function normalizeRecoveryCode(typed: string): string | null {
  const s = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (s.length !== CODE_CHARS || [...s].some((c) => !ALPHABET.includes(c))) return null;
  return s;
}

function kitAd(root: { id: string; publicKey: Uint8Array }): Uint8Array {
  return canonical('keyroom/v1/recovery-kit', root.id.toLowerCase(), root.publicKey);
}

async function kitKey(code: string, kdf: unknown): Promise<RecoveryKey> {
  const raw = await deriveMasterKey(code, kdf);
  try {
    return new RecoveryKey(raw);
  } finally {
    wipe(raw);
  }
}

/** Seals the root's secret for the kit; `code` comes from newRecoveryCode (normalised here). */
export async function sealRecoveryKit(
  code: string,
  root: { id: string; ed25519Secret: Uint8Array },
): Promise<RecoveryKit> {
  const normal = normalizeRecoveryCode(code);
  if (!normal) throw new RangeError('not a recovery code');
  const publicKey = ed25519.getPublicKey(root.ed25519Secret);
  const kdf = newKdfParams();
  const key = await kitKey(normal, kdf);
  try {
    const sealed = sealWith(key, kitAd({ id: root.id, publicKey }), root.ed25519Secret);
    return { v: 1, office_root: root.id, root_public: toBase64Url(publicKey), kdf, alg: ALG, ...sealed };
  } finally {
    key.wipe();
  }
}

/**
 * Opens a kit (untrusted: from the server or typed from the sheet) with a typed code, for this PC's pinned root
 * only: the kit must name the pinned root and its key, and the secret inside must be the pinned key's. Any
 * failure, a wrong code included, is the one DamagedError; the KDF floor is checked before Argon2 runs.
 */
export async function openRecoveryKit(
  code: string,
  untrusted: unknown,
  pinned: PinnedRoot,
): Promise<Uint8Array> {
  const normal = normalizeRecoveryCode(code);
  const parsed = RecoveryKitSchema.safeParse(untrusted);
  if (!normal || !parsed.success) throw new DamagedError();
  const kit = parsed.data;
  const kitPublic = fromBase64Url(kit.root_public)!;
  if (
    kit.office_root.toLowerCase() !== pinned.id.toLowerCase() ||
    !equalBytes(kitPublic, pinned.ed25519Public)
  )
    throw new DamagedError();
  const key = await kitKey(normal, kit.kdf);
  let secret: Uint8Array;
  try {
    secret = openWith(key, kitAd({ id: pinned.id, publicKey: pinned.ed25519Public }), kit);
  } finally {
    key.wipe();
  }
  if (secret.length !== 32 || !equalBytes(ed25519.getPublicKey(secret), pinned.ed25519Public)) {
    wipe(secret);
    throw new DamagedError();
  }
  return secret;
}

/** The sealed kit as printed on the sheet (one line of base64url), for a take-over without the server's copy. */
export function kitToText(kit: RecoveryKit): string {
  return toBase64Url(utf8(JSON.stringify(kit)));
}

/** The printed line back to a kit candidate (still untrusted: openRecoveryKit checks it); null if unreadable. */
export function kitFromText(text: string): unknown {
  const compact = text.replace(/\s/g, '');
  if (compact.length === 0 || compact.length > KIT_TEXT_MAX) return null;
  const bytes = fromBase64Url(compact);
  if (!bytes) return null;
  try {
    return JSON.parse(fromUtf8(bytes));
  } catch {
    return null;
  }
}
