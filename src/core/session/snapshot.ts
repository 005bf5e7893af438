// The unlock snapshot: what the entry list and the search index need (title, username, URL, category, notes,
// whether there is an authenticator key), sealed as one AEAD envelope under a key derived from the user's
// X25519 secret and bound to the user id. Decrypting every cached row with its vault key costs ~0.3 ms each;
// opening this costs one decryption, so a warm cache unlocks within the budget (DESIGN.md §11). It holds no
// password, no authenticator key and no custom field: reveal, copy and edit decrypt the row itself.
//
// Each item names the exact ciphertext it was read from (a digest over the row's slot and envelope). An item
// whose row changed on disk, or a snapshot that does not open, is ignored and the row is decrypted as before:
// the snapshot can only repeat what this PC already verified, never add to it.
import { createHash } from 'node:crypto';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import type { EntryRow } from '../backend/rows';
import { canonical, fromUtf8, utf8, wipe } from '../crypto/bytes';
import { ALG, EnvelopeKey, openWith, sealWith } from '../crypto/envelope';

export interface EntrySummaryFields {
  title: string;
  username: string;
  url: string;
  category: string;
  notes: string;
  hasTotp: boolean;
}

export interface SnapshotItem extends EntrySummaryFields {
  id: string;
  /** entryDigest of the row this summary was decrypted from. */
  digest: string;
}

const FORMAT = 1;
const snapshotAd = (userId: string) => canonical('keyroom/v1/unlock-snapshot', userId.toLowerCase(), FORMAT);

const SnapshotEnvelopeSchema = z.strictObject({
  v: z.literal(FORMAT),
  alg: z.literal(ALG),
  nonce: z.string().max(64),
  ct: z.string().max(64 * 1024 * 1024),
  cm: z.string().max(64),
});

export class SnapshotKey extends EnvelopeKey {
  /** HKDF from the X25519 secret with the user id in the label: a key for this user's PC cache only. */
  constructor(userId: string, x25519Secret: Uint8Array) {
    const raw = hkdf(
      sha256,
      x25519Secret,
      undefined,
      utf8(`keyroom/v1/unlock-snapshot/${userId.toLowerCase()}`),
      32,
    );
    try {
      super(raw, 'unlock-snapshot');
    } finally {
      wipe(raw);
    }
  }
}

/** Names one ciphertext in one slot: any change to the row (relabelled, re-versioned, new envelope) misses. */
export function entryDigest(
  row: Pick<EntryRow, 'id' | 'vault_id' | 'key_version' | 'version' | 'deleted_at' | 'envelope'>,
): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        row.id,
        row.vault_id,
        row.key_version,
        row.version,
        row.deleted_at !== null,
        row.envelope,
      ]),
    )
    .digest('base64url');
}

/** Items as arrays of fields, in this order: the snapshot of 1,200 entries stays small and quick to parse. */
type Packed = [string, string, string, string, string, string, string, 0 | 1];

export function sealSnapshot(key: SnapshotKey, userId: string, items: SnapshotItem[]): unknown {
  const packed: Packed[] = items.map((i) => [
    i.id,
    i.digest,
    i.title,
    i.username,
    i.url,
    i.category,
    i.notes,
    i.hasTotp ? 1 : 0,
  ]);
  return { v: FORMAT, alg: ALG, ...sealWith(key, snapshotAd(userId), utf8(JSON.stringify(packed))) };
}

const isPacked = (p: unknown): p is Packed =>
  Array.isArray(p) &&
  p.length === 8 &&
  p.slice(0, 7).every((f) => typeof f === 'string') &&
  (p[7] === 0 || p[7] === 1);

/** The items by entry id, or an empty map when the snapshot is missing or does not open. */
export function openSnapshot(
  key: SnapshotKey,
  userId: string,
  untrusted: unknown,
): Map<string, SnapshotItem> {
  const out = new Map<string, SnapshotItem>();
  const env = SnapshotEnvelopeSchema.safeParse(untrusted);
  if (!env.success) return out;
  let packed: unknown;
  try {
    packed = JSON.parse(fromUtf8(openWith(key, snapshotAd(userId), env.data)));
  } catch {
    return out;
  }
  if (!Array.isArray(packed)) return out;
  for (const p of packed) {
    if (!isPacked(p)) return new Map();
    const [id, digest, title, username, url, category, notes, totp] = p;
    out.set(id, { id, digest, title, username, url, category, notes, hasTotp: totp === 1 });
  }
  return out;
}
