import { describe, expect, it } from 'vitest';
import {
  fingerprintsMatch,
  formatFingerprint,
  formatTotp,
  hostOf,
  initials,
  relativeTime,
  safeHttpUrl,
  totpFraction,
} from './format';

const now = new Date('2026-11-25T12:00:00Z');

describe('format', () => {
  it('relativeTime', () => {
    expect(relativeTime(null, now)).toBe('never');
    expect(relativeTime('2026-11-25T11:59:55Z', now)).toBe('just now');
    expect(relativeTime('2026-11-25T11:59:30Z', now)).toBe('30 s ago');
    expect(relativeTime('2026-11-25T11:55:00Z', now)).toBe('5 min ago');
    expect(relativeTime('2026-11-25T09:00:00Z', now)).toBe('3 h ago');
    expect(relativeTime('2026-11-23T12:00:00Z', now)).toBe('2 d ago');
  });

  it('TOTP display and ring fraction', () => {
    expect(formatTotp('123456')).toBe('123 456');
    expect(formatTotp('12345678')).toBe('1234 5678');
    expect(totpFraction(15, 30)).toBe(0.5);
    expect(totpFraction(40, 30)).toBe(1);
    expect(totpFraction(3, 0)).toBe(0);
  });

  it('fingerprint comparison ignores spacing and separators but needs all six groups', () => {
    const fp = '12345 67890 13579 24680 11223 34455';
    expect(fingerprintsMatch('123456789013579-24680-1122334455', fp)).toBe(true);
    expect(fingerprintsMatch(fp, '12345 67890 13579 24680 11223 34456')).toBe(false);
    expect(fingerprintsMatch('12345 67890', '12345 67890')).toBe(false);
    expect(formatFingerprint('123456789013579')).toBe('12345 67890 13579');
  });

  it('initials', () => {
    expect(initials('Ann Smith')).toBe('AS');
    expect(initials('bob.jones@example.com')).toBe('BJ');
    expect(initials('carol@example.com')).toBe('CA');
  });

  it('only http(s) URLs become links', () => {
    expect(safeHttpUrl('router.local/admin')).toBe('https://router.local/admin');
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('file:///etc/passwd')).toBeNull();
    expect(hostOf('https://mail.example.com/login')).toBe('mail.example.com');
  });
});
