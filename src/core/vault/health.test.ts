import { describe, expect, it } from 'vitest';
import { assessHealth, countByVault, type HealthInput } from './health';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const recent = new Date(NOW - 10 * DAY).toISOString();

function entry(id: string, password: string, over: Partial<HealthInput> = {}): HealthInput {
  return {
    id,
    vaultId: 'v1',
    title: `Entry ${id}`,
    username: 'anna',
    url: '',
    password,
    updatedAt: recent,
    ...over,
  };
}

describe('password health', () => {
  it('flags a common password as weak and a generated one as not', () => {
    const flags = assessHealth([entry('a', 'password1'), entry('b', 'v7#Kq2!pZr9@xL4m&Tw8')], {
      maxAgeDays: 365,
      now: NOW,
    });
    expect(flags.get('a')).toEqual(['weak']);
    expect(flags.has('b')).toBe(false);
  });

  it('counts the entry’s own words against it (a title used as the password is weak)', () => {
    const flags = assessHealth([entry('a', 'Northwind-Portal', { title: 'Northwind Portal' })], {
      maxAgeDays: 365,
      now: NOW,
    });
    expect(flags.get('a')).toContain('weak');
  });

  it('flags the same password in two entries as reused, across vaults too, and not a different one', () => {
    const strong = 'correct-Horse-battery-staple-91';
    const flags = assessHealth(
      [entry('a', strong), entry('b', strong, { vaultId: 'v2' }), entry('c', `${strong}x`)],
      { maxAgeDays: 365, now: NOW },
    );
    expect(flags.get('a')).toEqual(['reused']);
    expect(flags.get('b')).toEqual(['reused']);
    expect(flags.has('c')).toBe(false);
  });

  it('flags an entry unchanged for more than the set number of days as old, and not one day before', () => {
    const strong = 'v7#Kq2!pZr9@xL4m&Tw8';
    const flags = assessHealth(
      [
        entry('a', strong, { updatedAt: new Date(NOW - 91 * DAY).toISOString() }),
        entry('b', `${strong}b`, { updatedAt: new Date(NOW - 89 * DAY).toISOString() }),
      ],
      { maxAgeDays: 90, now: NOW },
    );
    expect(flags.get('a')).toEqual(['old']);
    expect(flags.has('b')).toBe(false);
  });

  it('gives an entry without a password no flag, and does not count two empty passwords as reused', () => {
    const flags = assessHealth([entry('a', ''), entry('b', '')], { maxAgeDays: 1, now: NOW + 1000 * DAY });
    expect(flags.size).toBe(0);
  });

  it('returns only flags and ids: nothing derived from the password leaves the call', () => {
    const flags = assessHealth([entry('a', 'hunter2'), entry('b', 'hunter2')], { maxAgeDays: 365, now: NOW });
    expect(JSON.stringify([...flags])).toBe('[["a",["weak","reused"]],["b",["weak","reused"]]]');
  });

  it('judges an entry again once its decrypted object is replaced (an edit), not while it is the same', () => {
    const before = {};
    const opts = { maxAgeDays: 365, now: NOW };
    expect(assessHealth([entry('a', 'password1', { source: before })], opts).get('a')).toEqual(['weak']);
    const after = {};
    expect(assessHealth([entry('a', 'v7#Kq2!pZr9@xL4m&Tw8', { source: after })], opts).has('a')).toBe(false);
    expect(assessHealth([entry('a', 'password1', { source: {} })], opts).get('a')).toEqual(['weak']);
  });

  it('counts per vault', () => {
    const list = [
      entry('a', 'hunter2'),
      entry('b', 'hunter2', { vaultId: 'v2' }),
      entry('c', 'v7#Kq2!pZr9@xL4m&Tw8'),
    ];
    const counts = countByVault(list, assessHealth(list, { maxAgeDays: 365, now: NOW }));
    expect(counts).toEqual([
      { vaultId: 'v1', entries: 2, weak: 1, reused: 1, old: 0, toChange: 1 },
      { vaultId: 'v2', entries: 1, weak: 1, reused: 1, old: 0, toChange: 1 },
    ]);
  });
});
