// Vaults and the keys to them: the vault rows, the grants (sealed vault keys, signed), the certificate
// revocations, and the key rotation that re-encrypts a vault in one call.
import { randomUUID } from 'node:crypto';
import type { StateProof } from '../crypto/entry-state';
import { type Connection, many, one } from './connection';
import { CoreError } from './errors';
import {
  type GrantRow,
  grantRowSchema,
  type RevocationRow,
  revocationRowSchema,
  type VaultRow,
  vaultRowSchema,
} from './rows';

const GRANT_COLUMNS =
  'id,vault_id,member_id,key_version,sealed_key,member_public,granted_by,signature,revoked_at';

/** A grant as rotate_vault_key takes it (the vault, key version and signer are implied). */
export interface RotatedGrant {
  member_id: string;
  member_public: string;
  sealed_key: string;
  signature: string;
}

export interface NewGrant extends RotatedGrant {
  vault_id: string;
  key_version: number;
  granted_by: string;
}

export interface RotatedEntry {
  id: string;
  base_version: number;
  envelope: unknown;
  /** A tombstone's delete proof for the rotated row; null keeps a live row's proof. */
  state_proof: StateProof | null;
}

export async function vaults(c: Connection): Promise<VaultRow[]> {
  const data = await c.call(() => c.client.from('vaults').select('id,name,key_version').order('name'));
  return many(vaultRowSchema, data);
}

/**
 * The id is chosen here and the row read back separately: the vaults select policy goes through a stable
 * function that cannot see the row its own INSERT … RETURNING is adding, so RETURNING is refused.
 */
export async function createVault(c: Connection, name: string): Promise<VaultRow> {
  const id = randomUUID();
  await c.call(() => c.client.from('vaults').insert({ id, name }), {
    forbidden: 'Only an admin can create a vault.',
  });
  const data = await c.call(() => c.client.from('vaults').select('id,name,key_version').eq('id', id));
  return one(vaultRowSchema, data);
}

/** The signed-in user's live grants (admins see everyone's; the filter keeps the own ones). */
export async function ownGrants(c: Connection): Promise<GrantRow[]> {
  const id = c.requireUser();
  const data = await c.call(() =>
    c.client.from('vault_grants').select(GRANT_COLUMNS).eq('member_id', id).is('revoked_at', null),
  );
  return many(grantRowSchema, data);
}

export async function grantsForVault(c: Connection, vaultId: string): Promise<GrantRow[]> {
  const data = await c.call(() =>
    c.client.from('vault_grants').select(GRANT_COLUMNS).eq('vault_id', vaultId).is('revoked_at', null),
  );
  return many(grantRowSchema, data);
}

export async function revocations(c: Connection): Promise<RevocationRow[]> {
  const data = await c.call(() =>
    c.client.from('key_revocations').select('user_id,certificate,revoked_by,signature'),
  );
  return many(revocationRowSchema, data);
}

/** Idempotent: revoking a certificate that is already revoked changes nothing. */
export async function insertRevocation(c: Connection, r: RevocationRow): Promise<void> {
  try {
    await c.call(() => c.client.from('key_revocations').insert(r), {
      forbidden: 'Only an admin can revoke a certificate.',
    });
  } catch (err) {
    if (!(err instanceof CoreError && err.code === 'conflict')) throw err;
  }
}

export async function insertGrants(c: Connection, grants: NewGrant[]): Promise<void> {
  if (grants.length === 0) return;
  await c.call(() => c.client.from('vault_grants').insert(grants), {
    forbidden: 'Only an admin can grant access to a vault.',
  });
}

export async function rotateVaultKey(
  c: Connection,
  vaultId: string,
  oldVersion: number,
  entries: RotatedEntry[],
  grants: RotatedGrant[],
): Promise<void> {
  await c.call(
    () =>
      c.client.rpc('rotate_vault_key', {
        p_vault_id: vaultId,
        p_old_version: oldVersion,
        p_entries: entries,
        p_grants: grants,
      }),
    { forbidden: 'Only an admin can rotate a vault key.' },
  );
}
