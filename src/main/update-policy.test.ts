import { describe, expect, it } from 'vitest';
import { compareSemver } from '../shared/semver';
import { decideUpdate } from './update-policy';

describe('compareSemver', () => {
  it('orders by precedence as semver.org §11 defines it', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.2.0',
      '1.10.0',
      '2.0.0',
    ];
    for (let i = 0; i < ordered.length - 1; i++) {
      expect(compareSemver(ordered[i] as string, ordered[i + 1] as string)).toBe(-1);
      expect(compareSemver(ordered[i + 1] as string, ordered[i] as string)).toBe(1);
    }
  });
  it('ignores build metadata and rejects malformed versions', () => {
    expect(compareSemver('1.2.3+abc', '1.2.3+def')).toBe(0);
    expect(() => compareSemver('1.2', '1.2.0')).toThrow();
    expect(() => compareSemver('01.2.3', '1.2.3')).toThrow();
  });
});

describe('decideUpdate', () => {
  const policy = { minVersion: null, latestVersion: null, critical: false };
  it('none when nothing newer exists', () => {
    expect(decideUpdate('1.4.0', policy)).toEqual({ kind: 'none' });
    expect(decideUpdate('1.4.0', { ...policy, minVersion: '1.4.0', latestVersion: '1.4.0' })).toEqual({
      kind: 'none',
    });
  });
  it('available when a newer release is not critical', () => {
    expect(decideUpdate('1.4.0', { ...policy, latestVersion: '1.5.0' })).toEqual({
      kind: 'available',
      version: '1.5.0',
    });
  });
  it('critical (install without asking, no blocking) when the latest release is critical', () => {
    expect(decideUpdate('1.4.0', { ...policy, latestVersion: '1.5.0', critical: true })).toEqual({
      kind: 'critical',
      version: '1.5.0',
    });
  });
  it('required below min_version, aiming at the latest release when it satisfies the minimum', () => {
    expect(decideUpdate('1.4.0', { ...policy, minVersion: '1.4.1', latestVersion: '1.6.0' })).toEqual({
      kind: 'required',
      version: '1.6.0',
    });
    expect(decideUpdate('1.4.0', { ...policy, minVersion: '1.4.1', latestVersion: null })).toEqual({
      kind: 'required',
      version: '1.4.1',
    });
  });
  it('the minimum wins over critical: below min_version blocks even when the latest release is critical', () => {
    expect(decideUpdate('1.4.0', { minVersion: '1.5.0', latestVersion: '1.5.0', critical: true })).toEqual({
      kind: 'required',
      version: '1.5.0',
    });
    expect(decideUpdate('1.5.0', { minVersion: '1.4.0', latestVersion: '1.5.0', critical: true })).toEqual({
      kind: 'none',
    });
  });
  it('a pre-release of the minimum is still below it', () => {
    expect(decideUpdate('2.0.0-rc.1', { ...policy, minVersion: '2.0.0' }).kind).toBe('required');
  });
});
