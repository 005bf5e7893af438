import { describe, expect, it } from 'vitest';
import { normalizeWebsite } from './website';

describe('normalizeWebsite', () => {
  it('accepts a bare domain and stores it as https', () => {
    expect(normalizeWebsite('mail.example.com')).toEqual({ ok: true, url: 'https://mail.example.com' });
    expect(normalizeWebsite('  Mail.Example.com/login?x=1 ')).toEqual({
      ok: true,
      url: 'https://mail.example.com/login?x=1',
    });
    expect(normalizeWebsite('nas.local:5000')).toEqual({ ok: true, url: 'https://nas.local:5000' });
    expect(normalizeWebsite('localhost:8080/admin')).toEqual({
      ok: true,
      url: 'https://localhost:8080/admin',
    });
  });

  it('keeps an address that already has http or https as typed', () => {
    expect(normalizeWebsite('http://192.168.1.1')).toEqual({ ok: true, url: 'http://192.168.1.1' });
    expect(normalizeWebsite('https://example.com/')).toEqual({ ok: true, url: 'https://example.com/' });
    expect(normalizeWebsite('')).toEqual({ ok: true, url: '' });
  });

  it('says in our words what is wrong, and never keeps a script or file address', () => {
    expect(normalizeWebsite('mail example com')).toEqual({
      ok: false,
      message: 'A web address has no spaces.',
    });
    expect(normalizeWebsite('javascript:alert(1)')).toMatchObject({
      ok: false,
      message: /Only web addresses/,
    });
    expect(normalizeWebsite('file:///etc/passwd')).toMatchObject({ ok: false });
    expect(normalizeWebsite('intranet')).toMatchObject({ ok: false, message: /full name of the site/ });
    expect(normalizeWebsite('https://')).toMatchObject({ ok: false });
  });
});
