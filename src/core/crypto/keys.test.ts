import { x25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from './bytes';
import { DamagedError } from './damaged';
import {
  generateUserKeys,
  newVaultKeyBytes,
  openSealedVaultKey,
  type SealContext,
  sealVaultKey,
  unwrapUserKeys,
  WrapKey,
  wipeUserKeys,
  wrapUserKeys,
} from './keys';

const userId = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const ctx: SealContext = { vaultId: '11111111-1111-4111-8111-111111111111', memberId: userId, keyVersion: 1 };

describe('wrapped user keys', () => {
  const wrapRaw = new Uint8Array(32).fill(9);
  const keys = generateUserKeys();
  const wrapped = wrapUserKeys(new WrapKey(wrapRaw), userId, keys);

  it('unwrap gives back both key pairs', () => {
    expect(Object.keys(wrapped).sort()).toEqual(['alg', 'cm', 'ct', 'nonce', 'v']);
    const back = unwrapUserKeys(new WrapKey(wrapRaw), userId, JSON.parse(JSON.stringify(wrapped)), keys);
    expect(back).toEqual(keys);
  });

  it('a wrong master password (another wrapKey), another user id, or tampering is damage', () => {
    expect(() => unwrapUserKeys(new WrapKey(new Uint8Array(32).fill(8)), userId, wrapped)).toThrow(
      DamagedError,
    );
    expect(() => unwrapUserKeys(new WrapKey(wrapRaw), ctx.vaultId, wrapped)).toThrow(DamagedError);
    expect(() => unwrapUserKeys(new WrapKey(wrapRaw), userId, { ...wrapped, v: 2 })).toThrow(DamagedError);
    expect(() => unwrapUserKeys(new WrapKey(wrapRaw), userId, { ...wrapped, kv: 1 })).toThrow(DamagedError);
  });

  it('public keys the server lists that do not match the wrapped secrets are damage', () => {
    const other = generateUserKeys();
    expect(() =>
      unwrapUserKeys(new WrapKey(wrapRaw), userId, wrapped, { ...keys, x25519Public: other.x25519Public }),
    ).toThrow(DamagedError);
  });

  it('carries the office root secret for the admin who took the root role over, and wipes it with the rest', () => {
    const rootSecret = new Uint8Array(32).fill(7);
    const held = wrapUserKeys(new WrapKey(wrapRaw), userId, { ...keys, rootSecret });
    const back = unwrapUserKeys(new WrapKey(wrapRaw), userId, held, keys);
    expect(back.rootSecret).toEqual(rootSecret);
    expect(unwrapUserKeys(new WrapKey(wrapRaw), userId, wrapped).rootSecret).toBeUndefined();
    wipeUserKeys(back);
    expect(back.rootSecret?.every((b) => b === 0)).toBe(true);
    // Any other length inside the envelope is damage, never a partial read.
    const odd = wrapUserKeys(new WrapKey(wrapRaw), userId, { ...keys, rootSecret: new Uint8Array(16) });
    expect(() => unwrapUserKeys(new WrapKey(wrapRaw), userId, odd)).toThrow(DamagedError);
  });

  it('wipeUserKeys zeroes the secrets', () => {
    const k = generateUserKeys();
    wipeUserKeys(k);
    expect(k.x25519Secret.every((b) => b === 0) && k.ed25519Secret.every((b) => b === 0)).toBe(true);
  });
});

describe('sealed vault keys', () => {
  const member = generateUserKeys();
  const vaultKey = newVaultKeyBytes();
  const sealed = sealVaultKey(vaultKey, member.x25519Public, ctx);

  it('only the recipient opens it, for the context it was sealed for', () => {
    expect(openSealedVaultKey(sealed, member.x25519Secret, ctx)).toEqual(vaultKey);
    expect(sealVaultKey(vaultKey, member.x25519Public, ctx)).not.toBe(sealed); // fresh ephemeral key
    expect(() => openSealedVaultKey(sealed, generateUserKeys().x25519Secret, ctx)).toThrow(DamagedError);
    for (const moved of [
      { ...ctx, vaultId: '22222222-2222-4222-8222-222222222222' },
      { ...ctx, memberId: '33333333-3333-4333-8333-333333333333' },
      { ...ctx, keyVersion: 2 },
    ]) {
      expect(() => openSealedVaultKey(sealed, member.x25519Secret, moved)).toThrow(DamagedError);
    }
  });

  it('missing, truncated, re-versioned or flipped key material is damage', () => {
    const bytes = fromBase64Url(sealed)!;
    const variants = [
      '',
      toBase64Url(bytes.subarray(0, bytes.length - 1)),
      toBase64Url(Uint8Array.of(2, ...bytes.subarray(1))),
      toBase64Url(bytes.map((b, i) => (i === 40 ? b ^ 1 : b))),
      'not base64 at all',
    ];
    for (const v of variants)
      expect(() => openSealedVaultKey(v, member.x25519Secret, ctx)).toThrow(DamagedError);
  });

  it('an all-zero (low-order) ephemeral key is refused', () => {
    const bytes = fromBase64Url(sealed)!.slice();
    bytes.fill(0, 1, 33);
    expect(() => openSealedVaultKey(toBase64Url(bytes), member.x25519Secret, ctx)).toThrow(DamagedError);
    expect(() => x25519.getSharedSecret(member.x25519Secret, new Uint8Array(32))).toThrow();
  });
});
