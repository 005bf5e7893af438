// The preview host's own guarantees, independent of any flow: it serves the renderer with the app's CSP, puts the
// bridge shim in front of it, and accepts WebSocket connections only from its own origin with the run's token.
// A refused connection never gets as far as creating a session (a core).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CONTENT_SECURITY_POLICY } from '../../../src/main/app-protocol';
import { type PreviewHost, startPreviewHost } from '../host';
import { BRIDGE_PATH, SHIM_PATH } from '../protocol';
import { launchChromium, rendererSnapshot, screenshotDir, shoot } from './browser';

let host: PreviewHost;
let browser: Browser;
let sessionsCreated = 0;
let shots: string;

beforeAll(async () => {
  host = await startPreviewHost({
    rendererDir: await rendererSnapshot(),
    createSession: () => {
      sessionsCreated += 1;
      return Promise.reject(new Error('this suite never opens a session'));
    },
  });
  browser = await launchChromium();
  shots = await screenshotDir();
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

// Resolves with the HTTP status of a refused upgrade, or 101 when the socket opened.
function upgradeStatus(url: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

const bridgeUrl = (token: string, profile = 'pc-1') =>
  `${host.origin.replace('http', 'ws')}${BRIDGE_PATH}?token=${encodeURIComponent(token)}&profile=${profile}`;

describe('preview host', () => {
  it('serves index.html with the same Content-Security-Policy header as the app:// protocol, shim first', async () => {
    const res = await fetch(`${host.origin}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const html = await res.text();
    expect(html.indexOf(SHIM_PATH)).toBeGreaterThan(0);
    expect(html.indexOf(SHIM_PATH)).toBeLessThan(html.indexOf('app.js'));
    const shim = await fetch(`${host.origin}${SHIM_PATH}`);
    expect(shim.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(shim.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('stays confined to the renderer folder', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json']) {
      const res = await fetch(`${host.origin}${path}`);
      expect(res.status, path).toBe(404);
    }
  });

  it('refuses WebSocket upgrades from another origin, without or with a wrong token, or a bad profile', async () => {
    expect(await upgradeStatus(bridgeUrl(host.token), 'http://evil.example')).toBe(403);
    expect(await upgradeStatus(bridgeUrl(host.token), undefined)).toBe(403);
    expect(await upgradeStatus(bridgeUrl('wrong'), host.origin)).toBe(403);
    expect(await upgradeStatus(bridgeUrl(`${host.token}x`), host.origin)).toBe(403);
    expect(await upgradeStatus(bridgeUrl(host.token, '../etc'), host.origin)).toBe(400);
    expect(sessionsCreated).toBe(0);
    // The right origin and token are accepted (the session is only made on the first call).
    expect(await upgradeStatus(bridgeUrl(host.token), host.origin)).toBe(101);
  });

  it('a page on another origin cannot open the bridge even when it knows the token', async () => {
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>');
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const outcome = await page.evaluate(
        (url) =>
          new Promise<string>((resolve) => {
            const ws = new window.WebSocket(url);
            ws.onopen = () => resolve('open');
            ws.onerror = () => resolve('refused');
          }),
        bridgeUrl(host.token),
      );
      expect(outcome).toBe('refused');
    } finally {
      await page.close();
      await new Promise<void>((resolve) => evil.close(() => resolve()));
    }
  });

  it('defines a frozen window.keyroom before the renderer runs and takes the token out of the address bar', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(host.url);
      const seen = await page.evaluate(() => ({
        invoke: typeof window.keyroom.invoke,
        subscribe: typeof window.keyroom.subscribe,
        frozen: Object.isFrozen(window.keyroom),
        search: location.search,
      }));
      expect(seen).toEqual({ invoke: 'function', subscribe: 'function', frozen: true, search: '' });
      const unknown = await page.evaluate(() =>
        (window.keyroom.invoke as (name: string, req: unknown) => Promise<unknown>)('fs.readFile', {}).then(
          () => 'resolved',
          (error: Error) => error.message,
        ),
      );
      expect(unknown).toBe('Unknown Keyroom call.');
      await shoot(page, shots, 'preview-first-load');
    } finally {
      await page.close();
    }
  });
});
