// How this PC reaches the office: straight out, or through one HTTP proxy. One resolver answers it for every
// request (REST, Auth, Functions and the Realtime socket), so they can never take different routes.

export type Route =
  | { kind: 'direct' }
  /** `proxy` is `http(s)://[user:pass@]host:port`; credentials never leave the network layer (see `shown`). */
  | { kind: 'proxy'; proxy: URL };

/** Where the route for one target URL comes from: environment variables, or Chromium's proxy resolution. */
export type ProxyResolver = (target: URL) => Promise<Route>;

/** The route as a person may see it: the proxy's host and port, never its credentials. */
export function shownRoute(route: Route): { kind: 'direct' } | { kind: 'proxy'; host: string } {
  return route.kind === 'direct' ? route : { kind: 'proxy', host: route.proxy.host };
}
