// Helpers for the preview e2e suites: Debian's Chromium through playwright-core (never a downloaded browser), a
// snapshot of the built renderer so a rebuild by someone else mid-run changes nothing, screenshots into a temp dir,
// and the demo office opened through a preview host on a given stack.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { Network } from '../../../src/core/backend/network/network';
import { openDemoOffice } from '../../demo-office';
import type { RunningStack } from '../../local-stack/server';
import { startPreviewHost } from '../host';
import { coreSessions } from '../session';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

// npm test builds before vitest runs; a single test file run builds here, under a lock so parallel files
// do not write dist/ at the same time.
export async function rendererSnapshot(): Promise<string> {
  const built = join(root, 'dist/renderer');
  if (!existsSync(join(built, 'index.html'))) {
    execFileSync(
      'flock',
      ['/tmp/keyroom-build.lock', join(root, 'node_modules/.bin/tsx'), 'scripts/build.ts'],
      {
        cwd: root,
        stdio: 'ignore',
      },
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'keyroom-renderer-'));
  await cp(built, dir, { recursive: true });
  return dir;
}

export async function screenshotDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'keyroom-e2e-shots-'));
}

export async function shoot(page: Page, dir: string, name: string): Promise<string> {
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/**
 * A preview host on this stack, with the demo office (admin and employee PCs) opened through it. A test that
 * watches the clipboard being cleared shortens the app's 30 s with `clipboardClearMs`; a test of the corporate
 * network routes the PCs through `network`.
 */
export async function openPreviewOffice(
  stack: RunningStack,
  version = '0.1.0',
  opts: { clipboardClearMs?: number; network?: Network } = {},
) {
  const { clipboardClearMs, network } = opts;
  const profilesDir = await mkdtemp(join(tmpdir(), 'keyroom-e2e-profiles-'));
  const options = {
    url: stack.url,
    publishableKey: stack.publishableKey,
    profilesDir,
    version,
    pollMs: 1000,
    ...(clipboardClearMs ? { clipboardClearMs } : {}),
    ...(network ? { network } : {}),
  };
  const host = await startPreviewHost({
    rendererDir: await rendererSnapshot(),
    createSession: coreSessions(options),
  });
  const office = await openDemoOffice({ ...options, secretKey: stack.secretKey }, (p) => host.open(p));
  return { host, office, profilesDir };
}
