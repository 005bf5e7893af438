// The app's network with Electron's APIs injected (the Electron binary cannot run here): Chromium's proxy
// answer is parsed and obeyed, REST goes to the session's fetch, and the socket goes for real through
// tinyproxy to a TLS server whose certificate only the injected "OS store" (a company root) vouches for.
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { makeCompanyCa } from '../../../scripts/test/company-ca';
import { Tinyproxy } from '../../../scripts/test/tinyproxy';
import { classify } from '../../core/backend/network/diagnose';
import type { Network } from '../../core/backend/network/network';
import { parseProxyList } from './chromium-route';
import { electronNetwork, systemCertificates } from './electron-network';

const unusedFetch = async (): Promise<Response> => {
  throw new Error('not used here');
};

describe('the system proxy as Chromium answers it', () => {
  it('takes the first entry only: a DIRECT listed after a proxy is no bypass for the socket', () => {
    expect(parseProxyList('DIRECT')).toEqual({ kind: 'direct' });
    expect(parseProxyList('')).toEqual({ kind: 'direct' });
    const r = parseProxyList('PROXY proxy.corp.example:8080; DIRECT');
    expect(r.kind === 'proxy' && r.proxy.href).toBe('http://proxy.corp.example:8080/');
    const s = parseProxyList('HTTPS secure.corp.example:443');
    expect(s.kind === 'proxy' && s.proxy.protocol).toBe('https:');
    const socks = parseProxyList('SOCKS5 socks.corp.example:1080; PROXY other:3128');
    expect(socks.kind === 'proxy' && socks.proxy.protocol).toBe('socks5:');
    expect(() => parseProxyList('PROXY nonsense')).toThrow(/not one Keyroom understands/);
  });

  it('asks Chromium about a wss:// socket with its https:// URL (as Chromium resolves WebSockets)', async () => {
    const asked: string[] = [];
    const network = electronNetwork({
      session: {
        resolveProxy: async (u) => {
          asked.push(u);
          return 'PROXY p.corp:3128';
        },
        fetch: unusedFetch,
      },
      certificates: () => null,
    });
    const route = await network.route('wss://office.example/realtime/v1/websocket');
    expect(asked).toEqual(['https://office.example/realtime/v1/websocket']);
    expect(route.kind === 'proxy' && route.proxy.host).toBe('p.corp:3128');
  });

  it('sends REST through the session’s fetch (Chromium: proxy, its authentication, OS verifier)', async () => {
    const calls: string[] = [];
    const network = electronNetwork({
      session: {
        resolveProxy: async () => 'DIRECT',
        fetch: async (input) => {
          calls.push(String(input));
          return new Response('{}', { status: 200 });
        },
      },
      certificates: () => null,
    });
    const res = await network.fetch(new URL('https://office.example/rest/v1/entries'), { method: 'GET' });
    expect(res.status).toBe(200);
    expect(calls).toEqual(['https://office.example/rest/v1/entries']);
  });

  it('reads the OS store next to Node’s roots where Node has it, and says so where it does not', () => {
    const tls = {
      getCACertificates: (k: string) => (k === 'system' ? ['ROOT-A', 'ROOT-B'] : ['ROOT-B', 'ROOT-C']),
    };
    expect(systemCertificates(tls)).toEqual(['ROOT-B', 'ROOT-C', 'ROOT-A']);
    expect(systemCertificates({})).toBeNull();
  });
});

describe('the socket through a real proxy (tinyproxy) to a server behind a company root', () => {
  const ca = makeCompanyCa();
  let server: Server;
  let port: number;
  let proxy: Tinyproxy;
  let connections = 0;

  beforeAll(async () => {
    server = createServer({ cert: ca.certPem, key: ca.keyPem });
    server.on('connection', () => connections++);
    new WebSocketServer({ server });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
    proxy = await Tinyproxy.start();
  });
  afterAll(async () => {
    await proxy?.stop();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  const network = (proxyList: string, certificates: string[] | null): Network =>
    electronNetwork({
      session: { resolveProxy: async () => proxyList, fetch: unusedFetch },
      certificates: () => certificates,
    });

  function open(n: Network): Promise<'open' | unknown> {
    return new Promise((resolve) => {
      const ws = new n.WebSocket(`wss://127.0.0.1:${port}/realtime/v1/websocket`);
      ws.once('open', () => {
        ws.close();
        resolve('open');
      });
      ws.once('error', (err) => resolve(err));
    });
  }

  it('opens through the proxy Chromium names, trusting the company root from the OS store', async () => {
    expect(await open(network(`PROXY 127.0.0.1:${proxy.port}; DIRECT`, [ca.caPem]))).toBe('open');
    expect(await proxy.log()).toContain(`CONNECT 127.0.0.1:${port} `);
  });

  it('refuses the same server without the company root: a TLS failure, named as one', async () => {
    const err = await open(network(`PROXY 127.0.0.1:${proxy.port}`, null));
    expect(err).toBeInstanceOf(Error);
    const route = parseProxyList(`PROXY 127.0.0.1:${proxy.port}`);
    expect(classify(err, route, new URL(`https://127.0.0.1:${port}`)).failed).toBe('tls');
  });

  it('with the named proxy down, fails and never connects direct (the DIRECT after it is not taken)', async () => {
    const before = connections;
    const dead = await Tinyproxy.start();
    const deadPort = dead.port;
    await dead.stop();
    const err = await open(network(`PROXY 127.0.0.1:${deadPort}; DIRECT`, [ca.caPem]));
    expect(err).toBeInstanceOf(Error);
    expect(connections).toBe(before);
    const route = parseProxyList(`PROXY 127.0.0.1:${deadPort}`);
    expect(classify(err, route, new URL(`https://127.0.0.1:${port}`)).failed).toBe('proxy');
  });
});
