// "Stay unlocked on this PC": the unlocked key material of a profile (what the core needs to unlock without
// the master password, e.g. the master key) is kept in the OS keychain, and only while the office policy
// (client_policy.allow_stay_unlocked) allows it and the user chose it. The keychain is the only place it goes:
// never a file. It is wiped when the policy or the setting turns it off, and on sign-out, disable or reset.
//
// The keychain entry binds the material to the user id it was saved for, so a profile that now belongs to
// another account (reset and re-enrolled, or a reused profile name) never unlocks with an old key.
import { z } from 'zod';
import type { SessionState } from '../../shared/domain';
import type { Keychain } from './keychain';

export const STAY_UNLOCKED_SERVICE = 'Keyroom unlocked keys';

const MAX_MATERIAL_BYTES = 64 * 1024;

const storedSchema = z.strictObject({
  v: z.literal(1),
  user: z.uuid(),
  material: z.base64().max(Math.ceil(MAX_MATERIAL_BYTES / 3) * 4),
});

const accountSchema = z.string().min(1).max(254);

export interface StayUnlockedOptions {
  keychain: Keychain;
  /** client_policy.allow_stay_unlocked as last received (cached), or null when no policy is known yet. */
  policyAllows: () => boolean | null;
  /** The user's "stay unlocked on this PC" setting. */
  userChose: () => boolean;
}

/** Session states after which the saved keys must not survive. */
const WIPE_ON: ReadonlySet<SessionState['state']> = new Set([
  'signedOut',
  'disabled',
  'needsEnrollment',
  'pendingConfirmation',
]);

export class StayUnlockedKeychain {
  readonly #keychain: Keychain;
  readonly #policyAllows: () => boolean | null;
  readonly #userChose: () => boolean;

  constructor(options: StayUnlockedOptions) {
    this.#keychain = options.keychain;
    this.#policyAllows = options.policyAllows;
    this.#userChose = options.userChose;
  }

  /** True only when the policy is known and allows it, and the user chose it. */
  enabled(): boolean {
    return this.#policyAllows() === true && this.#userChose();
  }

  /**
   * Keeps the material for the next start. Returns false (and keeps nothing) when it is not enabled; when the
   * policy or the user said no, an older saved copy is removed too.
   */
  async save(profile: string, userId: string, material: Uint8Array): Promise<boolean> {
    const account = accountSchema.parse(profile);
    if (!this.enabled()) {
      if (this.#turnedOff()) await this.wipe(account);
      return false;
    }
    if (material.length === 0 || material.length > MAX_MATERIAL_BYTES) {
      throw new RangeError('the key material to keep has an unexpected size');
    }
    // A view, not a copy: no second copy of the key is left behind in Node's buffer pool.
    const encoded = Buffer.from(material.buffer, material.byteOffset, material.byteLength).toString('base64');
    const stored = { v: 1, user: z.uuid().parse(userId), material: encoded };
    await this.#keychain.setPassword(STAY_UNLOCKED_SERVICE, account, JSON.stringify(stored));
    return true;
  }

  /**
   * The saved material for this profile and user, or undefined. A copy that is no longer allowed, belongs to
   * another user or is malformed is removed. With no policy known yet nothing is returned, and nothing removed.
   */
  async load(profile: string, userId: string): Promise<Uint8Array | undefined> {
    const account = accountSchema.parse(profile);
    if (!this.enabled()) {
      if (this.#turnedOff()) await this.wipe(account);
      return undefined;
    }
    const raw = await this.#keychain.getPassword(STAY_UNLOCKED_SERVICE, account);
    if (raw === null) return undefined;
    const parsed = storedSchema.safeParse(parseJson(raw));
    if (!parsed.success || parsed.data.user !== userId) {
      await this.wipe(account);
      return undefined;
    }
    const decoded = Buffer.from(parsed.data.material, 'base64');
    const material = new Uint8Array(decoded);
    decoded.fill(0);
    return material;
  }

  async wipe(profile: string): Promise<void> {
    await this.#keychain.deletePassword(STAY_UNLOCKED_SERVICE, accountSchema.parse(profile));
  }

  /** Removes the saved keys of every profile on this PC. */
  async wipeAll(): Promise<void> {
    const saved = await this.#keychain.findCredentials(STAY_UNLOCKED_SERVICE);
    for (const { account } of saved) await this.#keychain.deletePassword(STAY_UNLOCKED_SERVICE, account);
  }

  /** Call whenever the policy or the setting may have changed (policy fetched or pushed, settings saved). */
  async enforce(): Promise<void> {
    if (this.#turnedOff()) await this.wipeAll();
  }

  /** Call on every session change of a profile: sign-out, disable and reset end what was kept. */
  async onSession(profile: string, state: SessionState['state']): Promise<void> {
    if (WIPE_ON.has(state)) await this.wipe(profile);
  }

  // "Off" is an explicit no from the policy or the user; an unknown policy is not a decision to wipe.
  #turnedOff(): boolean {
    return this.#policyAllows() === false || !this.#userChose();
  }
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
