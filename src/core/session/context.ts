// The state one KeyroomCore shares between its session modules (sign-in, unlock, confirmation, sync follow-up,
// lock): one object, handed to each module's functions, so the modules import each other's functions but never
// each other's state. Only the small helpers every module needs live here.
import type { OfficePolicy } from '../admin/office';
import { Backend } from '../backend/client';
import { envNetwork, type Network } from '../backend/network/network';
import type { PolicyRow, ProfileRow } from '../backend/rows';
import { fromBase64Url } from '../crypto/bytes';
import type { WrappedEnvelope } from '../crypto/envelope';
import { fingerprint } from '../crypto/fingerprint';
import { type UserKeys, wipeUserKeys } from '../crypto/keys';
import { LocalState, type ServerDocs } from '../sync/state';
import { type Account, AccountStore } from './account';
import { Emitter } from './events';
import type { CoreEvents, CoreOptions, Open, SessionState } from './types';

export class CoreContext {
  readonly events = new Emitter<CoreEvents>();
  readonly backend: Backend;
  readonly network: Network;
  readonly accounts: AccountStore;
  readonly local: LocalState;
  account: Account | null = null;
  session: SessionState = { state: 'signedOut' };
  open: Open | null = null;
  /** Enrolled or re-enabled, waiting for an admin's confirmation (session/pending.ts): the keys wait here. */
  pending: { keys: UserKeys; stop: () => Promise<void> } | null = null;
  autoLock: NodeJS.Timeout | null = null;
  autoLockMs = 10 * 60_000;
  watchdog: NodeJS.Timeout | null = null;
  lastUnlockMs: number | null = null;
  confirmTimer: NodeJS.Timeout | null = null;
  snapshotTimer: NodeJS.Timeout | null = null;
  keeper: ((masterKey: Uint8Array) => Promise<void>) | null = null;
  idleLock = true;
  /** This PC holds nothing of the account it just signed in to (the next device registration says so). */
  freshDevice = false;
  /** A key bundle from before the pin, re-wrapped with it at unlock: uploaded once the server has confirmed. */
  pinnedBundle: WrappedEnvelope | null = null;
  /** The grants reload running now, and whether another pass was asked for meanwhile (sync/follow.ts). */
  grantsReload: Promise<void> | null = null;
  grantsAgain = false;
  private policyRow: PolicyRow | null = null;
  /** A wait between retries (sync/follow.ts), cut short when the session closes. */
  private pausing: { timer: NodeJS.Timeout; done: (ran: boolean) => void } | null = null;

  constructor(readonly opts: CoreOptions) {
    this.network = opts.network ?? envNetwork();
    this.backend = new Backend({ url: opts.url, publishableKey: opts.publishableKey, network: this.network });
    this.accounts = new AccountStore(opts.storage.cache);
    this.local = new LocalState(opts.storage);
  }

  // Every policy read from the server (or the cache at unlock) is announced: the host follows the office's
  // "stay unlocked" permission without polling.
  get currentPolicy(): PolicyRow | null {
    return this.policyRow;
  }

  set currentPolicy(p: PolicyRow | null) {
    this.policyRow = p;
    if (p) this.events.emit('policyChanged', toPolicy(p));
    if (p) this.open?.succession?.observe(p);
  }

  setSession(s: SessionState): SessionState {
    this.session = s;
    this.events.emit('sessionChanged', s);
    return s;
  }

  unlockedState(profile: ProfileRow): SessionState {
    return {
      state: 'unlocked',
      user: { id: profile.id, email: profile.email, displayName: profile.display_name, role: profile.role },
      officeFingerprint: fingerprint(this.pinnedRoot(this.account!).ed25519Public),
    };
  }

  pinnedRoot(account: Account) {
    return { id: account.root.id, ed25519Public: fromBase64Url(account.root.ed25519Public)! };
  }

  /** What an offline unlock needs, as this session last read it from the server. */
  serverDocsOf(open: Open): ServerDocs {
    return {
      profile: open.profile,
      policy: this.currentPolicy,
      colleagues: [...open.colleagues.values()],
      grants: open.grants,
      vaults: open.vaultRows,
    };
  }

  nameOf(id: string | null): string {
    if (!id) return '';
    const c = this.open?.colleagues.get(id);
    return c ? c.display_name || c.email : '';
  }

  async stopPending(): Promise<void> {
    if (!this.pending) return;
    await this.pending.stop();
    wipeUserKeys(this.pending.keys);
    this.pending = null;
  }

  /** Waits `ms`; false when the session closed meanwhile (clearTimers), so the caller stops. */
  pause(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pausing = null;
        resolve(true);
      }, ms);
      timer.unref?.();
      this.pausing = { timer, done: resolve };
    });
  }

  clearTimers(): void {
    if (this.pausing) {
      clearTimeout(this.pausing.timer);
      this.pausing.done(false);
      this.pausing = null;
    }
    if (this.autoLock) clearTimeout(this.autoLock);
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.confirmTimer) clearTimeout(this.confirmTimer);
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.autoLock = null;
    this.watchdog = null;
    this.confirmTimer = null;
    this.snapshotTimer = null;
  }
}

export function toPolicy(p: PolicyRow): Omit<OfficePolicy, 'updatedAt'> {
  return {
    autoLockMinutes: p.auto_lock_minutes,
    allowStayUnlocked: p.allow_stay_unlocked,
    minVersion: p.min_version,
    latestVersion: p.latest_version,
    critical: p.critical,
    releaseNotes: p.release_notes ?? '',
  };
}
