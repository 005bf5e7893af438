// Proxy sign-in in the app's network, with Electron's session and net.request injected (no Electron binary here):
// a REST call the proxy answers 407 is signed in through one net.request and sent again; the Basic answer then
// opens the Realtime socket's own CONNECT tunnel through a real tinyproxy with BasicAuth on loopback.
import { EventEmitter, once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { Tinyproxy } from '../../../scripts/test/tinyproxy';
import type { Network } from '../../core/backend/network/network';
import { electronNetwork, type SignInRequest } from './electron-network';
import { type ProxyChallenge, type ProxyCredentials, ProxyLogin } from './proxy-login';

const AUTH = { user: 'keyroom', password: 'pr0xy-pass' };

let server: Server;
let office: string;
let proxy: Tinyproxy;

beforeAll(async () => {
  server = createServer((_req, res) => res.end('{}'));
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

/** Chromium as the app meets it: net.fetch cancels a proxy challenge (407) until the session holds an answer. */
function fakeChromium(challenge: ProxyChallenge, accepted: ProxyCredentials) {
  let cached: ProxyCredentials | null = null;
  const fetched: string[] = [];
  const signInUrls: string[] = [];
  const session = {
    resolveProxy: async () => `PROXY ${challenge.host}:${challenge.port}`,
    fetch: async (input: string | Request) => {
      fetched.push(String(input));
      return cached ? new Response('{}', { status: 200 }) : new Response('', { status: 407 });
    },
  };
  const request = (url: string): SignInRequest => {
    signInUrls.push(url);
    const events = new EventEmitter();
    const req: SignInRequest = {
      onLogin: (l) => void events.on('login', l),
      onResponse: (l) => void events.on('response', l),
      onError: (l) => void events.on('error', l),
      end: () => {
        const offer = () =>
          events.emit('login', challenge, (username?: string, password?: string) => {
            if (username === accepted.username && password === accepted.password) {
              cached = accepted;
              events.emit('response', { statusCode: 200 });
            } else if (username === undefined) events.emit('response', { statusCode: 407 });
            else offer();
          });
        offer();
      },
    };
    return req;
  };
  return { session, request, fetched, signInUrls };
}

function opened(n: Network, url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new n.WebSocket(url);
    ws.once('open', () => {
      ws.close();
      resolve(true);
    });
    ws.once('error', () => resolve(false));
  });
}

describe('proxy sign-in in the app’s network', () => {
  const challengeFor = (): ProxyChallenge => ({
    isProxy: true,
    scheme: 'basic',
    host: '127.0.0.1',
    port: proxy.port,
    realm: 'tinyproxy',
  });
  const answer = { username: AUTH.user, password: AUTH.password };

  it('a REST call answered 407 asks once, signs in through net.request and is sent again', async () => {
    const chromium = fakeChromium(challengeFor(), answer);
    const asked: unknown[] = [];
    const proxyLogin = new ProxyLogin({
      ask: async (p) => {
        asked.push(p);
        return answer;
      },
      onGiveUp: () => {},
    });
    const n = electronNetwork({
      session: chromium.session,
      certificates: () => null,
      login: { proxyLogin, request: chromium.request },
    });
    const res = await n.fetch(`${office}/rest/v1/entries?select=id`, { method: 'GET' });
    expect(res.status).toBe(200);
    expect(asked).toHaveLength(1);
    // The sign-in request goes to the office's root; the call itself went twice.
    expect(chromium.signInUrls).toEqual([`${office}/`]);
    expect(chromium.fetched).toEqual([
      `${office}/rest/v1/entries?select=id`,
      `${office}/rest/v1/entries?select=id`,
    ]);
    // Further calls go straight through, with no prompt.
    expect((await n.fetch(`${office}/rest/v1/`)).status).toBe(200);
    expect(asked).toHaveLength(1);
  });

  it('Cancel leaves the 407 as it is (the app is offline through the proxy) and asks no more', async () => {
    const chromium = fakeChromium(challengeFor(), answer);
    let asks = 0;
    const proxyLogin = new ProxyLogin({
      ask: async () => {
        asks++;
        return null;
      },
      onGiveUp: () => {},
    });
    const n = electronNetwork({
      session: chromium.session,
      certificates: () => null,
      login: { proxyLogin, request: chromium.request },
    });
    expect((await n.fetch(`${office}/rest/v1/`)).status).toBe(407);
    expect((await n.fetch(`${office}/rest/v1/`)).status).toBe(407);
    expect(asks).toBe(1);
    // The second call did not even try a sign-in request.
    expect(chromium.signInUrls).toHaveLength(1);
  });

  it('a streamed body is not sent twice: the 407 comes back as it is', async () => {
    const chromium = fakeChromium(challengeFor(), answer);
    const proxyLogin = new ProxyLogin({ ask: async () => answer, onGiveUp: () => {} });
    const n = electronNetwork({
      session: chromium.session,
      certificates: () => null,
      login: { proxyLogin, request: chromium.request },
    });
    const body = new ReadableStream({ start: (c) => c.close() });
    const res = await n.fetch(`${office}/rest/v1/`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(407);
    expect(chromium.signInUrls).toEqual([]);
  });

  it('the Basic answer signs the socket’s CONNECT through a real tinyproxy with BasicAuth', async () => {
    const chromium = fakeChromium(challengeFor(), answer);
    const proxyLogin = new ProxyLogin({ ask: async () => answer, onGiveUp: () => {} });
    const n = electronNetwork({
      session: chromium.session,
      certificates: () => null,
      login: { proxyLogin, request: chromium.request },
    });
    const socketUrl = `${office.replace('http', 'ws')}/realtime/v1/websocket`;
    // Before anyone signed in, the proxy refuses the tunnel.
    expect(await opened(n, socketUrl)).toBe(false);
    expect((await n.fetch(`${office}/rest/v1/`)).status).toBe(200);
    expect(await opened(n, socketUrl)).toBe(true);
    expect(await proxy.log()).toContain(`CONNECT ${office.slice('http://'.length)} `);
    // The route Settings shows carries no credentials.
    expect(JSON.stringify(await n.route(socketUrl))).not.toContain(AUTH.password);
  });
});
