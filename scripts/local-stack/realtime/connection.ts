// One WebSocket speaking the Phoenix protocol the way Supabase Realtime's RealtimeChannel answers it:
// join (with RLS authorization of private channels), leave, heartbeat, access_token refresh, broadcast,
// presence. Frames of one socket are handled in order, one at a time, like a Phoenix channel process.
import { randomUUID } from 'node:crypto';
import WebSocket, { type RawData } from 'ws';
import { z } from 'zod';
import type { Database } from '../db';
import type { JwtClaims } from '../jwt';
import {
  decodeBinary,
  decodeText,
  encodeText,
  type InboundMessage,
  type UserBroadcast,
  type Vsn,
} from './frames';
import type { Hub, Peer, Subscription } from './hub';
import { probePolicies } from './policies';
import { checkToken, msUntilExpiry } from './tokens';

export interface ConnectionOptions {
  /** Closes a socket that sent nothing (not even a heartbeat) for this long; Phoenix's default is 60 s. */
  idleTimeoutMs: number;
  /** Upper bound between two checks of a channel's token (Realtime re-confirms every 5 minutes). */
  tokenCheckMs: number;
  /** A client that lets this much pile up unread is dropped rather than buffered without end. */
  maxBufferedBytes: number;
}

export interface ConnectionDeps {
  hub: Hub;
  db: Database;
  verifyJwt(token: string): Promise<JwtClaims>;
  log(line: string): void;
}

const JoinPayload = z
  .object({
    access_token: z.string().nullish(),
    user_token: z.string().nullish(),
    config: z
      .object({
        broadcast: z
          .object({ self: z.boolean().nullish(), ack: z.boolean().nullish() })
          .passthrough()
          .nullish(),
        presence: z
          .object({ key: z.string().nullish(), enabled: z.boolean().nullish() })
          .passthrough()
          .nullish(),
        private: z.boolean().nullish(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();

const BroadcastPayload = z.object({ event: z.string(), payload: z.unknown().optional() }).passthrough();
const PresencePayload = z.object({ event: z.string(), payload: z.unknown().optional() }).passthrough();
const AccessTokenPayload = z.object({ access_token: z.string().nullish() }).passthrough();

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export class Connection implements Peer {
  private readonly channels = new Map<string, Subscription>();
  private readonly tokenTimers = new Map<Subscription, NodeJS.Timeout>();
  private queue: Promise<void> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    readonly vsn: Vsn,
    private readonly apikey: string,
    private readonly deps: ConnectionDeps,
    private readonly opts: ConnectionOptions,
  ) {
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('close', () => this.onClose());
    ws.on('error', () => {});
    this.resetIdle();
  }

  /** The channels of this socket, for re-authorization by the service. */
  subscriptions(): Subscription[] {
    return [...this.channels.values()];
  }

  sendRaw(frame: string | Buffer): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > this.opts.maxBufferedBytes) {
      this.deps.log('realtime: dropping a client that does not read its socket');
      this.ws.terminate();
      return;
    }
    this.ws.send(frame);
  }

  /** Runs fn after everything already queued on this socket. */
  enqueue(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(fn).catch((err: unknown) => {
      this.deps.log(`realtime: ${(err as Error).message}`);
    });
    this.queue = run;
    return run;
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  /** Checks a channel again: its token, and for a private channel whether RLS still lets it read. */
  reauthorize(sub: Subscription): Promise<void> {
    return this.enqueue(async () => {
      if (sub.closed) return;
      const token = await checkToken(this.deps.verifyJwt, sub.token);
      if (!token.ok) return this.shutdown(sub, token.message);
      if (!sub.private) return;
      const policies = await probePolicies(this.deps.db, sub.subTopic, sub.claims);
      if (sub.closed) return;
      const before = sub.policies;
      if (
        (before?.broadcastRead && !policies.broadcastRead) ||
        (before?.presenceRead && !policies.presenceRead) ||
        !(policies.broadcastRead || policies.presenceRead)
      ) {
        return this.shutdown(
          sub,
          `You no longer have permission to read from this Channel topic: ${sub.subTopic}`,
        );
      }
      sub.policies = policies;
    });
  }

  /**
   * Fails every channel of this socket the way Phoenix reports a crashed channel process (`phx_error` with
   * the join ref): the client rejoins on its own, and a client that catches up on join (Keyroom pulls)
   * recovers what it missed while database broadcasts were not arriving.
   */
  rejoinAll(): Promise<void> {
    return this.enqueue(async () => {
      for (const sub of this.channels.values()) {
        this.push(sub, 'phx_error', {}, sub.joinRef);
        this.drop(sub);
      }
    });
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    this.resetIdle();
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    const msg = isBinary
      ? this.vsn === '2.0.0'
        ? decodeBinary(buf)
        : null
      : decodeText(this.vsn, buf.toString('utf8'));
    if (!msg) {
      // Phoenix's serializer raises on such a frame and the socket process dies; the client reconnects.
      this.deps.log('realtime: closing a socket that sent a malformed frame');
      this.close(1011, 'invalid message');
      return;
    }
    void this.enqueue(() => this.handle(msg));
  }

  private onClose(): void {
    this.closed = true;
    clearTimeout(this.idleTimer);
    for (const sub of this.channels.values()) this.drop(sub);
  }

  private resetIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.deps.log('realtime: closing a socket that stopped sending heartbeats');
      this.ws.terminate();
    }, this.opts.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private async handle(msg: InboundMessage): Promise<void> {
    if (this.closed) return;
    if (msg.topic === 'phoenix') {
      if (msg.event === 'heartbeat') this.reply(msg, 'ok', {});
      return;
    }
    if (msg.event === 'phx_join') return this.join(msg);
    const sub = this.channels.get(msg.topic);
    if (!sub || (msg.joinRef !== null && sub.joinRef !== null && msg.joinRef !== sub.joinRef)) {
      this.reply(msg, 'error', { reason: 'unmatched topic' });
      return;
    }
    switch (msg.event) {
      case 'phx_leave':
        this.drop(sub);
        this.reply(msg, 'ok', {});
        return;
      case 'access_token':
        return this.refreshToken(sub, msg);
      case 'broadcast':
        return this.broadcast(sub, msg);
      case 'presence':
        return this.presence(sub, msg);
      default:
        // Realtime ignores events it does not know.
        return;
    }
  }

  private reply(msg: InboundMessage, status: 'ok' | 'error', response: Record<string, unknown>): void {
    this.sendRaw(
      encodeText(this.vsn, {
        joinRef: msg.joinRef,
        ref: msg.ref,
        topic: msg.topic,
        event: 'phx_reply',
        payload: { status, response },
      }),
    );
  }

  private push(sub: Subscription, event: string, payload: unknown, ref: string | null = null): void {
    this.sendRaw(encodeText(this.vsn, { joinRef: sub.joinRef, ref, topic: sub.topic, event, payload }));
  }

  private async join(msg: InboundMessage): Promise<void> {
    if (msg.topic === 'realtime:') {
      this.reply(msg, 'error', { reason: 'TopicNameRequired: You must provide a topic name' });
      return;
    }
    if (!msg.topic.startsWith('realtime:')) {
      this.reply(msg, 'error', { reason: 'unmatched topic' });
      return;
    }
    const existing = this.channels.get(msg.topic);
    // Phoenix closes the old channel of a topic that is joined again.
    if (existing) this.drop(existing);

    const parsed = JoinPayload.safeParse(msg.payload);
    const join = parsed.success ? parsed.data : {};
    const config = join.config ?? {};
    const given = join.access_token ?? join.user_token;
    const token = given && !given.startsWith('sb_') ? given : this.apikey;
    const check = await checkToken(this.deps.verifyJwt, token);
    if (!check.ok) {
      this.reply(msg, 'error', { reason: `${check.code}: ${check.message}` });
      return;
    }
    const subTopic = msg.topic.slice('realtime:'.length);
    const isPrivate = config.private === true;
    const presenceEnabled = config.presence?.enabled === true;
    let policies = null;
    if (isPrivate) {
      policies = await probePolicies(this.deps.db, subTopic, check.claims);
      if (!(policies.broadcastRead || (presenceEnabled && policies.presenceRead))) {
        this.reply(msg, 'error', {
          reason: `Unauthorized: You do not have permissions to read from this Channel topic: ${subTopic}`,
        });
        return;
      }
    }
    if (this.closed) return;
    const sub: Subscription = {
      peer: this,
      topic: msg.topic,
      subTopic,
      private: isPrivate,
      self: config.broadcast?.self === true,
      ack: config.broadcast?.ack === true,
      presenceKey: config.presence?.key || randomUUID(),
      joinRef: msg.joinRef ?? msg.ref,
      token,
      claims: check.claims,
      policies,
      presence: null,
      closed: false,
    };
    this.channels.set(msg.topic, sub);
    this.deps.hub.add(sub);
    this.reply(msg, 'ok', { postgres_changes: [] });
    if (presenceEnabled && (!isPrivate || policies?.presenceRead)) {
      this.push(sub, 'presence_state', this.deps.hub.presenceState(sub));
    }
    this.scheduleTokenCheck(sub);
  }

  private drop(sub: Subscription): void {
    if (sub.closed) return;
    sub.closed = true;
    clearTimeout(this.tokenTimers.get(sub));
    this.tokenTimers.delete(sub);
    if (this.channels.get(sub.topic) === sub) this.channels.delete(sub.topic);
    this.deps.hub.remove(sub);
  }

  /** Ends a channel the way Realtime's shutdown_response does: a `system` error message, then phx_close. */
  private shutdown(sub: Subscription, message: string): void {
    if (sub.closed) return;
    this.push(sub, 'system', { extension: 'system', status: 'error', message, channel: sub.subTopic });
    this.push(sub, 'phx_close', {}, sub.joinRef);
    this.drop(sub);
  }

  private scheduleTokenCheck(sub: Subscription): void {
    clearTimeout(this.tokenTimers.get(sub));
    const delay = Math.max(0, Math.min(this.opts.tokenCheckMs, msUntilExpiry(sub.claims)));
    const timer = setTimeout(() => {
      void this.enqueue(async () => {
        if (sub.closed) return;
        const check = await checkToken(this.deps.verifyJwt, sub.token);
        if (!check.ok) return this.shutdown(sub, check.message);
        this.scheduleTokenCheck(sub);
      });
    }, delay);
    timer.unref();
    this.tokenTimers.set(sub, timer);
  }

  private async refreshToken(sub: Subscription, msg: InboundMessage): Promise<void> {
    const parsed = AccessTokenPayload.safeParse(msg.payload);
    const token = parsed.success ? parsed.data.access_token : undefined;
    if (!token || token.startsWith('sb_') || token === sub.token) return;
    const check = await checkToken(this.deps.verifyJwt, token);
    if (!check.ok) return this.shutdown(sub, check.message);
    if (sub.closed) return;
    sub.token = token;
    sub.claims = check.claims;
    if (sub.private) {
      const before = sub.policies;
      const policies = await probePolicies(this.deps.db, sub.subTopic, check.claims);
      if (sub.closed) return;
      if (!(policies.broadcastRead || policies.presenceRead)) {
        return this.shutdown(
          sub,
          `You do not have permissions to read from this Channel topic: ${sub.subTopic}`,
        );
      }
      if (
        (before?.broadcastRead && !policies.broadcastRead) ||
        (before?.presenceRead && !policies.presenceRead)
      ) {
        return this.shutdown(
          sub,
          `You no longer have permission to read from this Channel topic: ${sub.subTopic}`,
        );
      }
      sub.policies = policies;
    }
    this.scheduleTokenCheck(sub);
  }

  private broadcast(sub: Subscription, msg: InboundMessage): void {
    let b: UserBroadcast;
    if (msg.binary) {
      // Realtime does not forward the metadata a client attaches.
      b = { event: msg.binary.event, encoding: msg.binary.encoding, data: msg.binary.data };
    } else {
      const parsed = BroadcastPayload.safeParse(msg.payload);
      if (!parsed.success) return;
      b = {
        event: parsed.data.event,
        encoding: 'json',
        data: Buffer.from(JSON.stringify(parsed.data.payload ?? {})),
      };
    }
    // Without INSERT on realtime.messages a private broadcast is dropped, unacknowledged, as in Realtime.
    if (sub.private && !sub.policies?.broadcastWrite) return;
    this.deps.hub.broadcast(sub.private, sub.subTopic, b, sub.self ? undefined : sub);
    if (sub.ack) this.reply(msg, 'ok', {});
  }

  private presence(sub: Subscription, msg: InboundMessage): void {
    const parsed = PresencePayload.safeParse(msg.payload);
    if (!parsed.success) {
      this.reply(msg, 'ok', {});
      return;
    }
    switch (parsed.data.event.toLowerCase()) {
      case 'track': {
        if (sub.private && !sub.policies?.presenceWrite) {
          this.reply(msg, 'error', {});
          return;
        }
        const payload = parsed.data.payload ?? {};
        if (!isPlainObject(payload)) {
          this.reply(msg, 'error', { reason: 'Presence track payload must be a map' });
          return;
        }
        this.deps.hub.track(sub, payload);
        this.reply(msg, 'ok', {});
        return;
      }
      case 'untrack':
        this.deps.hub.untrack(sub);
        this.reply(msg, 'ok', {});
        return;
      default:
        this.reply(msg, 'error', {});
    }
  }
}
