import { describe, expect, it } from 'vitest';
import {
  type GuardedContents,
  type GuardedSession,
  installWindowGuards,
  secureWebPreferences,
} from './window-hardening';

type Listener = (event: { preventDefault(): void }, url?: string) => void;

function install() {
  const listeners = new Map<string, Listener>();
  const h: {
    open?: (details: { url: string }) => { action: 'deny' };
    permission?: (c: unknown, p: string, cb: (granted: boolean) => void) => void;
    check?: () => boolean;
  } = {};
  const contents: GuardedContents = {
    on: (event: string, listener: Listener) => listeners.set(event, listener),
    setWindowOpenHandler: (handler) => {
      h.open = handler;
    },
  } as GuardedContents;
  const session: GuardedSession = {
    setPermissionRequestHandler: (handler) => {
      h.permission = handler;
    },
    setPermissionCheckHandler: (handler) => {
      h.check = handler;
    },
  };
  installWindowGuards(contents, session);
  const fire = (event: string, url?: string) => {
    let prevented = false;
    listeners.get(event)?.({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { fire, open: (url: string) => h.open?.({ url }), permission: h.permission, check: h.check };
}

describe('window hardening', () => {
  it('uses an isolated, sandboxed renderer without Node', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      preload: '/app/preload.cjs',
    });
  });

  it('a window without a preload gets no bridge, and its own in-memory session when asked', () => {
    const prefs = secureWebPreferences(undefined, 'keyroom-proxy-login');
    expect(prefs).not.toHaveProperty('preload');
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, partition: 'keyroom-proxy-login' });
    expect(secureWebPreferences('/app/preload.cjs')).not.toHaveProperty('partition');
  });

  it('blocks navigation and redirects away from the app, allows reloading the app', () => {
    const g = install();
    expect(g.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(g.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(g.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(g.fire('will-navigate', 'app://keyroom/index.html')).toBe(false);
    expect(g.fire('will-attach-webview')).toBe(true);
  });

  it('denies every new window and every permission', () => {
    const g = install();
    expect(g.open('https://example.com/')).toEqual({ action: 'deny' });
    const granted: boolean[] = [];
    g.permission?.({}, 'media', (value) => granted.push(value));
    expect(granted).toEqual([false]);
    expect(g.check?.()).toBe(false);
  });
});
