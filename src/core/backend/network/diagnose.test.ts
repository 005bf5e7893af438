// What "test connection" names, for the errors Node's fetch and Chromium's net.fetch actually throw.
import { describe, expect, it } from 'vitest';
import { classify } from './diagnose';
import type { Route } from './route';

const office = new URL('https://office.example.supabase.co');
const direct: Route = { kind: 'direct' };
const proxied: Route = { kind: 'proxy', proxy: new URL('http://proxy.corp:3128') };
const nodeError = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(code), { code, ...extra }) });

describe('naming what failed', () => {
  it('DNS: the office name direct, the proxy name through a proxy', () => {
    const direct1 = classify(nodeError('ENOTFOUND', { hostname: office.hostname }), direct, office);
    expect(direct1).toMatchObject({ failed: 'dns' });
    expect(direct1.message).toContain(office.hostname);
    const viaProxy = classify(nodeError('ENOTFOUND', { hostname: 'proxy.corp' }), proxied, office);
    expect(viaProxy.message).toContain('proxy.corp');
    expect(classify(new Error('net::ERR_NAME_NOT_RESOLVED'), direct, office).failed).toBe('dns');
  });

  it('a proxy that does not answer, refuses the tunnel or wants a sign-in is the proxy', () => {
    expect(classify(nodeError('ECONNREFUSED'), proxied, office)).toMatchObject({ failed: 'proxy' });
    expect(classify(new Error('net::ERR_PROXY_CONNECTION_FAILED'), proxied, office).failed).toBe('proxy');
    expect(classify(new Error('net::ERR_TUNNEL_CONNECTION_FAILED'), proxied, office).failed).toBe('proxy');
    const tunnel = nodeError('UND_ERR_ABORTED');
    tunnel.cause.message = 'Proxy response (403) !== 200 when HTTP Tunneling';
    expect(classify(tunnel, proxied, office).message).toMatch(/refused/);
    tunnel.cause.message = 'Proxy response (502) !== 200 when HTTP Tunneling';
    expect(classify(tunnel, proxied, office).message).toMatch(/could not reach the office's server/);
    expect(classify(new Error('net::ERR_PROXY_AUTH_UNSUPPORTED'), proxied, office).message).toMatch(
      /sign-in/,
    );
  });

  it('an untrusted certificate is TLS, with what IT must do', () => {
    for (const err of [
      nodeError('SELF_SIGNED_CERT_IN_CHAIN'),
      nodeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'),
      new Error('net::ERR_CERT_AUTHORITY_INVALID'),
    ]) {
      const r = classify(err, proxied, office);
      expect(r.failed).toBe('tls');
      expect(r.message).toMatch(/root certificate/);
    }
  });

  it('a refused connection without a proxy is the office server', () => {
    expect(classify(nodeError('ECONNREFUSED'), direct, office)).toMatchObject({ failed: 'server' });
  });
});
