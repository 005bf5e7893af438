// KeyroomCore: one object per PC and profile. The Electron main process, the browser-preview host, the tests
// and the benchmark all drive this same facade; it imports nothing from Electron. Keys and plaintext live
// only inside it; what it hands out are summaries, and secrets only through audited reveal / copy / totp.

import { OfficeAdmin, type OfficePolicy } from './admin/office';
import { AdminOperations } from './admin/operations';
import { type PersonChange, peopleChanges } from './admin/people-changes';
import { type RootChange, Succession } from './admin/succession';
import { Backend } from './backend/client';
import { CoreError, MESSAGES } from './backend/errors';
import { type ConnectionReport, testConnection } from './backend/network/diagnose';
import { envNetwork, type Network } from './backend/network/network';
import { shownRoute } from './backend/network/route';
import type { ColleagueRow, GrantRow, PolicyRow, ProfileRow, VaultRow } from './backend/rows';
import { equalBytes, fromBase64Url } from './crypto/bytes';
import { DamagedError } from './crypto/damaged';
import { WrappedEnvelopeSchema } from './crypto/envelope';
import { fingerprint } from './crypto/fingerprint';
import { deriveMasterKey, type KdfParams, KdfParamsSchema, splitMasterKey } from './crypto/kdf';
import {
  type UserKeys,
  unwrapKeyBundle,
  unwrapUserKeys,
  WrapKey,
  wipeUserKeys,
  wrapUserKeys,
} from './crypto/keys';
import { certificateKey, verifiedRevocations } from './crypto/revocation';
import { type Account, AccountStore, keyPinOf } from './session/account';
import { lowerMinimumAsBlockedAdmin } from './session/blocked-admin';
import { type DeviceAdded, type OwnDevice, OwnDevices } from './session/devices';
import {
  deriveSecrets,
  enroll,
  memberFingerprint,
  rootFromPolicy,
  wrapForPassword,
} from './session/enrollment';
import { Emitter } from './session/events';
import { reopenAfterPasswordChange, signInOnNewPc } from './session/new-pc';
import { openSnapshot, SnapshotKey, sealSnapshot } from './session/snapshot';
import { isBelow } from './session/version';
import { type Change, type ConnectionState, SyncEngine } from './sync/engine';
import { ownClaims, type PresenceClaim } from './sync/presence';
import { type CoreStorage, LocalState, type ServerDocs } from './sync/state';
import { type ChangedField, changedFields } from './vault/changed-fields';
import type { Entry } from './vault/entry-schema';
import { ImportPlan } from './vault/import/plan';
import { colleagueKeys, Keyring } from './vault/keyring';
import { VaultOperations } from './vault/operations';
import { Replica } from './vault/replica';
import { VaultUpkeep } from './vault/upkeep';

export type { AuditEntry, AuditFilter, OfficeDevice, OfficePolicy } from './admin/office';
export type { ExposedEntry, Invitation, Member } from './admin/operations';
export type { OfficeRootInfo, RecoveryKitSheet, RootChange } from './admin/succession';
export type { CoreErrorCode } from './backend/errors';
export { CoreError } from './backend/errors';
export type { DeviceAdded, OwnDevice } from './session/devices';
export type { CoreStorage } from './sync/state';
export type { EntryInput } from './vault/entry-schema';
export type { HealthFlag } from './vault/health';
export type { ImportPlan, ImportPreview, ImportSummary } from './vault/import/plan';
export type { CopyField, EntryDetail, EntrySummary, EntryUpdate, HistoryVersion } from './vault/operations';
export type { HealthReport, TrashItem, VaultExport, VaultUpkeep } from './vault/upkeep';

const KEY_REFUSED =
  'Keyroom could not unlock on its own: the master password may have changed. Type your master password.';
const CHANGED_ELSEWHERE = 'Your master password was changed on another PC. Type the new one.';
const OLD_PASSWORD =
  'That was your previous master password: it was changed on another PC (or your account was reset). Type the new one.';
const OFFLINE_NEW_PASSWORD =
  'That master password is not correct. If you changed it on another PC, connect to the office network to use the new one here.';

/** The typed master password does not open this PC's own copy of the key bundle (internal to unlock). */
class LocalBundleRefused extends Error {}

export interface CoreOptions {
  url: string;
  /** The project's publishable key (`sb_publishable_…`), or its legacy anon key. */
  publishableKey: string;
  storage: CoreStorage;
  appVersion: string;
  device: { id: string; name: string; platform: string };
  /** Pull interval without a live socket (DESIGN.md: 30 s); tests shorten it. */
  pollMs?: number;
  /** Where REST, Auth, Functions and Realtime connect through; the proxy variables as curl reads them if absent. */
  network?: Network;
}

export type SessionState =
  /** `notice`: why the PC is signed out when it did not do so itself (signed out from another PC, revoked). */
  | { state: 'signedOut'; notice?: string }
  | { state: 'needsEnrollment'; email: string; officeFingerprint: string | null }
  | { state: 'pendingConfirmation'; email: string; fingerprint: string }
  /** `notice`: why it locked when that is news (the master password was changed on another PC). */
  | { state: 'locked'; email: string; notice?: string }
  | {
      state: 'unlocked';
      user: { id: string; email: string; displayName: string; role: 'admin' | 'member' };
      officeFingerprint: string;
    }
  | { state: 'disabled'; email: string }
  | { state: 'updateRequired'; running: string; required: string };

export interface SyncStatus {
  /** connecting: nothing known yet (locked, or unlocked before the first answer or channel join). */
  connection: 'connecting' | 'online' | 'offline' | 'syncing';
  /** All Realtime channels joined (pokes arrive; no polling). */
  live: boolean;
  /** Pulls work but the network refuses the socket: updates come by polling every 30 s. */
  liveBlocked: boolean;
  lastSyncedAt: string | null;
  pendingChanges: number;
}

export interface CoreEvents {
  sessionChanged: SessionState;
  /** `by` is the display name of who made the change, as the server reports it. */
  entriesChanged: { changes: (Change & { byName: string; fields: ChangedField[] })[] };
  conflictsChanged: { count: number };
  /** Queued writes the server refused for good, kept for the person to save elsewhere or discard. */
  refusedChanged: { count: number };
  syncState: SyncStatus;
  updateRequired: { running: string; required: string };
  /** The office policy was read (at unlock, at the server's confirmation, on a policy poke). */
  policyChanged: Omit<OfficePolicy, 'updatedAt'>;
  /** Someone's status or role changed (an invitee enrolled, a colleague was disabled): the office channel's poke. */
  peopleChanged: { changes: PersonChange[] };
  /** An entry failed to decrypt or verify; it is listed as damaged and the cache keeps its last good copy. */
  damaged: { entryId: string };
  /** The server offered an older version than this PC has seen; it was not applied. */
  rollback: { entryId: string; seen: number; offered: number };
  /** A hand-over of the office root role, verified against the pinned root key (admin/succession.ts). */
  officeRootChanged: RootChange;
  /** The server named a new office root the pinned key did not sign: ignored. */
  officeRootRefused: Record<string, never>;
  /** The server lists revocations no admin's key signed (crypto/revocation.ts): ignored. */
  revocationRefused: { count: number };
  /** Another PC of this person signed in for the first time. */
  deviceAdded: DeviceAdded;
}

interface Open {
  account: Account;
  profile: ProfileRow;
  keyring: Keyring;
  replica: Replica;
  engine: SyncEngine;
  vault: VaultOperations;
  admin: AdminOperations;
  office: OfficeAdmin;
  succession: Succession;
  devices: OwnDevices;
  colleagues: Map<string, ColleagueRow>;
  vaultNames: Map<string, string>;
  /** Realtime joined, first pull and outbox flush done (or failed offline). */
  started: Promise<void>;
  /**
   * The server has signed this session in and confirmed the account, policy and grants. An unlock from the
   * cache starts unconfirmed; until then nothing is sent and the sync engine does not run.
   */
  confirmed: boolean;
  /** What the background sign-in needs, held only until the server confirms (or the session closes). */
  credentials: { authSecret: string } | null;
  confirming: Promise<void> | null;
  /** The last attempt to reach the server got an answer. */
  reachable: boolean;
  /** What the server refused at confirmation, and the session ending because of it. */
  ended: { refusal: CoreError; done: Promise<void> } | null;
  snapshotKey: SnapshotKey;
  /** The own grants that verified and the vault rows, at the last read from the server (or the cache). */
  grants: GrantRow[];
  vaultRows: VaultRow[];
}

export class KeyroomCore {
  readonly events = new Emitter<CoreEvents>();
  private readonly backend: Backend;
  private readonly network: Network;
  private readonly accounts: AccountStore;
  private readonly local: LocalState;
  private account: Account | null = null;
  private session: SessionState = { state: 'signedOut' };
  private open: Open | null = null;
  private pending: { keys: UserKeys; stop: () => Promise<void> } | null = null;
  private autoLock: NodeJS.Timeout | null = null;
  private autoLockMs = 10 * 60_000;
  private watchdog: NodeJS.Timeout | null = null;
  private lastUnlockMs: number | null = null;
  private policyRow: PolicyRow | null = null;
  private confirmTimer: NodeJS.Timeout | null = null;
  private snapshotTimer: NodeJS.Timeout | null = null;
  private keeper: ((masterKey: Uint8Array) => Promise<void>) | null = null;
  private idleLock = true;
  /** This PC holds nothing of the account it just signed in to (the next device registration says so). */
  private freshDevice = false;
  /** A key bundle from before the pin, re-wrapped with it at unlock: uploaded once the server has confirmed. */
  private pinnedBundle: ReturnType<typeof wrapUserKeys> | null = null;

  private constructor(private readonly opts: CoreOptions) {
    this.network = opts.network ?? envNetwork();
    this.backend = new Backend({ url: opts.url, publishableKey: opts.publishableKey, network: this.network });
    this.accounts = new AccountStore(opts.storage.cache);
    this.local = new LocalState(opts.storage);
  }

  static async create(opts: CoreOptions): Promise<KeyroomCore> {
    const core = new KeyroomCore(opts);
    core.account = await core.accounts.load();
    if (core.account) {
      core.session = { state: 'locked', email: core.account.email };
      // The ciphertext cache is read while the lock screen shows, not after the master password.
      await core.local.load();
    }
    return core;
  }

  get state(): SessionState {
    return this.session;
  }

  /** How this PC reaches the office now: direct, or the proxy's host (never its credentials). */
  async route(): Promise<{ kind: 'direct' } | { kind: 'proxy'; host: string }> {
    return shownRoute(await this.network.route(this.opts.url));
  }

  /** Tries the office step by step and names the first thing that failed (name, proxy, TLS, server). */
  testConnection(): Promise<ConnectionReport> {
    return testConnection(this.network, this.opts.url, this.opts.publishableKey);
  }

  // Every policy read from the server (or the cache at unlock) is announced: the host follows the office's
  // "stay unlocked" permission without polling.
  private get currentPolicy(): PolicyRow | null {
    return this.policyRow;
  }

  private set currentPolicy(p: PolicyRow | null) {
    this.policyRow = p;
    if (p) this.events.emit('policyChanged', toPolicy(p));
    if (p) this.open?.succession?.observe(p);
  }

  /** The user id of the account this PC holds, locked or not (null before the first enrollment). */
  get accountUserId(): string | null {
    return this.account?.userId ?? null;
  }

  /**
   * The policy as last read: the live one while unlocked, else the one cached with the last confirmed
   * session (what the host decides "stay unlocked" by at start). Null when none was ever read.
   */
  async lastKnownPolicy(): Promise<Omit<OfficePolicy, 'updatedAt'> | null> {
    if (this.currentPolicy) return toPolicy(this.currentPolicy);
    const docs = await this.local.serverDocs();
    return typeof docs === 'object' && docs.policy ? toPolicy(docs.policy) : null;
  }

  /**
   * Milliseconds the last unlock took after the KDF until the vault was usable: the list and search answer and
   * unlock() has returned. From the cache: keys unwrapped, cached grants verified, snapshot opened. First
   * unlock on a PC: sign-in, keys, grants and the cache.
   */
  get unlockAfterKdfMs(): number | null {
    return this.lastUnlockMs;
  }

  private setSession(s: SessionState): SessionState {
    this.session = s;
    this.events.emit('sessionChanged', s);
    return s;
  }

  private requireOpen(): Open {
    if (!this.open) throw new CoreError(this.account ? 'locked' : 'not_signed_in');
    this.touch();
    return this.open;
  }

  // ---------------------------------------------------------------- session

  /**
   * Email and master password. On a PC that knows this account, an unlock. On any other PC (a second one, a
   * replaced one) the person signs in from data only the master password opens (session/new-pc.ts): no one-time
   * password, no admin step. An unknown email and a wrong password end in the same error.
   */
  async signIn(email: string, masterPassword: string): Promise<SessionState> {
    const typed = email.trim();
    if (this.account && this.account.email.toLowerCase() === typed.toLowerCase()) {
      return this.unlock(masterPassword);
    }
    if (this.open || this.pending) await this.closeSession();
    let result: Awaited<ReturnType<typeof signInOnNewPc>>;
    try {
      result = await signInOnNewPc(this.backend, typed, masterPassword);
    } catch (err) {
      await this.backend.signOut();
      throw err;
    }
    if (result.kind === 'disabled') {
      await this.backend.signOut();
      return this.setSession({ state: 'disabled', email: typed });
    }
    const { account, keys, profile } = result;
    // One account per PC profile: whoever was here before leaves nothing behind for this one.
    await this.local.wipe();
    this.account = account;
    await this.accounts.save(account);
    this.freshDevice = true;
    try {
      if (profile.status === 'enrolled') return await this.awaitConfirmation(keys, account);
      await this.openSession(keys, profile);
    } catch (err) {
      if (!this.open) {
        wipeUserKeys(keys);
        await this.backend.signOut();
      }
      throw err;
    }
    return this.session;
  }

  /** First sign-in with the one-time password from the invitation sheet; enrollment follows. */
  async redeemInvitation(email: string, oneTimePassword: string): Promise<SessionState> {
    if (this.open || this.pending) await this.closeSession();
    await this.backend.signIn(email.trim(), oneTimePassword);
    const profile = await this.backend.ownProfile();
    if (!profile) return this.setSession({ state: 'disabled', email });
    if (profile.status !== 'invited') {
      await this.backend.signOut();
      throw new CoreError(
        'invalid_request',
        'This account is already set up. Sign in with your email and master password.',
      );
    }
    const policy = await this.backend.policy();
    const rootPub = policy?.office_root_public ? fromBase64Url(policy.office_root_public) : undefined;
    return this.setSession({
      state: 'needsEnrollment',
      email: profile.email,
      officeFingerprint: rootPub && rootPub.length === 32 ? fingerprint(rootPub) : null,
    });
  }

  /**
   * Sets the master password and uploads fresh keys. `officeFingerprint` is what the invitation sheet says;
   * it must match the office root the server lists. Only the office's very first admin passes null.
   */
  async enroll(masterPassword: string, officeFingerprint: string | null): Promise<SessionState> {
    if (this.session.state !== 'needsEnrollment') throw new CoreError('invalid_request');
    const profile = await this.backend.ownProfile();
    if (!profile) throw new CoreError('disabled');
    const root = rootFromPolicy(await this.backend.policy(), officeFingerprint);
    const done = await enroll(this.backend, profile, masterPassword, root);
    this.account = done.account;
    this.freshDevice = true;
    await this.local.wipe();
    await this.accounts.save(done.account);
    const after = await this.backend.ownProfile();
    if (after?.status === 'active') {
      // The first admin: the enrollment trigger made them active and the office root.
      const policy = await this.backend.policy();
      if (policy?.office_root_id !== after.id || policy.office_root_public !== done.account.ed25519Public) {
        throw new CoreError('fingerprint_mismatch');
      }
      await this.openSession(done.keys, after);
      await this.open!.admin.createVault('Office');
      await this.open!.engine.setVaults(this.open!.keyring.vaultIds());
      return this.session;
    }
    return this.awaitConfirmation(done.keys, done.account);
  }

  private async awaitConfirmation(keys: UserKeys, account: Account): Promise<SessionState> {
    const check = async () => {
      const p = await this.backend.ownProfile().catch(() => undefined);
      if (!this.pending || p === undefined) return;
      if (p === null) {
        await this.stopPending();
        return void this.setSession({ state: 'disabled', email: account.email });
      }
      if (p.status === 'active') {
        const held = this.pending.keys;
        await this.pending.stop();
        this.pending = null;
        await this.openSession(held, p).catch(() => {});
      }
    };
    const channel = this.backend.subscribe(`member:${account.userId}`, {
      broadcast: { grants: () => void check(), profile: () => void check() },
    });
    const timer = setInterval(() => void check(), Math.min(this.opts.pollMs ?? 30_000, 5_000));
    timer.unref?.();
    this.pending = {
      keys,
      stop: async () => {
        clearInterval(timer);
        await this.backend.unsubscribe(channel);
      },
    };
    return this.setSession({
      state: 'pendingConfirmation',
      email: account.email,
      fingerprint: memberFingerprint(account.x25519Public, account.ed25519Public),
    });
  }

  private async stopPending(): Promise<void> {
    if (!this.pending) return;
    await this.pending.stop();
    wipeUserKeys(this.pending.keys);
    this.pending = null;
  }

  async unlock(masterPassword: string): Promise<SessionState> {
    const account = this.account;
    if (!account) throw new CoreError('not_signed_in');
    if (this.open) return this.session;
    let masterKey: Uint8Array;
    try {
      masterKey = await deriveMasterKey(masterPassword, account.kdf);
    } catch {
      throw new CoreError('damaged');
    }
    const kept = this.keeper ? masterKey.slice() : null;
    try {
      const s = await this.unlockAfterKdf(account, masterKey, masterPassword);
      // Only a session that opened is worth keeping: a wait for confirmation or an update screen is not.
      if (kept && s.state === 'unlocked') await this.keeper?.(kept).catch(() => {});
      return s;
    } catch (err) {
      if (!(err instanceof LocalBundleRefused)) throw err;
      return this.unlockChanged(account, masterPassword);
    } finally {
      kept?.fill(0);
    }
  }

  /**
   * The typed password does not open this PC's copy of the bundle: wrong, or the new one from a change on another
   * PC. Only the server can tell; offline it stays "not correct" (session/new-pc.ts).
   */
  private async unlockChanged(account: Account, masterPassword: string): Promise<SessionState> {
    let r: Awaited<ReturnType<typeof reopenAfterPasswordChange>>;
    try {
      r = await reopenAfterPasswordChange(this.backend, account, masterPassword);
    } catch (err) {
      await this.backend.signOut();
      if (err instanceof CoreError && err.code === 'offline')
        throw new CoreError('wrong_credentials', OFFLINE_NEW_PASSWORD);
      throw err;
    }
    if (r === 'disabled') {
      await this.disabled();
      return this.session;
    }
    this.account = r.account;
    await this.accounts.save(r.account);
    try {
      if (r.profile.status === 'enrolled') return await this.awaitConfirmation(r.keys, r.account);
      if (r.profile.status !== 'active') throw new CoreError('invalid_request');
      await this.openSession(r.keys, r.profile);
    } catch (err) {
      if (!this.open) {
        wipeUserKeys(r.keys);
        await this.backend.signOut();
      }
      throw err;
    }
    return this.session;
  }

  /**
   * "Stay unlocked on this PC": while a keeper is set, every unlock with the master password that opens the
   * vault hands it a copy of the master key (the Argon2id output the Auth secret and the wrap key derive
   * from) for the host to keep in the OS keychain. The copy is wiped when the keeper returns.
   */
  keepUnlockKey(keeper: ((masterKey: Uint8Array) => Promise<void>) | null): void {
    this.keeper = keeper;
  }

  /**
   * Unlocks with a master key kept by keepUnlockKey, exactly as unlock does after the KDF: a key that does not
   * unwrap this PC's keys, or that the server no longer accepts (the master password was changed or the
   * account reset elsewhere), is refused with wrong_credentials and the user types the password; nothing
   * falls back. A session opened from the cache and ended by the server's answer calls `onRefused`, so the
   * host drops the key (a required update is not a refusal of the key).
   */
  async unlockWithKey(
    masterKey: Uint8Array,
    onRefused?: (refusal: CoreError) => void,
  ): Promise<SessionState> {
    const account = this.account;
    if (!account) throw new CoreError('not_signed_in');
    if (this.open) return this.session;
    if (masterKey.length !== 32) throw new CoreError('wrong_credentials', KEY_REFUSED);
    const s = await this.unlockAfterKdf(account, masterKey.slice(), null);
    // (TypeScript narrowed this.open to null above; the unlock just set it.)
    const open = this.open as Open | null;
    if (open && !open.confirmed && onRefused) {
      const off = this.events.on('sessionChanged', (next) => {
        if (next.state === 'unlocked') return;
        off();
        const refusal = open.ended?.refusal;
        if (refusal && refusal.code !== 'update_required') onRefused(refusal);
      });
    }
    return s;
  }

  /** Everything an unlock does after the KDF; `masterPassword` is null for a kept key. Wipes `masterKey`. */
  private async unlockAfterKdf(
    account: Account,
    masterKey: Uint8Array,
    masterPassword: string | null,
  ): Promise<SessionState> {
    const split = splitMasterKey(masterKey);
    const secrets = { authSecret: split.authSecret, wrapKey: new WrapKey(split.wrapKey) };
    split.wrapKey.fill(0);
    const started = performance.now();
    let keys: UserKeys;
    try {
      // A wrong master password fails here, on this PC, online or not.
      keys = unwrapUserKeys(secrets.wrapKey, account.userId, account.wrappedKeys, {
        x25519Public: fromBase64Url(account.x25519Public)!,
        ed25519Public: fromBase64Url(account.ed25519Public)!,
      });
      // Enrolled before bundles carried the pin: re-wrapped with it now, sent once the server has confirmed.
      this.pinnedBundle =
        account.wrappedKeys.v === 1
          ? wrapUserKeys(secrets.wrapKey, account.userId, keys, keyPinOf(account))
          : null;
    } catch {
      if (masterPassword === null) throw new CoreError('wrong_credentials', KEY_REFUSED);
      throw new LocalBundleRefused();
    } finally {
      secrets.wrapKey.wipe();
    }
    const cached = await this.local.serverDocs();
    let cacheRefused = false;
    if (cached !== 'none') {
      try {
        if (cached === 'damaged') throw new DamagedError();
        if (await this.openFromCache(keys, cached, { authSecret: secrets.authSecret })) {
          this.lastUnlockMs = performance.now() - started;
          return this.session;
        }
      } catch (err) {
        if (!(err instanceof DamagedError)) {
          wipeUserKeys(keys);
          throw err;
        }
        // The cached documents do not verify: only the server's copy, verified the same way, may open it.
        cacheRefused = true;
      }
    }
    try {
      await this.backend.signIn(account.email, secrets.authSecret);
      const profile = await this.backend.ownProfile();
      if (!profile || profile.status === 'disabled') {
        wipeUserKeys(keys);
        await this.disabled();
        return this.session;
      }
      await this.checkOwnKeys(profile, account);
      if (masterPassword !== null) await this.adoptRemoteWrapping(profile, account, masterPassword);
      // A kept key cannot adopt a wrapping changed elsewhere: that takes the new password.
      else if (this.sameWrapping(profile, account) !== true)
        throw new CoreError('wrong_credentials', KEY_REFUSED);
      if (profile.status === 'enrolled') return this.awaitConfirmation(keys, account);
      if (profile.status !== 'active') throw new CoreError('invalid_request');
      await this.openSession(keys, profile);
      this.lastUnlockMs = performance.now() - started;
      return this.session;
    } catch (err) {
      if (!this.open) {
        wipeUserKeys(keys);
        await this.backend.signOut();
      }
      // A cache that failed verification and no server to replace it: closed, with the one refusal.
      if (cacheRefused && err instanceof CoreError && err.code === 'offline') throw new CoreError('damaged');
      if (err instanceof CoreError && err.code === 'offline' && typeof cached === 'object') {
        if (this.refuseOldVersion(keys, cached.policy)) return this.session;
      }
      if (err instanceof CoreError && err.code === 'wrong_credentials')
        throw new CoreError('wrong_credentials', masterPassword === null ? KEY_REFUSED : OLD_PASSWORD);
      if (err instanceof CoreError) throw err;
      if (err instanceof DamagedError) throw new CoreError('damaged');
      throw err;
    }
  }

  /**
   * The server lists other keys for us than we enrolled: an alarm, not an update. The cached server documents
   * go, so no later unlock opens from the cache before the server has been past this check again.
   */
  private async checkOwnKeys(profile: ProfileRow, account: Account): Promise<void> {
    if (profile.x25519_public !== account.x25519Public || profile.ed25519_public !== account.ed25519Public) {
      await this.local.dropServerDocs();
      throw new CoreError('damaged');
    }
  }

  /**
   * Opens the vault from what this PC holds, verified exactly as the server's copy would be: the cached
   * profile must carry the enrolled keys, every cached grant must verify against the pinned root through the
   * cached key certificates, and entry rows open only under those keys. Any failure is DamagedError (the
   * caller then asks the server). The server confirms in the background. False: not an active member when
   * last confirmed (awaiting re-confirmation), which only the server can settle.
   */
  private async openFromCache(
    keys: UserKeys,
    docs: ServerDocs,
    credentials: { authSecret: string },
  ): Promise<boolean> {
    const account = this.account!;
    const profile = docs.profile;
    if (
      profile.id.toLowerCase() !== account.userId.toLowerCase() ||
      profile.x25519_public !== account.x25519Public ||
      profile.ed25519_public !== account.ed25519Public
    )
      throw new DamagedError();
    if (profile.status !== 'active') return false;
    // A cached minimum above this version may have been lowered since (an admin's way out of the update screen):
    // the server's policy decides; only when the server cannot be reached does the cached one block.
    if (isBelow(this.opts.appVersion, docs.policy?.min_version ?? null)) return false;
    const keyring = new Keyring(account.userId, keys, this.pinnedRoot(account));
    const outcome = keyring.openGrants(docs.grants, colleagueKeys(docs.colleagues));
    if (outcome.damaged > 0) {
      keyring.dropVaultKeys();
      throw new DamagedError();
    }
    await this.startSession(keyring, { ...docs, grants: outcome.opened }, credentials);
    return true;
  }

  /**
   * The colleagues as every trust decision on this PC sees them: a revoked certificate (crypto/revocation.ts) is
   * taken off its holder, so nothing they sign as an admin verifies, whatever the server still serves. Revocations
   * seen once are kept (LocalState.rememberRevoked), and the rows are cached like this, offline unlocks included.
   * Only revocations an admin's key signed count, and only those are kept.
   */
  private async listColleagues(): Promise<ColleagueRow[]> {
    const [rows, listed] = await Promise.all([this.backend.colleagues(), this.backend.revocations()]);
    const keys = colleagueKeys(rows);
    const verified = verifiedRevocations(
      this.pinnedRoot(this.account!),
      listed,
      (id) => keys.get(id.toLowerCase()),
      await this.local.revokedCertificates(),
    );
    if (verified.refused.length > 0)
      this.events.emit('revocationRefused', { count: verified.refused.length });
    const revoked = await this.local.rememberRevoked(verified.revoked);
    return rows.map((c) =>
      c.key_certificate && revoked.has(certificateKey(c.id, c.key_certificate))
        ? { ...c, key_certificate: null }
        : c,
    );
  }

  private pinnedRoot(account: Account) {
    return { id: account.root.id, ed25519Public: fromBase64Url(account.root.ed25519Public)! };
  }

  /** The office requires a newer app: keys wiped, the update screen. */
  private refuseOldVersion(keys: UserKeys, policy: PolicyRow | null): boolean {
    if (!policy || !isBelow(this.opts.appVersion, policy.min_version)) return false;
    wipeUserKeys(keys);
    const required = policy.min_version ?? '';
    this.events.emit('updateRequired', { running: this.opts.appVersion, required });
    this.setSession({ state: 'updateRequired', running: this.opts.appVersion, required });
    return true;
  }

  /**
   * The server's KDF parameters or key bundle differ from this PC's: a master-password change on another PC not
   * yet in Auth, or the same password's bundle re-wrapped elsewhere (the pin added, the root role taken over). The
   * floor is checked before any derivation; the bundle must open to this PC's keys with its pinned root, or it is
   * damage, never adopted.
   */
  private async adoptRemoteWrapping(profile: ProfileRow, account: Account, masterPassword: string) {
    const kdf = this.sameWrapping(profile, account);
    if (kdf === true && JSON.stringify(profile.wrapped_keys) === JSON.stringify(account.wrappedKeys)) return;
    const params = kdf === true ? account.kdf : kdf;
    const secrets = await deriveSecrets(masterPassword, params);
    let rootHolder = account.rootHolder;
    try {
      const { keys, pin } = unwrapKeyBundle(secrets.wrapKey, account.userId, profile.wrapped_keys, {
        x25519Public: fromBase64Url(account.x25519Public)!,
        ed25519Public: fromBase64Url(account.ed25519Public)!,
      });
      wipeUserKeys(keys);
      if (
        pin &&
        (pin.root.id.toLowerCase() !== account.root.id.toLowerCase() ||
          !equalBytes(pin.root.ed25519Public, this.pinnedRoot(account).ed25519Public))
      )
        throw new DamagedError();
      if (pin?.holder && pin.holder.n > (rootHolder?.n ?? 0)) rootHolder = pin.holder;
    } catch {
      throw new CoreError('damaged');
    } finally {
      secrets.wrapKey.wipe();
    }
    const parsed = WrappedEnvelopeSchema.parse(profile.wrapped_keys);
    this.pinnedBundle = null;
    this.account = { ...account, kdf: params, wrappedKeys: parsed, ...(rootHolder ? { rootHolder } : {}) };
    await this.accounts.save(this.account);
  }

  /**
   * True when the server holds the KDF parameters this PC has (compared as parsed: jsonb reorders keys): the
   * master password was not changed elsewhere. Else the server's parameters, checked against the floor (below
   * it: damaged).
   */
  private sameWrapping(profile: ProfileRow, account: Account): true | KdfParams {
    const kdf = KdfParamsSchema.safeParse(profile.kdf);
    const wrapped = WrappedEnvelopeSchema.safeParse(profile.wrapped_keys);
    if (!kdf.success || !wrapped.success) throw new CoreError('damaged');
    return JSON.stringify(kdf.data) === JSON.stringify(account.kdf) || kdf.data;
  }

  /** Opens a session from the server's documents (first unlock on this PC, enrollment, confirmation). */
  private async openSession(keys: UserKeys, profile: ProfileRow): Promise<void> {
    const account = this.account!;
    const policy = await this.backend.policy();
    if (this.refuseOldVersion(keys, policy)) {
      await this.backend.signOut();
      return;
    }
    const keyring = new Keyring(account.userId, keys, this.pinnedRoot(account));
    const [colleagues, grants, vaults] = await Promise.all([
      this.listColleagues(),
      this.backend.ownGrants(),
      this.backend.vaults(),
    ]);
    const { opened } = keyring.openGrants(grants, colleagueKeys(colleagues));
    const docs: ServerDocs = { profile, policy, colleagues, grants: opened, vaults };
    await this.local.saveServerDocs(docs);
    await this.startSession(keyring, docs, null);
  }

  /**
   * The vault is usable from here: the cached rows open (from the unlock snapshot where it covers them), the
   * session is unlocked. With `credentials` the server has not confirmed yet; that follows in the background.
   */
  private async startSession(
    keyring: Keyring,
    docs: ServerDocs,
    credentials: { authSecret: string } | null,
  ): Promise<void> {
    const account = this.account!;
    const { profile, policy, colleagues } = docs;
    if (!this.local.loaded) await this.local.load();
    const snapshotKey = new SnapshotKey(account.userId, keyring.user.x25519Secret);
    // A state proof's signer is looked up among the colleagues as this session last listed them.
    const listed = new Map(colleagues.map((c) => [c.id, c]));
    const replica = new Replica(keyring, (id) => {
      const rows = this.open?.keyring === keyring ? this.open.colleagues : listed;
      const row = rows.get(id) ?? [...rows.values()].find((c) => c.id.toLowerCase() === id.toLowerCase());
      return row ? colleagueKeys([row]).get(row.id.toLowerCase()) : undefined;
    });
    const failed = replica.restore(
      [...this.local.rows.values()],
      openSnapshot(snapshotKey, account.userId, await this.local.snapshot()),
    );
    for (const [id, d] of this.local.damaged) {
      const row = this.local.rows.get(id);
      replica.markBroken({
        id,
        vault_id: row?.vault_id ?? '',
        version: d.version,
        updated_at: row?.updated_at ?? '',
      });
    }
    // A cached row that no longer opens is fetched again: out of the cache, listed damaged until then.
    for (const row of failed) {
      this.local.rows.delete(row.id);
      this.local.damaged.set(row.id, { version: row.version, seq: row.seq });
    }
    const open: Open = {
      account,
      profile,
      keyring,
      replica,
      colleagues: new Map(colleagues.map((c) => [c.id, c])),
      vaultNames: new Map(docs.vaults.map((v) => [v.id, v.name])),
      engine: undefined as unknown as SyncEngine,
      vault: undefined as unknown as VaultOperations,
      admin: undefined as unknown as AdminOperations,
      office: undefined as unknown as OfficeAdmin,
      succession: undefined as unknown as Succession,
      devices: undefined as unknown as OwnDevices,
      started: Promise.resolve(),
      confirmed: credentials === null,
      credentials,
      confirming: null,
      // Optimistic until the first attempt says otherwise: no offline banner flashes on every unlock.
      reachable: true,
      ended: null,
      snapshotKey,
      grants: docs.grants,
      vaultRows: docs.vaults,
    };
    const isAdmin = () => open.profile.role === 'admin' && open.profile.status === 'active';
    // The decrypted entry before a pulled change, until `changed` reports it (which fields it touched).
    const before = new Map<string, Entry>();
    open.engine = new SyncEngine(
      this.backend,
      this.local,
      account.userId,
      {
        accept: (row, prev) => {
          const old = replica.get(row.id)?.entry;
          if (old) before.set(row.id, old);
          return replica.accept(row, prev);
        },
        changed: (changes) => {
          this.saveSnapshotSoon();
          this.events.emit('entriesChanged', {
            changes: changes.map((c) => {
              const fields = changedFields(before.get(c.id), replica.get(c.id)?.entry);
              before.delete(c.id);
              return { ...c, byName: this.nameOf(c.by), fields };
            }),
          });
        },
        rollback: (entryId, seen, offered) => this.events.emit('rollback', { entryId, seen, offered }),
        damaged: (row) => {
          // A row under a key version this PC does not hold yet is a rotation whose grant is on its way.
          if (row.key_version > (keyring.currentVersion(row.vault_id) ?? 0))
            void this.reloadGrants().catch(() => {});
          else this.events.emit('damaged', { entryId: row.id });
        },
        memberEvent: (e) => void this.onMemberEvent(e).catch(() => {}),
        officeEvent: (e) => void this.onOfficeEvent(e).catch(() => {}),
        presence: () => {},
        connection: (c) => this.onConnection(c),
      },
      {
        ...(this.opts.pollMs ? { pollMs: this.opts.pollMs } : {}),
        // Tracked under the own user id: colleagues count a claim only under its claimant's key
        // (sync/presence.ts). The app version travels in the devices row, which the database writes.
        presence: {
          key: account.userId,
          meta: { user_id: account.userId, device_id: this.opts.device.id },
        },
      },
    );
    const backend = this.gatedBackend(open);
    open.vault = new VaultOperations({
      backend,
      keyring,
      replica,
      local: this.local,
      engine: open.engine,
      isAdmin,
      nameOf: (id) => this.nameOf(id),
      conflictsChanged: () => this.events.emit('conflictsChanged', { count: this.local.conflicts.length }),
      outboxChanged: () => this.emitSync(open.engine.connection),
      refusedChanged: () => this.events.emit('refusedChanged', { count: this.local.refused.length }),
    });
    open.vault.showQueued();
    open.succession = new Succession({
      backend,
      keyring,
      isAdmin,
      account: () => open.account,
      saveAccount: async (a) => {
        open.account = a;
        if (this.open === open) this.account = a;
        await this.accounts.save(a);
      },
      nameOf: (id) => this.nameOf(id),
      announce: (change) => this.events.emit('officeRootChanged', change),
      refused: () => this.events.emit('officeRootRefused', {}),
    });
    const rootHolder = () => open.succession.holder();
    open.admin = new AdminOperations({
      backend,
      keyring,
      replica,
      isAdmin,
      rootHolder,
      revoked: this.local,
      colleagues: () => [...open.colleagues.values()],
    });
    open.devices = new OwnDevices({
      backend,
      userId: account.userId,
      deviceId: this.opts.device.id,
      announce: (added) => this.events.emit('deviceAdded', added),
    });
    open.office = new OfficeAdmin({
      backend,
      isAdmin,
      presence: () => this.presence(),
      titleOf: (id) => replica.get(id)?.entry.title ?? null,
      deviceId: this.opts.device.id,
    });
    this.open = open;
    this.currentPolicy = policy;
    this.autoLockMs = (policy?.auto_lock_minutes ?? 10) * 60_000;
    this.touch();
    this.setSession(this.unlockedState(profile));
    // The vault is usable now. Confirmation by the server, sockets, the catch-up pull and the outbox follow.
    open.started = open.confirmed ? this.startSync(open) : this.confirm(open);
  }

  private unlockedState(profile: ProfileRow): SessionState {
    return {
      state: 'unlocked',
      user: { id: profile.id, email: profile.email, displayName: profile.display_name, role: profile.role },
      officeFingerprint: fingerprint(this.pinnedRoot(this.account!).ed25519Public),
    };
  }

  /**
   * The backend as the vault and admin operations see it: before the server has confirmed this session, a
   * call first tries to get it confirmed, and is "offline" when it cannot (writes go to the outbox then).
   */
  private gatedBackend(open: Open): Backend {
    return new Proxy(this.backend, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          await this.confirmed(open);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  /** One attempt at a time to get an unlock from the cache confirmed by the server. */
  private confirm(open: Open): Promise<void> {
    open.confirming ??= this.confirmOnce(open).finally(() => {
      open.confirming = null;
    });
    return open.confirming;
  }

  /**
   * Signs in with the secret derived at unlock and checks what the server says now, as an online unlock
   * would: disabled → wipe; other public keys or KDF parameters → alarm and lock; a required update → the
   * update screen; then the grants the server lists replace the cached ones, and sync starts. What ends the
   * session runs after this attempt has settled (closing waits for it).
   */
  private async confirmOnce(open: Open): Promise<void> {
    const creds = open.credentials;
    if (!creds || this.open !== open) return;
    const account = open.account;
    const end = (refusal: CoreError, run: () => Promise<unknown>) => {
      const done = new Promise<void>((resolve) =>
        setImmediate(
          () =>
            void run().then(
              () => resolve(),
              () => resolve(),
            ),
        ),
      );
      open.ended = { refusal, done };
    };
    try {
      await this.backend.signIn(account.email, creds.authSecret);
      const profile = await this.backend.ownProfile();
      if (this.open !== open) return;
      if (!profile || profile.status === 'disabled')
        return end(new CoreError('disabled'), () => this.disabled());
      await this.checkOwnKeys(profile, account);
      // New wrapping from another PC: adopting it needs the master password, which is not kept after unlock;
      // the next unlock goes through the server and adopts it there.
      if (this.sameWrapping(profile, account) !== true) {
        await this.local.dropServerDocs();
        return end(new CoreError('wrong_credentials', CHANGED_ELSEWHERE), () => this.lock(CHANGED_ELSEWHERE));
      }
      if (profile.status !== 'active') {
        // Awaiting re-confirmation (re-enabled, demoted) or reset: locked, and from now on only an online
        // unlock may open it (it shows the wait for the admin, as it always did).
        await this.local.saveServerDocs({ ...this.serverDocsOf(open), profile });
        return end(new CoreError('locked'), () => this.lock());
      }
      const policy = await this.backend.policy();
      if (this.open !== open) return;
      if (policy && isBelow(this.opts.appVersion, policy.min_version)) {
        await this.local.saveServerDocs({ ...this.serverDocsOf(open), profile, policy });
        const required = policy.min_version ?? '';
        return end(new CoreError('update_required'), () => this.forceUpdate(required));
      }
      const [colleagues, grants, vaults] = await Promise.all([
        this.listColleagues(),
        this.backend.ownGrants(),
        this.backend.vaults(),
      ]);
      if (this.open !== open) return;
      const { opened } = open.keyring.openGrants(grants, colleagueKeys(colleagues));
      open.keyring.retainOnly(opened);
      open.replica.dropUnkeyed();
      open.profile = profile;
      open.grants = opened;
      open.vaultRows = vaults;
      open.colleagues = new Map(colleagues.map((c) => [c.id, c]));
      open.vaultNames = new Map(vaults.map((v) => [v.id, v.name]));
      open.confirmed = true;
      open.credentials = null;
      open.reachable = true;
      this.currentPolicy = policy;
      if (policy) this.autoLockMs = policy.auto_lock_minutes * 60_000;
      await this.local.saveServerDocs({ profile, policy, colleagues, grants: opened, vaults });
      const s = this.session;
      if (
        s.state === 'unlocked' &&
        (s.user.role !== profile.role || s.user.displayName !== profile.display_name)
      )
        this.setSession(this.unlockedState(profile));
      await this.startSync(open);
    } catch (err) {
      if (this.open !== open) return;
      if (err instanceof CoreError && err.code === 'offline') {
        open.reachable = false;
        this.emitSync(open.engine.connection);
        this.confirmTimer = setTimeout(
          () => void this.confirm(open).catch(() => {}),
          Math.min(this.opts.pollMs ?? 30_000, 5_000),
        );
        this.confirmTimer.unref?.();
        return;
      }
      if (err instanceof CoreError && err.code === 'disabled')
        return end(new CoreError('disabled'), () => this.disabled());
      // The keys alarm, a weakened KDF, wrong credentials (the password changed or was reset elsewhere): the
      // session ends, and the next unlock goes through the server, which refuses as it always did.
      await this.local.dropServerDocs().catch(() => {});
      const refusal = err instanceof CoreError ? err : new CoreError('damaged');
      return end(refusal, () => this.lock());
    }
  }

  /** Resolves once the server has confirmed this session; else throws what stands in the way. */
  private async confirmed(open: Open): Promise<void> {
    if (!open.confirmed && !open.ended) await this.confirm(open);
    if (open.ended) {
      await open.ended.done;
      throw open.ended.refusal;
    }
    if (this.open !== open) throw new CoreError('locked');
    if (!open.confirmed) throw new CoreError('offline');
  }

  /** What an offline unlock needs, as this session last read it from the server. */
  private serverDocsOf(open: Open): ServerDocs {
    return {
      profile: open.profile,
      policy: this.currentPolicy,
      colleagues: [...open.colleagues.values()],
      grants: open.grants,
      vaults: open.vaultRows,
    };
  }

  /**
   * From the update screen: an admin lowers (or clears, null) the office minimum version with the master
   * password, without opening the vault (session/blocked-admin.ts). The cached server documents go, so the next
   * unlock reads the new policy from the server; the PC is locked then, or still blocked when the new minimum
   * is above this version too.
   */
  async lowerMinimumWhileBlocked(masterPassword: string, minVersion: string | null): Promise<SessionState> {
    const account = this.account;
    if (!account || this.session.state !== 'updateRequired')
      throw new CoreError(
        'invalid_request',
        'The minimum version is changed here only from the update screen.',
      );
    const policy = await lowerMinimumAsBlockedAdmin(this.backend, account, masterPassword, minVersion);
    await this.local.dropServerDocs();
    this.events.emit('policyChanged', policy);
    if (isBelow(this.opts.appVersion, policy.minVersion)) {
      await this.forceUpdate(policy.minVersion ?? '');
      return this.session;
    }
    return this.lock();
  }

  private async forceUpdate(required: string): Promise<void> {
    await this.lock();
    this.events.emit('updateRequired', { running: this.opts.appVersion, required });
    this.setSession({ state: 'updateRequired', running: this.opts.appVersion, required });
  }

  /** The snapshot follows the replica a little after changes, so a crash loses no more than that. */
  private saveSnapshotSoon(): void {
    if (this.snapshotTimer) return;
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = null;
      void this.saveSnapshot().catch(() => {});
    }, 2_000);
    this.snapshotTimer.unref?.();
  }

  private async saveSnapshot(): Promise<void> {
    const open = this.open;
    if (!open) return;
    await this.local.saveSnapshot(
      sealSnapshot(open.snapshotKey, open.account.userId, open.replica.snapshotItems()),
    );
  }

  private async startSync(open: Open): Promise<void> {
    // Before anything is pulled or sent: a PC signed out while it was away learns it here, and erases its copy.
    try {
      await this.backend.registerDevice(
        { ...this.opts.device, app_version: this.opts.appVersion },
        this.freshDevice,
      );
      this.freshDevice = false;
    } catch (err) {
      // Ended after this start has settled: closing the session waits for it.
      if (err instanceof CoreError && err.code === 'device_revoked')
        return void setImmediate(() => void this.deviceRevoked().catch(() => {}));
    }
    if (this.open !== open) return;
    await this.uploadPinnedBundle(open).catch(() => {});
    await open.devices.start().catch(() => {});
    await open.engine.start(open.keyring.vaultIds()).catch(() => {});
    await open.vault.flushOutbox().catch(() => {});
    if (this.open === open) {
      this.startWatchdog();
      await this.saveSnapshot().catch(() => {});
    }
  }

  /** A bundle enrolled before the pin gets it (re-wrapped at unlock, same KDF): a new PC can verify from then on. */
  private async uploadPinnedBundle(open: Open): Promise<void> {
    const bundle = this.pinnedBundle;
    if (!bundle || this.open !== open) return;
    this.pinnedBundle = null;
    await this.backend.updateOwnProfile({ kdf: open.account.kdf, wrapped_keys: bundle });
    const account = { ...open.account, wrappedKeys: bundle };
    open.account = account;
    this.account = account;
    await this.accounts.save(account);
  }

  // Without a live socket, pokes (including "disabled") do not arrive: check the account on the poll beat.
  private startWatchdog(): void {
    this.watchdog = setInterval(() => {
      if (this.open && !this.open.engine.connection.live) void this.checkStatus().catch(() => {});
    }, this.opts.pollMs ?? 30_000);
    this.watchdog.unref?.();
  }

  private async checkStatus(): Promise<void> {
    let profile: ProfileRow | null;
    try {
      profile = await this.backend.ownProfile();
    } catch (err) {
      if (err instanceof CoreError && (err.code === 'disabled' || err.code === 'not_signed_in'))
        profile = null;
      else throw err;
    }
    if (!profile && (await this.ownDeviceRevoked())) return this.deviceRevoked();
    if (!profile || profile.status === 'disabled') return this.disabled();
    if (this.open && this.sameWrapping(profile, this.open.account) !== true) {
      await this.local.dropServerDocs();
      return void (await this.lock(CHANGED_ELSEWHERE));
    }
    // A role change voided the key certificate: locked, the next unlock waits for the admin's confirmation.
    if (profile.status === 'enrolled') {
      if (this.open) await this.local.saveServerDocs({ ...this.serverDocsOf(this.open), profile });
      return void (await this.lock());
    }
    if (this.open) {
      this.open.profile = profile;
      await this.local.saveServerDocs(this.serverDocsOf(this.open));
      // Still active: rejoin the vault channels the engine left on a `disabled` poke (no-op otherwise).
      await this.open.engine.setVaults(this.open.keyring.vaultIds());
    }
  }

  /** Whether this PC's session was shut out by a revocation (asked when the server shows nothing of the account). */
  private async ownDeviceRevoked(): Promise<boolean> {
    return (await this.backend.deviceStatus(this.opts.device.id).catch(() => 'unknown')) === 'revoked';
  }

  private async onMemberEvent(e: 'disabled' | 'grants' | 'profile' | 'devices'): Promise<void> {
    const open = this.open;
    if (!open) return;
    if (e === 'disabled') return this.checkStatus();
    if (e === 'profile') return this.checkStatus();
    if (e === 'devices') {
      if ((await open.devices.follow()) === 'revoked' && this.open === open) await this.deviceRevoked();
      return;
    }
    await this.reloadGrants();
  }

  private grantsReload: Promise<void> | null = null;
  private grantsAgain = false;

  /** New or rotated grants: open what verifies, then follow the vault set. Bursts fold into one more pass. */
  private reloadGrants(): Promise<void> {
    if (this.grantsReload) {
      this.grantsAgain = true;
      return this.grantsReload;
    }
    this.grantsReload = (async () => {
      try {
        do {
          this.grantsAgain = false;
          await this.reloadGrantsOnce();
        } while (this.grantsAgain && this.open);
      } finally {
        this.grantsReload = null;
      }
    })();
    return this.grantsReload;
  }

  private async reloadGrantsOnce(): Promise<void> {
    const open = this.open;
    if (!open) return;
    const colleagues = await this.listColleagues();
    open.colleagues = new Map(colleagues.map((c) => [c.id, c]));
    open.grants = open.keyring.openGrants(await this.backend.ownGrants(), colleagueKeys(colleagues)).opened;
    open.vaultRows = await this.backend.vaults();
    open.vaultNames = new Map(open.vaultRows.map((v) => [v.id, v.name]));
    await this.local.saveServerDocs(this.serverDocsOf(open));
    await open.engine.setVaults(open.keyring.vaultIds());
    const byVault = new Map<string, number[]>();
    for (const d of open.replica.damagedEntries()) {
      const seq = this.local.damaged.get(d.id)?.seq;
      if (seq !== undefined) byVault.set(d.vaultId, [...(byVault.get(d.vaultId) ?? []), seq]);
    }
    await Promise.all([...byVault].map(([v, seqs]) => open.engine.retry(v, seqs).catch(() => {})));
  }

  private async onOfficeEvent(e: 'policy' | 'profile'): Promise<void> {
    const open = this.open;
    if (!open) return;
    if (e === 'profile') {
      const colleagues = await this.listColleagues();
      const before = open.colleagues;
      open.colleagues = new Map(colleagues.map((c) => [c.id, c]));
      const changes = peopleChanges(before, open.colleagues);
      if (changes.length > 0) this.events.emit('peopleChanged', { changes });
      return this.local.saveServerDocs(this.serverDocsOf(open));
    }
    const policy = await this.backend.policy();
    if (this.open === open) {
      this.currentPolicy = policy;
      await this.local.saveServerDocs(this.serverDocsOf(open));
    }
    if (policy && isBelow(this.opts.appVersion, policy.min_version)) {
      await this.forceUpdate(policy.min_version ?? '');
    } else if (policy) {
      this.autoLockMs = policy.auto_lock_minutes * 60_000;
    }
  }

  private onConnection(c: ConnectionState): void {
    // Queued writes go out as soon as the server answers again (a pull just succeeded).
    if (c.online && !c.syncing && this.local.outbox.length > 0)
      void this.open?.vault.flushOutbox().catch(() => {});
    this.emitSync(c);
  }

  private emitSync(c: ConnectionState): void {
    this.events.emit('syncState', this.syncStatusOf(c));
  }

  private syncStatusOf(c: ConnectionState): SyncStatus {
    const open = this.open;
    // Before the server confirmed an unlock from the cache, the engine has not run: its state says nothing.
    const waiting = open !== null && !open.confirmed;
    const connection =
      open === null
        ? 'connecting'
        : (waiting && !open.reachable) || !c.online
          ? 'offline'
          : c.lastSyncedAt === null && !c.live
            ? 'connecting'
            : waiting || c.syncing
              ? 'syncing'
              : 'online';
    return {
      connection,
      live: c.live,
      liveBlocked: c.liveBlocked,
      lastSyncedAt: c.lastSyncedAt,
      pendingChanges: this.local.outbox.length,
    };
  }

  get syncStatus(): SyncStatus {
    const c = this.open?.engine.connection ?? {
      online: false,
      syncing: false,
      live: false,
      liveBlocked: false,
      lastSyncedAt: null,
    };
    return this.syncStatusOf(c);
  }

  private nameOf(id: string | null): string {
    if (!id) return '';
    const c = this.open?.colleagues.get(id);
    return c ? c.display_name || c.email : '';
  }

  /** The account was disabled: keys wiped, the local cache erased, nothing more until an admin re-enables. */
  private async disabled(): Promise<void> {
    const email = this.account?.email ?? '';
    await this.closeSession();
    await this.local.wipe();
    this.setSession({ state: 'disabled', email });
  }

  /**
   * This PC was signed out from another of the person's PCs or by an admin: keys wiped, the cache and the account
   * erased; the person may sign in again with email and master password, as on a new PC.
   */
  private async deviceRevoked(): Promise<void> {
    await this.closeSession();
    await this.local.wipe();
    this.account = null;
    this.setSession({ state: 'signedOut', notice: MESSAGES.device_revoked });
  }

  private async closeSession(): Promise<void> {
    this.clearTimers();
    await this.stopPending();
    const open = this.open;
    this.open = null;
    this.currentPolicy = null;
    if (open) {
      await open.started;
      await open.confirming;
      open.credentials = null;
      await open.engine.stop();
      await this.local.flush().catch(() => {});
      // Sealed while the keys are still here: the next unlock opens the list from it.
      await this.local
        .saveSnapshot(sealSnapshot(open.snapshotKey, open.account.userId, open.replica.snapshotItems()))
        .catch(() => {});
      open.snapshotKey.wipe();
      open.replica.clear();
      open.keyring.wipe();
    }
    await this.backend.signOut();
  }

  private clearTimers(): void {
    if (this.autoLock) clearTimeout(this.autoLock);
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.confirmTimer) clearTimeout(this.confirmTimer);
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.autoLock = null;
    this.watchdog = null;
    this.confirmTimer = null;
    this.snapshotTimer = null;
  }

  /** Keys wiped from memory; the signed-in server session is dropped too. `notice`: why, when it is news. */
  async lock(notice?: string): Promise<SessionState> {
    await this.closeSession();
    if (!this.account) return this.setSession({ state: 'signedOut' });
    return this.setSession({ state: 'locked', email: this.account.email, ...(notice ? { notice } : {}) });
  }

  /** Like lock, and the UI goes back to the sign-in screen; this PC keeps the account and its cache. */
  async signOut(): Promise<SessionState> {
    await this.closeSession();
    return this.setSession({ state: 'signedOut' });
  }

  /** Resets the auto-lock countdown (the host calls it on user activity). */
  touch(): void {
    if (!this.open || !this.idleLock) return;
    if (this.autoLock) clearTimeout(this.autoLock);
    this.autoLock = setTimeout(() => void this.lock().catch(() => {}), this.autoLockMs);
    this.autoLock.unref?.();
  }

  /** The host turns the core's own idle lock off while "stay unlocked on this PC" is in force. */
  setIdleLock(on: boolean): void {
    this.idleLock = on;
    if (on) {
      this.touch();
    } else if (this.autoLock) {
      clearTimeout(this.autoLock);
      this.autoLock = null;
    }
  }

  async changeMasterPassword(current: string, next: string): Promise<void> {
    const open = this.requireOpen();
    await this.confirmed(open);
    const account = open.account;
    const check = await deriveSecrets(current, account.kdf);
    try {
      wipeUserKeys(unwrapUserKeys(check.wrapKey, account.userId, account.wrappedKeys));
    } catch {
      throw new CoreError('wrong_credentials', 'The current master password is not correct.');
    } finally {
      check.wrapKey.wipe();
    }
    const { kdf, wrapped, authSecret } = await wrapForPassword(
      account.userId,
      open.keyring.user,
      keyPinOf(account),
      next,
    );
    await this.backend.updateOwnProfile({ kdf, wrapped_keys: wrapped });
    await this.backend.setAuthPassword(authSecret);
    this.account = { ...account, kdf, wrappedKeys: wrapped };
    open.account = this.account;
    await this.accounts.save(this.account);
  }

  /** Stops timers, sockets and pending writes; the object is not used afterwards. */
  async dispose(): Promise<void> {
    await this.closeSession().catch(() => {});
    await this.local.flush().catch(() => {});
    await this.backend.dispose();
    this.events.clear();
  }

  // ---------------------------------------------------------------- vault

  get vault(): VaultOperations {
    return this.requireOpen().vault;
  }

  get admin(): AdminOperations {
    return this.requireOpen().admin;
  }

  get office(): OfficeAdmin {
    return this.requireOpen().office;
  }

  /** The office root's recovery kit and its take-over. */
  get succession(): Succession {
    return this.requireOpen().succession;
  }

  /** Password health, the trash and the vault export (issue 16): a thin view over this session's replica. */
  get upkeep(): VaultUpkeep {
    const open = this.requireOpen();
    return new VaultUpkeep({
      backend: this.gatedBackend(open),
      replica: open.replica,
      vault: open.vault,
      isAdmin: () => open.profile.role === 'admin' && open.profile.status === 'active',
      nameOf: (id) => this.nameOf(id),
      vaultName: (id) => open.vaultNames.get(id) ?? '',
    });
  }

  /** The office's client policy as last read (at unlock, then on each `policy` poke); null while locked. */
  get policy(): Omit<OfficePolicy, 'updatedAt'> | null {
    const p = this.currentPolicy;
    return p && toPolicy(p);
  }

  /** Vaults this PC can read, with their names and how many live entries each holds. */
  vaults(): { id: string; name: string; entryCount: number }[] {
    const open = this.requireOpen();
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
    const open = this.requireOpen();
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
    const open = this.requireOpen();
    await open.started;
    await this.confirmed(open);
    await open.engine.pullAll();
    await open.vault.flushOutbox();
  }

  /** This person's PCs, this one marked. */
  devices(): Promise<OwnDevice[]> {
    return this.requireOpen().devices.list();
  }

  /** Signs another of this person's PCs out: its next request is refused and it erases its copy. */
  async signOutDevice(id: string): Promise<void> {
    const open = this.requireOpen();
    await this.confirmed(open);
    await open.devices.signOut(id);
  }

  /** Who says they are online now, and from which PC: a hint (sync/presence.ts), own claims only. */
  presence(): PresenceClaim[] {
    return ownClaims(this.requireOpen().engine.presenceState());
  }
}

function toPolicy(p: PolicyRow): Omit<OfficePolicy, 'updatedAt'> {
  return {
    autoLockMinutes: p.auto_lock_minutes,
    allowStayUnlocked: p.allow_stay_unlocked,
    minVersion: p.min_version,
    latestVersion: p.latest_version,
    critical: p.critical,
    releaseNotes: p.release_notes ?? '',
  };
}
