// End-to-end behind a real proxy (tinyproxy on loopback) that lets HTTPS-style requests through but refuses
// the WebSocket's tunnel (CONNECT only to port 443): the employee's window says once why updates come by
// polling, Settings shows the proxy and its test names what is wrong; with the proxy stopped, offline.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { envNetwork } from '../../../src/core/backend/network/network';
import { DEMO_PROFILES } from '../../demo-office';
import { type RunningStack, startStack } from '../../local-stack/server';
import { Tinyproxy } from '../../test/tinyproxy';
import type { PreviewHost } from '../host';
import type { CoreSession } from '../session';
import { launchChromium, openPreviewOffice, screenshotDir, shoot } from './browser';

let stack: RunningStack;
let proxy: Tinyproxy;
let host: PreviewHost<CoreSession>;
let browser: Browser;
let page: Page;
let shots: string;

beforeAll(async () => {
  stack = await startStack({ port: 0 });
  proxy = await Tinyproxy.start({ connectPorts: [443] });
  const network = envNetwork({ HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: '' });
  host = (await openPreviewOffice(stack, '0.1.0', { network })).host;
  browser = await launchChromium();
  shots = await screenshotDir();
  page = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${host.url}&profile=${DEMO_PROFILES.employee}`);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await proxy?.stop();
  await stack?.stop();
});

it('WebSockets refused: one banner says why, the status stays online and polls; Settings names the proxy', async () => {
  await expect
    .poll(() => page.getByText('Live updates blocked by the network; checking every 30 s.').count(), {
      timeout: 30_000,
    })
    .toBe(1);
  await expect.poll(() => page.locator('.sync-status').textContent()).toContain('checking every 30 s');
  expect(await page.getByText('You are offline.').count()).toBe(0);
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect
    .poll(() => page.getByTestId('network-route').textContent())
    .toBe(`Through the proxy 127.0.0.1:${proxy.port}`);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect
    .poll(() => page.getByTestId('network-report').textContent())
    .toMatch(/Connected\..*live updates are blocked by the network/);
  await shoot(page, shots, 'settings-network-blocked');
  expect(await proxy.log()).toMatch(/Refused CONNECT method on port/);
}, 120_000);

it('the proxy stopped: offline from the cache, and the test names the proxy', async () => {
  await proxy.stop();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect
    .poll(() => page.getByTestId('network-report').textContent(), { timeout: 30_000 })
    .toMatch(/Proxy failed: The proxy 127\.0\.0\.1:\d+ does not answer/);
  await expect
    .poll(() => page.getByText('You are offline.', { exact: false }).count(), { timeout: 30_000 })
    .toBe(1);
}, 120_000);
