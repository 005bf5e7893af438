// The unlocked key material of one session: the user's key pairs, the pinned office root and the vault keys
// opened from verified grants. Everything here is wiped on lock.

import { ed25519 } from '@noble/curves/ed25519.js';
import type { ColleagueRow, GrantRow } from '../backend/rows';
import { equalBytes, toBase64Url, wipe } from '../crypto/bytes';
import { DamagedError } from '../crypto/damaged';
import { decryptEntry, type EntryEnvelope, encryptEntry, VaultKey } from '../crypto/envelope';
import { openSealedVaultKey, type UserKeys, wipeUserKeys } from '../crypto/keys';
import { certificateKey } from '../crypto/revocation';
import { type ColleagueKeys, type PinnedRoot, verifyGrant } from '../crypto/trust';

export interface VaultKeyOutcome {
  /** The grants that verified and opened, as given: what this PC may cache to unlock offline. */
  opened: GrantRow[];
  /** Grants that failed verification or opening; each stands for a vault this PC cannot read. */
  damaged: number;
}

/**
 * The colleagues' keys by lower-cased id. A certificate in `revoked` (crypto/revocation.ts certificateKey) leaves
 * its holder out: a revoked person receives nothing and a revoked admin vouches for nothing.
 */
export function colleagueKeys(
  rows: ColleagueRow[],
  revoked: ReadonlySet<string> = new Set(),
): Map<string, ColleagueKeys> {
  const map = new Map<string, ColleagueKeys>();
  for (const r of rows) {
    if (!r.x25519_public || !r.ed25519_public) continue;
    if (r.key_certificate && revoked.has(certificateKey(r.id, r.key_certificate))) continue;
    map.set(r.id.toLowerCase(), {
      id: r.id,
      x25519Public: r.x25519_public,
      ed25519Public: r.ed25519_public,
      keyCertificate: r.key_certificate,
    });
  }
  return map;
}

export class Keyring {
  readonly userId: string;
  readonly root: PinnedRoot;
  private keys: UserKeys | null;
  private readonly vaultKeys = new Map<string, Map<number, VaultKey>>();

  constructor(userId: string, keys: UserKeys, root: PinnedRoot) {
    this.userId = userId;
    this.keys = keys;
    this.root = root;
  }

  get user(): UserKeys {
    if (!this.keys) throw new DamagedError();
    return this.keys;
  }

  get x25519PublicB64(): string {
    return toBase64Url(this.user.x25519Public);
  }

  get ed25519PublicB64(): string {
    return toBase64Url(this.user.ed25519Public);
  }

  /**
   * The office root's signing key when this PC holds it: the first admin's own key, or the one an admin took over
   * with the recovery kit (admin/succession.ts). It signs as the pinned root id, which every PC verifies by its pin.
   */
  rootSigner(): { id: string; ed25519Secret: Uint8Array } | null {
    const u = this.user;
    if (equalBytes(u.ed25519Public, this.root.ed25519Public))
      return { id: this.root.id, ed25519Secret: u.ed25519Secret };
    if (
      u.rootSecret?.length === 32 &&
      equalBytes(ed25519.getPublicKey(u.rootSecret), this.root.ed25519Public)
    )
      return { id: this.root.id, ed25519Secret: u.rootSecret };
    return null;
  }

  /** Takes ownership of the root secret opened from the recovery kit (wiped with the user's keys). */
  holdRoot(secret: Uint8Array): void {
    wipe(this.user.rootSecret);
    this.user.rootSecret = secret;
  }

  /** Verifies each grant against the pinned root and opens its key; a bad grant opens nothing. */
  openGrants(grants: GrantRow[], colleagues: Map<string, ColleagueKeys>): VaultKeyOutcome {
    const opened: GrantRow[] = [];
    let damaged = 0;
    for (const g of grants) {
      try {
        const grant = verifyGrant(
          g,
          { id: this.userId, x25519Public: this.user.x25519Public },
          this.root,
          (id) => colleagues.get(id.toLowerCase()),
        );
        const raw = openSealedVaultKey(grant.sealed_key, this.user.x25519Secret, {
          vaultId: grant.vault_id,
          memberId: grant.member_id,
          keyVersion: grant.key_version,
        });
        this.addVaultKey(grant.vault_id, raw, grant.key_version);
        opened.push(g);
      } catch {
        damaged += 1;
      }
    }
    return { opened, damaged };
  }

  /** Takes ownership of `raw` (wiped here once the key object holds its subkeys). */
  addVaultKey(vaultId: string, raw: Uint8Array, version: number): void {
    const key = new VaultKey(raw, version);
    wipe(raw);
    const byVersion = this.vaultKeys.get(vaultId) ?? new Map<number, VaultKey>();
    byVersion.get(version)?.wipe();
    byVersion.set(version, key);
    this.vaultKeys.set(vaultId, byVersion);
  }

  hasKey(vaultId: string, version: number): boolean {
    return this.vaultKeys.get(vaultId)?.has(version) ?? false;
  }

  hasVault(vaultId: string): boolean {
    return (this.vaultKeys.get(vaultId)?.size ?? 0) > 0;
  }

  vaultIds(): string[] {
    return [...this.vaultKeys.keys()];
  }

  currentVersion(vaultId: string): number | undefined {
    const versions = [...(this.vaultKeys.get(vaultId)?.keys() ?? [])];
    return versions.length ? Math.max(...versions) : undefined;
  }

  /** `deleted`: a tombstone's ciphertext (its AD says so). */
  encrypt(
    vaultId: string,
    entryId: string,
    entryVersion: number,
    plaintext: Uint8Array,
    deleted = false,
  ): EntryEnvelope {
    const kv = this.currentVersion(vaultId);
    const key = kv === undefined ? undefined : this.vaultKeys.get(vaultId)?.get(kv);
    if (!key || kv === undefined) throw new DamagedError();
    return encryptEntry(key, { vaultId, entryId, keyVersion: kv, entryVersion, deleted }, plaintext);
  }

  /** Opens an envelope from the server for the slot the row claims; any mismatch is DamagedError. */
  decrypt(
    vaultId: string,
    entryId: string,
    keyVersion: number,
    entryVersion: number,
    envelope: unknown,
    deleted = false,
  ) {
    const key = this.vaultKeys.get(vaultId)?.get(keyVersion);
    return decryptEntry(key, { vaultId, entryId, keyVersion, entryVersion, deleted }, envelope);
  }

  /** The raw key bytes are not kept: sealing for a new member reopens the own grant (admin flows). */
  rawVaultKeyFromGrant(grant: GrantRow, colleagues: Map<string, ColleagueKeys>): Uint8Array {
    const g = verifyGrant(grant, { id: this.userId, x25519Public: this.user.x25519Public }, this.root, (id) =>
      colleagues.get(id.toLowerCase()),
    );
    return openSealedVaultKey(g.sealed_key, this.user.x25519Secret, {
      vaultId: g.vault_id,
      memberId: g.member_id,
      keyVersion: g.key_version,
    });
  }

  /**
   * Keeps only the key versions these (verified) grants stand for: after an offline unlock from cached grants,
   * the server's current grants decide, as they would have at an online unlock (a revoked or broken grant
   * takes its vault away).
   */
  retainOnly(grants: GrantRow[]): void {
    const backed = new Set(grants.map((g) => `${g.vault_id.toLowerCase()}:${g.key_version}`));
    for (const [vaultId, byVersion] of this.vaultKeys) {
      for (const [v, k] of byVersion) {
        if (backed.has(`${vaultId.toLowerCase()}:${v}`)) continue;
        k.wipe();
        byVersion.delete(v);
      }
      if (byVersion.size === 0) this.vaultKeys.delete(vaultId);
    }
  }

  /** Forgets the vault keys and keeps the user's: the cached grants did not verify, the server's may. */
  dropVaultKeys(): void {
    for (const byVersion of this.vaultKeys.values()) for (const k of byVersion.values()) k.wipe();
    this.vaultKeys.clear();
  }

  wipe(): void {
    this.dropVaultKeys();
    if (this.keys) wipeUserKeys(this.keys);
    this.keys = null;
  }
}
