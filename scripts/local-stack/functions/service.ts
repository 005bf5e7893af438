// /functions/v1/<name>: the edge-runtime stand-in. Routes each request to the function's Deno worker and
// answers the way `supabase functions serve` does (its main service, supabase/cli
// internal/functions/serve/templates/main.ts): 404 text "Function not found"; with verify_jwt a 401 {msg}
// before the function runs (accepting only what the hosted gateway accepts, see checkJwt); 503 BOOT_ERROR
// when the function cannot load; 546 WORKER_LIMIT when it runs past the wall-clock limit (the worker is
// killed and restarted on the next request); 500 WORKER_ERROR when the worker dies under a request.
import { existsSync, watch } from 'node:fs';
import { type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeProtectedHeader } from 'jose';
import { z } from 'zod';
import { publicJwk } from '../keys';
import type { ServiceFactory, StackContext } from '../server';
import { loadFunctionSettings, settingsFor } from './config';
import { BootError, FunctionWorker } from './worker';

const PREFIX = '/functions/v1';
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export interface FunctionsOptions {
  /** Holds config.toml and functions/<name>/index.ts. */
  supabaseDir: string;
  /** Wall-clock limit per request. */
  timeoutMs: number;
  bootTimeoutMs: number;
}

/** Defaults: the repo's supabase/ folder; KEYROOM_SUPABASE_DIR and KEYROOM_FUNCTION_TIMEOUT_MS override. */
export function functionsOptionsFromEnv(): FunctionsOptions {
  return {
    supabaseDir:
      process.env.KEYROOM_SUPABASE_DIR ?? fileURLToPath(new URL('../../../supabase', import.meta.url)),
    // Hosted Supabase cuts a request off after 150 s.
    timeoutMs: z.coerce
      .number()
      .int()
      .positive()
      .catch(150_000)
      .parse(process.env.KEYROOM_FUNCTION_TIMEOUT_MS ?? 150_000),
    // The first start may download npm packages.
    bootTimeoutMs: 120_000,
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP_BY_HOP.has(k)));
}

type JwtCheck = { ok: true } | { ok: false; msg: string };

/**
 * verify_jwt as the HOSTED gateway does it: only a token signed with the project's legacy JWT secret (HS256)
 * passes; a user's ES256 token from the new signing keys is refused with 401 "Invalid JWT"
 * (supabase.com/docs/guides/troubleshooting/edge-function-401-error-response). `supabase functions serve`
 * is hybrid (templates/main.ts verifyHybridJWT also takes ES256/RS256 by the JWKS), and Supabase's newer
 * functions/auth-headers page says the hosted check now takes both; the stand-in keeps the stricter rule so
 * a function left on verify_jwt = true fails here as it would on a project where the check is legacy-only.
 * The answer's shape is the CLI's ({msg}); the hosted one is {code: 401, message}.
 */
async function checkJwt(ctx: StackContext, req: IncomingMessage): Promise<JwtCheck> {
  const header = req.headers.authorization;
  if (!header) return { ok: false, msg: 'Error: Missing authorization header' };
  const [scheme, token] = header.split(' ');
  if (scheme !== 'Bearer' || !token) return { ok: false, msg: "Error: Auth header is not 'Bearer {token}'" };
  try {
    if (decodeProtectedHeader(token).alg !== 'HS256') return { ok: false, msg: 'Invalid JWT' };
    await ctx.verifyJwt(token);
    return { ok: true };
  } catch {
    return { ok: false, msg: 'Invalid JWT' };
  }
}

function netTargets(ctx: StackContext): string[] {
  const targets = [new URL(ctx.url).host];
  if (ctx.dbUrl) {
    const db = new URL(ctx.dbUrl);
    targets.push(`${db.hostname}:${db.port || '5432'}`);
  }
  return targets;
}

/** Every variable a function may read; SUPABASE_DB_URL stays unset on PGlite, as nothing can connect. */
const FUNCTION_ENV = [
  'SUPABASE_URL',
  'SUPABASE_PUBLISHABLE_KEYS',
  'SUPABASE_SECRET_KEYS',
  'SUPABASE_JWKS',
  'SUPABASE_ANON_KEY',
  'SUPABASE_SERVICE_ROLE_KEY',
  'SUPABASE_DB_URL',
];

/**
 * The default secrets of a project created today (supabase.com/docs/guides/functions/secrets): the API keys
 * as JSON dictionaries with a `default` entry (as supabase/cli templates/main.ts builds them), the JWKS, and
 * the legacy anon / service-role JWTs while the project keeps its legacy keys. SUPABASE_JWKS holds public
 * keys only, the value /auth/v1/.well-known/jwks.json serves: the CLI adds an `oct` key carrying the legacy
 * secret when no signing keys are configured (pkg/config ResolveJWKS), but a project created today has
 * signing keys and the hosted JWKS never publishes the secret, so a function here cannot verify HS256 itself.
 */
function functionEnv(ctx: StackContext): Record<string, string> {
  const env: Record<string, string> = {
    SUPABASE_URL: ctx.url,
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: ctx.keys.publishableKey }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: ctx.keys.secretKey }),
    SUPABASE_JWKS: JSON.stringify({ keys: [publicJwk(ctx.keys.signingKey)] }),
    SUPABASE_ANON_KEY: ctx.keys.anonKey,
    SUPABASE_SERVICE_ROLE_KEY: ctx.keys.serviceRoleKey,
  };
  if (ctx.dbUrl) env.SUPABASE_DB_URL = ctx.dbUrl;
  return env;
}

export function makeFunctionsService(opts: FunctionsOptions): ServiceFactory {
  return async (ctx) => {
    const functionsDir = join(opts.supabaseDir, 'functions');
    const settings = await loadFunctionSettings(join(opts.supabaseDir, 'config.toml'));
    const workers = new Map<string, FunctionWorker>();
    let closed = false;
    // Hot reload, as `supabase functions serve` does: a change under functions/ (a function's own files or
    // the shared ones) retires the running workers; the next request boots them on the new code.
    const watcher = existsSync(functionsDir)
      ? watch(functionsDir, { recursive: true }, () => {
          for (const w of workers.values()) void w.stop();
        })
      : undefined;
    watcher?.on('error', (err) =>
      ctx.log(`functions: file watch stopped (${err.message}); restart to reload`),
    );

    const workerFor = (name: string, entry: string) => {
      let worker = workers.get(name);
      if (!worker) {
        worker = new FunctionWorker({
          name,
          entry,
          env: functionEnv(ctx),
          allowEnv: FUNCTION_ENV,
          allowNet: netTargets(ctx),
          allowRead: [functionsDir],
          bootTimeoutMs: opts.bootTimeoutMs,
          log: ctx.log,
        });
        workers.set(name, worker);
      }
      return worker;
    };

    const handle = async (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://stack');
      const rest = url.pathname.slice(PREFIX.length);
      const name = rest.split('/')[1] ?? '';
      const entry = join(functionsDir, name, 'index.ts');
      if (closed || !NAME.test(name) || !existsSync(entry)) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Function not found');
        return;
      }
      if (req.method !== 'OPTIONS' && settingsFor(settings, name).verifyJwt) {
        const check = await checkJwt(ctx, req);
        if (!check.ok) {
          sendJson(res, 401, { msg: check.msg });
          return;
        }
      }
      const worker = workerFor(name, entry);
      let port: number;
      try {
        port = await worker.port();
      } catch (err) {
        if (!(err instanceof BootError)) throw err;
        ctx.log(`functions/${name}: ${err.message}`);
        sendJson(res, 503, { code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' });
        return;
      }
      await proxy(req, res, worker, port, `${rest}${url.search}`, opts.timeoutMs);
    };

    return {
      prefix: PREFIX,
      handle,
      close: async () => {
        closed = true;
        watcher?.close();
        await Promise.all([...workers.values()].map((w) => w.stop()));
      },
    };
  };
}

/** Streams the request to the worker and its response back, under the wall-clock limit. */
function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  worker: FunctionWorker,
  port: number,
  path: string,
  timeoutMs: number,
): Promise<void> {
  return new Promise<void>((resolve) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve();
    };
    const fail = (status: number, code: string, message: string) => {
      if (!res.headersSent) sendJson(res, status, { code, message });
      else res.destroy();
      finish();
    };

    const upstream = request({
      host: '127.0.0.1',
      port,
      path,
      method: req.method,
      headers: forwardable(req.headers),
      agent: worker.agent,
    });
    const timer = setTimeout(() => {
      upstream.destroy();
      fail(546, 'WORKER_LIMIT', 'Worker failed to respond due to a resource limit (please check logs)');
      // A function stuck past the limit may be stuck for good: give the next request a fresh worker.
      void worker.stop();
    }, timeoutMs);

    upstream.on('response', (up) => {
      if (settled) {
        up.destroy();
        return;
      }
      res.writeHead(up.statusCode ?? 502, forwardable(up.headers));
      up.pipe(res);
      up.on('end', finish);
      up.on('error', () => fail(500, 'WORKER_ERROR', 'Function exited due to an error (please check logs)'));
    });
    upstream.on('error', async () => {
      // After a hang-up or a timeout the error is ours; otherwise the worker broke the connection (it
      // died): make sure the next request finds a fresh one.
      if (settled) return;
      await worker.stop();
      fail(500, 'WORKER_ERROR', 'Function exited due to an error (please check logs)');
    });
    // The caller hung up: stop the function's work on its behalf.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
      finish();
    });
    req.pipe(upstream);
  });
}

/** The /functions/v1 service, configured from the environment when the stack starts. */
export function functionsService(): ServiceFactory {
  return (ctx) => makeFunctionsService(functionsOptionsFromEnv())(ctx);
}
