// The core's network in the app: REST, Auth and Functions through Chromium (net.fetch on the session), so the
// system proxy, PAC/WPAD, proxy authentication (NTLM and Kerberos with the Windows sign-in, as Chromium does
// them) and the OS certificate verifier all apply; the Realtime socket, which Node carries, through the proxy
// Chromium resolves (a CONNECT tunnel) and verified against the OS certificate store, so a TLS-inspecting
// proxy with the company's root works without turning verification off.
import { createNetwork, type Network } from '../../core/backend/network/network';
import { chromiumResolver } from './chromium-route';

export interface ElectronNetApis {
  /** `session.defaultSession`. */
  session: {
    resolveProxy(url: string): Promise<string>;
    fetch(input: string | Request, init?: RequestInit): Promise<Response>;
  };
  /** PEM roots for the socket's TLS: the OS store and Node's bundled ones; null leaves Node's defaults. */
  certificates: () => string[] | null;
}

export function electronNetwork(apis: ElectronNetApis): Network {
  return createNetwork({
    resolve: chromiumResolver(apis.session),
    ca: apis.certificates() ?? undefined,
    fetch: (input, init) =>
      apis.session.fetch(typeof input === 'string' || input instanceof URL ? input.toString() : input, init),
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
