// HTTPS_PROXY / HTTP_PROXY / NO_PROXY read the way curl reads them (curl's docs, "ENVIRONMENT"): the lower-case
// name wins over the upper-case one; `https_proxy` serves https:// and wss://, `http_proxy` http:// and ws://;
// ALL_PROXY serves both when the protocol's own variable is unset (curl's fallback);
// NO_PROXY is a comma list of host names (a name also covers its subdomains, a leading dot is ignored), IP
// addresses, optional `:port`, or `*` for everything. Unlike many proxy libraries, loopback is NOT exempt
// unless NO_PROXY says so: curl does not exempt it either, and the proxy tests route loopback on purpose.
import type { ProxyResolver, Route } from './route';

export type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v?.trim() ? v.trim() : undefined;
}

/** `host:3128` without a scheme means http://, as curl takes it. */
function proxyUrl(value: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new Error(`${name} is not a proxy address (expected http://host:port).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${name} uses ${url.protocol.slice(0, -1)}; Keyroom speaks to HTTP proxies only.`);
  return url;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Whether NO_PROXY exempts this target (host and effective port). */
export function exempt(noProxy: string | undefined, target: URL): boolean {
  if (!noProxy) return false;
  const host = stripBrackets(target.hostname).toLowerCase();
  const port = target.port || (target.protocol === 'https:' || target.protocol === 'wss:' ? '443' : '80');
  for (const raw of noProxy.split(',')) {
    let item = raw.trim().toLowerCase();
    if (!item) continue;
    if (item === '*') return true;
    let itemPort: string | null = null;
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(item);
    if (m) {
      item = m[1]!;
      itemPort = m[2]!;
    }
    item = stripBrackets(item).replace(/^\*?\./, '');
    if (itemPort && itemPort !== port) continue;
    if (host === item || host.endsWith(`.${item}`)) return true;
  }
  return false;
}

/** The resolver for plain Node (preview host, command-line tools, tests); throws on a malformed variable. */
export function envProxyResolver(env: Env): ProxyResolver {
  const all = read(env, 'all_proxy');
  const https = read(env, 'https_proxy');
  const http = read(env, 'http_proxy');
  const pick = (own: string | undefined, name: string) =>
    own ? proxyUrl(own, name) : all ? proxyUrl(all, 'ALL_PROXY') : null;
  const proxies = { secure: pick(https, 'HTTPS_PROXY'), plain: pick(http, 'HTTP_PROXY') };
  const noProxy = read(env, 'no_proxy');
  return async (target: URL): Promise<Route> => {
    const secure = target.protocol === 'https:' || target.protocol === 'wss:';
    const proxy = secure ? proxies.secure : proxies.plain;
    if (!proxy || exempt(noProxy, target)) return { kind: 'direct' };
    return { kind: 'proxy', proxy };
  };
}
