import { describe, expect, it } from 'vitest';
import { cryptoRandomInt, DEFAULT_GENERATOR, estimateStrength, generatePassword } from './generator';

describe('generatePassword', () => {
  it('honours length and includes every chosen class', () => {
    for (let i = 0; i < 200; i++) {
      const pw = generatePassword({ ...DEFAULT_GENERATOR, length: 12 });
      expect(pw).toHaveLength(12);
      expect(pw).toMatch(/[a-z]/);
      expect(pw).toMatch(/[A-Z]/);
      expect(pw).toMatch(/\d/);
      expect(pw).toMatch(/[^a-zA-Z0-9]/);
      expect(pw).not.toMatch(/[Il1O0o]/);
    }
  });

  it('uses only the chosen classes and clamps the length', () => {
    const pw = generatePassword({
      ...DEFAULT_GENERATOR,
      length: 3,
      upper: false,
      symbols: false,
      digits: true,
    });
    expect(pw).toHaveLength(8);
    expect(pw).toMatch(/^[a-z2-9]+$/);
    expect(generatePassword({ ...DEFAULT_GENERATOR, length: 1000 })).toHaveLength(128);
  });

  it('is not predictable: 1,000 passwords are all different', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generatePassword(DEFAULT_GENERATOR)));
    expect(seen.size).toBe(1000);
  });

  it('cryptoRandomInt stays in range and covers it', () => {
    const hits = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = cryptoRandomInt(7);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(7);
      hits.add(v);
    }
    expect(hits.size).toBe(7);
  });
});

describe('estimateStrength', () => {
  it('rates common and patterned passwords weak', () => {
    expect(estimateStrength('').score).toBe(0);
    expect(estimateStrength('password1').score).toBeLessThanOrEqual(1);
    expect(estimateStrength('Password123!').score).toBeLessThanOrEqual(2);
    expect(estimateStrength('aaaaaaaaaaaaaaaa').score).toBe(0);
    expect(estimateStrength('qwertyuiop').score).toBe(0);
  });

  it('rates generated passwords very strong', () => {
    expect(estimateStrength(generatePassword(DEFAULT_GENERATOR)).label).toBe('Very strong');
  });

  it('longer random text scores higher', () => {
    expect(estimateStrength('Xk9#mQ2v').bits).toBeLessThan(estimateStrength('Xk9#mQ2vLp7!wR4z').bits);
  });
});
