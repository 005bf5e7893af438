import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from './bytes';
import { DAMAGED_MESSAGE, DamagedError } from './damaged';
import {
  type Argon2idInput,
  argon2idRaw,
  deriveMasterKey,
  type KdfParams,
  newKdfParams,
  splitMasterKey,
} from './kdf';

/** Counts the derivations that actually run, delegating to the real Argon2id. */
function countingKdf() {
  const calls: Argon2idInput[] = [];
  return {
    calls,
    deps: {
      argon2id: (i: Argon2idInput) => {
        calls.push(i);
        return argon2idRaw(i);
      },
    },
  };
}

const good: KdfParams = {
  alg: 'argon2id',
  v: 19,
  m: 65536,
  t: 3,
  p: 1,
  salt: toBase64Url(new Uint8Array(16).fill(7)),
};

describe('deriveMasterKey', () => {
  it('derives 32 bytes, deterministic for the same password and params, different for another password', async () => {
    const a = await deriveMasterKey('correct horse', good);
    const b = await deriveMasterKey('correct horse', good);
    const c = await deriveMasterKey('correct hors3', good);
    expect(a).toHaveLength(32);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('normalises the password (NFKC), so composed and decomposed accents give one key', async () => {
    const composed = await deriveMasterKey('caf\u00e9', good);
    const decomposed = await deriveMasterKey('cafe\u0301', good);
    expect(composed).toEqual(decomposed);
  });

  const weakened: [string, unknown][] = [
    ['memory below 64 MiB', { ...good, m: 65535 }],
    ['two passes', { ...good, t: 2 }],
    ['zero lanes', { ...good, p: 0 }],
    ['15-byte salt', { ...good, salt: toBase64Url(new Uint8Array(15)) }],
    ['argon2i', { ...good, alg: 'argon2i' }],
    ['version 0x10', { ...good, v: 16 }],
    ['pbkdf2 downgrade', { alg: 'pbkdf2', iterations: 1000, salt: good.salt }],
    ['non-integer memory', { ...good, m: 65536.5 }],
    ['memory given as text', { ...good, m: '65536' }],
    ['absurd memory (DoS)', { ...good, m: 64 * 1024 * 1024 }],
    ['just above the memory ceiling', { ...good, m: 262_145 }],
    ['absurd passes (DoS)', { ...good, t: 1_000_000 }],
    ['non-canonical salt', { ...good, salt: `${good.salt}=` }],
    ['unknown extra field', { ...good, secret: 'x' }],
    ['null', null],
  ];
  it.each(weakened)('refuses %s before any derivation runs', async (_name, params) => {
    const kdf = countingKdf();
    const started = performance.now();
    const err = await deriveMasterKey('pw', params, kdf.deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DamagedError);
    expect((err as Error).message).toBe(DAMAGED_MESSAGE);
    expect(kdf.calls).toHaveLength(0);
    // A refused set costs no Argon2 time (one 64 MiB derivation takes ≥ 0.4 s here even when idle).
    expect(performance.now() - started).toBeLessThan(250);
  });

  it('turns a failing derivation into DamagedError and does not retry with other parameters', async () => {
    const calls: Argon2idInput[] = [];
    const failing = {
      argon2id: async (i: Argon2idInput): Promise<Uint8Array> => {
        calls.push(i);
        throw new RangeError('WebAssembly.Memory(): could not allocate memory');
      },
    };
    const err = await deriveMasterKey('pw', good, failing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DamagedError);
    expect(calls).toHaveLength(1);
  });

  it('passes the parsed parameters to Argon2id unchanged', async () => {
    const kdf = countingKdf();
    await deriveMasterKey('pw', { ...good, t: 4 }, kdf.deps);
    expect(kdf.calls).toHaveLength(1);
    expect(kdf.calls[0]).toMatchObject({ m: 65536, t: 4, p: 1, length: 32 });
    expect(kdf.calls[0]?.salt).toEqual(fromBase64Url(good.salt));
  });

  it('new parameters sit on the floor with a fresh 16-byte salt', () => {
    const a = newKdfParams();
    const b = newKdfParams();
    expect(a).toMatchObject({ alg: 'argon2id', v: 19, m: 65536, t: 3, p: 1 });
    expect(fromBase64Url(a.salt)).toHaveLength(16);
    expect(a.salt).not.toBe(b.salt);
  });
});

describe('splitMasterKey', () => {
  it('gives an auth secret and a wrap key that differ from each other and from the master key', () => {
    const master = new Uint8Array(32).fill(1);
    const copy = master.slice();
    const { authSecret, wrapKey } = splitMasterKey(master);
    expect(authSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(wrapKey).toHaveLength(32);
    expect(fromBase64Url(authSecret)).not.toEqual(wrapKey);
    expect(wrapKey).not.toEqual(copy);
    expect(master).toEqual(new Uint8Array(32)); // wiped
    expect(splitMasterKey(copy.slice())).toEqual({ authSecret, wrapKey });
  });
});
