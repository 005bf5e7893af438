// The plaintext of an entry: everything the user sees lives here, inside the ciphertext
// (DESIGN.md §4). Decrypted bytes are parsed with this schema; anything that does not fit is
// shown as damaged, like a failed decryption.
import { z } from 'zod';
import { BOUND_MESSAGES } from '../../shared/errors';
import { CoreError } from '../backend/errors';
import { DamagedError } from '../crypto/damaged';
import { parseTotpField } from './totp';

export const ENTRY_LIMITS = {
  title: 200,
  username: 500,
  password: 4096,
  url: 2048,
  notes: 20_000,
  category: 100,
  totp: 2048,
  fields: 50,
  fieldName: 100,
  fieldValue: 10_000,
  /**
   * The whole encoded plaintext. The fields above allow more in sum (50 custom fields of 10,000 characters), but
   * every PC downloads, decrypts and indexes every entry: the database refuses an envelope over 320 KiB
   * (entries_envelope_size), and 192 KiB of plaintext stays below it after the AEAD tag and base64url.
   */
  bytes: 192 * 1024,
} as const;

const isTotp = (s: string) => {
  try {
    parseTotpField(s);
    return true;
  } catch {
    return false;
  }
};

export const CustomFieldSchema = z.strictObject({
  name: z.string().trim().min(1).max(ENTRY_LIMITS.fieldName),
  value: z.string().max(ENTRY_LIMITS.fieldValue),
  hidden: z.boolean(),
});

/**
 * Unknown keys are stripped rather than refused: an entry written by a newer client still opens
 * in an older one (clients are kept current by forced updates, DESIGN.md §7).
 */
export const EntrySchema = z.object({
  title: z.string().trim().min(1).max(ENTRY_LIMITS.title),
  username: z.string().max(ENTRY_LIMITS.username).default(''),
  password: z.string().max(ENTRY_LIMITS.password).default(''),
  url: z.string().trim().max(ENTRY_LIMITS.url).default(''),
  notes: z.string().max(ENTRY_LIMITS.notes).default(''),
  category: z.string().trim().max(ENTRY_LIMITS.category).default(''),
  /** Empty, a base32 authenticator key, or an otpauth://totp/ link. */
  totp: z
    .string()
    .trim()
    .max(ENTRY_LIMITS.totp)
    .default('')
    .refine((s) => s === '' || isTotp(s), 'not a valid authenticator key'),
  fields: z.array(CustomFieldSchema).max(ENTRY_LIMITS.fields).default([]),
});
export type Entry = z.infer<typeof EntrySchema>;
export type EntryInput = z.input<typeof EntrySchema>;

/** Validates user input (throws ZodError with field paths for the form) and encodes it for encryptEntry. */
export function encodeEntry(input: EntryInput): Uint8Array {
  const bytes = new TextEncoder().encode(JSON.stringify(EntrySchema.parse(input)));
  if (bytes.length > ENTRY_LIMITS.bytes) {
    throw new CoreError('invalid_request', BOUND_MESSAGES.entries_envelope_size);
  }
  return bytes;
}

/** Parses decrypted bytes; anything malformed is DamagedError. */
export function decodeEntry(plaintext: Uint8Array): Entry {
  try {
    const parsed = EntrySchema.safeParse(
      JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext)),
    );
    if (parsed.success) return parsed.data;
  } catch {
    // falls through to the uniform error
  }
  throw new DamagedError();
}
