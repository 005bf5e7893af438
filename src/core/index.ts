// KeyroomCore: one object per PC and profile. The Electron main process, the browser-preview host, the tests
// and the benchmark all drive this same facade; it imports nothing from Electron. Keys and plaintext live
// only inside it; what it hands out are summaries, and secrets only through audited reveal / copy / totp.

import type { OfficeAdmin, OfficePolicy } from './admin/office';
import type { AdminOperations } from './admin/operations';
import type { Succession } from './admin/succession';
import type { Backend } from './backend/client';
import { CoreError } from './backend/errors';
import { type ConnectionReport, testConnection } from './backend/network/diagnose';
import { shownRoute } from './backend/network/route';
import { OfficeBackup } from './backup';
import { confirmed, gatedBackend } from './session/confirm';
import { CoreContext, toPolicy } from './session/context';
import type { OwnDevice } from './session/devices';
import type { Emitter } from './session/events';
import { closeSession, lock, requireOpen, setIdleLock, touch } from './session/lifecycle';
import { enroll, redeemInvitation, signIn } from './session/sign-in';
import type { CoreEvents, CoreOptions, Open, SessionState, SyncStatus } from './session/types';
import { unlock, unlockWithKey } from './session/unlock';
import { lowerMinimumWhileBlocked } from './session/update-required';
import { changeMasterPassword } from './session/wrapping';
import { presence, reloadGrants, syncStatus } from './sync/follow';
import type { PresenceClaim } from './sync/presence';
import { ImportPlan } from './vault/import/plan';
import type { VaultOperations } from './vault/operations';
import { VaultUpkeep } from './vault/upkeep';

export type { AuditEntry, AuditFilter, OfficeDevice, OfficePolicy } from './admin/office';
export type { ExposedEntry, Invitation, Member } from './admin/operations';
export type { OfficeRootInfo, RecoveryKitSheet, RootChange } from './admin/succession';
export type { CoreErrorCode } from './backend/errors';
export { CoreError } from './backend/errors';
export type { DeviceAdded, OwnDevice } from './session/devices';
export type { CoreEvents, CoreOptions, SessionState, SyncStatus } from './session/types';
export type { CoreStorage } from './sync/state';
export type { EntryInput } from './vault/entry-schema';
export type { HealthFlag } from './vault/health';
export type { ImportPlan, ImportPreview, ImportSummary } from './vault/import/plan';
export type { CopyField, EntryDetail, EntrySummary, EntryUpdate, HistoryVersion } from './vault/operations';
export type { HealthReport, TrashItem, VaultExport, VaultUpkeep } from './vault/upkeep';

/**
 * The facade: each call goes to the session module that does it (session/*, sync/follow.ts); the state they
 * share is one CoreContext.
 */
export class KeyroomCore {
  readonly events: Emitter<CoreEvents>;
  private readonly ctx: CoreContext;

  private constructor(opts: CoreOptions) {
    this.ctx = new CoreContext(opts);
    this.events = this.ctx.events;
  }

  static async create(opts: CoreOptions): Promise<KeyroomCore> {
    const core = new KeyroomCore(opts);
    const ctx = core.ctx;
    ctx.account = await ctx.accounts.load();
    if (ctx.account) {
      ctx.session = { state: 'locked', email: ctx.account.email };
      // The ciphertext cache is read while the lock screen shows, not after the master password.
      await ctx.local.load();
    }
    return core;
  }

  // The tamper tests reach the backend and the open session as they would reach private fields.
  private get backend(): Backend {
    return this.ctx.backend;
  }

  private get open(): Open | null {
    return this.ctx.open;
  }

  get state(): SessionState {
    return this.ctx.session;
  }

  /** How this PC reaches the office now: direct, or the proxy's host (never its credentials). */
  async route(): Promise<{ kind: 'direct' } | { kind: 'proxy'; host: string }> {
    return shownRoute(await this.ctx.network.route(this.ctx.opts.url));
  }

  /** Tries the office step by step and names the first thing that failed (name, proxy, TLS, server). */
  testConnection(): Promise<ConnectionReport> {
    return testConnection(this.ctx.network, this.ctx.opts.url, this.ctx.opts.publishableKey);
  }

  /** The user id of the account this PC holds, locked or not (null before the first enrollment). */
  get accountUserId(): string | null {
    return this.ctx.account?.userId ?? null;
  }

  /**
   * The policy as last read: the live one while unlocked, else the one cached with the last confirmed
   * session (what the host decides "stay unlocked" by at start). Null when none was ever read.
   */
  async lastKnownPolicy(): Promise<Omit<OfficePolicy, 'updatedAt'> | null> {
    if (this.ctx.currentPolicy) return toPolicy(this.ctx.currentPolicy);
    const docs = await this.ctx.local.serverDocs();
    return typeof docs === 'object' && docs.policy ? toPolicy(docs.policy) : null;
  }

  /**
   * Milliseconds the last unlock took after the KDF until the vault was usable: the list and search answer and
   * unlock() has returned. From the cache: keys unwrapped, cached grants verified, snapshot opened. First
   * unlock on a PC: sign-in, keys, grants and the cache.
   */
  get unlockAfterKdfMs(): number | null {
    return this.ctx.lastUnlockMs;
  }

  // ---------------------------------------------------------------- session

  /**
   * Email and master password: an unlock on a PC that knows the account, else a sign-in as on a new PC (no
   * one-time password, no admin step). An unknown email and a wrong password end in the same error.
   */
  signIn(email: string, masterPassword: string): Promise<SessionState> {
    return signIn(this.ctx, email, masterPassword);
  }

  /** First sign-in with the one-time password from the invitation sheet; enrollment follows. */
  redeemInvitation(email: string, oneTimePassword: string): Promise<SessionState> {
    return redeemInvitation(this.ctx, email, oneTimePassword);
  }

  /**
   * Sets the master password and uploads fresh keys. `officeFingerprint` is what the invitation sheet says;
   * it must match the office root the server lists. Only the office's very first admin passes null.
   */
  enroll(masterPassword: string, officeFingerprint: string | null): Promise<SessionState> {
    return enroll(this.ctx, masterPassword, officeFingerprint);
  }

  unlock(masterPassword: string): Promise<SessionState> {
    return unlock(this.ctx, masterPassword);
  }

  /**
   * "Stay unlocked on this PC": while a keeper is set, every unlock with the master password that opens the
   * vault hands it a copy of the master key (the Argon2id output the Auth secret and the wrap key derive
   * from) for the host to keep in the OS keychain. The copy is wiped when the keeper returns.
   */
  keepUnlockKey(keeper: ((masterKey: Uint8Array) => Promise<void>) | null): void {
    this.ctx.keeper = keeper;
  }

  /**
   * Unlocks with a master key kept by keepUnlockKey, exactly as unlock does after the KDF: a key that does not
   * unwrap this PC's keys, or that the server no longer accepts (the master password was changed or the
   * account reset elsewhere), is refused with wrong_credentials and the user types the password; nothing
   * falls back. A session opened from the cache and ended by the server's answer calls `onRefused`, so the
   * host drops the key (a required update is not a refusal of the key).
   */
  unlockWithKey(masterKey: Uint8Array, onRefused?: (refusal: CoreError) => void): Promise<SessionState> {
    return unlockWithKey(this.ctx, masterKey, onRefused);
  }

  /**
   * From the update screen: an admin lowers (or clears, null) the office minimum version with the master
   * password, without opening the vault (session/blocked-admin.ts). The cached server documents go, so the next
   * unlock reads the new policy from the server; the PC is locked then, or still blocked when the new minimum
   * is above this version too.
   */
  lowerMinimumWhileBlocked(masterPassword: string, minVersion: string | null): Promise<SessionState> {
    return lowerMinimumWhileBlocked(this.ctx, masterPassword, minVersion);
  }

  get syncStatus(): SyncStatus {
    return syncStatus(this.ctx);
  }

  /** Keys wiped from memory; the signed-in server session is dropped too. */
  lock(): Promise<SessionState> {
    return lock(this.ctx);
  }

  /** Like lock, and the UI goes back to the sign-in screen; this PC keeps the account and its cache. */
  async signOut(): Promise<SessionState> {
    await closeSession(this.ctx);
    return this.ctx.setSession({ state: 'signedOut' });
  }

  /** Resets the auto-lock countdown (the host calls it on user activity). */
  touch(): void {
    touch(this.ctx);
  }

  /** The host turns the core's own idle lock off while "stay unlocked on this PC" is in force. */
  setIdleLock(on: boolean): void {
    setIdleLock(this.ctx, on);
  }

  async changeMasterPassword(current: string, next: string): Promise<void> {
    const open = requireOpen(this.ctx);
    await confirmed(this.ctx, open);
    await changeMasterPassword(this.ctx, open, current, next);
  }

  /** Stops timers, sockets and pending writes; the object is not used afterwards. */
  async dispose(): Promise<void> {
    await closeSession(this.ctx).catch(() => {});
    await this.ctx.local.flush().catch(() => {});
    await this.backend.dispose();
    this.events.clear();
  }

  // ---------------------------------------------------------------- vault

  get vault(): VaultOperations {
    return requireOpen(this.ctx).vault;
  }

  get admin(): AdminOperations {
    return requireOpen(this.ctx).admin;
  }

  get office(): OfficeAdmin {
    return requireOpen(this.ctx).office;
  }

  /** The office root's recovery kit and its take-over. */
  get succession(): Succession {
    return requireOpen(this.ctx).succession;
  }

  /** Password health, the trash and the vault export (issue 16): a thin view over this session's replica. */
  get upkeep(): VaultUpkeep {
    const open = requireOpen(this.ctx);
    return new VaultUpkeep({
      backend: gatedBackend(this.ctx, open),
      replica: open.replica,
      vault: open.vault,
      isAdmin: () => open.profile.role === 'admin' && open.profile.status === 'active',
      nameOf: (id) => this.ctx.nameOf(id),
      vaultName: (id) => open.vaultNames.get(id) ?? '',
    });
  }

  /** The office's client policy as last read (at unlock, then on each `policy` poke); null while locked. */
  get policy(): Omit<OfficePolicy, 'updatedAt'> | null {
    const p = this.ctx.currentPolicy;
    return p && toPolicy(p);
  }

  /** Vaults this PC can read, with their names and how many live entries each holds. */
  vaults(): { id: string; name: string; entryCount: number }[] {
    const open = requireOpen(this.ctx);
    const counts = new Map<string, number>(open.keyring.vaultIds().map((id) => [id, 0]));
    for (const e of open.replica.all())
      if (!e.deletedAt) counts.set(e.vaultId, (counts.get(e.vaultId) ?? 0) + 1);
    return [...counts].map(([id, entryCount]) => ({ id, name: open.vaultNames.get(id) ?? '', entryCount }));
  }

  /**
   * Reads an exported file (CSV from another password manager, a browser or a spreadsheet) for `vaultId`. The
   * plan's preview says what would arrive; its commit() encrypts each entry like a create and sends them in
   * batches. Members may import, as they may add entries.
   */
  importEntries(vaultId: string, text: string): ImportPlan {
    const open = requireOpen(this.ctx);
    if (!open.keyring.hasVault(vaultId)) throw new CoreError('not_found', 'That vault is not available.');
    const existing = open.vault.list().filter((e) => e.vaultId === vaultId && !e.damaged);
    const deps = {
      createMany: open.vault.createMany.bind(open.vault),
      logImport: open.vault.logImport.bind(open.vault),
    };
    return ImportPlan.read(deps, vaultId, text, existing);
  }

  /** Pulls every vault now (the host calls it on resume from sleep). */
  async syncNow(): Promise<void> {
    const open = requireOpen(this.ctx);
    await open.started;
    await confirmed(this.ctx, open);
    await open.engine.pullAll();
    await open.vault.flushOutbox();
  }

  /** This person's PCs, this one marked. */
  devices(): Promise<OwnDevice[]> {
    return requireOpen(this.ctx).devices.list();
  }

  /** Signs another of this person's PCs out: its next request is refused and it erases its copy. */
  async signOutDevice(id: string): Promise<void> {
    const open = requireOpen(this.ctx);
    await confirmed(this.ctx, open);
    await open.devices.signOut(id);
  }

  /** Who says they are online now, and from which PC: a hint (sync/presence.ts), own claims only. */
  presence(): PresenceClaim[] {
    return presence(this.ctx);
  }

  // ---------------------------------------------------------------- office backup (src/core/backup)

  /** Backup and restore of every vault this admin holds; built from the open session's parts on each use. */
  get backup(): OfficeBackup {
    const ctx = this.ctx;
    const open = requireOpen(ctx);
    const backend = gatedBackend(ctx, open);
    return new OfficeBackup({
      source: ctx.opts.url,
      isAdmin: () => open.profile.role === 'admin' && open.profile.status === 'active',
      // The vault set and names as the server has them now (a vault made a moment ago included), then every entry.
      refresh: async () => {
        await reloadGrants(ctx);
        await this.syncNow();
      },
      vaults: () =>
        open.keyring.vaultIds().map((id) => ({ id, name: open.vaultNames.get(id) || 'Unnamed vault' })),
      // A damaged entry keeps its last verified content in the replica but opens nothing (fail closed): the
      // backup holds it no more than the entry view shows it; it is counted instead.
      liveEntries: () => [...open.replica.all()].filter((e) => !e.deletedAt && !open.replica.isDamaged(e.id)),
      damagedLive: () => open.replica.damagedEntries().length,
      history: async (id) =>
        (await backend.history(id)).map((h) => ({
          version: h.version,
          changedAt: h.changed_at,
          deleted: h.deleted_at !== null,
          entry: open.replica.decrypt({ ...h, id: h.entry_id }),
        })),
      logBackup: () => backend.logEvent('vault.export', null),
      createVault: async (name) => {
        const v = await open.admin.createVault(name);
        // The grants poke renames on its own; until it arrives a second restore must find the vault by name.
        open.vaultNames.set(v.id, v.name);
        return v;
      },
      createMany: (vaultId, inputs, onProgress) => open.vault.createMany(vaultId, inputs, onProgress),
      logRestore: (vaultId, count) => backend.logImport(vaultId, count, 'keyroombackup'),
    });
  }
}
