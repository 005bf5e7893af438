// Realtime over the connection: private broadcast channels (with presence), and the socket's state.
import type { RealtimeChannel } from '@supabase/supabase-js';
import type { Connection } from './connection';

export type RealtimeStatus = 'SUBSCRIBED' | 'TIMED_OUT' | 'CLOSED' | 'CHANNEL_ERROR';

export interface ChannelHandlers {
  /** Broadcast events by name; the payload is untrusted and parsed by the caller. */
  broadcast: Record<string, (payload: unknown) => void>;
  status?: (status: RealtimeStatus) => void;
  presence?: () => void;
}

/** Joins a private broadcast channel; returns a function that leaves it. */
export function subscribe(
  c: Connection,
  topic: string,
  handlers: ChannelHandlers,
  presenceKey?: string,
): RealtimeChannel {
  const channel = c.client.channel(topic, {
    config: {
      private: true,
      broadcast: { self: true },
      ...(presenceKey ? { presence: { key: presenceKey } } : {}),
    },
  });
  for (const [event, cb] of Object.entries(handlers.broadcast)) {
    channel.on('broadcast', { event }, (msg: { payload?: unknown }) => cb(msg.payload));
  }
  if (handlers.presence) channel.on('presence', { event: 'sync' }, handlers.presence);
  channel.subscribe((status) => handlers.status?.(status as RealtimeStatus));
  return channel;
}

/** Realtime's socket is open (a channel error with it closed is the network, not a refused join). */
export function socketOpen(c: Connection): boolean {
  return c.client.realtime.isConnected();
}

export async function unsubscribe(c: Connection, channel: RealtimeChannel): Promise<void> {
  await c.client.removeChannel(channel).catch(() => {});
}

export async function closeRealtime(c: Connection): Promise<void> {
  await c.client.removeAllChannels().catch(() => {});
  c.client.realtime.disconnect();
}
