// The one connection to the office server that every backend call goes through: the supabase-js client on
// the injected network, who is signed in, and the two ways a call is made (PostgREST / RPC, edge function),
// each failure mapped to a CoreError. Every response is parsed with zod before it leaves the backend modules.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { z } from 'zod';
import { CoreError, type ErrorContext, mapServerError } from './errors';
import type { Network } from './network/network';
import { parseRows } from './rows';

export interface BackendOptions {
  url: string;
  /** The project's publishable key (`sb_publishable_…`), or its legacy anon key. */
  publishableKey: string;
  /** Where fetch and the Realtime socket come from: one route for REST, Auth, Functions and Realtime. */
  network: Network;
}

/** Result of one failed or successful PostgREST / RPC call, as supabase-js returns it. */
interface Response {
  data: unknown;
  error: unknown;
}

export class Connection {
  readonly url: string;
  readonly client: SupabaseClient;
  /** Set by the Auth calls (backend/auth.ts). */
  signedInAs: { id: string; email: string } | null = null;

  constructor(opts: BackendOptions) {
    this.url = opts.url;
    this.client = createClient(opts.url, opts.publishableKey, {
      global: { fetch: retryStaleSocket(opts.network.fetch) },
      auth: { persistSession: false, autoRefreshToken: true, detectSessionInUrl: false },
      // Realtime's own HTTP calls (broadcast over REST) take the same route as everything else: realtime-js
      // falls back to the global fetch otherwise, which would go around the proxy and Chromium's certificates.
      realtime: {
        transport: opts.network.WebSocket as never,
        fetch: opts.network.fetch,
        heartbeatIntervalMs: 15_000,
      },
    });
  }

  requireUser(): string {
    if (!this.signedInAs) throw new CoreError('not_signed_in');
    return this.signedInAs.id;
  }

  async call(run: () => PromiseLike<Response>, ctx?: ErrorContext): Promise<unknown> {
    let res: Response;
    try {
      res = await run();
    } catch (err) {
      throw mapServerError(err, ctx);
    }
    return check(res, ctx);
  }

  /** Calls an edge function; its failures are {error: {code, message}} (DESIGN.md §6). */
  async invoke(name: string, body: Record<string, unknown>, ctx?: ErrorContext): Promise<unknown> {
    let res: { data: unknown; error: unknown };
    try {
      res = await this.client.functions.invoke(name, { body });
    } catch (err) {
      throw mapServerError(err, ctx);
    }
    if (res.error) throw mapServerError(await functionError(res.error), ctx);
    return res.data;
  }
}

function check(res: Response, ctx?: ErrorContext): unknown {
  if (res.error) throw mapServerError(res.error, ctx);
  return res.data;
}

export function one<T>(schema: z.ZodType<T>, data: unknown): T {
  const r = schema.safeParse(Array.isArray(data) ? data[0] : data);
  if (!r.success) throw new CoreError('damaged');
  return r.data;
}

export function many<T>(schema: z.ZodType<T>, data: unknown): T[] {
  // Listing calls fail closed: a list with a malformed row is refused whole, except for entries (see pull).
  const { rows, rejected } = parseRows(schema, data);
  if (rejected > 0) throw new CoreError('damaged');
  return rows;
}

/**
 * A kept-alive connection the server closed while idle fails the next request at once ("other side closed")
 * before the server has read it; that one failure is retried on a fresh connection. Anything else, and a
 * second failure, is reported as it is (offline).
 */
function retryStaleSocket(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    try {
      return await fetch(input, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
      if (cause?.code !== 'UND_ERR_SOCKET' || cause.message !== 'other side closed') throw err;
      return fetch(input, init);
    }
  };
}

const functionErrorBody = z.object({ error: z.object({ code: z.string().max(64), message: z.string() }) });

// FunctionsHttpError carries the Response; its JSON body holds the function's own error code.
async function functionError(err: unknown): Promise<unknown> {
  const ctx = (err as { context?: unknown }).context;
  if (ctx && typeof (ctx as { json?: unknown }).json === 'function') {
    const res = ctx as globalThis.Response;
    const body = functionErrorBody.safeParse(await res.json().catch(() => null));
    if (body.success)
      return { code: body.data.error.code, status: res.status, message: body.data.error.message };
    return { status: res.status };
  }
  return err;
}
