// Deletes and restores are signed by an admin's key (DESIGN.md §4): the deleted state of an entry is outside
// the AEAD's plaintext, and any member holds the vault key, so neither the server nor a member can be allowed to
// decide it. A state proof is an admin's Ed25519 signature over (vault, entry, version, key version, state,
// SHA-256 of the envelope) of the row the delete or restore creates: it names that one row. A tombstone is taken
// only with the proof of exactly its row (vault/state-change.ts), so an old delete proof carried onto a later,
// member-made tombstone is refused; a rotation re-encrypts a tombstone and signs it again. A restore's proof
// stays on the row through later edits; its version is what a PC compares with the state it last accepted.

import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { base64UrlBytes, canonical, toBase64Url } from './bytes';
import { DamagedError } from './damaged';
import { EntryEnvelopeSchema } from './envelope';
import { type Lookup, type PinnedRoot, trustedAdminKey, verifySig } from './trust';

export type EntryStateName = 'deleted' | 'live';

/** `entries.state_proof` (docs/data-model.md). */
export const StateProofSchema = z.strictObject({
  signer: z.uuid(),
  v: z.int().min(1).max(0x7fffffff),
  kv: z.int().min(1).max(0x7fffffff),
  /** SHA-256 of the envelope (envelopeDigest). */
  h: base64UrlBytes(32),
  sig: base64UrlBytes(64),
});
export type StateProof = z.infer<typeof StateProofSchema>;

export interface StateSlot {
  vaultId: string;
  entryId: string;
}

/** The row a proof is made for: its version, key version and envelope. */
export interface StateRowFields {
  version: number;
  keyVersion: number;
  envelope: unknown;
}

/**
 * SHA-256 over the envelope's fields in a fixed order (jsonb does not keep the key order it was sent in), or null
 * for anything that is not an entry envelope.
 */
export function envelopeDigest(envelope: unknown): string | null {
  const e = EntryEnvelopeSchema.safeParse(envelope);
  if (!e.success) return null;
  const d = e.data;
  return toBase64Url(sha256(canonical('keyroom/v1/entry-envelope', d.v, d.kv, d.alg, d.nonce, d.ct, d.cm)));
}

function stateMessage(
  slot: StateSlot,
  p: Pick<StateProof, 'v' | 'kv' | 'h'>,
  state: EntryStateName,
): Uint8Array {
  return canonical(
    'keyroom/v2/entry-state',
    slot.vaultId.toLowerCase(),
    slot.entryId.toLowerCase(),
    p.v,
    p.kv,
    state,
    p.h,
  );
}

export function signEntryState(
  slot: StateSlot,
  row: StateRowFields,
  state: EntryStateName,
  signer: { id: string; ed25519Secret: Uint8Array },
): StateProof {
  const h = envelopeDigest(row.envelope);
  if (!h) throw new RangeError('not an entry envelope');
  const fields = { v: row.version, kv: row.keyVersion, h };
  const sig = ed25519.sign(stateMessage(slot, fields, state), signer.ed25519Secret);
  return { signer: signer.id, ...fields, sig: toBase64Url(sig) };
}

/** True when the proof was made for exactly this row (version, key version and envelope). */
export function provesRow(p: Pick<StateProof, 'v' | 'kv' | 'h'>, row: StateRowFields): boolean {
  return p.v === row.version && p.kv === row.keyVersion && p.h === envelopeDigest(row.envelope);
}

/**
 * Verifies a proof from the server (untrusted) that `slot` entered `state`, signed by the office root or a
 * root-certified admin. Returns the proof, its fields verified; any failure is DamagedError.
 */
export function verifyEntryState(
  untrusted: unknown,
  slot: StateSlot,
  state: EntryStateName,
  root: PinnedRoot,
  lookup: Lookup,
): StateProof {
  const p = StateProofSchema.safeParse(untrusted);
  if (!p.success) throw new DamagedError();
  const key = trustedAdminKey(p.data.signer, root, lookup);
  if (!verifySig(p.data.sig, stateMessage(slot, p.data, state), key)) throw new DamagedError();
  return p.data;
}
