// Rotating a vault key after offboarding: a new key, every entry re-encrypted client-side for the version the
// rotation gives it (a tombstone stays a tombstone), and grants only for the colleagues this PC verified
// (admin/recipients.ts), all in one rotate_vault_key call. Tombstones get a delete proof for their new row.
import type { RotatedEntry, RotatedGrant } from '../backend/client';
import { CoreError } from '../backend/errors';
import type { EntryRow } from '../backend/rows';
import { wipe } from '../crypto/bytes';
import { signEntryState } from '../crypto/entry-state';
import { encryptEntry, VaultKey } from '../crypto/envelope';
import { newVaultKeyBytes } from '../crypto/keys';
import { entryDigest } from '../session/snapshot';
import { encodeEntry } from '../vault/entry-schema';
import type { AdminContext } from './operations';
import { sealGrant, type UnverifiedHolder, vaultRecipients } from './recipients';

/** `revoked`: every certificate this PC knows to be revoked (crypto/revocation.ts certificateKey). */
export async function rotateVaultKey(
  ctx: AdminContext,
  revoked: ReadonlySet<string>,
  vaultId: string,
  leaverId: string | null,
): Promise<{ keyVersion: number; unverified: UnverifiedHolder[] }> {
  const me = ctx.keyring;
  const vault = (await ctx.backend.vaults()).find((v) => v.id === vaultId);
  if (!vault) throw new CoreError('not_found');
  const next = vault.key_version + 1;
  const raw = newVaultKeyBytes();
  const newKey = new VaultKey(raw.slice(), next);
  try {
    const entries: RotatedEntry[] = [];
    const accepted = new Map(ctx.replica.snapshotItems().map((s) => [s.id, s.digest]));
    for (const row of await ctx.backend.allEntries(vaultId)) {
      refuseUnaccepted(ctx, row, accepted.get(row.id));
      const plain = ctx.replica.decrypt(row);
      if (!plain)
        throw new CoreError(
          'damaged',
          'An entry in this vault could not be opened; the key was not rotated.',
        );
      const slot = {
        vaultId,
        entryId: row.id,
        keyVersion: next,
        entryVersion: row.version + 1,
        deleted: row.deleted_at !== null,
      };
      const envelope = encryptEntry(newKey, slot, encodeEntry(plain));
      // A tombstone's proof names its row exactly (crypto/entry-state.ts): the rotated row gets one of its own.
      const stateProof = slot.deleted
        ? signEntryState(
            { vaultId, entryId: row.id },
            { version: slot.entryVersion, keyVersion: next, envelope },
            'deleted',
            { id: me.userId, ed25519Secret: me.user.ed25519Secret },
          )
        : null;
      entries.push({ id: row.id, base_version: row.version, envelope, state_proof: stateProof });
    }
    const [colleagues, listed] = await Promise.all([
      ctx.backend.colleagues(),
      ctx.backend.grantsForVault(vaultId),
    ]);
    const { recipients, unverified } = vaultRecipients({
      keyVersion: vault.key_version,
      listed,
      colleagues,
      root: me.root,
      revoked,
      skip: new Set([me.userId.toLowerCase(), ...(leaverId ? [leaverId.toLowerCase()] : [])]),
    });
    const target = { id: vaultId, keyVersion: next };
    const grants: RotatedGrant[] = [
      sealGrant(me, target, raw, { memberId: me.userId, x25519Public: me.x25519PublicB64 }),
      ...recipients.map((r) => sealGrant(me, target, raw, r)),
    ];
    await ctx.backend.rotateVaultKey(vaultId, vault.key_version, entries, grants);
    me.addVaultKey(vaultId, raw.slice(), next);
    return { keyVersion: next, unverified };
  } finally {
    newKey.wipe();
    wipe(raw);
  }
}

/**
 * The server's rows are re-encrypted only where they are the very rows this PC accepted (state proof, version
 * floor: vault/replica.ts): else a delete the server forged, a rollback or a row it swapped since would be
 * re-encrypted under the new key and carry this admin's signature from then on. The entry is named.
 */
function refuseUnaccepted(ctx: AdminContext, row: EntryRow, digest: string | undefined): void {
  if (digest !== undefined && digest === entryDigest(row) && !ctx.replica.isDamaged(row.id)) return;
  const seen = ctx.replica.get(row.id);
  const name = seen?.entry.title ? `“${seen.entry.title}”` : 'An entry';
  const why = ctx.replica.isDamaged(row.id)
    ? 'is damaged on this PC'
    : seen && row.version < seen.version
      ? 'is older on the server than this PC has seen'
      : 'on the server is not the one this PC has: sync and try again';
  throw new CoreError('damaged', `${name} ${why}; the key was not rotated.`);
}
