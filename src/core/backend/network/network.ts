// The one place the core gets its network: the fetch that supabase-js uses for REST, Auth and Functions, and
// the WebSocket class it uses for Realtime. Both ask the same resolver for the route of each connection, so
// a proxy set for the office is used by all four or by none. A route through a proxy that does not answer
// fails (offline); it never falls back to going direct.
//
// REST to an http:// office goes to the proxy as an absolute-URI request, https:// through a CONNECT tunnel,
// as curl does. The WebSocket always goes through a CONNECT tunnel: proxies forward an Upgrade unreliably
// (tinyproxy drops it), a tunnel they pass as bytes.
import { createHash } from 'node:crypto';
import type http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { type Dispatcher, ProxyAgent, Agent as UndiciAgent, fetch as undiciFetch } from 'undici';
import WebSocket from 'ws';
import { type Env, envProxyResolver } from './env-proxy';
import type { ProxyResolver, Route } from './route';

/** What realtime-js constructs: `new transport(url, protocols)`, the browser WebSocket's shape. */
export type WebSocketClass = new (url: string, protocols?: string | string[]) => WebSocket;

export interface Network {
  fetch: typeof globalThis.fetch;
  WebSocket: WebSocketClass;
  /** The route a connection to this URL takes now (the Settings screen shows it). */
  route(target: string | URL): Promise<Route>;
}

export interface NetworkOptions {
  resolve: ProxyResolver;
  /** Root certificates for TLS (the OS store in the app); Node's bundled roots when absent. */
  ca?: string[] | undefined;
  /** A fetch that routes and verifies by itself (Electron's net.fetch: Chromium's proxy logic and verifier). */
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * Basic credentials for the socket's CONNECT through this proxy, asked at each connect (the app's proxy
   * sign-in, kept in memory). Never part of a Route, so the route shown or logged cannot carry them.
   */
  tunnelAuth?: ((proxy: URL) => { username: string; password: string } | null) | undefined;
}

export type TunnelAuth = NonNullable<NetworkOptions['tunnelAuth']>;

// http(s) equivalents: proxy configuration (env, PAC) is written for those, and Chromium resolves a WebSocket
// with its https/http URL too.
function routedUrl(target: string | URL): URL {
  const url = new URL(target);
  if (url.protocol === 'wss:') url.protocol = 'https:';
  if (url.protocol === 'ws:') url.protocol = 'http:';
  return url;
}

/** Chooses per connection: straight out through Node's agents, or a CONNECT tunnel through the proxy. */
class RoutingAgent extends Agent {
  private readonly tunnels = new Map<string, HttpsProxyAgent<string>>();

  constructor(
    private readonly resolve: ProxyResolver,
    private readonly ca: string[] | undefined,
    private readonly tunnelAuth: TunnelAuth | undefined,
  ) {
    super();
  }

  async connect(req: http.ClientRequest, opts: AgentConnectOpts): Promise<Duplex> {
    const scheme = opts.secureEndpoint ? 'https' : 'http';
    const host = opts.host?.includes(':') ? `[${opts.host}]` : opts.host;
    const route = await this.resolve(new URL(`${scheme}://${host}:${opts.port}/`));
    if (route.kind === 'direct') {
      if (!opts.secureEndpoint) return net.connect(opts);
      const servername = opts.servername || (net.isIP(opts.host ?? '') ? undefined : opts.host);
      return tls.connect({ ...opts, ...(servername ? { servername } : {}) });
    }
    if (route.proxy.protocol !== 'http:' && route.proxy.protocol !== 'https:')
      throw new Error(
        'The proxy is a SOCKS proxy; live updates need an HTTP proxy and fall back to polling.',
      );
    const proxy = new URL(route.proxy.href);
    const signIn = proxy.username ? null : this.tunnelAuth?.(proxy);
    // The person's proxy password goes in a CONNECT header, not into the proxy URL: https-proxy-agent logs its
    // URL under DEBUG, and the URL would be this map's key. The key names the credentials by a digest only.
    const authorization = signIn
      ? `Basic ${Buffer.from(`${signIn.username}:${signIn.password}`, 'utf8').toString('base64')}`
      : null;
    const key = authorization
      ? `${proxy.href}#${createHash('sha256').update(authorization).digest('hex')}`
      : proxy.href;
    let tunnel = this.tunnels.get(key);
    if (!tunnel) {
      // `ca` here is for an https:// proxy's own certificate (the office's is checked inside the tunnel).
      tunnel = new HttpsProxyAgent(proxy.href, {
        ...(this.ca ? { ca: this.ca } : {}),
        ...(authorization ? { headers: { 'Proxy-Authorization': authorization } } : {}),
      });
      this.tunnels.set(key, tunnel);
    }
    // The tunnel's own connect: CONNECT, then TLS to the office inside it with this request's options (`ca`).
    // It drops `host` for that TLS, and an IP address sends no SNI: Node would then check the certificate
    // against "localhost". The identity checked is the host asked for.
    const target = opts.host ?? '';
    if (!opts.secureEndpoint || !net.isIP(target)) return tunnel.connect(req, opts);
    return tunnel.connect(req, {
      ...opts,
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(target, cert),
    });
  }
}

function webSocketClass(agent: http.Agent, ca: string[] | undefined): WebSocketClass {
  // `ca` travels in the request options to the TLS handshake with the office, direct or inside the tunnel.
  const options: WebSocket.ClientOptions = { agent, ...(ca ? { ca } : {}) };
  return class RoutedWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, options);
    }
  };
}

function nodeFetch(resolve: ProxyResolver, ca: string[] | undefined): typeof globalThis.fetch {
  const tls = ca ? { ca } : {};
  const direct = new UndiciAgent({ connect: tls });
  const viaProxy = new Map<string, Dispatcher>();
  const dispatcherFor = (route: Route, secure: boolean): Dispatcher => {
    if (route.kind === 'direct') return direct;
    const key = `${secure ? 'tunnel' : 'forward'} ${route.proxy.href}`;
    let d = viaProxy.get(key);
    if (!d) {
      // undici takes user:pass in the proxy URL as Basic Proxy-Authorization.
      d = new ProxyAgent({ uri: route.proxy.href, proxyTunnel: secure, requestTls: tls, proxyTls: tls });
      viaProxy.set(key, d);
    }
    return d;
  };
  const routed = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = typeof input === 'string' || input instanceof URL ? null : input;
    const url = new URL(request ? request.url : input.toString());
    const dispatcher = dispatcherFor(await resolve(routedUrl(url)), url.protocol === 'https:');
    // supabase-js passes a URL string and init; a Request is taken apart into the same.
    const base = request
      ? { method: request.method, headers: request.headers, body: request.body, signal: request.signal }
      : {};
    const res = await undiciFetch(url, {
      ...base,
      ...(init as Record<string, unknown>),
      ...(request?.body ? { duplex: 'half' } : {}),
      dispatcher,
    } as Parameters<typeof undiciFetch>[1]);
    return res as unknown as Response;
  };
  return routed;
}

export function createNetwork(opts: NetworkOptions): Network {
  const agent = new RoutingAgent(opts.resolve, opts.ca, opts.tunnelAuth);
  return {
    fetch: opts.fetch ?? nodeFetch(opts.resolve, opts.ca),
    WebSocket: webSocketClass(agent, opts.ca),
    route: (target) => opts.resolve(routedUrl(target)),
  };
}

/** Plain Node (preview host, command-line tools, tests): the proxy variables as curl reads them. */
export function envNetwork(env: Env = process.env): Network {
  return createNetwork({ resolve: envProxyResolver(env) });
}
