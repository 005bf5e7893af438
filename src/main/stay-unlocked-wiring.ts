// "Stay unlocked on this PC", wired between the core, the OS keychain and the user's setting:
// - after an unlock with the master password, the master key goes to the keychain when the office policy
//   (client_policy.allow_stay_unlocked) and the setting both allow it;
// - at app start a locked PC unlocks with it (the only automatic unlock: any lock during a run, by hand, idle,
//   screen lock or sleep, holds until the password is typed, as in Bitwarden; the next start opens again);
// - sign-out, disable, reset and re-enrollment wipe it, and so does a key the account no longer accepts;
// - the policy turning it off, or the user turning the setting off, wipes it for every profile on this PC.
// While it is in force the core's own idle lock is off (the shell's OS-idle lock reads enabled() too).
import type { CoreError, KeyroomCore, SessionState } from '../core';
import type { Settings } from '../shared/domain';
import type { Keychain } from './secrets/keychain';
import { StayUnlockedKeychain } from './secrets/stay-unlocked';

export interface StayUnlockedSettings {
  current(): Settings;
  onChange(listener: (next: Settings, previous: Settings) => void | Promise<void>): void;
}

export interface StayUnlockedWiringOptions {
  core: KeyroomCore;
  keychain: Keychain;
  settings: StayUnlockedSettings;
  /** Names the office in the keychain account (the same address may hold accounts of two offices). */
  office: string;
  /** Gets the failing step and the error's class only: keychain and core messages stay out of logs. */
  onError: (message: string) => void;
}

export class StayUnlockedWiring {
  readonly #core: KeyroomCore;
  readonly #stay: StayUnlockedKeychain;
  readonly #settings: StayUnlockedSettings;
  readonly #office: string;
  readonly #onError: (message: string) => void;
  /** client_policy.allow_stay_unlocked as last read (live, or cached with the last session); null: unknown. */
  #allowed: boolean | null = null;
  /** The keychain account of this PC's user, remembered because a signed-out state names nobody. */
  #profile: string | null = null;
  #work: Promise<unknown> = Promise.resolve();
  #disposed = false;
  readonly #offs: Array<() => void>;

  constructor(options: StayUnlockedWiringOptions) {
    this.#core = options.core;
    this.#settings = options.settings;
    this.#office = options.office;
    this.#onError = options.onError;
    this.#stay = new StayUnlockedKeychain({
      keychain: options.keychain,
      policyAllows: () => this.#allowed,
      userChose: () => this.#settings.current().stayUnlocked,
    });
    this.#noteProfile(this.#core.state);
    this.#core.keepUnlockKey((key) => this.#keep(key));
    this.#offs = [
      this.#core.events.on('policyChanged', (p) => {
        this.#allowed = p.allowStayUnlocked;
        this.#enforce();
      }),
      this.#core.events.on('sessionChanged', (s) => this.#onSession(s)),
    ];
    this.#settings.onChange((next, previous) => {
      if (next.stayUnlocked !== previous.stayUnlocked) this.#enforce();
    });
  }

  /** Policy and setting both allow it now (the shell skips the OS-idle lock then). */
  enabled(): boolean {
    return this.#stay.enabled();
  }

  /**
   * At app start: a locked PC with a kept key for its user unlocks with it. A key the account refuses is wiped
   * and the lock screen asks for the password; an unreachable server keeps the key for the next start.
   */
  async start(): Promise<void> {
    const s = this.#core.state;
    const userId = this.#core.accountUserId;
    if (s.state !== 'locked' || !userId) return;
    const profile = this.#profileOf(s.email);
    // A start never fails because of this: at worst the lock screen asks for the password.
    const policy = await this.#core.lastKnownPolicy().catch((err: unknown) => this.#failed('policy', err));
    this.#allowed = policy?.allowStayUnlocked ?? null;
    const key = await this.#stay.load(profile, userId).catch((err: unknown) => this.#failed('load', err));
    if (!key) return;
    try {
      await this.#core.unlockWithKey(key, () => this.#run('wipe', () => this.#stay.wipe(profile)));
    } catch (err) {
      // Only a server out of reach (or busy) says nothing about the key; any other refusal ends it.
      const code = (err as Partial<CoreError>).code;
      if (code !== 'offline' && code !== 'rate_limited')
        await this.#run('wipe', () => this.#stay.wipe(profile));
    } finally {
      key.fill(0);
    }
    this.#core.setIdleLock(!this.enabled());
  }

  /** Waits for keychain work in flight (tests, shutdown). */
  async settled(): Promise<void> {
    let last: Promise<unknown> | undefined;
    while (last !== this.#work) {
      last = this.#work;
      await last;
    }
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    this.#core.keepUnlockKey(null);
    for (const off of this.#offs) off();
    await this.settled();
  }

  // The keeper the core calls after a password unlock that opened the vault; the key is wiped after return.
  async #keep(key: Uint8Array): Promise<void> {
    const s = this.#core.state;
    if (this.#disposed || s.state !== 'unlocked') return;
    const policy = this.#core.policy;
    if (policy) this.#allowed = policy.allowStayUnlocked;
    const profile = this.#profileOf(s.user.email);
    await this.#run('save', () => this.#stay.save(profile, s.user.id, key));
    this.#core.setIdleLock(!this.enabled());
  }

  #onSession(s: SessionState): void {
    this.#noteProfile(s);
    const profile = this.#profile;
    if (!profile) return;
    // Locked by the server's word (the master password was changed on another PC): the kept key derives the old
    // Auth secret and would still open this PC's cache while it is offline. It goes now.
    if (s.state === 'locked' && s.notice) void this.#run('wipe', () => this.#stay.wipe(profile));
    else void this.#run('wipe', () => this.#stay.onSession(profile, s.state));
  }

  #enforce(): void {
    this.#core.setIdleLock(!this.enabled());
    void this.#run('wipe', () => this.#stay.enforce());
  }

  #noteProfile(s: SessionState): void {
    const email = s.state === 'unlocked' ? s.user.email : 'email' in s ? s.email : null;
    if (email) this.#profile = this.#profileOf(email);
  }

  #profileOf(email: string): string {
    return `${email.toLowerCase()} @ ${this.#office}`;
  }

  // Keychain calls run one after another, so a wipe never overtakes the save it must undo.
  #run(step: string, fn: () => Promise<unknown>): Promise<void> {
    const next = this.#work.then(fn).then(
      () => undefined,
      (err: unknown) => void this.#failed(step, err),
    );
    this.#work = next;
    return next;
  }

  #failed(step: string, err: unknown): undefined {
    this.#onError(`stay unlocked: ${step} failed (${err instanceof Error ? err.name : typeof err})`);
    return undefined;
  }
}
