import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { DamagedError } from './damaged';
import { signRootHolder, verifyRootHolder } from './root-holder';

const ROOT_ID = '0b8c3a52-3f0e-4c5e-9a57-1f3e8b2d4c61';
const HOLDER = '5e2d7c1b-9a8f-4e6d-b5c4-3a2b1c0d9e8f';
const secret = ed25519.utils.randomSecretKey();
const pinned = { id: ROOT_ID, ed25519Public: ed25519.getPublicKey(secret) };

describe('root holder statement', () => {
  it('verifies under the pinned root key', () => {
    const s = signRootHolder({ id: ROOT_ID, ed25519Secret: secret }, HOLDER, 1);
    expect(verifyRootHolder(s, pinned)).toEqual({ holder: HOLDER, n: 1, sig: s.sig });
  });

  it('refuses a statement by any other key, for another holder, number or office, or malformed', () => {
    const s = signRootHolder({ id: ROOT_ID, ed25519Secret: secret }, HOLDER, 2);
    const forged = signRootHolder({ id: ROOT_ID, ed25519Secret: ed25519.utils.randomSecretKey() }, HOLDER, 2);
    const cases: unknown[] = [
      forged,
      { ...s, holder: '7d1f0c2e-5a4b-4e3d-8c2b-1a0f9e8d7c6b' },
      { ...s, n: 3 },
      { ...s, n: 0 },
      { ...s, extra: true },
      { holder: HOLDER, n: 2 },
      'x',
    ];
    for (const c of cases) expect(() => verifyRootHolder(c, pinned)).toThrow(DamagedError);
    expect(() => verifyRootHolder(s, { ...pinned, id: HOLDER })).toThrow(DamagedError);
  });
});
