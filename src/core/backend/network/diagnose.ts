// "Test connection" in Settings: reaches the office the way the app does (same fetch, same socket, same
// route) and names the first thing that failed in words IT can act on. Node's error codes and Chromium's
// `net::ERR_…` names (Electron's net.fetch) are both understood.
import type { Network } from './network';
import { type Route, shownRoute } from './route';

export type FailedStep = 'dns' | 'proxy' | 'tls' | 'server';

export interface ConnectionReport {
  route: ReturnType<typeof shownRoute>;
  /** The first step that failed; null when the office answered. */
  failed: FailedStep | null;
  message: string;
  /** Realtime's WebSocket: open, refused on the way (updates then come by polling), or not tried. */
  live: 'ok' | 'blocked' | 'not-tried';
}

/** How long one attempt may take: a proxy that swallows packets must not hang the Settings screen. */
const STEP_MS = 10_000;

const CERT = /CERT|UNABLE_TO_(GET|VERIFY)|SELF_SIGNED|ERR_TLS|ERR_SSL|EPROTO/;

/** Every code and message along an error's cause chain (undici nests the socket error as `cause`). */
function facts(err: unknown): { codes: string[]; text: string; hostname: string | null } {
  const codes: string[] = [];
  const texts: string[] = [];
  let hostname: string | null = null;
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const o = e as { code?: unknown; message?: unknown; hostname?: unknown; cause?: unknown };
    if (typeof o.code === 'string') codes.push(o.code);
    if (typeof o.message === 'string') texts.push(o.message);
    if (typeof o.hostname === 'string') hostname ??= o.hostname;
    e = o.cause;
  }
  return { codes, text: texts.join(' | '), hostname };
}

/** Names what failed for one thrown fetch error, given the route it took. */
export function classify(err: unknown, route: Route, office: URL): { failed: FailedStep; message: string } {
  const { codes, text, hostname } = facts(err);
  const has = (re: RegExp) => codes.some((c) => re.test(c)) || re.test(text);
  const proxy = route.kind === 'proxy' ? route.proxy.host : null;
  if (has(/ENOTFOUND|EAI_AGAIN|EAI_NONAME|ERR_NAME_NOT_RESOLVED/)) {
    const proxyName = route.kind === 'proxy' ? route.proxy.hostname : null;
    const name = proxyName && (hostname === null || hostname === proxyName) ? proxyName : office.hostname;
    return {
      failed: 'dns',
      message: `The name ${name} could not be looked up (DNS). Check the ${proxy ? "proxy's" : "office server's"} address.`,
    };
  }
  if (has(/ERR_PROXY_AUTH|Proxy Authentication Required|Proxy response \(407\)/))
    return {
      failed: 'proxy',
      message: `The proxy ${proxy ?? ''} asks for a sign-in Keyroom could not give.`,
    };
  if (has(/Proxy response \(5\d\d\)/))
    return {
      failed: 'proxy',
      message: `The proxy ${proxy ?? ''} could not reach the office's server ${office.host}.`,
    };
  if (has(/ERR_TUNNEL_CONNECTION_FAILED|Proxy response \(\d+\)/))
    return {
      failed: 'proxy',
      message: `The proxy ${proxy ?? ''} refused the connection to the office's server.`,
    };
  if (
    has(/ERR_PROXY_CONNECTION_FAILED/) ||
    (proxy && has(/ECONNREFUSED|ECONNRESET|ETIMEDOUT|CONNECT_TIMEOUT/))
  )
    return {
      failed: 'proxy',
      message: `The proxy ${proxy ?? ''} does not answer. Keyroom does not go around it: it works from this PC's copy until the proxy is back.`,
    };
  if (has(CERT))
    return {
      failed: 'tls',
      message:
        "The office server's certificate is not trusted by this PC. If the network inspects TLS, IT must install its root certificate in the system's certificate store.",
    };
  return { failed: 'server', message: `The office's server ${office.host} does not answer.` };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`${what} timed out`), { code: 'ETIMEDOUT' })),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Opens Realtime's socket once, as the app would, and closes it. */
function tryWebSocket(network: Network, office: URL, key: string): Promise<boolean> {
  const url = new URL('/realtime/v1/websocket', office);
  url.protocol = office.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('apikey', key);
  url.searchParams.set('vsn', '2.0.0');
  return new Promise((resolve) => {
    const ws = new network.WebSocket(url.href);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), STEP_MS);
    ws.once('open', () => done(true));
    ws.once('error', () => done(false));
    ws.once('unexpected-response', () => done(false));
  });
}

export async function testConnection(
  network: Network,
  officeUrl: string,
  key: string,
): Promise<ConnectionReport> {
  const office = new URL(officeUrl);
  const route = await network.route(office);
  const shown = shownRoute(route);
  let res: Response;
  try {
    // Public on real Supabase (GoTrue's JWKS) and on the stand-in; the key only identifies the project.
    res = await withTimeout(
      network.fetch(new URL('/auth/v1/.well-known/jwks.json', office), { headers: { apikey: key } }),
      STEP_MS,
      'The request',
    );
  } catch (err) {
    return { route: shown, ...classify(err, route, office), live: 'not-tried' };
  }
  await res.body?.cancel().catch(() => {});
  if (res.status === 407)
    return {
      route: shown,
      failed: 'proxy',
      message: 'The proxy asks for a sign-in Keyroom could not give.',
      live: 'not-tried',
    };
  if (!res.ok)
    return {
      route: shown,
      failed: 'server',
      message: `The office's server ${office.host} answered with an error (HTTP ${res.status}).`,
      live: 'not-tried',
    };
  const live = (await tryWebSocket(network, office, key)) ? 'ok' : 'blocked';
  return {
    route: shown,
    failed: null,
    message:
      live === 'ok'
        ? 'The office answers; live updates work.'
        : 'The office answers, but live updates are blocked by the network; Keyroom checks every 30 s instead.',
    live,
  };
}
