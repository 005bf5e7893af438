// The Realtime channels one sync engine holds, and what their statuses say about the socket. A channel is
// tracked from before its subscribe until it is left, so a status that arrives for a channel already left
// (or replaced by a rejoin) is recognised as stale and ignored. What a status means for syncing — pull after
// a (re)join, check the server when a joined channel drops — is the engine's to decide (ChannelHooks.status).
import type { RealtimeChannel } from '@supabase/supabase-js';
import type { Backend } from '../backend/client';

export type Events = Record<string, (payload: unknown) => void>;
export type Presence = { key: string; meta: Record<string, string> };

interface Slot {
  channel: RealtimeChannel;
  live: boolean;
  /** The server ended the channel (phx_close: token expired, refresh refused); rejoined on the poll beat. */
  closed: boolean;
  events: Events;
  presence?: Presence | undefined;
}

export interface ChannelHooks {
  /** A current channel's status changed; `wasLive` is whether it was joined before. */
  status(topic: string, live: boolean, wasLive: boolean): void;
  /** The presence of a channel joined with presence changed. */
  presence(): void;
}

export class Channels {
  private readonly slots = new Map<string, Slot>();
  // The socket failed to connect, and whether a pull got through since: "blocked" needs both, so a server
  // that is down altogether reads as offline, not as blocked WebSockets.
  private socketFailing = false;
  private pulledSinceSocketFailed = false;

  constructor(
    private readonly backend: Backend,
    private readonly hooks: ChannelHooks,
  ) {}

  has(topic: string): boolean {
    return this.slots.has(topic);
  }

  channel(topic: string): RealtimeChannel | undefined {
    return this.slots.get(topic)?.channel;
  }

  topics(): string[] {
    return [...this.slots.keys()];
  }

  /** At least one channel, and every one of them joined. */
  allJoined(): boolean {
    if (this.slots.size === 0) return false;
    for (const s of this.slots.values()) if (!s.live) return false;
    return true;
  }

  /** The socket does not get through while a pull just did: WebSockets refused, not the server down. */
  socketBlocked(): boolean {
    return this.socketFailing && this.pulledSinceSocketFailed;
  }

  /** A pull reached the server. */
  pulled(): void {
    if (this.socketFailing) this.pulledSinceSocketFailed = true;
  }

  join(topic: string, events: Events, presence?: Presence): RealtimeChannel {
    const slot: Slot = {
      channel: undefined as unknown as RealtimeChannel,
      live: false,
      closed: false,
      events,
      presence,
    };
    // In the map before subscribing, so that a status the backend reports at once is not taken as stale.
    this.slots.set(topic, slot);
    slot.channel = this.backend.subscribe(
      topic,
      {
        broadcast: events,
        status: (status) => {
          // A channel this engine left says nothing about the connection any more.
          if (this.slots.get(topic) !== slot) return;
          const wasLive = slot.live;
          slot.live = status === 'SUBSCRIBED';
          slot.closed = status === 'CLOSED';
          this.noteSocket(status);
          if (slot.live && presence) void slot.channel.track(presence.meta).catch(() => {});
          this.hooks.status(topic, slot.live, wasLive);
        },
        ...(presence ? { presence: () => this.hooks.presence() } : {}),
      },
      presence?.key,
    );
    return slot.channel;
  }

  /** Leaves, at once, every channel whose topic matches. */
  leave(matches: (topic: string) => boolean): void {
    for (const [topic, slot] of this.slots) {
      if (!matches(topic)) continue;
      this.slots.delete(topic);
      void this.backend.unsubscribe(slot.channel);
    }
  }

  /** Channels the server ended are not rejoined by realtime-js; this joins them again. */
  rejoinClosed(): void {
    for (const [topic, slot] of this.slots) {
      if (!slot.closed) continue;
      this.slots.delete(topic);
      void this.backend.unsubscribe(slot.channel);
      this.join(topic, slot.events, slot.presence);
    }
  }

  async leaveAll(): Promise<void> {
    const slots = [...this.slots.values()];
    this.slots.clear();
    for (const s of slots) await this.backend.unsubscribe(s.channel);
  }

  // A join refused by the server (authorization) leaves the socket open; only a socket that is not open
  // while a channel errs or times out counts as the network refusing it.
  private noteSocket(status: string): void {
    if (status === 'SUBSCRIBED') this.socketFailing = false;
    else if ((status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') && !this.backend.socketOpen()) {
      if (!this.socketFailing) this.pulledSinceSocketFailed = false;
      this.socketFailing = true;
    }
  }
}
