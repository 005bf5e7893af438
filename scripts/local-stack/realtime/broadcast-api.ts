// Realtime's REST broadcast endpoints, which realtime-js uses for send() before a channel is joined and for
// httpSend(): POST /api/broadcast (a batch) and POST /api/broadcast/<topic>/events/<event> (one message).
// Private messages go out only where RLS lets the caller INSERT on realtime.messages; others are dropped
// silently and the answer is still 202, as in Supabase Realtime.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Database } from '../db';
import type { JwtClaims } from '../jwt';
import type { UserBroadcast } from './frames';
import type { Hub } from './hub';
import { probeWrite } from './policies';
import { checkToken } from './tokens';

export interface BroadcastApiDeps {
  hub: Hub;
  db: Database;
  verifyJwt(token: string): Promise<JwtClaims>;
  maxBodyBytes: number;
}

const BatchBody = z.object({
  messages: z
    .array(
      z.object({
        topic: z.string().min(1),
        event: z.string().min(1),
        payload: z.record(z.string(), z.unknown()),
        private: z.boolean().nullish(),
        id: z.string().nullish(),
      }),
    )
    .min(1),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(`HTTP ${status}`);
  }
}

function send(res: ServerResponse, status: number, body?: Record<string, unknown>): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, { message: 'Payload too large' });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

// Phoenix's router decodes path parameters before any plug runs and answers a malformed `%` escape with
// Plug.Router.MalformedURIError (plug_status 400), which RealtimeWeb.ErrorView renders as the status message.
function pathParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, { message: 'Bad Request' });
  }
}

function bearer(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth) {
    const [scheme, token] = auth.split(' ');
    if (scheme?.toLowerCase() === 'bearer' && token) return token;
  }
  const apikey = req.headers.apikey;
  return typeof apikey === 'string' && apikey ? apikey : undefined;
}

export function makeBroadcastApi(deps: BroadcastApiDeps) {
  const mayWrite = async (topic: string, claims: JwtClaims) =>
    (await probeWrite(deps.db, topic, claims)).broadcastWrite === true;

  const batch = async (claims: JwtClaims, body: Buffer) => {
    let raw: unknown;
    try {
      raw = JSON.parse(body.toString('utf8'));
    } catch {
      throw new HttpError(400, { message: 'invalid JSON body' });
    }
    const parsed = BatchBody.safeParse(raw);
    if (!parsed.success) throw new HttpError(422, { errors: z.flattenError(parsed.error).fieldErrors });
    const allowed = new Map<string, boolean>();
    for (const m of parsed.data.messages) {
      const isPrivate = m.private === true;
      if (isPrivate && !allowed.has(m.topic)) allowed.set(m.topic, await mayWrite(m.topic, claims));
      if (isPrivate && !allowed.get(m.topic)) continue;
      deps.hub.broadcast(isPrivate, m.topic, {
        event: m.event,
        encoding: 'json',
        data: Buffer.from(JSON.stringify(m.payload)),
        ...(m.id ? { meta: { id: m.id } } : {}),
      });
    }
  };

  const single = async (
    claims: JwtClaims,
    req: IncomingMessage,
    topic: string,
    event: string,
    body: Buffer,
  ) => {
    const isPrivate = new URL(req.url ?? '/', 'http://local').searchParams.get('private') === 'true';
    const binary = (req.headers['content-type'] ?? '').startsWith('application/octet-stream');
    let b: UserBroadcast;
    if (binary) {
      b = { event, encoding: 'binary', data: body };
    } else {
      try {
        JSON.parse(body.toString('utf8'));
      } catch {
        throw new HttpError(400, { message: 'invalid JSON body' });
      }
      b = { event, encoding: 'json', data: body };
    }
    if (isPrivate && !(await mayWrite(topic, claims))) return;
    deps.hub.broadcast(isPrivate, topic, b);
  };

  /** Handles a request whose path is already stripped of /realtime/v1; false when the path is not ours. */
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    const one = /^\/api\/broadcast\/([^/]+)\/events\/([^/]+)$/.exec(path);
    if (path !== '/api/broadcast' && !one) return false;
    try {
      const params = one ? { topic: pathParam(one[1] ?? ''), event: pathParam(one[2] ?? '') } : null;
      if (req.method !== 'POST') throw new HttpError(405, { message: 'method not allowed' });
      const token = bearer(req);
      const check = token ? await checkToken(deps.verifyJwt, token) : undefined;
      if (!check?.ok) throw new HttpError(401, { message: 'Unauthorized' });
      const body = await readBody(req, deps.maxBodyBytes);
      if (params) {
        await single(check.claims, req, params.topic, params.event, body);
      } else {
        await batch(check.claims, body);
      }
      send(res, 202);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      send(res, err.status, err.body);
    }
    return true;
  };
}
