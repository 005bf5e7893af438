// Deletes and restores are signed by an admin's key (DESIGN.md §4): the deleted state of an entry is outside
// the AEAD's plaintext, and any member holds the vault key, so neither the server nor a member can be allowed to
// decide it. A state proof is an admin's Ed25519 signature over (vault, entry, version, state), made for the
// version the delete or restore creates, and it stays on the row until the next state change: a later edit or a
// key rotation bumps the version without re-signing. The proof's own version is what a PC compares with the
// state it last accepted (vault/entry-state.ts), so an old proof cannot be replayed over a newer state it saw.
//
// The key version is not signed: a rotation re-encrypts tombstones and bumps their version, and the proof must
// survive it unsigned by the rotating admin; the ciphertext's own AD binds the key version.

import { ed25519 } from '@noble/curves/ed25519.js';
import { z } from 'zod';
import { base64UrlBytes, canonical, toBase64Url } from './bytes';
import { DamagedError } from './damaged';
import { type Lookup, type PinnedRoot, trustedAdminKey, verifySig } from './trust';

export type EntryStateName = 'deleted' | 'live';

/** `entries.state_proof` (docs/data-model.md). */
export const StateProofSchema = z.strictObject({
  signer: z.uuid(),
  v: z.int().min(1).max(0x7fffffff),
  sig: base64UrlBytes(64),
});
export type StateProof = z.infer<typeof StateProofSchema>;

export interface StateSlot {
  vaultId: string;
  entryId: string;
}

function stateMessage(slot: StateSlot, version: number, state: EntryStateName): Uint8Array {
  return canonical(
    'keyroom/v1/entry-state',
    slot.vaultId.toLowerCase(),
    slot.entryId.toLowerCase(),
    version,
    state,
  );
}

export function signEntryState(
  slot: StateSlot,
  version: number,
  state: EntryStateName,
  signer: { id: string; ed25519Secret: Uint8Array },
): StateProof {
  const sig = ed25519.sign(stateMessage(slot, version, state), signer.ed25519Secret);
  return { signer: signer.id, v: version, sig: toBase64Url(sig) };
}

/**
 * Verifies a proof from the server (untrusted) that `slot` entered `state`, signed by the office root or a
 * root-certified admin. Returns the version the proof was made for; any failure is DamagedError.
 */
export function verifyEntryState(
  untrusted: unknown,
  slot: StateSlot,
  state: EntryStateName,
  root: PinnedRoot,
  lookup: Lookup,
): number {
  const p = StateProofSchema.safeParse(untrusted);
  if (!p.success) throw new DamagedError();
  const key = trustedAdminKey(p.data.signer, root, lookup);
  if (!verifySig(p.data.sig, stateMessage(slot, p.data.v, state), key)) throw new DamagedError();
  return p.data.v;
}
