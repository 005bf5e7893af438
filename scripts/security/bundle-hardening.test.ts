// The built main bundle (dist/main/main.cjs from `npm run build`, which npm test runs before vitest) creates
// every window with the hardened preferences of window-hardening.ts and installs the navigation, window-open,
// webview and permission guards; no weakened setting is anywhere in it. electronegativity cannot follow this
// through a function call (and not at all inside a 3 MB bundle), so this test reads the bundle itself. It needs
// the unminified development build.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bundlePath = fileURLToPath(new URL('../../dist/main/main.cjs', import.meta.url));

function bundle(): string {
  if (!existsSync(bundlePath)) throw new Error('dist/ is not built: run `npm run build` first');
  return readFileSync(bundlePath, 'utf8');
}

const HARDENED = [
  'contextIsolation: true',
  'sandbox: true',
  'nodeIntegration: false',
  'nodeIntegrationInWorker: false',
  'nodeIntegrationInSubFrames: false',
  'webSecurity: true',
  'allowRunningInsecureContent: false',
  'webviewTag: false',
  'experimentalFeatures: false',
];

const WEAKENED = [
  /contextIsolation:\s*(false|!1)/,
  /sandbox:\s*(false|!1)/,
  /nodeIntegration(InWorker|InSubFrames)?:\s*(true|!0)/,
  /webSecurity:\s*(false|!1)/,
  /allowRunningInsecureContent:\s*(true|!0)/,
  /webviewTag:\s*(true|!0)/,
  /experimentalFeatures:\s*(true|!0)/,
];

describe('built main bundle (dist/main/main.cjs)', () => {
  it('creates every BrowserWindow with the hardened preferences', () => {
    const code = bundle();
    const start = code.indexOf('function secureWebPreferences(');
    expect(start, 'secureWebPreferences is bundled').toBeGreaterThanOrEqual(0);
    const body = code.slice(start, code.indexOf('\n}', start));
    for (const option of HARDENED) expect(body, option).toContain(option);

    const windows = [...code.matchAll(/new [\w$.]*BrowserWindow\(/g)];
    expect(windows.length).toBeGreaterThan(0);
    for (const w of windows) {
      const options = code.slice(w.index, w.index + 1500);
      expect(options.slice(0, options.indexOf('});') + 3)).toMatch(
        /webPreferences:\s*secureWebPreferences\(/,
      );
    }
  });

  it('installs the window guards and contains no weakened setting', () => {
    const code = bundle();
    for (const guard of ['"will-navigate"', '"will-redirect"', '"will-attach-webview"'])
      expect(code).toContain(guard);
    for (const call of [
      'setWindowOpenHandler(',
      'setPermissionRequestHandler(',
      'setPermissionCheckHandler(',
    ]) {
      expect(code).toContain(call);
    }
    // Defined once and called at least once.
    expect(code.match(/installWindowGuards\(/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    for (const weak of WEAKENED) expect(code).not.toMatch(weak);
  });
});
