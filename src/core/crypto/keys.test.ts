import { x25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { canonical, fromBase64Url, toBase64Url } from './bytes';
import { DamagedError } from './damaged';
import { ALG, sealWith } from './envelope';
import {
  generateUserKeys,
  type KeyPin,
  newVaultKeyBytes,
  openSealedVaultKey,
  type SealContext,
  sealVaultKey,
  unwrapKeyBundle,
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
  const root = generateUserKeys();
  const pin: KeyPin = {
    root: { id: '22222222-2222-4222-8222-222222222222', ed25519Public: root.ed25519Public },
  };
  const wrapped = wrapUserKeys(new WrapKey(wrapRaw), userId, keys, pin);

  it('unwrap gives back both key pairs', () => {
    expect(Object.keys(wrapped).sort()).toEqual(['alg', 'cm', 'ct', 'nonce', 'pin', 'v']);
    const back = unwrapUserKeys(new WrapKey(wrapRaw), userId, JSON.parse(JSON.stringify(wrapped)), keys);
    expect(back).toEqual(keys);
  });

  it('a wrong master password (another wrapKey), another user id, or tampering is damage', () => {
    expect(() => unwrapUserKeys(new WrapKey(new Uint8Array(32).fill(8)), userId, wrapped)).toThrow(
      DamagedError,
    );
    expect(() => unwrapUserKeys(new WrapKey(wrapRaw), ctx.vaultId, wrapped)).toThrow(DamagedError);
    expect(() => unwrapUserKeys(new WrapKey(wrapRaw), userId, { ...wrapped, v: 1 })).toThrow(DamagedError);
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
    const held = wrapUserKeys(new WrapKey(wrapRaw), userId, { ...keys, rootSecret }, pin);
    const back = unwrapUserKeys(new WrapKey(wrapRaw), userId, held, keys);
    expect(back.rootSecret).toEqual(rootSecret);
    expect(unwrapUserKeys(new WrapKey(wrapRaw), userId, wrapped).rootSecret).toBeUndefined();
    wipeUserKeys(back);
    expect(back.rootSecret?.every((b) => b === 0)).toBe(true);
    // Any other length inside the envelope is damage, never a partial read.
    const odd = wrapUserKeys(new WrapKey(wrapRaw), userId, { ...keys, rootSecret: new Uint8Array(16) }, pin);
    expect(() => unwrapUserKeys(new WrapKey(wrapRaw), userId, odd)).toThrow(DamagedError);
  });

  it('carries the pinned office root and the last hand-over, bound so that a server cannot swap them', () => {
    const held = wrapUserKeys(new WrapKey(wrapRaw), userId, keys, {
      ...pin,
      holder: { id: userId, n: 3 },
    });
    const opened = unwrapKeyBundle(new WrapKey(wrapRaw), userId, JSON.parse(JSON.stringify(held)), keys);
    expect(opened.pin?.root.id).toBe(pin.root.id);
    expect(opened.pin?.root.ed25519Public).toEqual(root.ed25519Public);
    expect(opened.pin?.holder).toEqual({ id: userId, n: 3 });
    // The server can read the pin but not change it: another root key, root id or hand-over floor is damage.
    const rogue = toBase64Url(generateUserKeys().ed25519Public);
    const tampered = [
      { ...held, pin: { ...held.pin, root_public: rogue } },
      { ...held, pin: { ...held.pin, root: ctx.vaultId } },
      { ...held, pin: { ...held.pin, holder: { id: userId, n: 1 } } },
      { ...held, pin: { root: pin.root.id, root_public: toBase64Url(root.ed25519Public) } },
    ];
    for (const t of tampered)
      expect(() => unwrapKeyBundle(new WrapKey(wrapRaw), userId, t)).toThrow(DamagedError);
  });

  it('opens a bundle from before the pin (v1) and says it carries none', () => {
    const ad = canonical('keyroom/v1/wrapped-keys', userId);
    const plain = new Uint8Array([...keys.x25519Secret, ...keys.ed25519Secret]);
    const v1 = { v: 1 as const, alg: ALG, ...sealWith(new WrapKey(wrapRaw), ad, plain) };
    const opened = unwrapKeyBundle(new WrapKey(wrapRaw), userId, v1, keys);
    expect(opened.pin).toBeNull();
    expect(opened.keys.ed25519Public).toEqual(keys.ed25519Public);
    // A v1 body presented as v2 with an invented pin does not open.
    const forged = { ...v1, v: 2, pin: { root: pin.root.id, root_public: toBase64Url(root.ed25519Public) } };
    expect(() => unwrapKeyBundle(new WrapKey(wrapRaw), userId, forged)).toThrow(DamagedError);
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
