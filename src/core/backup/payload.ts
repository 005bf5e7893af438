// What a backup holds once decrypted: every vault the admin could read, each entry with all its fields (the same
// schema an entry's own ciphertext is held to, vault/entry-schema.ts) and its earlier versions. The decrypted
// payload is parsed with this schema before anything uses it: an authentic file written by a future or broken
// client is refused like a damaged one.
import { z } from 'zod';
import { BACKUP_MESSAGES } from '../../shared/errors';
import { CoreError } from '../backend/errors';
import { EntrySchema } from '../vault/entry-schema';

const time = z.iso.datetime({ offset: true });

const VersionSchema = z.strictObject({
  version: z.int().positive(),
  changedAt: time,
  deleted: z.boolean(),
  entry: EntrySchema,
});

const BackupEntrySchema = z.strictObject({
  /** The id in the office it came from; the restore writes new ids (the create path picks them). */
  id: z.uuid(),
  version: z.int().positive(),
  createdAt: time,
  updatedAt: time,
  entry: EntrySchema,
  /** Newest first, as the History dialog lists them. */
  history: z.array(VersionSchema).max(10_000),
});

const BackupVaultSchema = z.strictObject({
  id: z.uuid(),
  name: z.string().min(1).max(200),
  /** The categories its entries use, sorted: what the category filter offers for this vault. */
  categories: z.array(z.string().max(100)).max(100_000),
  entries: z.array(BackupEntrySchema).max(1_000_000),
});

export const PayloadSchema = z.strictObject({
  kind: z.literal('keyroom-office-backup'),
  v: z.literal(1),
  createdAt: time,
  /** The server the office ran on, so a restore can say where the backup came from. */
  source: z.string().max(2048),
  vaults: z.array(BackupVaultSchema).max(10_000),
  /** Live entries this PC could not open and so could not back up (listed by the UI as damaged). */
  skippedDamaged: z.int().nonnegative(),
});
export type BackupPayload = z.infer<typeof PayloadSchema>;
export type BackupVault = z.infer<typeof BackupVaultSchema>;
export type BackupEntry = z.infer<typeof BackupEntrySchema>;

export function encodePayload(p: BackupPayload): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(PayloadSchema.parse(p)));
}

export function decodePayload(bytes: Uint8Array): BackupPayload {
  try {
    const parsed = PayloadSchema.safeParse(
      JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)),
    );
    if (parsed.success) return parsed.data;
  } catch {
    // falls through to the one refusal
  }
  throw new CoreError('damaged', BACKUP_MESSAGES.unreadable);
}
