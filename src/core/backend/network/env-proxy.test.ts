import { describe, expect, it } from 'vitest';
import { envProxyResolver, exempt } from './env-proxy';

const route = async (env: Record<string, string>, url: string) => {
  const r = await envProxyResolver(env)(new URL(url));
  return r.kind === 'direct' ? 'direct' : r.proxy.href;
};

describe('the proxy variables, read as curl reads them', () => {
  it('https_proxy serves https://, http_proxy http://; lower case wins; no scheme means http://', async () => {
    const env = { HTTPS_PROXY: 'http://upper:1', https_proxy: 'lower:3128', HTTP_PROXY: 'http://plain:8080' };
    expect(await route(env, 'https://office.example/rest/v1/')).toBe('http://lower:3128/');
    expect(await route(env, 'http://office.example/rest/v1/')).toBe('http://plain:8080/');
    expect(await route({ HTTP_PROXY: 'http://plain:8080' }, 'https://office.example/')).toBe('direct');
  });

  it('ALL_PROXY serves a protocol whose own variable is unset, as curl falls back to it', async () => {
    const env = { ALL_PROXY: 'http://all:3128', HTTP_PROXY: 'http://plain:8080' };
    expect(await route(env, 'https://office.example/')).toBe('http://all:3128/');
    expect(await route(env, 'http://office.example/')).toBe('http://plain:8080/');
    expect(
      await route({ all_proxy: 'http://all:3128', NO_PROXY: 'office.example' }, 'https://office.example/'),
    ).toBe('direct');
    expect(() => envProxyResolver({ ALL_PROXY: 'socks5://s:1080' })).toThrow(/ALL_PROXY uses socks5/);
  });

  it('does not exempt loopback on its own (curl does not; the proxy tests rely on it)', async () => {
    expect(await route({ HTTP_PROXY: 'http://p:1', NO_PROXY: '' }, 'http://127.0.0.1:54321/')).toBe(
      'http://p:1/',
    );
    expect(await route({ HTTP_PROXY: 'http://p:1' }, 'http://localhost:54321/')).toBe('http://p:1/');
  });

  it('NO_PROXY: names cover their subdomains, a leading dot or *. is ignored, ports must match, * is all', () => {
    const u = (s: string) => new URL(s);
    expect(exempt('office.example', u('https://db.office.example/'))).toBe(true);
    expect(exempt('.office.example', u('https://office.example/'))).toBe(true);
    expect(exempt('*.office.example', u('https://a.office.example/'))).toBe(true);
    expect(exempt('office.example', u('https://notoffice.example/'))).toBe(false);
    expect(exempt('office.example:8443', u('https://office.example/'))).toBe(false);
    expect(exempt('office.example:443', u('https://office.example/'))).toBe(true);
    expect(exempt(' 10.0.0.5 , [::1]', u('http://[::1]:80/'))).toBe(true);
    expect(exempt('*', u('https://anything.example/'))).toBe(true);
    expect(exempt('', u('https://office.example/'))).toBe(false);
  });

  it('refuses a proxy it cannot speak to, naming the variable', () => {
    expect(() => envProxyResolver({ HTTPS_PROXY: 'socks5://s:1080' })).toThrow(/HTTPS_PROXY uses socks5/);
    expect(() => envProxyResolver({ https_proxy: 'http://[bad' })).toThrow(
      /HTTPS_PROXY is not a proxy address/,
    );
  });
});
