// /realtime/v1 of the local stack: the Phoenix WebSocket at /realtime/v1/websocket, the REST broadcast
// endpoints, and the database → channel fan-out fed by one LISTEN on `realtime_broadcast` (NOTIFYed by
// realtime.send() in bootstrap.sql).
//
// Losing access: like Supabase Realtime, this server authorizes a private channel at join and on an
// access_token refresh only, and checks its token when it expires (see connection.ts). Nothing here re-checks
// RLS when a message goes out: a member whose access ended keeps a channel already joined until its token
// is refreshed or expires, or it rejoins. Keyroom's client therefore leaves vault channels itself on its
// `disabled` / `grants` pokes, and what a member may read rests on RLS at the next pull.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import type { ServiceFactory, StackContext, StackService } from '../server';
import { makeBroadcastApi } from './broadcast-api';
import { Connection, type ConnectionOptions } from './connection';
import type { Vsn } from './frames';
import { Hub } from './hub';
import { RateCounter } from './rate-counter';
import { checkToken } from './tokens';

export interface RealtimeOptions extends ConnectionOptions {
  /** Largest WebSocket frame or REST body accepted. */
  maxFrameBytes: number;
  /** Tenant max_joins_per_second (TENANT_MAX_JOINS_PER_SECOND, default 100), over all sockets. */
  maxJoinsPerSecond: number;
  /** The joins RateCounter's tick (Tenants.joins_per_second_rate: 5 s, 12 ticks kept). */
  joinRateTickMs: number;
}

/** What the service holds right now: all zero once every socket has closed. */
export interface RealtimeCounts {
  connections: number;
  channels: number;
  tokenTimers: number;
  rooms: number;
  subscriptions: number;
}

export type RealtimeService = StackService & { counts(): RealtimeCounts };

export const DEFAULT_REALTIME_OPTIONS: RealtimeOptions = {
  idleTimeoutMs: 60_000,
  tokenCheckMs: 5 * 60_000,
  maxBufferedBytes: 16 * 1024 * 1024,
  // Realtime's config/runtime.exs default for a tenant.
  maxChannelsPerClient: 100,
  // Tenant max_payload_size_in_kb's default (lib/realtime/api/tenant.ex).
  maxPayloadKb: 3_000,
  // Realtime's default limit on a message is 3,000 KB.
  maxFrameBytes: 3_000 * 1024,
  // config/runtime.exs TENANT_MAX_JOINS_PER_SECOND; lib/realtime/tenants.ex joins_per_second_rate.
  maxJoinsPerSecond: 100,
  joinRateTickMs: 5_000,
};

const PREFIX = '/realtime/v1';

const Notice = z.object({
  id: z.string(),
  topic: z.string(),
  event: z.string(),
  private: z.boolean(),
  payload: z.unknown(),
});

// Tests and benchmarks shorten the timers through the environment, since startStack takes no options
// per service.
const EnvNumber = z.coerce.number().int().positive();
function optionsFromEnv(env: NodeJS.ProcessEnv): Partial<RealtimeOptions> {
  const read = (name: string) => {
    const r = EnvNumber.safeParse(env[name]);
    return r.success ? r.data : undefined;
  };
  const out: Partial<RealtimeOptions> = {};
  const idle = read('KEYROOM_REALTIME_IDLE_TIMEOUT_MS');
  if (idle) out.idleTimeoutMs = idle;
  // A 300-PC office is beyond the Free plan (200 connections) anyway; its benchmark runs at Pro's 500 joins/s.
  const joins = read('KEYROOM_REALTIME_MAX_JOINS_PER_SECOND');
  if (joins) out.maxJoinsPerSecond = joins;
  return out;
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ error: message });
  const reason = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export function realtimeService(overrides: Partial<RealtimeOptions> = {}): ServiceFactory {
  return (ctx) => startRealtime(ctx, overrides);
}

export async function startRealtime(
  ctx: StackContext,
  overrides: Partial<RealtimeOptions> = {},
): Promise<RealtimeService> {
  const opts: RealtimeOptions = {
    ...DEFAULT_REALTIME_OPTIONS,
    ...optionsFromEnv(process.env),
    ...overrides,
  };
  const hub = new Hub();
  const connections = new Set<Connection>();
  const joins = new RateCounter({
    limit: opts.maxJoinsPerSecond,
    tickMs: opts.joinRateTickMs,
    maxBuckets: 12,
  });
  const deps = { hub, joins, db: ctx.db, verifyJwt: ctx.verifyJwt, log: ctx.log };
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxFrameBytes });
  const broadcastApi = makeBroadcastApi({ ...deps, maxBodyBytes: opts.maxFrameBytes });

  // One notification at a time, in commit order. Each goes to the channels joined now, filtered by the read
  // policies they were authorized with (Realtime's replication_connection.ex broadcasts, and
  // message_dispatcher.ex filters by the broadcast read in each subscriber's fastlane metadata).
  let fanout: Promise<void> = Promise.resolve();
  const onNotice = (text: string) => {
    fanout = fanout
      .then(async () => {
        let raw: unknown;
        try {
          raw = JSON.parse(text);
        } catch {
          raw = undefined;
        }
        const parsed = Notice.safeParse(raw);
        if (!parsed.success) {
          ctx.log('realtime: ignoring a malformed realtime_broadcast notification');
          return;
        }
        const n = parsed.data;
        hub.broadcast(n.private, n.topic, {
          event: n.event,
          encoding: 'json',
          data: Buffer.from(JSON.stringify(n.payload ?? {})),
          meta: { id: n.id },
        });
      })
      .catch((err: unknown) => ctx.log(`realtime: fan-out failed: ${(err as Error).message}`));
  };
  // Notifications sent while the LISTEN connection was down are lost: once it listens again, every channel
  // is failed so that its client rejoins and catches up, as after a Realtime restart.
  const relistened = () => {
    ctx.log('realtime: listening again after the database connection was lost; channels rejoin');
    fanout = fanout.then(async () => {
      await Promise.all([...connections].map((conn) => conn.rejoinAll()));
    });
  };
  const unlisten = await ctx.db.listen('realtime_broadcast', onNotice, relistened);

  const accept = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname.replace(/\/+$/, '') !== `${PREFIX}/websocket`) return refuse(socket, 404, 'Not Found');
    const vsn = url.searchParams.get('vsn') ?? '1.0.0';
    if (vsn !== '1.0.0' && vsn !== '2.0.0') return refuse(socket, 403, 'Unsupported serializer version');
    const header = req.headers['x-api-key'];
    const apikey = (typeof header === 'string' ? header : undefined) ?? url.searchParams.get('apikey');
    if (!apikey) return refuse(socket, 401, 'API key is missing');
    const check = await checkToken(ctx.verifyJwt, apikey);
    if (!check.ok) {
      return refuse(socket, 401, check.expired ? 'Token has expired' : check.message);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(ws, vsn as Vsn, apikey, deps, opts);
      connections.add(conn);
      ws.on('close', () => connections.delete(conn));
    });
  };

  return {
    prefix: PREFIX,
    handle: async (req, res) => {
      const path = (req.url ?? '/').split('?')[0]?.slice(PREFIX.length) ?? '';
      if (await broadcastApi(req, res, path)) return;
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: 'Not Found' }));
    },
    upgrade: (req, socket, head) => {
      socket.on('error', () => {});
      accept(req, socket, head).catch((err: unknown) => {
        ctx.log(`realtime: upgrade failed: ${(err as Error).message}`);
        socket.destroy();
      });
    },
    counts: () => {
      const held = [...connections].map((c) => c.counts());
      return {
        connections: connections.size,
        channels: held.reduce((n, c) => n + c.channels, 0),
        tokenTimers: held.reduce((n, c) => n + c.tokenTimers, 0),
        ...hub.counts(),
      };
    },
    close: async () => {
      joins.stop();
      await unlisten();
      for (const conn of connections) conn.close(1001, 'server shutting down');
      // Give close frames a moment to leave, then cut what is left.
      await new Promise((r) => setTimeout(r, 100));
      for (const conn of connections) conn.terminate();
      await fanout;
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
