// The office root's succession. The root prints an office recovery kit once (its signing key sealed under a code
// that stays on paper, crypto/recovery-kit.ts); an admin who is handed the sheet takes the root role on their PC: the
// kit opens to the very key every PC pinned, so every pin stays valid, and the new holder proves the take-over by a
// statement that key signs (crypto/root-holder.ts). Every PC believes a take-over only when that statement verifies
// under its own pin and counts on from the last hand-over it accepted; the server's word names nobody.

import { OFFICE_ROOT_MESSAGES as M } from '../../shared/errors';
import type { Backend } from '../backend/client';
import { CoreError } from '../backend/errors';
import type { PolicyRow } from '../backend/rows';
import { fromBase64Url, wipe } from '../crypto/bytes';
import { fingerprint } from '../crypto/fingerprint';
import { unwrapUserKeys, wipeUserKeys, wrapUserKeys } from '../crypto/keys';
import {
  kitFromText,
  kitToText,
  newRecoveryCode,
  normalizeRecoveryCode,
  openRecoveryKit,
  sealRecoveryKit,
} from '../crypto/recovery-kit';
import { type RootHolder, signRootHolder, verifyRootHolder } from '../crypto/root-holder';
import { type Account, keyPinOf } from '../session/account';
import { deriveSecrets } from '../session/enrollment';
import type { Keyring } from '../vault/keyring';

export interface OfficeRootInfo {
  /** Who holds the root role as this PC verified it (the first admin until a verified hand-over). */
  holderId: string;
  holderName: string;
  isMe: boolean;
  /** This PC holds the root's signing key (the first admin, or an admin who took it over). */
  canSignAsRoot: boolean;
  /** Hand-overs this PC has accepted. */
  handOvers: number;
  officeFingerprint: string;
}

/** What the root prints once. The code is shown here and nowhere else: it never reaches the server. */
export interface RecoveryKitSheet {
  code: string;
  /** The sealed kit as one line, printed too: a take-over works from paper if the server lost its copy. */
  sealedKit: string;
  officeFingerprint: string;
  serverUrl: string;
  issuedAt: string;
}

export interface RootChange {
  holderId: string;
  holderName: string;
  n: number;
}

export interface SuccessionContext {
  backend: Backend;
  keyring: Keyring;
  isAdmin(): boolean;
  account(): Account;
  saveAccount(account: Account): Promise<void>;
  nameOf(userId: string): string;
  /** A verified hand-over: every PC shows "X is now the office root". */
  announce(change: RootChange): void;
  /** The server claimed a hand-over the pinned key did not sign (or an older one): ignored, shown as an alarm. */
  refused(): void;
}

/**
 * The app's side of the root's protection (the server refuses the same, `office_root`): its holder is not reset,
 * disabled or demoted, and the first root's account (whose id names the root on every PC) is never reset.
 */
export function refuseEndingRoot(
  memberId: string,
  root: { holder: string; first: string },
  endsKeys: boolean,
): void {
  const id = memberId.toLowerCase();
  if (id === root.holder.toLowerCase() || (endsKeys && id === root.first.toLowerCase()))
    throw new CoreError('forbidden', M.refused);
}

export class Succession {
  private lastRefused: string | null = null;

  constructor(private readonly ctx: SuccessionContext) {}

  holder(): string {
    return this.ctx.account().rootHolder?.id ?? this.ctx.keyring.root.id;
  }

  info(): OfficeRootInfo {
    const me = this.ctx.keyring;
    const holderId = this.holder();
    return {
      holderId,
      holderName: this.ctx.nameOf(holderId),
      isMe: holderId.toLowerCase() === me.userId.toLowerCase(),
      canSignAsRoot: me.rootSigner() !== null,
      handOvers: this.ctx.account().rootHolder?.n ?? 0,
      officeFingerprint: fingerprint(me.root.ed25519Public),
    };
  }

  /** Every policy read: a hand-over the pinned key signed, numbered past the last one accepted, is news. */
  observe(policy: PolicyRow | null): void {
    const claim = policy?.root_holder;
    if (claim === undefined || claim === null) return;
    const s = this.verified(claim);
    const seen = this.ctx.account().rootHolder;
    if (!s || (seen && (s.n < seen.n || (s.n === seen.n && s.holder !== seen.id.toLowerCase())))) {
      const key = JSON.stringify(claim);
      if (key !== this.lastRefused) this.ctx.refused();
      this.lastRefused = key;
      return;
    }
    if (seen?.n === s.n) return;
    void this.accept(s).catch(() => {});
  }

  private verified(claim: unknown): RootHolder | null {
    try {
      return verifyRootHolder(claim, this.ctx.keyring.root);
    } catch {
      return null;
    }
  }

  private async accept(s: RootHolder): Promise<void> {
    await this.ctx.saveAccount({ ...this.ctx.account(), rootHolder: { id: s.holder, n: s.n } });
    this.ctx.announce({ holderId: s.holder, holderName: this.ctx.nameOf(s.holder), n: s.n });
  }

  /** A new kit for the holder to print; the server keeps the sealed copy only. */
  async createKit(): Promise<RecoveryKitSheet> {
    const me = this.ctx.keyring;
    const signer = me.rootSigner();
    if (!this.ctx.isAdmin() || !signer || this.holder().toLowerCase() !== me.userId.toLowerCase())
      throw new CoreError('forbidden', M.notHolder);
    const code = newRecoveryCode();
    const kit = await sealRecoveryKit(code, signer);
    await this.ctx.backend.invoke('admin-users', { action: 'recovery-kit', kit }, { forbidden: M.notHolder });
    return {
      code,
      sealedKit: kitToText(kit),
      officeFingerprint: fingerprint(me.root.ed25519Public),
      serverUrl: this.ctx.backend.url,
      issuedAt: new Date().toISOString(),
    };
  }

  /**
   * Takes the root role on this PC: opens the kit (the server's copy, or the line typed from the sheet) with the
   * code, keeps the root key sealed with this person's own keys (so the master password is asked), and hands the
   * root-signed statement in. Nothing changes on a wrong code or password.
   */
  async takeOver(code: string, masterPassword: string, sealedKit?: string): Promise<OfficeRootInfo> {
    const me = this.ctx.keyring;
    if (!this.ctx.isAdmin()) throw new CoreError('forbidden', 'Only an admin can take the office root role.');
    if (this.holder().toLowerCase() === me.userId.toLowerCase())
      throw new CoreError('invalid_request', M.already);
    if (!normalizeRecoveryCode(code)) throw new CoreError('wrong_credentials', M.badCode);
    const kit = sealedKit?.trim() ? kitFromText(sealedKit) : await this.ctx.backend.recoveryKit();
    if (kit === null) throw new CoreError('not_found', sealedKit?.trim() ? M.badCode : M.noKit);
    let secret: Uint8Array;
    try {
      secret = await openRecoveryKit(code, kit, me.root);
    } catch {
      throw new CoreError('wrong_credentials', M.badCode);
    }
    try {
      const n = await this.nextHandOver();
      await this.keepRootKey(secret, masterPassword, n);
      const statement = signRootHolder({ id: me.root.id, ed25519Secret: secret }, me.userId, n);
      await this.ctx.backend.invoke('admin-users', { action: 'take-root', statement });
      me.holdRoot(secret.slice());
      await this.accept(statement);
      return this.info();
    } finally {
      wipe(secret);
    }
  }

  /** One past the highest hand-over this PC accepted or the server shows signed. */
  private async nextHandOver(): Promise<number> {
    const policy = await this.ctx.backend.policy();
    const listed = policy?.root_holder ? this.verified(policy.root_holder) : null;
    return Math.max(this.ctx.account().rootHolder?.n ?? 0, listed?.n ?? 0) + 1;
  }

  /**
   * Re-wraps the own keys with the root's under the master password's wrap key (the KDF parameters stay); the
   * bundle's pin records this hand-over, so a new PC of this admin starts from it.
   */
  private async keepRootKey(secret: Uint8Array, masterPassword: string, n: number): Promise<void> {
    const account = this.ctx.account();
    const secrets = await deriveSecrets(masterPassword, account.kdf);
    try {
      let check: ReturnType<typeof unwrapUserKeys>;
      try {
        check = unwrapUserKeys(secrets.wrapKey, account.userId, account.wrappedKeys, {
          x25519Public: fromBase64Url(account.x25519Public)!,
          ed25519Public: fromBase64Url(account.ed25519Public)!,
        });
      } catch {
        throw new CoreError('wrong_credentials', 'That master password is not correct.');
      }
      wipeUserKeys(check);
      const wrapped = wrapUserKeys(
        secrets.wrapKey,
        account.userId,
        { ...this.ctx.keyring.user, rootSecret: secret },
        { ...keyPinOf(account), holder: { id: account.userId, n } },
      );
      await this.ctx.backend.updateOwnProfile({ kdf: account.kdf, wrapped_keys: wrapped });
      await this.ctx.saveAccount({ ...this.ctx.account(), wrappedKeys: wrapped });
    } finally {
      secrets.wrapKey.wipe();
    }
  }
}
