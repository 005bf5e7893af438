import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from './bytes';
import { DamagedError } from './damaged';
import {
  kitFromText,
  kitToText,
  newRecoveryCode,
  normalizeRecoveryCode,
  openRecoveryKit,
  type RecoveryKit,
  sealRecoveryKit,
} from './recovery-kit';

const ROOT_ID = '0b8c3a52-3f0e-4c5e-9a57-1f3e8b2d4c61';
const secret = ed25519.utils.randomSecretKey();
const pinned = { id: ROOT_ID, ed25519Public: ed25519.getPublicKey(secret) };

describe('office recovery kit', () => {
  it('codes carry 160 random bits in 8 groups of 4 and read back whatever the case or look-alikes', () => {
    const code = newRecoveryCode();
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(newRecoveryCode()).not.toBe(code);
    const typed = code.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect(normalizeRecoveryCode(typed)).toBe(code.replace(/-/g, ''));
    expect(normalizeRecoveryCode(code.slice(0, -1))).toBeNull();
    expect(normalizeRecoveryCode(`${code.slice(0, -1)}U`)).toBeNull();
  });

  it('opens with its code to the pinned root secret, from the server copy or the printed line', async () => {
    const code = newRecoveryCode();
    const kit = await sealRecoveryKit(code, { id: ROOT_ID, ed25519Secret: secret });
    expect(JSON.stringify(kit)).not.toContain(code.replace(/-/g, ''));
    expect(await openRecoveryKit(code, kit, pinned)).toEqual(secret);
    expect(await openRecoveryKit(code.toLowerCase(), kitFromText(kitToText(kit)), pinned)).toEqual(secret);
  });

  it('refuses a wrong code, another office, a weakened KDF and a changed ciphertext alike', async () => {
    const code = newRecoveryCode();
    const kit = await sealRecoveryKit(code, { id: ROOT_ID, ed25519Secret: secret });
    const otherSecret = ed25519.utils.randomSecretKey();
    const otherOffice = { id: ROOT_ID, ed25519Public: ed25519.getPublicKey(otherSecret) };
    const ct = fromBase64Url(kit.ct)!.slice();
    ct[0]! ^= 1;
    const cases: [string, unknown, typeof pinned][] = [
      [newRecoveryCode(), kit, pinned],
      ['not a code', kit, pinned],
      [code, kit, otherOffice],
      [code, kit, { ...pinned, id: '7d1f0c2e-5a4b-4e3d-8c2b-1a0f9e8d7c6b' }],
      [code, { ...kit, kdf: { ...kit.kdf, m: 1024 } }, pinned],
      [code, { ...kit, kdf: { ...kit.kdf, t: 4 } }, pinned],
      [code, { ...kit, ct: toBase64Url(ct) } satisfies RecoveryKit, pinned],
      [code, { ...kit, extra: 1 }, pinned],
      [code, null, pinned],
    ];
    for (const [c, k, p] of cases)
      await expect(openRecoveryKit(c, k, p)).rejects.toBeInstanceOf(DamagedError);
  }, 60_000);

  it('a printed line that is not a kit reads as nothing', () => {
    expect(kitFromText('')).toBeNull();
    expect(kitFromText('not base64 !')).toBeNull();
    expect(kitFromText('x'.repeat(5000))).toBeNull();
  });
});
