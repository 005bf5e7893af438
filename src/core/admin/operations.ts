// What an admin does to people and keys. Role and status changes go through the admin-users edge function;
// confirming a member signs their key certificate and seals every vault key to them after the admin has
// compared fingerprints; rotating a vault key (admin/rotation.ts) re-encrypts every entry client-side and swaps
// key, entries and grants in one atomic server call, sealed only to colleagues this PC verified.
import { z } from 'zod';
import type { NewGrant, RotatedGrant } from '../backend/client';
import { CoreError } from '../backend/errors';
import { type ColleagueRow, type ProfileRow, roleSchema, statusSchema } from '../backend/rows';
import { wipe } from '../crypto/bytes';
import { fingerprint } from '../crypto/fingerprint';
import { newVaultKeyBytes } from '../crypto/keys';
import { type KeyCertificate, type Role, signKeyCertificate } from '../crypto/trust';
import { memberFingerprint, sameFingerprint } from '../session/enrollment';
import { colleagueKeys } from '../vault/keyring';
import type { Replica } from '../vault/replica';
import { grantHolds, sealGrant, type UnverifiedHolder, verifiedKeys } from './recipients';
import { type RevokingContext, revokedNow, revoking, takeOverRevocations } from './revoking';
import { rotateVaultKey } from './rotation';
import { refuseEndingRoot } from './succession';

export interface Member {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  status: z.infer<typeof statusSchema>;
  /** Both public keys, as the member reads them out; null before enrollment. */
  fingerprint: string | null;
  invitedAt: string;
  enrolledAt: string | null;
  confirmedAt: string | null;
  isOfficeRoot: boolean;
}

export interface Invitation {
  memberId: string;
  email: string;
  displayName: string;
  oneTimePassword: string;
  officeFingerprint: string;
  serverUrl: string;
  issuedAt: string;
}

export interface ExposedEntry {
  entryId: string;
  title: string;
  action: string;
  at: string;
}

export interface AdminContext extends RevokingContext {
  replica: Replica;
  isAdmin(): boolean;
  /** The holder of the office root role as this PC verified it (admin/succession.ts). */
  rootHolder(): string;
}

type ConfirmGrant = Pick<NewGrant, 'vault_id' | 'key_version' | 'sealed_key' | 'member_public' | 'signature'>;

const userReply = z.object({
  user: z.object({
    id: z.uuid(),
    email: z.string().max(254),
    display_name: z.string().max(200),
    role: roleSchema,
    status: statusSchema,
  }),
});
const passwordReply = userReply.extend({ one_time_password: z.string().min(8).max(200) });

// What counts as the leaver having seen a secret: an authenticator code is one too.
const EXPOSING = ['entry.reveal', 'entry.copy', 'entry.copy_username', 'entry.totp'];

export class AdminOperations {
  constructor(private readonly ctx: AdminContext) {}

  private guard(): void {
    if (!this.ctx.isAdmin()) throw new CoreError('forbidden', 'Only an admin can do that.');
  }

  private member(p: ProfileRow, rootId: string): Member {
    let fp: string | null = null;
    if (p.x25519_public && p.ed25519_public) {
      try {
        fp = memberFingerprint(p.x25519_public, p.ed25519_public);
      } catch {
        fp = null;
      }
    }
    return {
      id: p.id,
      email: p.email,
      displayName: p.display_name,
      role: p.role,
      status: p.status,
      fingerprint: fp,
      invitedAt: p.created_at,
      enrolledAt: p.enrolled_at,
      confirmedAt: p.confirmed_at,
      isOfficeRoot: p.id === rootId,
    };
  }

  async members(): Promise<Member[]> {
    this.guard();
    const rows = await this.ctx.backend.profiles();
    return rows.map((p) => this.member(p, this.ctx.rootHolder()));
  }

  async invite(email: string, displayName: string, role: Role): Promise<Invitation> {
    this.guard();
    const data = await this.ctx.backend.invoke(
      'admin-users',
      { action: 'invite', email, display_name: displayName, role },
      { forbidden: 'Only an admin can invite people.' },
    );
    const r = passwordReply.safeParse(data);
    if (!r.success) throw new CoreError('internal');
    return {
      memberId: r.data.user.id,
      email: r.data.user.email,
      displayName: r.data.user.display_name,
      oneTimePassword: r.data.one_time_password,
      officeFingerprint: fingerprint(this.ctx.keyring.root.ed25519Public),
      serverUrl: this.ctx.backend.url,
      issuedAt: new Date().toISOString(),
    };
  }

  private keepRoot(memberId: string, endsKeys: boolean): void {
    refuseEndingRoot(memberId, { holder: this.ctx.rootHolder(), first: this.ctx.keyring.root.id }, endsKeys);
  }

  /** A reset issues a new one-time password: the member enrolls again and is confirmed again. */
  async reset(memberId: string): Promise<Invitation> {
    this.guard();
    this.keepRoot(memberId, true);
    await this.takeOver(memberId);
    const data = await revoking(this.ctx, memberId, () =>
      this.ctx.backend.invoke('admin-users', { action: 'reset', user_id: memberId }),
    );
    const r = passwordReply.safeParse(data);
    if (!r.success) throw new CoreError('internal');
    return {
      memberId,
      email: r.data.user.email,
      displayName: r.data.user.display_name,
      oneTimePassword: r.data.one_time_password,
      officeFingerprint: fingerprint(this.ctx.keyring.root.ed25519Public),
      serverUrl: this.ctx.backend.url,
      issuedAt: new Date().toISOString(),
    };
  }

  private async simple(body: Record<string, unknown>): Promise<Member> {
    this.guard();
    const data = await this.ctx.backend.invoke('admin-users', body);
    const r = userReply.safeParse(data);
    if (!r.success) throw new CoreError('internal');
    const p = (await this.ctx.backend.profiles()).find((x) => x.id === r.data.user.id);
    if (!p) throw new CoreError('not_found');
    return this.member(p, this.ctx.rootHolder());
  }

  async disable(memberId: string): Promise<Member> {
    this.guard();
    this.keepRoot(memberId, false);
    await this.takeOver(memberId);
    return revoking(this.ctx, memberId, () => this.simple({ action: 'disable', user_id: memberId }));
  }

  enable(memberId: string): Promise<Member> {
    return this.simple({ action: 'enable', user_id: memberId });
  }

  async setRole(memberId: string, role: Role): Promise<Member> {
    this.guard();
    if (role !== 'admin') {
      this.keepRoot(memberId, false);
      await this.takeOver(memberId);
    }
    return revoking(this.ctx, memberId, () => this.simple({ action: 'set-role', user_id: memberId, role }));
  }

  /**
   * Before an active admin stops being one (demoted, disabled, reset): their certificate goes, and with it every grant
   * and member certificate (and revocation) they signed would stop verifying, so colleagues would lose the vault. This
   * admin re-signs those first, each checked against the chain while it still holds; admin-users swaps them in one transaction.
   * People who are not active are left out: they are confirmed again, with new grants, before they read anything.
   */
  private async takeOver(fromId: string): Promise<void> {
    const colleagues = await this.ctx.backend.colleagues();
    const from = colleagues.find((c) => c.id === fromId);
    const me = this.ctx.keyring;
    // The root's signing key is pinned on every PC: what it signed verifies whatever its certificate says.
    if (from?.role !== 'admin' || from.status !== 'active' || fromId === me.root.id) return;
    const revoked = await revokedNow(this.ctx, colleagues);
    const lookup = colleagueKeys(colleagues, revoked);
    const signedByFrom = (id: string | null | undefined) => id?.toLowerCase() === fromId.toLowerCase();
    // Already unverifiable (or revoked): taking it over would vouch for what nobody can check.
    const vouchable = (c: ColleagueRow | undefined) =>
      c && c.id !== fromId ? verifiedKeys(c, me.root, lookup) : null;
    const certificates: { user_id: string; key_certificate: KeyCertificate }[] = [];
    for (const c of colleagues) {
      if (!signedByFrom(c.key_certificate?.signer)) continue;
      const keys = vouchable(c);
      if (!keys) continue;
      certificates.push({
        user_id: c.id,
        key_certificate: signKeyCertificate(
          { id: c.id, role: c.role, x25519Public: keys.x25519Public, ed25519Public: keys.ed25519Public },
          { id: me.userId, ed25519Secret: me.user.ed25519Secret },
        ),
      });
    }
    const byId = new Map(colleagues.map((c) => [c.id, c]));
    const own = await this.ctx.backend.ownGrants();
    const grants: (RotatedGrant & { vault_id: string; key_version: number })[] = [];
    for (const v of await this.ctx.backend.vaults()) {
      const theirs = (await this.ctx.backend.grantsForVault(v.id)).filter(
        (g) => signedByFrom(g.granted_by) && g.key_version === v.key_version && g.member_id !== fromId,
      );
      if (theirs.length === 0) continue;
      const mine = own.find((g) => g.vault_id === v.id && g.key_version === v.key_version);
      if (!mine) throw new CoreError('invalid_request', `You do not hold the current key of “${v.name}”.`);
      const raw = me.rawVaultKeyFromGrant(mine, lookup);
      try {
        for (const g of theirs) {
          const keys = g.member_id === me.userId ? null : vouchable(byId.get(g.member_id));
          // A grant re-signed only where the one it replaces verifies: a row the server made up stays unsigned.
          if (keys && !grantHolds(g, keys, v.key_version, me.root, lookup)) continue;
          const memberPublic = g.member_id === me.userId ? me.x25519PublicB64 : keys?.x25519Public;
          if (!memberPublic) continue;
          const to = { memberId: g.member_id, x25519Public: memberPublic };
          grants.push({
            vault_id: v.id,
            key_version: v.key_version,
            ...sealGrant(me, { id: v.id, keyVersion: v.key_version }, raw, to),
          });
        }
      } finally {
        wipe(raw);
      }
    }
    const revocations = await takeOverRevocations(this.ctx, fromId, revoked);
    if (grants.length === 0 && certificates.length === 0 && revocations.length === 0) return;
    if (fromId === me.userId)
      throw new CoreError('invalid_request', 'Ask another admin: what you signed must be taken over first.');
    for (const r of revocations) await this.ctx.backend.insertRevocation(r);
    await this.ctx.backend.invoke('admin-users', {
      action: 'take-over',
      user_id: fromId,
      grants,
      certificates,
    });
  }

  /**
   * After the admin compared the fingerprint the person read out: certify their keys (as `role`), seal every vault key
   * this admin holds to them, signed, and have admin-users activate the account with those grants in one step. The
   * same for a first confirmation and a re-confirmation (after a role change or a re-enable): the new grants replace
   * what the person held at those key versions.
   */
  async confirm(memberId: string, typedFingerprint: string, role: Role = 'member'): Promise<Member> {
    this.guard();
    const p = (await this.ctx.backend.profiles()).find((x) => x.id === memberId);
    if (!p) throw new CoreError('not_found');
    const me = this.ctx.keyring;
    // The certificate's role is what lets a key sign grants, so it never comes from the server's say-so:
    // admin only when the caller asks for it, and only for someone the server also lists as admin.
    if (role === 'admin' && p.role !== 'admin') {
      throw new CoreError('invalid_request', 'This person is not an admin.');
    }
    // Colleagues accept grants only from admins whose certificate the office root signed (crypto/trust.ts), so an
    // admin certificate from anyone else would leave an admin whose grants never open. The root itself is the
    // exception: its signing key is pinned on every PC, its certificate only vouches for its X25519 key. Whoever
    // holds the root's key (the first admin, or who took it over with the recovery kit) certifies as the root.
    const rootSigner = role === 'admin' ? me.rootSigner() : null;
    if (role === 'admin' && !rootSigner && p.id !== me.root.id) {
      throw new CoreError('forbidden', 'Only the office root can confirm an admin.');
    }
    if (p.status !== 'enrolled' || !p.x25519_public || !p.ed25519_public) {
      throw new CoreError('invalid_request', 'This person has not finished enrolling yet.');
    }
    if (!sameFingerprint(memberFingerprint(p.x25519_public, p.ed25519_public), typedFingerprint)) {
      throw new CoreError('fingerprint_mismatch', 'The fingerprint does not match this person’s keys.');
    }
    const certificate = signKeyCertificate(
      { id: p.id, role, x25519Public: p.x25519_public, ed25519Public: p.ed25519_public },
      rootSigner ?? { id: me.userId, ed25519Secret: me.user.ed25519Secret },
    );
    const grants = await this.sealAll(p.id, p.x25519_public);
    await this.ctx.backend.invoke('admin-users', {
      action: 'confirm',
      user_id: p.id,
      key_certificate: certificate,
      grants,
    });
    const after = (await this.ctx.backend.profiles()).find((x) => x.id === memberId) ?? p;
    return this.member(after, this.ctx.rootHolder());
  }

  /** Member and signer are implied by the confirm request (the person and the calling admin). */
  private async sealAll(memberId: string, memberPublic: string): Promise<ConfirmGrant[]> {
    const me = this.ctx.keyring;
    const colleagues = colleagueKeys(await this.ctx.backend.colleagues());
    const out: ConfirmGrant[] = [];
    for (const own of await this.ctx.backend.ownGrants()) {
      if (own.key_version !== me.currentVersion(own.vault_id)) continue;
      const raw = me.rawVaultKeyFromGrant(own, colleagues);
      try {
        const vault = { id: own.vault_id, keyVersion: own.key_version };
        const { member_id: _implied, ...g } = sealGrant(me, vault, raw, {
          memberId,
          x25519Public: memberPublic,
        });
        out.push({ vault_id: own.vault_id, key_version: own.key_version, ...g });
      } finally {
        wipe(raw);
      }
    }
    return out;
  }

  /** The first admin's office: one vault, its key sealed and signed to themselves. */
  async createVault(name: string): Promise<{ id: string; name: string }> {
    this.guard();
    const me = this.ctx.keyring;
    const vault = await this.ctx.backend.createVault(name);
    const raw = newVaultKeyBytes();
    const grant = sealGrant(me, { id: vault.id, keyVersion: vault.key_version }, raw, {
      memberId: me.userId,
      x25519Public: me.x25519PublicB64,
    });
    await this.ctx.backend.insertGrants([
      { ...grant, vault_id: vault.id, key_version: vault.key_version, granted_by: me.userId },
    ]);
    me.addVaultKey(vault.id, raw, vault.key_version);
    return { id: vault.id, name: vault.name };
  }

  /**
   * After offboarding: a new vault key, every entry re-encrypted, grants only for the colleagues this PC verified
   * (admin/rotation.ts). Returns the entries the leaver revealed or copied, to change at the source, and the people
   * the server listed as holding the vault whom this PC could not verify (sealed nothing: re-confirm them).
   */
  async rotateVault(
    vaultId: string,
    leaverId: string | null,
  ): Promise<{ keyVersion: number; exposed: ExposedEntry[]; unverified: UnverifiedHolder[] }> {
    this.guard();
    const { keyVersion, unverified } = await rotateVaultKey(
      this.ctx,
      await revokedNow(this.ctx),
      vaultId,
      leaverId,
    );
    return { keyVersion, exposed: leaverId ? await this.exposedBy(leaverId, vaultId) : [], unverified };
  }

  async exposedBy(leaverId: string, vaultId: string | null): Promise<ExposedEntry[]> {
    const rows = await this.ctx.backend.audit({ actorId: leaverId, actions: EXPOSING, limit: 5000 });
    const out: ExposedEntry[] = [];
    const seen = new Set<string>();
    for (const r of rows) {
      if (!r.entry_id || seen.has(r.entry_id)) continue;
      const e = this.ctx.replica.get(r.entry_id);
      if (vaultId && e && e.vaultId !== vaultId) continue;
      seen.add(r.entry_id);
      out.push({ entryId: r.entry_id, title: e?.entry.title ?? '', action: r.action, at: r.at });
    }
    return out;
  }
}
