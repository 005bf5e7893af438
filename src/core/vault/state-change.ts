// Whether a row may move an entry between live and deleted on this PC. Only an admin's signed proof does
// (crypto/entry-state.ts), and only one made after the state this PC accepted last: a proof for version p says
// "the entry entered this state at p", so it must be newer than the version of the row it overrides (else it
// is an old delete or restore replayed over a later one). A tombstone needs the proof of exactly its own row
// (version, key version, envelope): nobody edits a tombstone, and a rotation signs it again. A live row may
// carry its restore's proof through later edits, so its proof is not newer than the row, and names the row
// exactly when made for its version.
//
// A row that keeps the state it had needs no proof (an edit, a rotation). A PC that never saw the entry takes
// a tombstone only with a valid delete proof, and a live row as it is: a server can always show such a PC an
// older true state, never one nobody signed.
import type { EntryRow } from '../backend/rows';
import { provesRow, type StateProof, verifyEntryState } from '../crypto/entry-state';
import type { Lookup, PinnedRoot } from '../crypto/trust';

type StateRow = Pick<
  EntryRow,
  'id' | 'vault_id' | 'version' | 'key_version' | 'envelope' | 'deleted_at' | 'state_proof'
>;

export function stateChangeHolds(
  row: StateRow,
  prev: Pick<EntryRow, 'version' | 'deleted_at'> | undefined,
  root: PinnedRoot,
  signers: Lookup,
): boolean {
  const deleted = row.deleted_at !== null;
  const changed = prev ? (prev.deleted_at !== null) !== deleted : deleted;
  if (!changed) return true;
  let p: StateProof;
  try {
    p = verifyEntryState(
      row.state_proof,
      { vaultId: row.vault_id, entryId: row.id },
      deleted ? 'deleted' : 'live',
      root,
      signers,
    );
  } catch {
    return false;
  }
  if (prev !== undefined && p.v <= prev.version) return false;
  const exact = provesRow(p, { version: row.version, keyVersion: row.key_version, envelope: row.envelope });
  return exact || (!deleted && p.v < row.version);
}
