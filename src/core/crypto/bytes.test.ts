import { describe, expect, it } from 'vitest';
import { canonical, equalBytes, fromBase64Url, toBase64Url, utf8 } from './bytes';
import { DAMAGED_MESSAGE, DamagedError } from './damaged';

describe('base64url', () => {
  it('round-trips without padding', () => {
    const b = Uint8Array.from({ length: 33 }, (_, i) => i * 7);
    const s = toBase64Url(b);
    expect(s).not.toMatch(/[=+/]/);
    expect(fromBase64Url(s)).toEqual(b);
  });
  it('refuses every non-canonical spelling', () => {
    for (const bad of ['AAA=', 'AA A', 'AA+/', 'A', 'AB', 'AAB', '!!!!']) {
      expect(fromBase64Url(bad), bad).toBeUndefined();
    }
    expect(fromBase64Url('AA')).toEqual(Uint8Array.of(0));
  });
});

describe('canonical encoding', () => {
  it('cannot be shifted across field boundaries', () => {
    expect(canonical('l', 'ab', 'c')).not.toEqual(canonical('l', 'a', 'bc'));
    expect(canonical('l', 'a')).not.toEqual(canonical('la'));
    expect(canonical('l', 1)).not.toEqual(canonical('l', '\u0000\u0000\u0000\u0001'));
    expect(canonical('l', utf8('x'))).not.toEqual(canonical('l', 'x'));
  });
  it('refuses numbers it cannot encode exactly', () => {
    for (const n of [-1, 1.5, 2 ** 32]) expect(() => canonical('l', n)).toThrow(RangeError);
  });
});

describe('helpers', () => {
  it('equalBytes compares content and length', () => {
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(equalBytes(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(false);
  });
  it('DamagedError carries only the uniform message', () => {
    const e = new DamagedError();
    expect(e.message).toBe(DAMAGED_MESSAGE);
    expect(e.cause).toBeUndefined();
  });
});
