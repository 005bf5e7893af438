// One WebSocket speaking the Phoenix protocol the way Supabase Realtime's RealtimeChannel answers it
// (supabase/realtime lib/realtime_web/channels/realtime_channel.ex): join, leave, heartbeat, access_token
// refresh, broadcast, presence. Frames of one socket are handled in order, one at a time, like a Phoenix
// channel process.
//
// When a private channel is authorized, exactly as Realtime does it, and at no other moment:
// - at join: the token (confirm_token), then the READ policies (maybe_assign_policies → broadcast, and
//   presence when the join enables presence); refused when neither may be read;
// - on `access_token` with a new token: the token again, the policies are reset and the reads probed again;
//   the channel ends when nothing may be read any more or a read it had is lost;
// - the WRITE policies lazily, at the first broadcast / presence track after a join or refresh
//   (broadcast_handler.ex, presence_handler.ex), then kept;
// - on a timer (confirm_token, every min(5 min, time to exp)): the token only, never RLS; an expired token
//   ends the channel with "Token has expired N seconds ago".
// Messages reaching a joined channel (from realtime.send, the REST API or other clients) are filtered by
// the read policies found at that moment (message_dispatcher.ex), never re-checked per message. So a member
// whose access ends keeps receiving on a channel already joined until it refreshes its token or rejoins.
import { randomUUID } from 'node:crypto';
import WebSocket, { type RawData } from 'ws';
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
import { AccessTokenPayload, BroadcastPayload, JoinPayload } from './payloads';
import { type Policies, probeRead, probeWrite } from './policies';
import { handlePresence } from './presence-handler';
import type { RateCounter } from './rate-counter';
import { checkToken, msUntilExpiry, shutdownMessage } from './tokens';

export interface ConnectionOptions {
  /** Closes a socket that sent nothing (not even a heartbeat) for this long; Phoenix's default is 60 s. */
  idleTimeoutMs: number;
  /** Upper bound between two checks of a channel's token (Realtime's @confirm_token_ms_interval, 5 min). */
  tokenCheckMs: number;
  /** A client that lets this much pile up unread is dropped rather than buffered without end. */
  maxBufferedBytes: number;
  /** Channels one socket may hold (tenant max_channels_per_client, TENANT_MAX_CHANNELS_PER_CLIENT = 100). */
  maxChannelsPerClient: number;
  /** Tenant max_payload_size_in_kb (default 3000): the largest presence track, see presence-handler.ts. */
  maxPayloadKb: number;
}

export interface ConnectionDeps {
  hub: Hub;
  /** The tenant's joins per second (limit_joins), shared by every socket of the stand-in's one tenant. */
  joins: RateCounter;
  db: Database;
  verifyJwt(token: string): Promise<JwtClaims>;
  log(line: string): void;
}

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
    // limit_joins, then limit_channels (realtime_channel.ex join/3), before the token. Too many joins also
    // disconnects the socket (a "disconnect" broadcast to the transport), after the error reply.
    if (!this.deps.joins.take()) {
      this.reply(msg, 'error', { reason: 'ClientJoinRateLimitReached: Too many joins per second' });
      this.close(1000, 'disconnect');
      return;
    }
    if (this.channels.size >= this.opts.maxChannelsPerClient) {
      this.reply(msg, 'error', { reason: 'ChannelRateLimitReached: Too many channels' });
      return;
    }

    const parsed = JoinPayload.safeParse(msg.payload);
    const join = parsed.success ? parsed.data : {};
    const config = join.config ?? {};
    const token = this.joinToken(join.access_token, join.user_token);
    const check = await checkToken(this.deps.verifyJwt, token);
    if (!check.ok) {
      this.reply(msg, 'error', { reason: `${check.code}: ${check.message}` });
      return;
    }
    const subTopic = msg.topic.slice('realtime:'.length);
    const isPrivate = config.private === true;
    const presenceEnabled = config.presence?.enabled === true;
    let policies: Policies | null = null;
    if (isPrivate) {
      // maybe_assign_policies: reads only; presence only when this join enables it.
      policies = await probeRead(this.deps.db, subTopic, check.claims, { presence: presenceEnabled });
      if (!(policies.broadcastRead || policies.presenceRead)) {
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
      presenceEnabled,
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

  /**
   * The token a channel acts with (realtime_channel.ex assign_access_token): the socket's own when the join
   * names an `sb_…` key or nothing, otherwise `user_token` before `access_token`.
   */
  private joinToken(accessToken: string | null | undefined, userToken: string | null | undefined): string {
    if ((accessToken || userToken)?.startsWith('sb_')) return this.apikey;
    return userToken || accessToken || this.apikey;
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

  /** confirm_token's timer: min(5 min, time to exp); it checks the token only, never the policies. */
  private scheduleTokenCheck(sub: Subscription): void {
    clearTimeout(this.tokenTimers.get(sub));
    const delay = Math.max(0, Math.min(this.opts.tokenCheckMs, msUntilExpiry(sub.claims)));
    const timer = setTimeout(() => {
      void this.enqueue(async () => {
        if (sub.closed) return;
        const check = await checkToken(this.deps.verifyJwt, sub.token);
        if (!check.ok) return this.shutdown(sub, shutdownMessage(check));
        this.scheduleTokenCheck(sub);
      });
    }, delay);
    timer.unref();
    this.tokenTimers.set(sub, timer);
  }

  /** handle_in("access_token"): a new token is confirmed and the reads probed again with it. */
  private async refreshToken(sub: Subscription, msg: InboundMessage): Promise<void> {
    const parsed = AccessTokenPayload.safeParse(msg.payload);
    const token = parsed.success ? parsed.data.access_token : undefined;
    // An sb_ key, the same token or none: ignored.
    if (!token || token.startsWith('sb_') || token === sub.token) return;
    const previous = sub.policies;
    sub.token = token;
    const check = await checkToken(this.deps.verifyJwt, token);
    if (!check.ok) return this.shutdown(sub, shutdownMessage(check));
    if (sub.closed) return;
    sub.claims = check.claims;
    if (sub.private) {
      const policies = await probeRead(this.deps.db, sub.subTopic, check.claims, {
        presence: sub.presenceEnabled,
      });
      if (sub.closed) return;
      if (!(policies.broadcastRead || policies.presenceRead)) {
        return this.shutdown(
          sub,
          `You do not have permissions to read from this Channel topic: ${sub.subTopic}`,
        );
      }
      // check_read_permissions_revoked: a read that was true and is now false ends the channel.
      if (
        (previous?.broadcastRead === true && policies.broadcastRead === false) ||
        (previous?.presenceRead === true && policies.presenceRead === false)
      ) {
        return this.shutdown(
          sub,
          `You no longer have permission to read from this Channel topic: ${sub.subTopic}`,
        );
      }
      // Until here messages were still filtered by the old reads (Realtime swaps the fastlane metadata only
      // now, maybe_resubscribe_fastlane). The writes start unevaluated: probed again at the next send.
      sub.policies = policies;
    }
    this.scheduleTokenCheck(sub);
  }

  private async broadcast(sub: Subscription, msg: InboundMessage): Promise<void> {
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
    if (sub.private) {
      // broadcast_handler.ex: the write policies are probed at the first broadcast, then kept.
      if (sub.policies?.broadcastWrite == null) {
        sub.policies = await probeWrite(this.deps.db, sub.subTopic, sub.claims, sub.policies ?? undefined);
        if (sub.closed) return;
      }
      // Without INSERT on realtime.messages a private broadcast is dropped, unacknowledged, as in Realtime.
      if (!sub.policies.broadcastWrite) return;
    }
    this.deps.hub.broadcast(sub.private, sub.subTopic, b, sub.self ? undefined : sub);
    if (sub.ack) this.reply(msg, 'ok', {});
  }

  private presence(sub: Subscription, msg: InboundMessage): Promise<void> {
    return handlePresence(
      {
        db: this.deps.db,
        hub: this.deps.hub,
        maxPayloadBytes: this.opts.maxPayloadKb * 1000 + 500,
        reply: (status, response) => this.reply(msg, status, response),
        shutdown: (message) => this.shutdown(sub, message),
      },
      sub,
      msg.payload,
    );
  }

  /** What this socket holds, for the stand-in's own leak test. */
  counts(): { channels: number; tokenTimers: number } {
    return { channels: this.channels.size, tokenTimers: this.tokenTimers.size };
  }
}
