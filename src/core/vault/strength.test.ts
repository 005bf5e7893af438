import { describe, expect, it } from 'vitest';
import { generatePassphrase, generatePassword } from './generator';
import { estimateStrength } from './strength';

describe('estimateStrength', () => {
  it('scores the most common passwords 0 and says so', () => {
    for (const p of ['123456', 'password', 'qwerty', 'letmein', 'dragon']) {
      const s = estimateStrength(p);
      expect(s.score, p).toBe(0);
      expect(s.hint).toBe('This is one of the most common passwords.');
    }
  });

  it('sees through capitals, l33t and a digit suffix', () => {
    for (const p of ['Password123!', 'P@ssw0rd', 'Monkey2024', 'iloveyou!!!']) {
      expect(estimateStrength(p).score, p).toBeLessThanOrEqual(1);
    }
  });

  it('penalises patterns, each with a hint that names it', () => {
    expect(estimateStrength('qwertyuiopasdf')).toMatchObject({
      hint: expect.stringMatching(/Keyboard|Common/),
    });
    expect(estimateStrength('abcdefghijklmnop').score).toBeLessThanOrEqual(1);
    expect(estimateStrength('zzzzzzzzzzzzzzzzzz').score).toBe(0);
    expect(estimateStrength('xK9#xK9#xK9#xK9#').hint).toMatch(/Repeated/);
    expect(estimateStrength('Tz8%19871988').hint).toMatch(/Years|Sequences/);
  });

  it('penalises words taken from the entry itself', () => {
    const withContext = estimateStrength('Acmecorp-jsmith', ['ACME Corp', 'acmecorp.example', 'jsmith']);
    const without = estimateStrength('Acmecorp-jsmith');
    expect(withContext.bits).toBeLessThan(without.bits);
    expect(withContext.hint).toMatch(/this entry/);
  });

  it('rates generated passwords and passphrases as strong', () => {
    for (let i = 0; i < 20; i++) {
      expect(estimateStrength(generatePassword()).score).toBe(4);
      expect(estimateStrength(generatePassphrase({ words: 6 })).score).toBe(4);
    }
  });

  it('is monotone in the obvious cases: longer random beats shorter random', () => {
    const short = estimateStrength('k7#Qp');
    const long = estimateStrength('k7#Qp2vL!x9Z');
    expect(long.bits).toBeGreaterThan(short.bits);
    expect(short.score).toBeLessThan(long.score);
  });

  it('handles empty, huge (only the first 256 characters count) and non-Latin input', () => {
    expect(estimateStrength('')).toEqual({ score: 0, bits: 0, hint: 'Enter a password.' });
    expect(estimateStrength('a'.repeat(4096)).score).toBe(0);
    expect(estimateStrength(generatePassword({ length: 128, sets: ['lower'] }).repeat(32)).score).toBe(4);
    expect(estimateStrength('пароль-密码-كلمة').score).toBeGreaterThanOrEqual(2);
  });
});
