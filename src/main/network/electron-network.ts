// The core's network in the app: REST, Auth and Functions through Chromium (net.fetch on the session), so the
// system proxy, PAC/WPAD, proxy authentication (NTLM and Kerberos with the Windows sign-in, as Chromium does
// them) and the OS certificate verifier all apply; the Realtime socket, which Node carries, through the proxy
// Chromium resolves (a CONNECT tunnel) and verified against the OS certificate store, so a TLS-inspecting
// proxy with the company's root works without turning verification off.
//
// Proxy sign-in (Basic, or NTLM/Negotiate when Chromium's Windows-account sign-in is not accepted): net.fetch in
// the main process never emits a login event — its request has no 'login' listener, so Chromium's challenge is
// cancelled (electron/electron lib/browser/api/net-fetch.ts and lib/common/api/net-client-request.ts; issue
// electron/electron#44249, open). So when a REST call comes back 407 (or fails on the proxy's sign-in), one
// net.request to the office, which does emit 'login', answers the challenge through ProxyLogin; Chromium keeps
// the accepted credentials in the session's auth cache and the call is sent once more.
import { createNetwork, type Network } from '../../core/backend/network/network';
import type { Route } from '../../core/backend/network/route';
import { chromiumResolver } from './chromium-route';
import type { LoginCallback, ProxyChallenge, ProxyLogin } from './proxy-login';

/** The events of Electron's ClientRequest (`net.request({url, method, session})`) the sign-in request uses. */
export interface SignInRequest {
  onLogin(listener: (authInfo: ProxyChallenge, callback: LoginCallback) => void): void;
  /** The status of the answer; its body (none: the request is a HEAD) is drained by the adapter. */
  onResponse(listener: (response: { statusCode: number }) => void): void;
  onError(listener: (error: Error) => void): void;
  end(): void;
}

export interface ElectronNetApis {
  /** `session.defaultSession`. */
  session: {
    resolveProxy(url: string): Promise<string>;
    fetch(input: string | Request, init?: RequestInit): Promise<Response>;
  };
  /** PEM roots for the socket's TLS: the OS store and Node's bundled ones; null leaves Node's defaults. */
  certificates: () => string[] | null;
  /** Proxy sign-in; without it a proxy's 407 stays a failure (offline, and Test connection says why). */
  login?: { proxyLogin: ProxyLogin; request: (url: string) => SignInRequest };
}

/** How net.fetch reports a proxy sign-in it could not give: a 407 for http://, a failed tunnel for https://. */
const PROXY_SIGN_IN = /ERR_PROXY_AUTH|ERR_TUNNEL_CONNECTION_FAILED|ERR_INVALID_AUTH_CREDENTIALS/;

const portOf = (proxy: URL) => proxy.port || (proxy.protocol === 'https:' ? '443' : '80');
const proxyOf = (route: Route) =>
  route.kind === 'proxy' ? { host: route.proxy.hostname, port: portOf(route.proxy) } : null;

/** A request that can be sent twice: no streamed body (supabase-js sends strings). */
function replayable(input: RequestInfo | URL, init: RequestInit | undefined): boolean {
  if (input instanceof Request && input.body !== null) return false;
  return !(init?.body instanceof ReadableStream);
}

/** One net.request to the office's root, so Chromium's proxy challenge reaches ProxyLogin. True when let through. */
function signIn(request: (url: string) => SignInRequest, login: ProxyLogin, url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(new URL('/', url).href);
    req.onLogin((authInfo, callback) => {
      // A server's own 401 is cancelled (Electron's default): only the proxy's sign-in is ours.
      if (!login.challenge(authInfo, callback)) callback();
    });
    req.onResponse((res) => resolve(res.statusCode !== 407));
    req.onError(() => resolve(false));
    req.end();
  });
}

export function electronNetwork(apis: ElectronNetApis): Network {
  const resolve = chromiumResolver(apis.session);
  const login = apis.login;
  const send = (input: RequestInfo | URL, init?: RequestInit) =>
    apis.session.fetch(typeof input === 'string' || input instanceof URL ? input.toString() : input, init);
  const fetchWithSignIn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (!login) return send(input, init);
    const url = new URL(input instanceof Request ? input.url : input.toString());
    // Chromium routes REST by itself; a proxy answer the socket cannot use must not stop REST here.
    const proxy = await resolve(url).then(proxyOf, () => null);
    const retry = async () =>
      proxy !== null &&
      !login.proxyLogin.stopped(proxy.host, proxy.port) &&
      replayable(input, init) &&
      (await signIn(login.request, login.proxyLogin, url));
    let res: Response;
    try {
      res = await send(input, init);
    } catch (err) {
      if (!PROXY_SIGN_IN.test(err instanceof Error ? err.message : String(err)) || !(await retry()))
        throw err;
      return send(input, init);
    }
    if (res.status === 407 && (await retry())) {
      await res.body?.cancel().catch(() => {});
      return send(input, init);
    }
    if (res.status !== 407 && proxy) login.proxyLogin.succeeded(proxy.host, proxy.port);
    return res;
  };
  return createNetwork({
    resolve,
    ca: apis.certificates() ?? undefined,
    fetch: fetchWithSignIn,
    // The socket's CONNECT is Node's, not Chromium's: it carries the Basic answer the person gave, and nothing
    // for NTLM/Negotiate (live updates then fall back to polling while REST works through Chromium).
    tunnelAuth: login
      ? (proxy) => login.proxyLogin.basicCredentials(proxy.hostname, portOf(proxy))
      : undefined,
  });
}

type CaKind = 'default' | 'system' | 'bundled';

/**
 * Node's bundled roots plus the OS store (Windows' ROOT store, the macOS keychain, the distribution's bundle),
 * from `tls.getCACertificates` (Node 22.15+/23.5+; Electron 41 carries Node 24). Null where it is missing.
 */
export function systemCertificates(tls: object): string[] | null {
  // @types/node 20 does not know the function; Electron's Node has it.
  const get = (tls as { getCACertificates?: unknown }).getCACertificates;
  if (typeof get !== 'function') return null;
  const read = (kind: CaKind) => (get as (k: CaKind) => string[]).call(tls, kind);
  return [...new Set([...read('default'), ...read('system')])];
}
