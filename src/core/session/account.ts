// What this PC remembers about its user between runs, outside the vault cache: who signed in, the pinned
// office root (the trust anchor, never re-read from the server), the own public keys as enrolled (a server
// that swaps them is caught), and the KDF parameters and wrapped private keys needed to unlock.
import { z } from 'zod';
import { base64UrlBytes, fromBase64Url } from '../crypto/bytes';
import { WrappedEnvelopeSchema } from '../crypto/envelope';
import { KdfParamsSchema } from '../crypto/kdf';
import type { KeyPin } from '../crypto/keys';
import type { CacheStore } from '../storage/types';

export const accountSchema = z.object({
  v: z.literal(1),
  userId: z.uuid(),
  email: z.string().max(254),
  kdf: KdfParamsSchema,
  wrappedKeys: WrappedEnvelopeSchema,
  x25519Public: base64UrlBytes(32),
  ed25519Public: base64UrlBytes(32),
  root: z.object({ id: z.uuid(), ed25519Public: base64UrlBytes(32) }),
  /** The holder of the root role this PC last accepted (admin/succession.ts): a lower hand-over is a rollback. */
  rootHolder: z.object({ id: z.uuid(), n: z.int().min(1) }).optional(),
});
export type Account = z.infer<typeof accountSchema>;

/** What this account's key bundle vouches for: the pinned root and the last root hand-over accepted. */
export function keyPinOf(account: Account): KeyPin {
  return {
    root: { id: account.root.id, ed25519Public: fromBase64Url(account.root.ed25519Public)! },
    ...(account.rootHolder ? { holder: account.rootHolder } : {}),
  };
}

const DOCUMENT = 'account';

/** Kept as a document of the cache store, so wiping the cache (a disabled account) forgets it too. */
export class AccountStore {
  constructor(private readonly cache: CacheStore) {}

  /** The remembered account; a record that does not parse is treated as none (sign in again). */
  async load(): Promise<Account | null> {
    const raw = await this.cache.document(DOCUMENT).catch(() => null);
    const parsed = accountSchema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  }

  async save(account: Account): Promise<void> {
    await this.cache.apply({ documents: { [DOCUMENT]: accountSchema.parse(account) } });
  }
}
