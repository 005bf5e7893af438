// Who is subscribed to what, and fan-out. Private and public channels of the same name are different
// rooms (as in Supabase Realtime, whose tenant topic carries the public flag). Presence lives on the
// subscriptions themselves: the state of a room is the tracked metas of its members, grouped by key.
import { randomBytes } from 'node:crypto';
import type { JwtClaims } from '../jwt';
import { encodeBroadcast, encodeText, type UserBroadcast, type Vsn } from './frames';
import type { Policies } from './policies';

export interface Peer {
  readonly vsn: Vsn;
  sendRaw(frame: string | Buffer): void;
}

export type PresenceMeta = Record<string, unknown> & { phx_ref: string; phx_ref_prev?: string };
export type PresenceState = Record<string, { metas: PresenceMeta[] }>;

export interface Subscription {
  readonly peer: Peer;
  /** The Phoenix topic, "realtime:<name>". */
  readonly topic: string;
  /** The channel name as RLS sees it through realtime.topic(). */
  readonly subTopic: string;
  readonly private: boolean;
  readonly self: boolean;
  readonly ack: boolean;
  readonly presenceKey: string;
  /** Presence enabled by the join or by a later track: an access_token refresh then re-probes its read. */
  presenceEnabled: boolean;
  joinRef: string | null;
  token: string;
  claims: JwtClaims;
  /** null on public channels, which RLS does not guard; fixed between joins and token refreshes. */
  policies: Policies | null;
  presence: { meta: PresenceMeta; json: string } | null;
  closed: boolean;
}

const roomKey = (isPrivate: boolean, subTopic: string) => `${isPrivate ? 'private' : 'public'}:${subTopic}`;

const newRef = () => randomBytes(8).toString('base64');

const mayReceiveBroadcast = (s: Subscription) => !s.private || s.policies?.broadcastRead === true;
const mayReceivePresence = (s: Subscription) => !s.private || s.policies?.presenceRead === true;

export class Hub {
  private readonly rooms = new Map<string, Set<Subscription>>();

  add(sub: Subscription): void {
    const key = roomKey(sub.private, sub.subTopic);
    let room = this.rooms.get(key);
    if (!room) {
      room = new Set();
      this.rooms.set(key, room);
    }
    room.add(sub);
  }

  /** Removes a subscription; its presence leaves the room. */
  remove(sub: Subscription): void {
    this.untrack(sub);
    const key = roomKey(sub.private, sub.subTopic);
    const room = this.rooms.get(key);
    room?.delete(sub);
    if (room?.size === 0) this.rooms.delete(key);
  }

  /** Rooms and the subscriptions in them: both zero when nobody is subscribed (the leak test reads them). */
  counts(): { rooms: number; subscriptions: number } {
    let subscriptions = 0;
    for (const room of this.rooms.values()) subscriptions += room.size;
    return { rooms: this.rooms.size, subscriptions };
  }

  /** Sends a broadcast to a room, encoded once per protocol version. Returns the number of recipients. */
  broadcast(isPrivate: boolean, subTopic: string, b: UserBroadcast, except?: Subscription): number {
    const room = this.rooms.get(roomKey(isPrivate, subTopic));
    if (!room) return 0;
    const topic = `realtime:${subTopic}`;
    const encoded = new Map<Vsn, string | Buffer | null>();
    let n = 0;
    for (const sub of room) {
      if (sub === except || sub.closed || !mayReceiveBroadcast(sub)) continue;
      let frame = encoded.get(sub.peer.vsn);
      if (frame === undefined) {
        frame = encodeBroadcast(sub.peer.vsn, topic, b);
        encoded.set(sub.peer.vsn, frame);
      }
      if (frame === null) continue;
      sub.peer.sendRaw(frame);
      n++;
    }
    return n;
  }

  presenceState(sub: Subscription): PresenceState {
    const state: PresenceState = {};
    for (const other of this.rooms.get(roomKey(sub.private, sub.subTopic)) ?? []) {
      if (!other.presence) continue;
      const entry = state[other.presenceKey] ?? { metas: [] };
      entry.metas.push(other.presence.meta);
      state[other.presenceKey] = entry;
    }
    return state;
  }

  /** Tracks or updates the subscription's presence; an unchanged payload is a no-op, as in Realtime. */
  track(sub: Subscription, payload: Record<string, unknown>): void {
    const json = JSON.stringify(payload);
    if (sub.presence?.json === json) return;
    const previous = sub.presence?.meta;
    const meta: PresenceMeta = {
      ...payload,
      phx_ref: newRef(),
      ...(previous ? { phx_ref_prev: previous.phx_ref } : {}),
    };
    sub.presence = { meta, json };
    this.presenceDiff(
      sub,
      { [sub.presenceKey]: { metas: [meta] } },
      previous ? { [sub.presenceKey]: { metas: [previous] } } : {},
    );
  }

  untrack(sub: Subscription): void {
    const previous = sub.presence?.meta;
    if (!previous) return;
    sub.presence = null;
    this.presenceDiff(sub, {}, { [sub.presenceKey]: { metas: [previous] } });
  }

  private presenceDiff(from: Subscription, joins: PresenceState, leaves: PresenceState): void {
    const room = this.rooms.get(roomKey(from.private, from.subTopic));
    if (!room) return;
    const encoded = new Map<Vsn, string>();
    for (const sub of room) {
      if (sub.closed || !mayReceivePresence(sub)) continue;
      let frame = encoded.get(sub.peer.vsn);
      if (frame === undefined) {
        frame = encodeText(sub.peer.vsn, {
          joinRef: null,
          ref: null,
          topic: from.topic,
          event: 'presence_diff',
          payload: { joins, leaves },
        });
        encoded.set(sub.peer.vsn, frame);
      }
      sub.peer.sendRaw(frame);
    }
  }
}
