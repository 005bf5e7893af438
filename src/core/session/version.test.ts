import { describe, expect, it } from 'vitest';
import { isBelow } from './version';

describe('isBelow', () => {
  it('compares numerically, not as text', () => {
    expect(isBelow('1.10.0', '1.9.0')).toBe(false);
    expect(isBelow('1.9.9', '1.10.0')).toBe(true);
    expect(isBelow('2.0.0', '2.0.0')).toBe(false);
  });

  it('blocks nothing without a minimum, and blocks a running version it cannot read', () => {
    expect(isBelow('0.0.1', null)).toBe(false);
    expect(isBelow('garbage', '1.0.0')).toBe(true);
    expect(isBelow('1.4.2-beta', '1.4.2')).toBe(false);
  });
});
