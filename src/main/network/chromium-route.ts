// The system proxy as Chromium resolves it: Windows/macOS proxy settings, a PAC file or WPAD, all behind
// `session.resolveProxy`, which answers a PAC-style list ("PROXY host:port; DIRECT"). Chromium's own requests
// (net.fetch) walk that list themselves; the WebSocket, which Node carries, takes only the first entry: a
// listed DIRECT after a proxy that is down would be a bypass the office did not choose for the socket.
import type { ProxyResolver, Route } from '../../core/backend/network/route';

const SCHEMES: Record<string, string> = {
  PROXY: 'http',
  HTTP: 'http',
  HTTPS: 'https',
  SOCKS: 'socks',
  SOCKS4: 'socks4',
  SOCKS5: 'socks5',
};

/** The first entry of a PAC result; an empty answer is DIRECT, as in Chromium's ProxyList. */
export function parseProxyList(list: string): Route {
  const first = list.split(';')[0]?.trim() ?? '';
  if (first === '' || first.toUpperCase() === 'DIRECT') return { kind: 'direct' };
  const [type = '', hostPort = ''] = first.split(/\s+/);
  const scheme = SCHEMES[type.toUpperCase()];
  if (!scheme || !/^[^\s/@]+:\d{1,5}$/.test(hostPort))
    throw new Error(`The system proxy setting "${first}" is not one Keyroom understands.`);
  return { kind: 'proxy', proxy: new URL(`${scheme}://${hostPort}`) };
}

export function chromiumResolver(session: { resolveProxy(url: string): Promise<string> }): ProxyResolver {
  return async (target) => parseProxyList(await session.resolveProxy(target.href));
}
