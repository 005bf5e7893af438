import { describe, expect, it } from 'vitest';
import {
  CHARSETS,
  generatePassphrase,
  generatePassword,
  passphraseEntropyBits,
  passwordEntropyBits,
  WORDS,
} from './generator';
import { randomInt } from './generator-random';

describe('randomInt', () => {
  it('is uniform: chi-square over 60,000 draws of 6 outcomes stays under the one-in-a-million critical value', () => {
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[randomInt(6)]++;
    const chi2 = counts.reduce((s, c) => s + (c - 10_000) ** 2 / 10_000, 0);
    expect(chi2).toBeLessThan(35.89); // df = 5, p = 1e-6: a false alarm about once in a million runs
  });
  it('covers the full range, including a range that does not divide 2^32', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(randomInt(3));
    expect([...seen].sort()).toEqual([0, 1, 2]);
    expect(() => randomInt(0)).toThrow(RangeError);
  });
});

describe('generatePassword', () => {
  it('has the asked length and at least one character from every chosen set', () => {
    for (let i = 0; i < 200; i++) {
      const p = generatePassword({ length: 8, sets: ['lower', 'upper', 'digits', 'symbols'] });
      expect(p).toHaveLength(8);
      for (const set of Object.values(CHARSETS)) expect([...p].some((c) => set.includes(c))).toBe(true);
    }
  });
  it('uses only the chosen sets and leaves out ambiguous characters when asked', () => {
    const p = generatePassword({ length: 128, sets: ['digits'], avoidAmbiguous: true });
    expect(p).toMatch(/^[2-9]{128}$/);
  });
  it('draws every character of the alphabet about equally often', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      for (const c of generatePassword({ length: 100, sets: ['lower'] }))
        counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    expect(counts.size).toBe(26);
    const expected = 40_000 / 26;
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(73.89); // df = 25, p = 1e-6
  });
  it('refuses impossible options', () => {
    expect(() => generatePassword({ length: 3, sets: ['lower'] })).toThrow(RangeError);
    expect(() => generatePassword({ length: 129, sets: ['lower'] })).toThrow(RangeError);
    expect(() => generatePassword({ length: 12, sets: [] })).toThrow(RangeError);
  });
  it('reports the entropy of its alphabet', () => {
    expect(passwordEntropyBits({ length: 10, sets: ['digits'] })).toBeCloseTo(10 * Math.log2(10));
  });
});

describe('generatePassphrase', () => {
  it('joins words from the 7,776-word EFF list', () => {
    expect(WORDS).toHaveLength(7776);
    const p = generatePassphrase({ words: 6, separator: ' ' });
    const parts = p.split(' ');
    expect(parts).toHaveLength(6);
    for (const w of parts) expect(WORDS).toContain(w);
    expect(passphraseEntropyBits({ words: 6 })).toBeCloseTo(6 * Math.log2(7776));
  });
  it('capitalises and adds a digit on request', () => {
    const p = generatePassphrase({ words: 4, separator: '.', capitalize: true, withDigit: true });
    const parts = p.split('.');
    expect(parts.every((w) => /^[A-Z]/.test(w))).toBe(true);
    expect(parts.filter((w) => /\d$/.test(w))).toHaveLength(1);
  });
  it('does not repeat itself', () => {
    const seen = new Set(Array.from({ length: 100 }, () => generatePassphrase()));
    expect(seen.size).toBe(100);
  });
});
