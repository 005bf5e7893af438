// Proxy sign-in: when the office's proxy answers 407, Chromium asks the app for a user name and password
// (Electron's `login` event: `app.on('login', (event, webContents, details, authInfo, callback))` for windows
// and utility processes, `ClientRequest.on('login', (authInfo, callback))` for net.request; electron/docs/api/
// app.md "Event: 'login'" and client-request.md). This decides what to answer: the person is asked once per
// proxy, the answer is kept in this object only (never on disk, never logged, never sent to the app's
// window), a refused answer is asked again at most MAX_RETRIES times, then Keyroom stops answering and says
// why. A server's own 401 (isProxy false) is not ours: Electron's default (cancel) stays.
//
// The remembered Basic credentials also sign the Realtime socket's CONNECT tunnel, which Node carries and
// Chromium never sees (see electron-network.ts).

/** `authInfo` of Electron's login events. */
export interface ProxyChallenge {
  isProxy: boolean;
  /** Lower-case scheme name as Chromium reports it: basic, digest, ntlm, negotiate. */
  scheme: string;
  host: string;
  port: number;
  realm: string;
}

export interface ProxyCredentials {
  username: string;
  password: string;
}

/** What the prompt shows: the proxy, its realm (the proxy's own words), and whether a previous answer was refused. */
export interface ProxyPrompt {
  proxy: string;
  realm: string;
  refused: boolean;
}

/** Asks the person; null is Cancel. */
export type AskForProxySignIn = (prompt: ProxyPrompt) => Promise<ProxyCredentials | null>;

export type LoginCallback = (username?: string, password?: string) => void;

/** Re-asks after a refused answer (so three asks at most): a typo is fixed, a wrong account does not loop. */
export const MAX_RETRIES = 2;

interface ProxyState {
  credentials: ProxyCredentials | null;
  scheme: string;
  /** Answers given since the proxy last let a request through; a challenge after an answer means refused. */
  answered: number;
  /** Set once the person cancelled or the retries ran out: no more prompts this run. */
  stopped: boolean;
  pending: Promise<ProxyCredentials | null> | null;
}

export interface ProxyLoginOptions {
  ask: AskForProxySignIn;
  /** Said once when Keyroom stops answering a proxy (the app is then offline through it). */
  onGiveUp: (message: string) => void;
  maxRetries?: number;
}

// Chromium's authInfo names an IPv6 proxy without brackets, a URL's hostname with them.
const keyOf = (host: string, port: number | string) =>
  `${host.replace(/^\[(.*)\]$/, '$1').toLowerCase()}:${port}`;

export class ProxyLogin {
  private readonly proxies = new Map<string, ProxyState>();
  private readonly maxRetries: number;

  constructor(private readonly opts: ProxyLoginOptions) {
    this.maxRetries = opts.maxRetries ?? MAX_RETRIES;
  }

  /**
   * Answers one login challenge. Returns false (and leaves `callback` alone) when it is not a proxy's:
   * the caller then keeps Electron's default, which cancels.
   */
  challenge(info: ProxyChallenge, callback: LoginCallback): boolean {
    if (!info.isProxy) return false;
    const key = keyOf(info.host, info.port);
    let s = this.proxies.get(key);
    if (!s) {
      s = { credentials: null, scheme: info.scheme, answered: 0, stopped: false, pending: null };
      this.proxies.set(key, s);
    }
    const state = s;
    const answer = (c: ProxyCredentials | null) => (c ? callback(c.username, c.password) : callback());
    if (state.stopped) {
      answer(null);
      return true;
    }
    // Several requests challenged at once share one prompt.
    if (state.pending) {
      void state.pending.then(answer);
      return true;
    }
    // A password typed for one scheme is never replayed under another: NTLM's (often the Windows password) must
    // not go out as Basic, in the clear, to whoever answers a 407 in between. Asked again instead.
    if (state.credentials && state.scheme.toLowerCase() !== info.scheme.toLowerCase()) {
      state.credentials = null;
      state.answered = 0;
    }
    // The proxy let requests through with these before; it asks again (Chromium's cache was dropped, or
    // another connection): try them once more without asking.
    if (state.credentials && state.answered === 0) {
      state.answered = 1;
      answer(state.credentials);
      return true;
    }
    if (state.answered > this.maxRetries) {
      this.stop(state, key, 'refused');
      answer(null);
      return true;
    }
    const refused = state.answered > 0;
    state.pending = this.opts
      .ask({ proxy: key, realm: info.realm, refused })
      .catch(() => null)
      .then((c) => {
        state.pending = null;
        if (!c) {
          this.stop(state, key, 'cancelled');
          return null;
        }
        state.credentials = { username: c.username, password: c.password };
        state.scheme = info.scheme;
        state.answered++;
        return state.credentials;
      });
    void state.pending.then(answer);
    return true;
  }

  /** A request through this proxy got an answer other than 407: the current credentials are good. */
  succeeded(host: string, port: number | string): void {
    const s = this.proxies.get(keyOf(host, port));
    if (s) s.answered = 0;
  }

  /** Whether a prompt would still be shown (or answered) for this proxy. */
  stopped(host: string, port: number | string): boolean {
    return this.proxies.get(keyOf(host, port))?.stopped ?? false;
  }

  /**
   * The Basic credentials for a tunnel Keyroom opens itself (the Realtime socket's CONNECT). Only Basic:
   * NTLM and Negotiate are connection-bound handshakes Chromium does with the Windows account; a password typed
   * for them cannot be replayed as Basic.
   */
  basicCredentials(host: string, port: number | string): ProxyCredentials | null {
    const s = this.proxies.get(keyOf(host, port));
    return s && !s.stopped && s.scheme.toLowerCase() === 'basic' ? s.credentials : null;
  }

  private stop(state: ProxyState, key: string, why: 'cancelled' | 'refused'): void {
    state.stopped = true;
    state.credentials = null;
    this.opts.onGiveUp(
      why === 'cancelled'
        ? `The proxy sign-in for ${key} was cancelled. Keyroom works offline from this PC's copy until it is restarted.`
        : `The proxy ${key} did not accept the user name and password. Keyroom works offline from this PC's copy; check the proxy sign-in with IT, then restart Keyroom.`,
    );
  }
}
