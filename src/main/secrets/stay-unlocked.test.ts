import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SessionState } from '../../shared/domain';
import { MemoryKeychain } from './memory-keychain';
import { STAY_UNLOCKED_SERVICE, StayUnlockedKeychain } from './stay-unlocked';

function setup(initial: { policy: boolean | null; chose: boolean }) {
  const state = { ...initial };
  const keychain = new MemoryKeychain();
  const stay = new StayUnlockedKeychain({
    keychain,
    policyAllows: () => state.policy,
    userChose: () => state.chose,
  });
  return { state, keychain, stay };
}

const anna = randomUUID();
const key = () => new Uint8Array(randomBytes(32));

describe('StayUnlockedKeychain (in-memory keychain: keytar and an OS keychain are not available here)', () => {
  it('keeps the key material in the keychain only, bound to the user, when policy and user both allow it', async () => {
    const { keychain, stay } = setup({ policy: true, chose: true });
    const material = key();
    expect(await stay.save('anna', anna, material)).toBe(true);
    expect(await stay.load('anna', anna)).toEqual(material);
    // Another account on the same profile name (reset and re-enrolled) gets nothing, and the old copy goes.
    expect(await stay.load('anna', randomUUID())).toBeUndefined();
    expect(keychain.entries.size).toBe(0);
  });

  it('keeps nothing when the policy forbids it or the user did not choose it', async () => {
    for (const allowed of [
      { policy: false, chose: true },
      { policy: true, chose: false },
      { policy: null, chose: true },
    ]) {
      const { keychain, stay } = setup(allowed);
      expect(await stay.save('anna', anna, key())).toBe(false);
      expect(keychain.entries.size).toBe(0);
      expect(stay.enabled()).toBe(false);
    }
  });

  it('wipes every profile when the policy turns it off, and load wipes a copy kept before the change', async () => {
    const { state, keychain, stay } = setup({ policy: true, chose: true });
    await stay.save('anna', anna, key());
    await stay.save('ben', randomUUID(), key());
    await keychain.setPassword('Another service', 'anna', 'not ours');
    state.policy = false;
    expect(await stay.load('anna', anna)).toBeUndefined();
    expect(await keychain.findCredentials(STAY_UNLOCKED_SERVICE)).toHaveLength(1);
    await stay.enforce();
    expect(await keychain.findCredentials(STAY_UNLOCKED_SERVICE)).toEqual([]);
    expect(await keychain.getPassword('Another service', 'anna')).toBe('not ours');
  });

  it('wipes when the user turns the setting off', async () => {
    const { state, keychain, stay } = setup({ policy: true, chose: true });
    await stay.save('anna', anna, key());
    state.chose = false;
    await stay.enforce();
    expect(keychain.entries.size).toBe(0);
  });

  it('keeps the saved copy while no policy is known yet (offline start) but does not hand it out', async () => {
    const { state, keychain, stay } = setup({ policy: true, chose: true });
    const material = key();
    await stay.save('anna', anna, material);
    state.policy = null;
    expect(await stay.load('anna', anna)).toBeUndefined();
    await stay.enforce();
    expect(keychain.entries.size).toBe(1);
    state.policy = true;
    expect(await stay.load('anna', anna)).toEqual(material);
  });

  it('wipes on sign-out, disable and reset, not on a lock', async () => {
    const states: Array<[SessionState['state'], boolean]> = [
      ['locked', false],
      ['unlocked', false],
      ['signedOut', true],
      ['disabled', true],
      ['needsEnrollment', true],
      ['pendingConfirmation', true],
    ];
    for (const [session, wiped] of states) {
      const { keychain, stay } = setup({ policy: true, chose: true });
      await stay.save('anna', anna, key());
      await stay.onSession('anna', session);
      expect(keychain.entries.size === 0).toBe(wiped);
    }
  });

  it('drops a malformed or oversized keychain entry instead of using it', async () => {
    const { keychain, stay } = setup({ policy: true, chose: true });
    for (const raw of ['{not json', JSON.stringify({ v: 2, user: anna, material: 'AAAA' })]) {
      await keychain.setPassword(STAY_UNLOCKED_SERVICE, 'anna', raw);
      expect(await stay.load('anna', anna)).toBeUndefined();
      expect(keychain.entries.size).toBe(0);
    }
    await expect(stay.save('anna', anna, new Uint8Array(70_000))).rejects.toThrow(RangeError);
    await expect(stay.save('anna', anna, new Uint8Array(0))).rejects.toThrow(RangeError);
  });
});
