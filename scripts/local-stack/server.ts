// The local stack: one HTTP server on one port, like `supabase start` behind Kong. Each Supabase service is a
// StackService mounted on its path prefix; services.ts lists them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { AuthSettings } from './auth/settings';
import type { Database } from './db';
import { applyGateway } from './http/apikey';
import { type JwtClaims, makeJwtVerifier } from './jwt';
import { loadOrCreateKeys, publicJwk, type StackKeys } from './keys';
import { openStackDatabase } from './prepare';
import { services as serviceFactories } from './services';

export interface StackContext {
  db: Database;
  /** http://127.0.0.1:<port>, known once the server listens. */
  url: string;
  keys: StackKeys;
  /** Throws JwtError on a bad or expired token. */
  verifyJwt(token: string): Promise<JwtClaims>;
  /** postgres:// URL when running on PostgreSQL (for Deno functions' SUPABASE_DB_URL). */
  dbUrl: string | undefined;
  dataDir: string | undefined;
  log(line: string): void;
  /** Overrides of the Auth service's settings (token lifetimes, sign-in limits), mostly for tests. */
  auth?: Partial<AuthSettings>;
}

export interface StackService {
  /** Path prefix, e.g. '/auth/v1'. */
  prefix: string;
  handle?(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close?(): Promise<void>;
}

export type ServiceFactory = (ctx: StackContext) => Promise<StackService>;

export interface StackOptions {
  port?: number;
  host?: string;
  /** Keys (and, without dbUrl, the PGlite database) live here; absent = in memory, for tests. */
  dataDir?: string | undefined;
  dbUrl?: string | undefined;
  log?: (line: string) => void;
  auth?: Partial<AuthSettings>;
}

export interface RunningStack {
  url: string;
  /** `sb_publishable_…`: what the app and supabase-js take. */
  publishableKey: string;
  /** `sb_secret_…`: admin tools and edge functions only. */
  secretKey: string;
  /** Legacy anon / service-role JWT keys and their secret, which projects keep until they switch them off. */
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  db: Database;
  stop(): Promise<void>;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD',
  'access-control-allow-headers':
    'authorization, x-client-info, apikey, content-type, prefer, range, accept-profile, content-profile, x-supabase-api-version, x-region',
  'access-control-expose-headers': 'content-range, x-total-count, content-location',
  'access-control-max-age': '86400',
};

export async function startStack(opts: StackOptions = {}): Promise<RunningStack> {
  const log = opts.log ?? (() => {});
  const keys = await loadOrCreateKeys(opts.dataDir);
  const { db } = await openStackDatabase({ dbUrl: opts.dbUrl, dataDir: opts.dataDir, log });

  const ctx: StackContext = {
    db,
    url: '',
    keys,
    verifyJwt: makeJwtVerifier({ legacySecret: keys.jwtSecret, jwks: [publicJwk(keys.signingKey)] }),
    dbUrl: opts.dbUrl,
    dataDir: opts.dataDir,
    log,
    ...(opts.auth ? { auth: opts.auth } : {}),
  };
  const mounted: StackService[] = [];
  for (const make of serviceFactories) mounted.push(await make(ctx));
  const find = (url: string | undefined) => {
    const path = (url ?? '/').split('?')[0] ?? '/';
    return mounted.find((s) => path === s.prefix || path.startsWith(`${s.prefix}/`));
  };

  const server = createServer(async (req, res) => {
    for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    applyGateway(req, keys, false);
    const service = find(req.url);
    if (!service?.handle) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: 'no Route matched with those values' }));
      return;
    }
    try {
      await service.handle(req, res);
    } catch (err) {
      log(`${service.prefix}: unhandled error: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'An unexpected error occurred' }));
    }
  });
  server.on('upgrade', (req, socket, head) => {
    applyGateway(req, keys, true);
    const service = find(req.url);
    if (!service?.upgrade) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    service.upgrade(req, socket, head);
  });
  // Slow or stuck clients must not hold the port forever.
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 54321, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  ctx.url = `http://${opts.host ?? '127.0.0.1'}:${port}`;

  let stopped = false;
  return {
    url: ctx.url,
    publishableKey: keys.publishableKey,
    secretKey: keys.secretKey,
    anonKey: keys.anonKey,
    serviceRoleKey: keys.serviceRoleKey,
    jwtSecret: keys.jwtSecret,
    db,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of [...mounted].reverse()) await s.close?.().catch(() => {});
      server.closeAllConnections();
      await closing;
      await db.close();
    },
  };
}
