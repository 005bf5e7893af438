// /realtime/v1 at the Phoenix wire level, with a raw WebSocket: handshake refusals, the exact reply shapes
// realtime-js relies on (vsn 2.0.0 arrays, 1.0.0 objects, binary user broadcasts), and robustness: malformed
// and oversized frames, clients that never heartbeat, and a clean close of every socket on stop. Also the
// exact frames that end a channel whose token expires (the socket's own, when the join names none).
import { randomUUID } from 'node:crypto';
import {
  createClient,
  type RealtimeChannel,
  type SupabaseClient,
  type WebSocketLikeConstructor,
} from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningStack, startStack } from '../server';
import { STARTUP_TIMEOUT_MS } from './conformance/target';

const IDLE_TIMEOUT_MS = 800;
process.env.KEYROOM_REALTIME_IDLE_TIMEOUT_MS = String(IDLE_TIMEOUT_MS);

const realtime = { transport: WebSocket as unknown as WebSocketLikeConstructor, timeout: 5_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let stack: RunningStack;
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  stack = await startStack({ port: 0 });
}, STARTUP_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.removeAllChannels()));
  await stack?.stop();
});

type Frame = string | Buffer;

/** A raw Phoenix socket that records what it receives. */
class Raw {
  readonly frames: Frame[] = [];
  closeCode: number | undefined;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d, isBinary) => this.frames.push(isBinary ? (d as Buffer) : d.toString()));
    ws.on('close', (code) => {
      this.closeCode = code;
    });
  }

  static async open(query: string): Promise<Raw> {
    const ws = new WebSocket(`${stack.url.replace('http', 'ws')}/realtime/v1/websocket?${query}`);
    const raw = new Raw(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return raw;
  }

  static v2(apikey = stack.anonKey): Promise<Raw> {
    return Raw.open(`apikey=${apikey}&vsn=2.0.0`);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  async next(match: (f: Frame) => boolean, timeoutMs = 3_000): Promise<Frame> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(match);
      if (i >= 0) return this.frames.splice(i, 1)[0] as Frame;
      if (Date.now() > until) throw new Error(`no matching frame; have ${JSON.stringify(this.frames)}`);
      await sleep(10);
    }
  }

  /** The next JSON frame answering `ref`. */
  async reply(ref: string): Promise<unknown> {
    const f = await this.next((x) => typeof x === 'string' && x.includes(`"${ref}"`));
    return JSON.parse(f as string);
  }

  async closed(timeoutMs = 3_000): Promise<number> {
    const until = Date.now() + timeoutMs;
    while (this.closeCode === undefined) {
      if (Date.now() > until) throw new Error('socket still open');
      await sleep(10);
    }
    return this.closeCode;
  }
}

async function upgradeStatus(query: string): Promise<{ status: number; body: string }> {
  const ws = new WebSocket(`${stack.url.replace('http', 'ws')}/realtime/v1/websocket?${query}`);
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => reject(new Error('upgrade was accepted')));
    ws.on('error', () => {});
  });
}

/** A supabase-js client on a public room, to prove the server still serves. */
async function stillServes(): Promise<void> {
  const room = `alive-${randomUUID()}`;
  const c = createClient(stack.url, stack.anonKey, { auth: { persistSession: false }, realtime });
  clients.push(c);
  const ch: RealtimeChannel = c.channel(room, { config: { broadcast: { self: true, ack: true } } });
  const got: unknown[] = [];
  ch.on('broadcast', { event: 'ping' }, (m) => got.push(m.payload));
  await new Promise<void>((resolve, reject) =>
    ch.subscribe((s, e) => (s === 'SUBSCRIBED' ? resolve() : s !== 'CLOSED' && reject(e ?? new Error(s)))),
  );
  expect(await ch.send({ type: 'broadcast', event: 'ping', payload: { ok: true } })).toBe('ok');
  for (let i = 0; i < 100 && got.length === 0; i++) await sleep(20);
  expect(got).toEqual([{ ok: true }]);
  await c.removeChannel(ch);
}

describe('stand-in only: handshake', () => {
  it('refuses a missing or invalid apikey and an unknown serializer version, as Realtime does', async () => {
    expect(await upgradeStatus('vsn=2.0.0')).toEqual({ status: 401, body: '{"error":"API key is missing"}' });
    expect(await upgradeStatus('apikey=not-a-jwt&vsn=2.0.0')).toEqual({
      status: 401,
      body: '{"error":"The token provided is not a valid JWT"}',
    });
    const forged = `${stack.anonKey.slice(0, -4)}AAAA`;
    expect((await upgradeStatus(`apikey=${forged}&vsn=2.0.0`)).status).toBe(401);
    expect((await upgradeStatus(`apikey=${stack.anonKey}&vsn=9.9.9`)).status).toBe(403);
  });
});

describe('stand-in only: Phoenix replies', () => {
  it('answers heartbeat, join, leave and unmatched topics with the shapes realtime-js expects (vsn 2.0.0)', async () => {
    const raw = await Raw.v2();
    raw.send([null, '1', 'phoenix', 'heartbeat', {}]);
    expect(await raw.reply('1')).toEqual([null, '1', 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);

    raw.send(['2', '2', 'realtime:room-a', 'phx_join', { config: { broadcast: { self: true } } }]);
    expect(await raw.reply('2')).toEqual([
      '2',
      '2',
      'realtime:room-a',
      'phx_reply',
      { status: 'ok', response: { postgres_changes: [] } },
    ]);

    raw.send(['9', '3', 'realtime:nowhere', 'broadcast', { type: 'broadcast', event: 'x', payload: {} }]);
    expect(await raw.reply('3')).toEqual([
      '9',
      '3',
      'realtime:nowhere',
      'phx_reply',
      { status: 'error', response: { reason: 'unmatched topic' } },
    ]);

    raw.send(['4', '4', 'realtime:', 'phx_join', {}]);
    expect(await raw.reply('4')).toMatchObject([
      '4',
      '4',
      'realtime:',
      'phx_reply',
      { status: 'error', response: { reason: 'TopicNameRequired: You must provide a topic name' } },
    ]);

    raw.send(['5', '5', 'realtime:room-b', 'phx_join', { access_token: 'garbage' }]);
    expect(await raw.reply('5')).toMatchObject([
      '5',
      '5',
      'realtime:room-b',
      'phx_reply',
      { status: 'error', response: { reason: 'MalformedJWT: The token provided is not a valid JWT' } },
    ]);

    raw.send(['2', '6', 'realtime:room-a', 'phx_leave', {}]);
    expect(await raw.reply('6')).toEqual([
      '2',
      '6',
      'realtime:room-a',
      'phx_reply',
      { status: 'ok', response: {} },
    ]);
    raw.ws.close();
  });

  it('speaks vsn 1.0.0 JSON objects, and relays a binary broadcast as Realtime frames it', async () => {
    const v1 = await Raw.open(`apikey=${stack.anonKey}&vsn=1.0.0`);
    const v2 = await Raw.v2();
    v1.send({ topic: 'realtime:mixed', event: 'phx_join', payload: {}, ref: '1', join_ref: '1' });
    expect(await v1.reply('1')).toEqual({
      topic: 'realtime:mixed',
      event: 'phx_reply',
      payload: { status: 'ok', response: { postgres_changes: [] } },
      ref: '1',
    });
    v2.send(['1', '1', 'realtime:mixed', 'phx_join', {}]);
    await v2.reply('1');

    // v1 → everyone: the v2 socket gets the binary user-broadcast frame (kind 4, JSON encoding).
    v1.send({
      topic: 'realtime:mixed',
      event: 'broadcast',
      payload: { type: 'broadcast', event: 'e', payload: { a: 1 } },
      ref: '2',
      join_ref: '1',
    });
    const bin = (await v2.next((f) => Buffer.isBuffer(f))) as Buffer;
    const topic = 'realtime:mixed';
    expect([...bin.subarray(0, 5)]).toEqual([4, topic.length, 1, 0, 1]);
    expect(bin.subarray(5).toString()).toBe(`${topic}e{"a":1}`);

    // v2 binary user-broadcast push (kind 3, raw bytes) → v2 only: v1 cannot carry binary payloads.
    const header = Buffer.from([3, 1, 1, topic.length, 3, 0, 0]);
    const push = Buffer.concat([header, Buffer.from(`13${topic}bin`), Buffer.from([0xde, 0xad])]);
    const other = await Raw.v2();
    other.send(['1', '1', topic, 'phx_join', {}]);
    await other.reply('1');
    v2.send(push);
    const relayed = (await other.next((f) => Buffer.isBuffer(f))) as Buffer;
    expect([...relayed.subarray(0, 5)]).toEqual([4, topic.length, 3, 0, 0]);
    expect([...relayed.subarray(5 + topic.length + 3)]).toEqual([0xde, 0xad]);
    await sleep(100);
    expect(v1.frames.filter((f) => f.includes('"bin"'))).toEqual([]);
    for (const r of [v1, v2, other]) r.ws.close();
  });
});

describe('stand-in only: robustness', () => {
  it('survives malformed frames: the offending socket is closed, the server keeps serving', async () => {
    const bystander = await Raw.v2();
    bystander.send(['1', '1', 'realtime:calm', 'phx_join', {}]);
    await bystander.reply('1');

    const bad: unknown[] = [
      'not json at all {',
      '{"topic":"realtime:x"}',
      '[1,2]',
      '[null,null,42,"phx_join",{}]',
      Buffer.from([3, 200, 200, 200, 200, 200, 1]),
      Buffer.from([9, 1, 2, 3]),
      Buffer.from([3, 0, 0, 1, 1, 0, 1, 0x61, 0x62, 0x7b]),
    ];
    for (const frame of bad) {
      const raw = await Raw.v2();
      raw.send(frame);
      expect(await raw.closed()).toBe(1011);
    }
    // Well-formed frames about unknown things are answered or ignored, never fatal.
    const odd = await Raw.v2();
    odd.send([null, '1', 'phoenix', 'no_such_event', {}]);
    odd.send(['1', '2', 'realtime:odd', 'phx_join', { config: { private: 'yes', presence: 7 } }]);
    expect(await odd.reply('2')).toMatchObject(['1', '2', 'realtime:odd', 'phx_reply', { status: 'ok' }]);
    odd.send(['1', '3', 'realtime:odd', 'no_such_event', { x: 1 }]);
    odd.send(['1', '4', 'realtime:odd', 'presence', { event: 'teleport' }]);
    expect(await odd.reply('4')).toEqual([
      '1',
      '4',
      'realtime:odd',
      'phx_reply',
      { status: 'error', response: {} },
    ]);
    odd.send(['1', '5', 'realtime:odd', 'presence', { type: 'presence', event: 'track', payload: [1, 2] }]);
    expect(await odd.reply('5')).toMatchObject([
      '1',
      '5',
      'realtime:odd',
      'phx_reply',
      { status: 'error', response: { reason: 'Presence track payload must be a map' } },
    ]);

    // Larger than the 3,000 KB frame limit: closed with 1009 (message too big).
    const big = await Raw.v2();
    big.send(JSON.stringify([null, '1', 'realtime:big', 'broadcast', { blob: 'x'.repeat(3_100 * 1024) }]));
    expect(await big.closed()).toBe(1009);

    expect(bystander.closeCode).toBeUndefined();
    bystander.send([null, '9', 'phoenix', 'heartbeat', {}]);
    expect(await bystander.reply('9')).toMatchObject([null, '9', 'phoenix', 'phx_reply', { status: 'ok' }]);
    await stillServes();
    bystander.ws.close();
    odd.ws.close();
  });

  it('closes a socket that never heartbeats, and keeps one that does', async () => {
    const silent = await Raw.v2();
    const beating = await Raw.v2();
    const timer = setInterval(() => beating.send([null, randomUUID(), 'phoenix', 'heartbeat', {}]), 200);
    try {
      await silent.closed(IDLE_TIMEOUT_MS * 3);
      await sleep(IDLE_TIMEOUT_MS);
      expect(beating.closeCode).toBeUndefined();
    } finally {
      clearInterval(timer);
      beating.ws.close();
    }
  });

  it("ends a channel when the socket's token expires: a system error, then phx_close with the join ref", async () => {
    // A join without access_token acts with the socket's apikey JWT (realtime_channel.ex assign_access_token),
    // and confirm_token's timer fires at its exp.
    const exp = Math.floor(Date.now() / 1000) + 2;
    const short = await new SignJWT({ role: 'anon' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(stack.jwtSecret));
    const raw = await Raw.v2(short);
    raw.send(['7', '7', 'realtime:expiring', 'phx_join', {}]);
    expect(await raw.reply('7')).toMatchObject([
      '7',
      '7',
      'realtime:expiring',
      'phx_reply',
      { status: 'ok' },
    ]);
    const beat = setInterval(() => raw.send([null, randomUUID(), 'phoenix', 'heartbeat', {}]), 200);
    try {
      const system = await raw.next((f) => typeof f === 'string' && f.includes('"system"'), 5_000);
      expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
      expect(JSON.parse(system as string)).toEqual([
        '7',
        null,
        'realtime:expiring',
        'system',
        {
          extension: 'system',
          status: 'error',
          message: expect.stringMatching(/^Token has expired [01] seconds ago$/),
          channel: 'expiring',
        },
      ]);
      const close = await raw.next((f) => typeof f === 'string' && f.includes('"phx_close"'));
      expect(JSON.parse(close as string)).toEqual(['7', '7', 'realtime:expiring', 'phx_close', {}]);
      // The socket stays up; only the channel ended.
      raw.send([null, 'hb', 'phoenix', 'heartbeat', {}]);
      expect(await raw.reply('hb')).toMatchObject([null, 'hb', 'phoenix', 'phx_reply', { status: 'ok' }]);
      raw.send(['7', '8', 'realtime:expiring', 'broadcast', { type: 'broadcast', event: 'x', payload: {} }]);
      expect(await raw.reply('8')).toMatchObject([
        '7',
        '8',
        'realtime:expiring',
        'phx_reply',
        { status: 'error', response: { reason: 'unmatched topic' } },
      ]);
    } finally {
      clearInterval(beat);
      raw.ws.close();
    }
  });

  it('refuses a channel beyond 100 on one socket, as Realtime does by default; leaving one makes room', async () => {
    const raw = await Raw.v2();
    for (let i = 1; i <= 100; i++) raw.send([String(i), String(i), `realtime:many-${i}`, 'phx_join', {}]);
    for (let i = 1; i <= 100; i++) {
      expect(await raw.reply(String(i))).toMatchObject([
        String(i),
        String(i),
        `realtime:many-${i}`,
        'phx_reply',
        { status: 'ok' },
      ]);
    }
    raw.send(['101', '101', 'realtime:many-101', 'phx_join', {}]);
    expect(await raw.reply('101')).toEqual([
      '101',
      '101',
      'realtime:many-101',
      'phx_reply',
      { status: 'error', response: { reason: 'ChannelRateLimitReached: Too many channels' } },
    ]);
    raw.send(['1', 'bye', 'realtime:many-1', 'phx_leave', {}]);
    await raw.reply('bye');
    raw.send(['102', '102', 'realtime:many-101', 'phx_join', {}]);
    expect(await raw.reply('102')).toMatchObject([
      '102',
      '102',
      'realtime:many-101',
      'phx_reply',
      { status: 'ok' },
    ]);
    raw.ws.close();
  });

  // Last, since it stops this file's stack.
  it('closes every socket on stop with 1001 (going away)', async () => {
    await Promise.all(clients.map((c) => c.removeAllChannels()));
    const own = stack;
    const sockets = await Promise.all(
      [1, 2, 3].map(async () => {
        const ws = new WebSocket(
          `${own.url.replace('http', 'ws')}/realtime/v1/websocket?apikey=${own.anonKey}&vsn=2.0.0`,
        );
        await new Promise((r) => ws.once('open', r));
        const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
        ws.send(JSON.stringify(['1', '1', 'realtime:bye', 'phx_join', {}]));
        // Heartbeats keep the short idle timeout of this file from closing them first.
        const beat = setInterval(() => ws.send(JSON.stringify([null, '2', 'phoenix', 'heartbeat', {}])), 200);
        return { closed: closed.finally(() => clearInterval(beat)) };
      }),
    );
    await own.stop();
    expect(await Promise.all(sockets.map((s) => s.closed))).toEqual([1001, 1001, 1001]);
  });
});
