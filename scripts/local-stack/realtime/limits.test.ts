// The stand-in's Realtime resource limits, as supabase/realtime sets them (see connection.ts, presence-handler.ts,
// rate-counter.ts and broadcast-api.ts for the source of each), and that a closed socket leaves nothing behind.
// Stand-in only: the limits are shortened here (a real project's are 100 joins/s over 5-second ticks and
// 3,000 KB payloads), and the leak check reads the stand-in's own maps.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Database } from '../db';
import { makeJwtVerifier } from '../jwt';
import { loadOrCreateKeys, publicJwk, type StackKeys } from '../keys';
import { openStackDatabase } from '../prepare';
import type { StackContext } from '../server';
import { type RealtimeOptions, type RealtimeService, startRealtime } from './service';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let db: Database;
let keys: StackKeys;
const running: { server: Server; service: RealtimeService }[] = [];

beforeAll(async () => {
  db = (await openStackDatabase({})).db;
  keys = await loadOrCreateKeys(undefined);
}, 120_000);
afterAll(async () => {
  for (const r of running) {
    await r.service.close?.();
    r.server.closeAllConnections();
    await new Promise((resolve) => r.server.close(resolve));
  }
  await db?.close();
});

/** A Realtime service of its own on a port of its own, with the given limits. */
async function realtime(opts: Partial<RealtimeOptions>): Promise<{ url: string; service: RealtimeService }> {
  const ctx: StackContext = {
    db,
    url: '',
    keys,
    verifyJwt: makeJwtVerifier({ legacySecret: keys.jwtSecret, jwks: [publicJwk(keys.signingKey)] }),
    dbUrl: undefined,
    dataDir: undefined,
    log: () => {},
  };
  const service = await startRealtime(ctx, opts);
  const server = createServer((req, res) => void service.handle?.(req, res));
  server.on('upgrade', (req, socket, head) => service.upgrade?.(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.push({ server, service });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, service };
}

class Raw {
  readonly frames: unknown[][] = [];
  closeCode: number | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.frames.push(JSON.parse(d.toString()) as unknown[]));
    ws.on('close', (code) => {
      this.closeCode = code;
    });
  }

  static async open(url: string): Promise<Raw> {
    const ws = new WebSocket(
      `${url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${keys.anonKey}&vsn=2.0.0`,
    );
    const raw = new Raw(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return raw;
  }

  send(frame: unknown[]): void {
    this.ws.send(JSON.stringify(frame));
  }

  async next(match: (f: unknown[]) => boolean, timeoutMs = 3_000): Promise<unknown[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(match);
      if (i >= 0) return this.frames.splice(i, 1)[0] as unknown[];
      if (Date.now() > end) throw new Error(`no matching frame; have ${JSON.stringify(this.frames)}`);
      await sleep(10);
    }
  }

  reply(ref: string): Promise<unknown[]> {
    return this.next((f) => f[1] === ref && f[3] === 'phx_reply');
  }

  async join(ref: string, topic: string, config: Record<string, unknown> = {}): Promise<unknown[]> {
    this.send([ref, ref, `realtime:${topic}`, 'phx_join', { config }]);
    return this.reply(ref);
  }

  async closed(timeoutMs = 3_000): Promise<number> {
    const end = Date.now() + timeoutMs;
    while (this.closeCode === undefined) {
      if (Date.now() > end) throw new Error('socket still open');
      await sleep(10);
    }
    return this.closeCode;
  }
}

describe('stand-in only: Realtime resource limits', () => {
  it('refuses joins once the tenant averages its joins per second, disconnects the socket, and recovers', async () => {
    const { url } = await realtime({ maxJoinsPerSecond: 3, joinRateTickMs: 200 });
    const a = await Raw.open(url);
    // Joins pass until a tick finds the average at the limit; from then on they are refused.
    expect((await a.join('0', 'room-0'))[4]).toMatchObject({ status: 'ok' });
    let refused: unknown[] | undefined;
    for (let i = 1; i < 100 && !refused; i++) {
      const reply = await a.join(String(i), `room-${i}`);
      if ((reply[4] as { status: string }).status !== 'ok') refused = [...reply.slice(2)];
      await sleep(10);
    }
    expect(refused).toEqual([
      expect.stringMatching(/^realtime:room-\d+$/),
      'phx_reply',
      { status: 'error', response: { reason: 'ClientJoinRateLimitReached: Too many joins per second' } },
    ]);
    expect(await a.closed()).toBe(1000);
    // Twelve ticks are averaged: once the burst's tick has left them, joins pass again.
    await sleep(12 * 200 + 300);
    const b = await Raw.open(url);
    expect((await b.join('1', 'later'))[4]).toMatchObject({ status: 'ok' });
    b.ws.close();
  });

  it('ends a channel whose presence track is over the payload limit with "Track message size exceeded"', async () => {
    // max_payload_size_in_kb 1: 1,000 bytes + 500 of padding.
    const { url } = await realtime({ maxPayloadKb: 1, maxJoinsPerSecond: 1_000_000 });
    const raw = await Raw.open(url);
    await raw.join('1', 'lobby', { presence: { key: 'me', enabled: true } });
    raw.send([
      '1',
      '2',
      'realtime:lobby',
      'presence',
      { type: 'presence', event: 'track', payload: { b: 'x'.repeat(1_400) } },
    ]);
    expect((await raw.reply('2'))[4]).toEqual({ status: 'ok', response: {} });
    raw.send([
      '1',
      '3',
      'realtime:lobby',
      'presence',
      { type: 'presence', event: 'track', payload: { b: 'x'.repeat(1_600) } },
    ]);
    expect(await raw.next((f) => f[3] === 'system')).toEqual([
      '1',
      null,
      'realtime:lobby',
      'system',
      { extension: 'system', status: 'error', message: 'Track message size exceeded', channel: 'lobby' },
    ]);
    expect(await raw.next((f) => f[3] === 'phx_close')).toEqual([
      '1',
      '1',
      'realtime:lobby',
      'phx_close',
      {},
    ]);
    raw.ws.close();
  });

  it('answers a malformed % escape in the broadcast REST path with 400', async () => {
    const { url } = await realtime({});
    const post = (path: string) =>
      fetch(`${url}/realtime/v1/api/broadcast/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.anonKey}`, 'content-type': 'application/json' },
        body: '{}',
      });
    expect((await post('room%zz/events/ping')).status).toBe(400);
    expect((await post('room/events/%E0%A4%A')).status).toBe(400);
    expect((await post('room%20one/events/ping')).status).toBe(202);
  });

  it('holds nothing once its sockets have closed, cleanly or not', async () => {
    const { url, service } = await realtime({ maxJoinsPerSecond: 1_000_000 });
    const sockets = await Promise.all(Array.from({ length: 40 }, () => Raw.open(url)));
    await Promise.all(
      sockets.map(async (s, i) => {
        await s.join('1', 'shared', { presence: { key: `k${i}`, enabled: true } });
        s.send([
          '1',
          '2',
          'realtime:shared',
          'presence',
          { type: 'presence', event: 'track', payload: { i } },
        ]);
        await s.reply('2');
        await s.join('3', `own-${i}`);
        // Refused by RLS (anon reads no private topic): leaves nothing either.
        await s.join('4', 'office', { private: true });
      }),
    );
    expect(service.counts()).toMatchObject({ connections: 40, channels: 80, rooms: 41, subscriptions: 80 });
    for (const [i, s] of sockets.entries()) {
      if (i % 2 === 0) s.ws.close();
      else s.ws.terminate();
    }
    const end = Date.now() + 5_000;
    while (service.counts().connections > 0 && Date.now() < end) await sleep(20);
    expect(service.counts()).toEqual({
      connections: 0,
      channels: 0,
      tokenTimers: 0,
      rooms: 0,
      subscriptions: 0,
    });
  });
});
