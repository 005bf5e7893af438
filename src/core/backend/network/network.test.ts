// The core's network under plain Node against a real proxy (tinyproxy on loopback): REST and the socket take
// the route the variables give, with Basic proxy credentials from the URL; NO_PROXY sends both direct.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { Tinyproxy } from '../../../../scripts/test/tinyproxy';
import { testConnection } from './diagnose';
import { envNetwork, type Network } from './network';

let server: Server;
let office: string;
let proxy: Tinyproxy;
/** Whether each request the office received still carried the proxy credentials (it must not). */
const leaked: boolean[] = [];
const AUTH = { user: 'keyroom', password: 'pr0xy-pass' };

function note(req: IncomingMessage): void {
  leaked.push(req.headers['proxy-authorization'] !== undefined);
}

beforeAll(async () => {
  server = createServer((req, res) => {
    note(req);
    res.setHeader('content-type', 'application/json');
    res.end('{"keys":[]}');
  });
  new WebSocketServer({ server });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  office = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy = await Tinyproxy.start({ basicAuth: AUTH });
});
afterAll(async () => {
  await proxy?.stop();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

const withAuth = () => `http://${AUTH.user}:${AUTH.password}@127.0.0.1:${proxy.port}`;
const opened = (n: Network, url: string) =>
  new Promise<boolean>((resolve) => {
    const ws = new n.WebSocket(url);
    ws.once('open', () => {
      ws.close();
      resolve(true);
    });
    ws.once('error', () => resolve(false));
  });

describe('the network under plain Node, through a real proxy', () => {
  it('sends REST and the socket through the proxy with the URL’s Basic credentials', async () => {
    const n = envNetwork({ HTTP_PROXY: withAuth(), NO_PROXY: '' });
    const res = await n.fetch(`${office}/auth/v1/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(await opened(n, `${office.replace('http', 'ws')}/realtime/v1/websocket`)).toBe(true);
    const log = await proxy.log();
    expect(log).toContain(`GET ${office}/auth/v1/.well-known/jwks.json`);
    expect(log).toContain(`CONNECT ${office.slice('http://'.length)} `);
    // The credentials reach the proxy, never the office.
    expect(leaked.length).toBeGreaterThan(0);
    expect(leaked).not.toContain(true);
    // What Settings shows (route and test) names the proxy's host, never its credentials.
    const report = await testConnection(n, office, 'sb_publishable_x');
    expect(report).toMatchObject({
      failed: null,
      live: 'ok',
      route: { kind: 'proxy', host: `127.0.0.1:${proxy.port}` },
    });
    expect(JSON.stringify(report)).not.toContain(AUTH.password);
    expect(JSON.stringify(report)).not.toContain(AUTH.user);
  });

  it('without the credentials the proxy refuses, and the test names the proxy’s sign-in', async () => {
    const n = envNetwork({ HTTP_PROXY: proxy.url });
    // undici refuses a 407 from the proxy rather than returning it.
    await expect(n.fetch(`${office}/rest/v1/`)).rejects.toThrow(/fetch failed/);
    expect(await opened(n, `${office.replace('http', 'ws')}/realtime/v1/websocket`)).toBe(false);
    const report = await testConnection(n, office, 'sb_publishable_x');
    expect(report).toMatchObject({
      failed: 'proxy',
      route: { kind: 'proxy', host: `127.0.0.1:${proxy.port}` },
    });
    expect(report.message).toMatch(/sign-in/);
  });

  it('NO_PROXY naming the office sends both straight to it (the proxy sees nothing)', async () => {
    // Lines that name the office: requests and tunnels to it (connections closing later add other lines).
    const toOffice = async () =>
      (await proxy.log()).split('\n').filter((l) => l.includes(office.slice(7))).length;
    const before = await toOffice();
    const n = envNetwork({ HTTP_PROXY: withAuth(), NO_PROXY: '127.0.0.1' });
    expect((await n.fetch(`${office}/rest/v1/`)).status).toBe(200);
    expect(await opened(n, `${office.replace('http', 'ws')}/realtime/v1/websocket`)).toBe(true);
    expect(await n.route(office)).toEqual({ kind: 'direct' });
    expect(await toOffice()).toBe(before);
  });
});
