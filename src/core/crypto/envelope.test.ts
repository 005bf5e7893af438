import { randomBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url, utf8 } from './bytes';
import { DAMAGED_MESSAGE, DamagedError } from './damaged';
import { decryptEntry, type EntryEnvelope, type EntrySlot, encryptEntry, VaultKey } from './envelope';

/** A real vault key that counts how often AEAD decryption is attempted. */
class CountingKey extends VaultKey {
  opens = 0;
  override open(nonce: Uint8Array, ad: Uint8Array, ct: Uint8Array): Uint8Array {
    this.opens++;
    return super.open(nonce, ad, ct);
  }
}

const raw = randomBytes(32);
const key = new CountingKey(raw, 1);
const slotA: EntrySlot = {
  vaultId: '11111111-1111-4111-8111-111111111111',
  entryId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  keyVersion: 1,
  entryVersion: 3,
};
const slotB: EntrySlot = { ...slotA, entryId: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' };
const secretA = utf8('{"title":"Wi-Fi","password":"hunter2"}');
const envA = encryptEntry(key, slotA, secretA);
const envB = encryptEntry(key, slotB, utf8('{"title":"Bank","password":"s3cret"}'));

function expectDamaged(fn: () => unknown) {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(DamagedError);
  expect((caught as Error).message).toBe(DAMAGED_MESSAGE);
}

const flip = (b64: string, at = 0) => {
  const b = fromBase64Url(b64)!.slice();
  b[at] = (b[at] as number) ^ 0x01;
  return toBase64Url(b);
};

describe('entry envelopes', () => {
  it('round-trips, with the documented shape and a fresh nonce on every write', () => {
    expect(Object.keys(envA).sort()).toEqual(['alg', 'cm', 'ct', 'kv', 'nonce', 'v']);
    expect(envA).toMatchObject({ v: 1, alg: 'xchacha20poly1305', kv: 1 });
    expect(fromBase64Url(envA.nonce)).toHaveLength(24);
    expect(decryptEntry(key, slotA, envA)).toEqual(secretA);
    const again = encryptEntry(key, slotA, secretA);
    expect(again.nonce).not.toBe(envA.nonce);
    expect(again.ct).not.toBe(envA.ct);
  });

  it('survives a JSON round-trip through the database (jsonb comes back as text)', () => {
    expect(decryptEntry(key, slotA, JSON.parse(JSON.stringify(envA)))).toEqual(secretA);
  });

  describe('a malicious server is caught', () => {
    it('swapping ciphertexts between two entries', () => {
      expectDamaged(() => decryptEntry(key, slotA, envB));
      expectDamaged(() => decryptEntry(key, slotB, envA));
    });
    it('moving an entry to another vault', () => {
      expectDamaged(() =>
        decryptEntry(key, { ...slotA, vaultId: '22222222-2222-4222-8222-222222222222' }, envA),
      );
    });
    it('relabelling the key version (row and envelope alike)', () => {
      const k2 = new VaultKey(raw, 2);
      expectDamaged(() => decryptEntry(k2, { ...slotA, keyVersion: 2 }, { ...envA, kv: 2 }));
      expectDamaged(() => decryptEntry(key, slotA, { ...envA, kv: 2 }));
    });
    it('relabelling an old ciphertext with a newer entry version', () => {
      expectDamaged(() => decryptEntry(key, { ...slotA, entryVersion: 4 }, envA));
    });
    it('a truncated envelope: short ciphertext, missing field, cut nonce', () => {
      const ct = fromBase64Url(envA.ct)!;
      expectDamaged(() =>
        decryptEntry(key, slotA, { ...envA, ct: toBase64Url(ct.subarray(0, ct.length - 1)) }),
      );
      expectDamaged(() => decryptEntry(key, slotA, { ...envA, ct: toBase64Url(ct.subarray(0, 15)) }));
      const { cm: _cm, ...noCommitment } = envA;
      expectDamaged(() => decryptEntry(key, slotA, noCommitment));
      expectDamaged(() => decryptEntry(key, slotA, { ...envA, nonce: envA.nonce.slice(0, 30) }));
    });
    it('a re-versioned or re-labelled envelope (no legacy path)', () => {
      expectDamaged(() => decryptEntry(key, slotA, { ...envA, v: 2 }));
      expectDamaged(() => decryptEntry(key, slotA, { ...envA, v: 0 }));
      expectDamaged(() => decryptEntry(key, slotA, { ...envA, alg: 'aes-256-gcm' }));
      expectDamaged(() => decryptEntry(key, slotA, { ...envA, alg: 'none', ct: toBase64Url(secretA) }));
    });
    it('garbage of every shape', () => {
      for (const junk of [null, 42, 'x', [], {}, { ...envA, extra: 1 }, { ...envA, ct: 'not base64!' }]) {
        expectDamaged(() => decryptEntry(key, slotA, junk));
      }
    });
    it('a flipped ciphertext byte (AEAD tag)', () => {
      expectDamaged(() => decryptEntry(key, slotA, { ...envA, ct: flip(envA.ct, 3) }));
    });
  });

  it('checks the commitment before any decryption is attempted', () => {
    const before = key.opens;
    expectDamaged(() => decryptEntry(key, slotA, { ...envA, cm: flip(envA.cm) }));
    expectDamaged(() => decryptEntry(key, slotA, { ...envA, nonce: flip(envA.nonce) }));
    expectDamaged(() => decryptEntry(key, slotB, envA));
    expect(key.opens).toBe(before);
    // A different key (e.g. one planted by the server) fails the commitment, not the AEAD.
    const planted = new CountingKey(randomBytes(32), 1);
    expectDamaged(() => decryptEntry(planted, slotA, envA));
    expect(planted.opens).toBe(0);
    // ...whereas a valid commitment with a bad tag reaches the AEAD and fails there.
    expectDamaged(() => decryptEntry(key, slotA, { ...envA, ct: flip(envA.ct) }));
    expect(key.opens).toBe(before + 1);
  });

  it('a missing key or a key of another version is damage, not an exception of another kind', () => {
    expectDamaged(() => decryptEntry(undefined, slotA, envA));
    expectDamaged(() => decryptEntry(new VaultKey(raw, 2), slotA, envA));
  });

  it('a wiped key no longer opens anything', () => {
    const k = new VaultKey(randomBytes(32), 1);
    const env: EntryEnvelope = encryptEntry(k, slotA, secretA);
    k.wipe();
    expectDamaged(() => decryptEntry(k, slotA, env));
  });

  it('refuses to write under a key version other than the slot says', () => {
    expect(() => encryptEntry(key, { ...slotA, keyVersion: 2 }, secretA)).toThrow(RangeError);
  });
});
